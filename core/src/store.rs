//! Where tokens and device secrets live: the [`SecretStore`] trait, the key scheme, and the
//! records kept under each key.
//!
//! **Key scheme** (one rule for every platform): every key starts with
//! `cognito-auth/<user pool id>/<app client id>/`, and everything about a user is keyed by
//! Cognito's *canonical* username — the `username` claim of the access token, which is also
//! `USER_ID_FOR_SRP` (for pools that sign in with an e-mail or phone number this is the user's
//! `sub`, not what was typed). A device remembered after signing in with `alice@example.com`
//! is found again whether the user next types the e-mail, the phone number or the username:
//! in SRP flows Cognito names the canonical user in the `PASSWORD_VERIFIER` challenge
//! (`USER_ID_FOR_SRP`), and the device stored under that name answers; and what the user typed is
//! mapped to the canonical name under `alias/<typed name, lower-cased>`, so flows that must send
//! `DEVICE_KEY` with `InitiateAuth` (`USER_PASSWORD_AUTH`) find it too.
//!
//! | key (after the prefix) | value |
//! | --- | --- |
//! | `current-user` | the canonical username of the signed-in user |
//! | `pending-sign-in` | a sign-in waiting for the user's answer (no password), to resume after a restart |
//! | `alias/<typed>` | the canonical username |
//! | `user/<canonical>/tokens` | [`StoredTokens`] as JSON |
//! | `user/<canonical>/device` | [`StoredDevice`] as JSON |

use std::collections::HashMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use zeroize::Zeroizing;

use crate::error::AuthError;

/// A failure of the secret store. Its message must not contain the value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct StoreError {
    /// What failed.
    pub message: String,
    /// Whether the store is unavailable now, or holds a record it cannot read.
    pub kind: StoreErrorKind,
}

/// How a secret store failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    /// The store cannot be used now (the device is locked, the disk is full, a platform call
    /// failed): trying again later may work.
    Unavailable,
    /// A record exists but cannot be read: it fails authentication, it was written with a key
    /// that is gone (a backup restored onto another device, a wiped Keystore), or it is damaged.
    /// It will never become readable: the app clears this client's local state
    /// ([`AuthClient::reset_local_state`](crate::AuthClient::reset_local_state)) and the user
    /// signs in again.
    Unreadable,
}

impl StoreError {
    /// The store cannot be used now.
    pub fn new(message: impl Into<String>) -> StoreError {
        StoreError {
            message: message.into(),
            kind: StoreErrorKind::Unavailable,
        }
    }

    /// A record exists but can never be read.
    pub fn unreadable(message: impl Into<String>) -> StoreError {
        StoreError {
            message: message.into(),
            kind: StoreErrorKind::Unreadable,
        }
    }
}

impl From<StoreError> for AuthError {
    fn from(error: StoreError) -> AuthError {
        match error.kind {
            StoreErrorKind::Unavailable => AuthError::Storage {
                detail: error.message,
            },
            StoreErrorKind::Unreadable => AuthError::LocalStateUnreadable {
                detail: error.message,
            },
        }
    }
}

/// Secure storage for tokens and device secrets: the iOS Keychain, the Android Keystore, an
/// app's own vault, or an encrypted file. Implementations must fail loudly: never fall back to
/// memory without saying so.
pub trait SecretStore: Send + Sync {
    /// The value under `key`, or `None` if there is none.
    fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Stores `value` under `key`, replacing any previous value.
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError>;
    /// Removes `key`; removing a missing key is not an error.
    fn delete(&self, key: &str) -> Result<(), StoreError>;
}

/// A store in process memory, **for tests only**: everything is lost when the process ends.
#[derive(Default)]
pub struct InMemoryStore {
    values: Mutex<HashMap<String, Zeroizing<String>>>,
}

impl InMemoryStore {
    /// An empty store.
    pub fn new() -> InMemoryStore {
        InMemoryStore::default()
    }

    /// The keys present (for tests).
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.lock().keys().cloned().collect();
        keys.sort();
        keys
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Zeroizing<String>>> {
        self.values
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl SecretStore for InMemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.lock().get(key).map(|v| v.to_string()))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.lock()
            .insert(key.to_owned(), Zeroizing::new(value.to_owned()));
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.lock().remove(key);
        Ok(())
    }
}

/// Tokens of the signed-in user.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub(crate) struct StoredTokens {
    pub access_token: String,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
    /// Seconds since the epoch (client clock) when the access token expires.
    pub expires_at: u64,
}

/// Where a device is in its life.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub(crate) enum StoredDeviceState {
    /// Secret generated and saved; `ConfirmDevice` not yet answered.
    Pending,
    /// Confirmed and remembered.
    Remembered,
    /// Confirmed, not remembered.
    NotRemembered,
    /// Forgotten on this device: only the key is kept, to report the status; the secret is gone.
    Forgotten,
}

impl StoredDeviceState {
    /// Whether the device can answer `DEVICE_SRP_AUTH` (confirmed and not forgotten).
    pub fn usable(self) -> bool {
        matches!(
            self,
            StoredDeviceState::Remembered | StoredDeviceState::NotRemembered
        )
    }
}

/// A device's key and secret.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub(crate) struct StoredDevice {
    pub device_key: String,
    pub device_group_key: String,
    pub device_secret: String,
    pub state: StoredDeviceState,
}

impl Drop for StoredDevice {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.device_secret.zeroize();
    }
}

/// The keys of one app client, and typed access to the records.
pub(crate) struct Keys {
    prefix: String,
}

impl Keys {
    pub fn new(user_pool_id: &str, client_id: &str) -> Keys {
        Keys {
            prefix: format!("cognito-auth/{user_pool_id}/{client_id}/"),
        }
    }

    pub fn pending_sign_in(&self) -> String {
        format!("{}pending-sign-in", self.prefix)
    }

    pub fn current_user(&self) -> String {
        format!("{}current-user", self.prefix)
    }

    pub fn alias(&self, typed: &str) -> String {
        format!("{}alias/{}", self.prefix, typed.trim().to_lowercase())
    }

    pub fn tokens(&self, username: &str) -> String {
        format!("{}user/{username}/tokens", self.prefix)
    }

    pub fn device(&self, username: &str) -> String {
        format!("{}user/{username}/device", self.prefix)
    }
}

/// Reads a JSON record; a record that does not parse is reported, not ignored.
pub(crate) fn read_json<T: for<'de> Deserialize<'de>>(
    store: &dyn SecretStore,
    key: &str,
) -> Result<Option<T>, AuthError> {
    match store.get(key)? {
        None => Ok(None),
        Some(text) => {
            let text = Zeroizing::new(text);
            serde_json::from_str(&text).map(Some).map_err(|e| {
                AuthError::from(StoreError::unreadable(format!(
                    "a stored record is not in the expected format ({})",
                    crate::error::describe_json_error(&e)
                )))
            })
        }
    }
}

/// Writes a JSON record.
pub(crate) fn write_json<T: Serialize>(
    store: &dyn SecretStore,
    key: &str,
    value: &T,
) -> Result<(), AuthError> {
    let text = Zeroizing::new(
        serde_json::to_string(value).map_err(|e| AuthError::Storage {
            detail: format!("cannot encode {key}: {e}"),
        })?,
    );
    store.set(key, &text).map_err(AuthError::from)
}
