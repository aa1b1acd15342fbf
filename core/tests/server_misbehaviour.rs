//! A server that misbehaves in ways the emulator never would: the client stops and reports it
//! instead of looping (a transport written here answers every call).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use cognito_auth_core::api::{ApiError, ApiFuture, CognitoApi};
use cognito_auth_core::{
    AuthClient, AuthConfig, AuthError, Endpoint, InMemoryStore, SecretStore, SystemClock,
};
use serde_json::{json, Value};

/// Answers `ListDevices` with an empty page and a next-page token: a new one each time, or
/// always the same one.
struct EndlessPages {
    calls: AtomicUsize,
    same_token: bool,
}

impl CognitoApi for EndlessPages {
    fn call(&self, operation: &'static str, _body: Value) -> ApiFuture<'_> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        let token = if self.same_token {
            "again".to_owned()
        } else {
            format!("page-{n}")
        };
        Box::pin(async move {
            match operation {
                "ListDevices" => Ok(json!({ "Devices": [], "PaginationToken": token })),
                other => Err(ApiError::InvalidResponse(format!("unexpected {other}"))),
            }
        })
    }
}

/// A client whose store holds a signed-in user with tokens valid for an hour.
fn signed_in_client(api: Arc<EndlessPages>) -> AuthClient {
    let store = Arc::new(InMemoryStore::new());
    let prefix = "cognito-auth/us-east-1_AbCdEf123/client/";
    let expires_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    store.set(&format!("{prefix}current-user"), "u").unwrap();
    store
        .set(
            &format!("{prefix}user/u/tokens"),
            &json!({ "access_token": "a.b.c", "id_token": null, "refresh_token": "r",
                     "expires_at": expires_at })
            .to_string(),
        )
        .unwrap();
    let config = AuthConfig::new(
        Endpoint::Url("https://cognito.example.com".into()),
        "us-east-1_AbCdEf123",
        "client",
    );
    AuthClient::with_api(config, api, store, Arc::new(SystemClock))
}

#[tokio::test]
async fn fetch_devices_stops_after_a_bounded_number_of_pages() {
    let api = Arc::new(EndlessPages {
        calls: AtomicUsize::new(0),
        same_token: false,
    });
    let client = signed_in_client(api.clone());
    let error = client.fetch_devices().await.unwrap_err();
    assert!(
        matches!(&error, AuthError::InvalidResponse { detail } if detail.contains("kept returning pages")),
        "{error:?}"
    );
    assert_eq!(api.calls.load(Ordering::SeqCst), 100);
}

#[tokio::test]
async fn fetch_devices_stops_when_a_page_token_repeats() {
    let api = Arc::new(EndlessPages {
        calls: AtomicUsize::new(0),
        same_token: true,
    });
    let client = signed_in_client(api.clone());
    let error = client.fetch_devices().await.unwrap_err();
    assert!(
        matches!(&error, AuthError::InvalidResponse { detail } if detail.contains("same page token")),
        "{error:?}"
    );
    assert_eq!(api.calls.load(Ordering::SeqCst), 2);
}
