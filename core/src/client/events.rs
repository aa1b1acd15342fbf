//! Auth events, for apps that react to sign-in state changes (UI, analytics, cache clearing).

use std::sync::{Arc, Mutex};

/// Something that happened to the session or the device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthEvent {
    /// A user signed in (Cognito's canonical username).
    SignedIn {
        /// The canonical username.
        username: String,
    },
    /// The user signed out (locally or globally).
    SignedOut,
    /// The refresh token was rejected: the user must sign in again.
    SessionExpired,
    /// The tokens were refreshed.
    TokensRefreshed,
    /// This device was tracked and remembered, or remembered later.
    DeviceRemembered {
        /// The device key.
        device_key: String,
    },
    /// A device of the user was forgotten (this one, or another by its key).
    DeviceForgotten {
        /// The device key.
        device_key: String,
    },
}

/// Receives [`AuthEvent`]s. Called on the task that caused the event; keep it quick.
pub trait AuthEventListener: Send + Sync {
    /// One event.
    fn on_auth_event(&self, event: AuthEvent);
}

/// The listeners of one client.
#[derive(Default)]
pub(super) struct Listeners {
    listeners: Mutex<Vec<Arc<dyn AuthEventListener>>>,
}

impl Listeners {
    pub fn add(&self, listener: Arc<dyn AuthEventListener>) {
        self.lock().push(listener);
    }

    pub fn emit(&self, event: AuthEvent) {
        let listeners: Vec<_> = self.lock().clone();
        for listener in listeners {
            listener.on_auth_event(event.clone());
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Arc<dyn AuthEventListener>>> {
        self.listeners
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
