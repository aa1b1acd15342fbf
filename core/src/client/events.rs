//! Auth events, for apps that react to sign-in state changes (UI, analytics, cache clearing).

use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

/// Something that happened to the session or the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "event",
    rename_all = "SCREAMING_SNAKE_CASE",
    rename_all_fields = "camelCase"
)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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
    /// The tokens could not be refreshed (offline, throttled, a server error); they are kept
    /// and the user is still signed in. A rejected refresh token is
    /// [`AuthEvent::SessionExpired`] instead.
    TokenRefreshFailed,
    /// The user deleted their account ([`AuthClient::delete_user`](crate::AuthClient::delete_user));
    /// everything stored for them here was cleared.
    UserDeleted,
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

/// Identifies an added listener, to remove it later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ListenerId(pub u64);

/// The last id handed out, and the listeners by id.
type Registry = (u64, Vec<(u64, Arc<dyn AuthEventListener>)>);

/// The listeners of one client.
#[derive(Default)]
pub(super) struct Listeners {
    listeners: Mutex<Registry>,
}

impl Listeners {
    pub fn add(&self, listener: Arc<dyn AuthEventListener>) -> ListenerId {
        let mut guard = self.lock();
        let (next, list) = &mut *guard;
        *next += 1;
        list.push((*next, listener));
        ListenerId(*next)
    }

    pub fn remove(&self, id: ListenerId) -> bool {
        let mut guard = self.lock();
        let before = guard.1.len();
        guard.1.retain(|(i, _)| *i != id.0);
        guard.1.len() != before
    }

    pub fn emit(&self, event: AuthEvent) {
        let listeners: Vec<_> = self.lock().1.iter().map(|(_, l)| l.clone()).collect();
        for listener in listeners {
            listener.on_auth_event(event.clone());
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.listeners
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
