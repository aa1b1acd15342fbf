//! The async runtime.
//!
//! The core's HTTPS transport is hyper with hyper-util's `TokioExecutor`: connections, timeouts
//! and the connection pool's background tasks need a tokio runtime *context* while its futures
//! are polled. Kotlin and Swift poll Rust futures from their own threads (UniFFI's
//! `rust_future_poll`), where there is none.
//!
//! Every async method of [`crate::AuthClient`] is exported with
//! `#[uniffi::export(async_runtime = "tokio")]`: UniFFI then wraps the future in
//! `async_compat::Compat`, which enters a process-wide tokio runtime (created on first use,
//! one background thread driving IO and timers) on each poll. Cancelling the foreign call
//! (Kotlin coroutine cancellation, Swift task cancellation) drops the Rust future, which cancels
//! the HTTP call; nothing is left running in the background.
//!
//! [`with_runtime`] is the same wrapper, for Rust callers of this crate (and its tests) that poll
//! the client's futures from outside tokio.

use std::future::Future;

/// `future`, polled inside the process-wide tokio runtime context (exactly what UniFFI does for
/// the exported async methods).
pub fn with_runtime<F: Future>(future: F) -> impl Future<Output = F::Output> {
    uniffi::deps::async_compat::Compat::new(future)
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    use std::thread::Thread;

    use super::*;
    use crate::store::tests::MockStore;
    use crate::{AuthClient, AuthError};
    use cognito_auth_core::{AuthConfig, Endpoint};

    /// A minimal executor with no tokio anywhere, like a Kotlin or Swift thread.
    fn block_on<F: Future>(future: F) -> F::Output {
        struct ThreadWaker(Thread);
        impl Wake for ThreadWaker {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut future = std::pin::pin!(future);
        loop {
            match future.as_mut().poll(&mut cx) {
                Poll::Ready(output) => return output,
                Poll::Pending => std::thread::park(),
            }
        }
    }

    /// A one-shot HTTP server answering every request with a Cognito exception.
    fn cognito_stub(exception: &'static str) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming().take(4) {
                let mut stream = stream.unwrap();
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                // Read the headers and the JSON body (small) until the body's closing brace.
                loop {
                    let n = stream.read(&mut buf).unwrap();
                    request.extend_from_slice(&buf[..n]);
                    if n == 0 || request.ends_with(b"}") {
                        break;
                    }
                }
                let body = format!(r#"{{"__type":"{exception}","message":"stubbed"}}"#);
                let response = format!(
                    "HTTP/1.1 400 Bad Request\r\ncontent-type: application/x-amz-json-1.1\r\nx-amzn-errortype: {exception}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                stream.write_all(response.as_bytes()).unwrap();
            }
        });
        endpoint
    }

    #[test]
    fn client_calls_work_when_polled_from_a_thread_without_tokio() {
        let endpoint = cognito_stub("UserNotFoundException");
        let config = AuthConfig::new(Endpoint::Url(endpoint), "us-east-1_Stub12345", "stubclient");
        let store = Arc::new(MockStore::default());
        let client = AuthClient::new(config, store.clone()).unwrap();
        assert!(tokio::runtime::Handle::try_current().is_err());
        let error = block_on(with_runtime(client.sign_in(
            "nobody".into(),
            Some("Passw0rd!".into()),
            None,
        )))
        .unwrap_err();
        match error {
            AuthError::Service {
                exception_name,
                service_message,
                retryable,
                ..
            } => {
                assert_eq!(exception_name, "UserNotFoundException");
                assert_eq!(service_message, "stubbed");
                assert!(!retryable);
            }
            other => panic!("{other:?}"),
        }
        // The core asked the host store for the user's device before calling Cognito.
        assert!(!store.calls.lock().unwrap().is_empty());
    }

    #[test]
    fn an_unreachable_endpoint_is_a_retryable_network_error() {
        // A port nobody listens on.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = AuthConfig {
            device_name: Some("unit test".into()),
            refresh_margin_seconds: 60,
            ..AuthConfig::new(
                Endpoint::Url(format!("http://127.0.0.1:{port}")),
                "us-east-1_Stub12345",
                "stubclient",
            )
        };
        let client = AuthClient::new(config, Arc::new(MockStore::default())).unwrap();
        let error = block_on(with_runtime(client.reset_password("alice".into()))).unwrap_err();
        assert!(
            matches!(
                error,
                AuthError::Network {
                    retryable: true,
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn a_bad_endpoint_fails_at_construction() {
        let config = AuthConfig::new(
            Endpoint::Url("ftp://example".into()),
            "us-east-1_Stub12345",
            "stubclient",
        );
        let error = AuthClient::new(config, Arc::new(MockStore::default()))
            .err()
            .expect("refused");
        assert!(matches!(error, AuthError::InvalidInput { .. }), "{error:?}");
    }
}
