//! Auth events: the core's [`cognito_auth_core::AuthEventListener`] as a foreign trait, so apps
//! can react in Kotlin / Swift (UI state, analytics, cache clearing). The events are the core's
//! own [`AuthEvent`].

use std::sync::Arc;

use cognito_auth_core::{AuthEvent, AuthEventListener as CoreListener};

/// Receives [`AuthEvent`]s, implemented by the app. Called on the Rust thread that caused the
/// event, in the middle of the operation: keep it quick (post to the main thread / a flow) and
/// do not call the client back from it. It must not throw; an exception is ignored.
#[uniffi::export(with_foreign)]
pub trait AuthEventListener: Send + Sync {
    /// One event.
    fn on_auth_event(&self, event: AuthEvent);
}

/// A host listener seen as the core's listener.
pub(crate) struct ForeignListener(pub(crate) Arc<dyn AuthEventListener>);

impl CoreListener for ForeignListener {
    fn on_auth_event(&self, event: AuthEvent) {
        let listener = &self.0;
        // A foreign exception surfaces as a Rust panic; it must not abort the auth operation
        // that emitted the event.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            listener.on_auth_event(event)
        }));
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Mutex;

    use super::*;

    /// A mock host listener recording the events.
    #[derive(Default)]
    pub(crate) struct MockListener {
        pub events: Mutex<Vec<AuthEvent>>,
    }

    impl AuthEventListener for MockListener {
        fn on_auth_event(&self, event: AuthEvent) {
            self.events.lock().unwrap().push(event);
        }
    }

    struct PanickingListener;

    impl AuthEventListener for PanickingListener {
        fn on_auth_event(&self, _event: AuthEvent) {
            panic!("the host listener threw");
        }
    }

    #[test]
    fn core_events_reach_the_host_listener_converted() {
        let mock = Arc::new(MockListener::default());
        let listener = ForeignListener(mock.clone());
        listener.on_auth_event(AuthEvent::SignedIn {
            username: "alice".into(),
        });
        listener.on_auth_event(AuthEvent::DeviceRemembered {
            device_key: "us-east-1_d".into(),
        });
        listener.on_auth_event(AuthEvent::DeviceForgotten {
            device_key: "us-east-1_d".into(),
        });
        listener.on_auth_event(AuthEvent::TokensRefreshed);
        listener.on_auth_event(AuthEvent::SessionExpired);
        listener.on_auth_event(AuthEvent::SignedOut);
        assert_eq!(
            *mock.events.lock().unwrap(),
            [
                AuthEvent::SignedIn {
                    username: "alice".into()
                },
                AuthEvent::DeviceRemembered {
                    device_key: "us-east-1_d".into()
                },
                AuthEvent::DeviceForgotten {
                    device_key: "us-east-1_d".into()
                },
                AuthEvent::TokensRefreshed,
                AuthEvent::SessionExpired,
                AuthEvent::SignedOut,
            ]
        );
    }

    #[test]
    fn a_throwing_listener_does_not_break_the_caller() {
        let listener = ForeignListener(Arc::new(PanickingListener));
        listener.on_auth_event(AuthEvent::SignedOut);
    }
}
