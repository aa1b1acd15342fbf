//! # cognito-auth-keychain
//!
//! A [`SecretStore`] in the Apple Keychain, for iOS, iPadOS, macOS, tvOS, watchOS and visionOS
//! apps.
//!
//! ```no_run
//! # #[cfg(target_vendor = "apple")]
//! # fn main() {
//! use std::sync::Arc;
//! use cognito_auth_core::SecretStore;
//! use cognito_auth_keychain::{KeychainConfig, KeychainStore};
//!
//! let config = KeychainConfig::new("com.example.app.cognito")
//!     .with_access_group("ABCDE12345.com.example.shared"); // optional
//! let store: Arc<dyn SecretStore> = Arc::new(KeychainStore::new(config));
//! # }
//! # #[cfg(not(target_vendor = "apple"))]
//! # fn main() {}
//! ```
//!
//! ## What happens
//!
//! * Each key is one **generic password** item (`kSecClassGenericPassword`) with
//!   `kSecAttrService` = the configured service name (default `"cognito-auth"`),
//!   `kSecAttrAccount` = the store key (e.g. `cognito-auth/<pool>/<client>/user/<name>/tokens`)
//!   and, if configured, `kSecAttrAccessGroup` (to share with an app extension; the group must be
//!   in the app's `keychain-access-groups` entitlement). The value is the item's data (UTF-8).
//! * Items are `kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly`: readable in the background
//!   once the user has unlocked the device after it started, **never synced** to iCloud Keychain
//!   and **never restored** to another device from a backup — a restored phone signs in again and
//!   remembers itself as a new device, which is what Cognito expects of device keys.
//! * On macOS the items go to the data-protection keychain (`kSecUseDataProtectionKeychain`),
//!   which needs a signed app with a keychain entitlement; an unsigned command-line tool should
//!   use `cognito-auth-file-store` instead, or turn this off with
//!   [`KeychainConfig::use_data_protection_keychain`] to use the login keychain (where the
//!   accessibility attribute does not apply).
//! * [`set`](SecretStore::set) adds the item, and updates it (data and accessibility) if it
//!   exists. [`get`](SecretStore::get) of a missing item is `None`; [`delete`](SecretStore::delete)
//!   of a missing item is fine.
//! * Every other Keychain status is a [`StoreError`] naming the `OSStatus`. In particular, before
//!   the first unlock after a restart the Keychain answers `errSecInteractionNotAllowed`; that is
//!   an error saying the device is locked — the store **never** falls back to memory or a file.
//! * Errors and `Debug` output never contain a value, and not the key's name either (it contains
//!   user names).

#![deny(unsafe_code)]
#![warn(missing_docs)]

use std::fmt;

use cognito_auth_core::{SecretStore, StoreError};
use zeroize::Zeroizing;

#[cfg(target_vendor = "apple")]
mod system;

/// `OSStatus` codes this crate gives a meaning to.
pub mod status {
    /// No error.
    pub const SUCCESS: i32 = 0;
    /// `errSecParam`: a parameter is invalid.
    pub const PARAM: i32 = -50;
    /// `errSecUserCanceled`.
    pub const USER_CANCELED: i32 = -128;
    /// `errSecNotAvailable`: no keychain is available.
    pub const NOT_AVAILABLE: i32 = -25291;
    /// `errSecAuthFailed`.
    pub const AUTH_FAILED: i32 = -25293;
    /// `errSecDuplicateItem`: the item exists.
    pub const DUPLICATE_ITEM: i32 = -25299;
    /// `errSecItemNotFound`: there is no such item.
    pub const ITEM_NOT_FOUND: i32 = -25300;
    /// `errSecInteractionNotAllowed`: the device is locked (before the first unlock).
    pub const INTERACTION_NOT_ALLOWED: i32 = -25308;
    /// `errSecMissingEntitlement`: the app lacks the keychain entitlement for this access group.
    pub const MISSING_ENTITLEMENT: i32 = -34018;
}

/// How a [`KeychainStore`] names its items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeychainConfig {
    /// `kSecAttrService` of every item (default `"cognito-auth"`). Use one per app or per
    /// environment; the store keys already separate user pools and app clients.
    pub service: String,
    /// `kSecAttrAccessGroup`, to share the items with app extensions or other apps of the same
    /// team (`"<TEAM ID>.<group>"`, listed in the `keychain-access-groups` entitlement). `None`:
    /// the app's default group.
    pub access_group: Option<String>,
    /// macOS only (ignored elsewhere): use the data-protection keychain, where the
    /// accessibility attribute applies (default `true`; needs a signed app with a keychain
    /// entitlement).
    pub use_data_protection_keychain: bool,
}

impl KeychainConfig {
    /// Items under `service`, in the app's default access group.
    pub fn new(service: impl Into<String>) -> KeychainConfig {
        KeychainConfig {
            service: service.into(),
            access_group: None,
            use_data_protection_keychain: true,
        }
    }

    /// The same, in `access_group`.
    pub fn with_access_group(mut self, access_group: impl Into<String>) -> KeychainConfig {
        self.access_group = Some(access_group.into());
        self
    }
}

impl Default for KeychainConfig {
    fn default() -> KeychainConfig {
        KeychainConfig::new("cognito-auth")
    }
}

/// When an item can be read. Only one is used; it is passed to the backend so that tests can
/// check it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Accessibility {
    /// `kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly`.
    AfterFirstUnlockThisDeviceOnly,
}

/// One generic-password item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Item<'a> {
    pub service: &'a str,
    pub account: &'a str,
    pub access_group: Option<&'a str>,
    pub data_protection_keychain: bool,
    pub accessibility: Accessibility,
}

/// The Keychain calls, one `SecItem*` call each: the thin layer below the store's logic. An
/// `Err` is the `OSStatus`.
pub(crate) trait KeychainBackend: Send + Sync {
    /// `SecItemAdd` with the item's attributes, accessibility and `secret` as data.
    fn add(&self, item: &Item<'_>, secret: &[u8]) -> Result<(), i32>;
    /// `SecItemUpdate` of the item's data (and accessibility).
    fn update(&self, item: &Item<'_>, secret: &[u8]) -> Result<(), i32>;
    /// `SecItemCopyMatching` returning the item's data.
    fn find(&self, item: &Item<'_>) -> Result<Zeroizing<Vec<u8>>, i32>;
    /// `SecItemDelete`.
    fn delete(&self, item: &Item<'_>) -> Result<(), i32>;
}

/// A [`SecretStore`] in the Apple Keychain; see the [crate docs](crate).
pub struct KeychainStore {
    config: KeychainConfig,
    backend: Box<dyn KeychainBackend>,
}

impl KeychainStore {
    /// A store of generic-password items named by `config` in the system Keychain. Nothing is
    /// read or written until the first call. Apple targets only.
    #[cfg(target_vendor = "apple")]
    pub fn new(config: KeychainConfig) -> KeychainStore {
        KeychainStore::with_backend(config, Box::new(system::SystemKeychain))
    }

    /// A store over another backend (the tests' fake Keychain).
    #[cfg_attr(not(target_vendor = "apple"), allow(dead_code))]
    pub(crate) fn with_backend(
        config: KeychainConfig,
        backend: Box<dyn KeychainBackend>,
    ) -> KeychainStore {
        KeychainStore { config, backend }
    }

    /// How the items are named.
    pub fn config(&self) -> &KeychainConfig {
        &self.config
    }

    fn item<'a>(&'a self, key: &'a str) -> Item<'a> {
        Item {
            service: &self.config.service,
            account: key,
            access_group: self.config.access_group.as_deref(),
            data_protection_keychain: self.config.use_data_protection_keychain,
            accessibility: Accessibility::AfterFirstUnlockThisDeviceOnly,
        }
    }

    fn error(&self, operation: &str, status: i32) -> StoreError {
        keychain_error(operation, status, &self.config)
    }
}

/// The error for a failed Keychain call: what failed, the `OSStatus`, and what to do about it.
fn keychain_error(operation: &str, status: i32, config: &KeychainConfig) -> StoreError {
    let detail = match status {
        status::INTERACTION_NOT_ALLOWED => "errSecInteractionNotAllowed: the device is locked \
             and has not been unlocked since it started, so the Keychain cannot be read; the \
             items are readable after the first unlock. Nothing was stored anywhere else"
            .to_owned(),
        status::MISSING_ENTITLEMENT => format!(
            "errSecMissingEntitlement: the app is not entitled to the Keychain access group \
             {}; sign the app with a keychain-access-groups entitlement that lists it",
            config.access_group.as_deref().unwrap_or("(default)")
        ),
        status::NOT_AVAILABLE => "errSecNotAvailable: no Keychain is available".to_owned(),
        status::AUTH_FAILED => "errSecAuthFailed: the Keychain refused access".to_owned(),
        status::USER_CANCELED => "errSecUserCanceled: the user canceled".to_owned(),
        status::PARAM => "errSecParam: the Keychain rejected the item's attributes".to_owned(),
        status::DUPLICATE_ITEM => "errSecDuplicateItem".to_owned(),
        status::ITEM_NOT_FOUND => "errSecItemNotFound".to_owned(),
        other => format!("OSStatus {other}"),
    };
    StoreError::new(format!(
        "Keychain {operation} failed (service {}): {detail}",
        config.service
    ))
}

impl SecretStore for KeychainStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        match self.backend.find(&self.item(key)) {
            Ok(data) => match std::str::from_utf8(&data) {
                Ok(text) => Ok(Some(text.to_owned())),
                Err(_) => Err(StoreError::unreadable(format!(
                    "a Keychain item of service {} does not hold UTF-8 text",
                    self.config.service
                ))),
            },
            Err(status::ITEM_NOT_FOUND) => Ok(None),
            Err(status) => Err(self.error("read", status)),
        }
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let item = self.item(key);
        let secret = value.as_bytes();
        // Add; if it exists, update. If it disappears between the two (another thread deleted
        // it), add again once.
        for _ in 0..2 {
            match self.backend.add(&item, secret) {
                Ok(()) => return Ok(()),
                Err(status::DUPLICATE_ITEM) => {}
                Err(status) => return Err(self.error("add", status)),
            }
            match self.backend.update(&item, secret) {
                Ok(()) => return Ok(()),
                Err(status::ITEM_NOT_FOUND) => continue,
                Err(status) => return Err(self.error("update", status)),
            }
        }
        Err(self.error("add", status::DUPLICATE_ITEM))
    }

    fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.backend.delete(&self.item(key)) {
            Ok(()) | Err(status::ITEM_NOT_FOUND) => Ok(()),
            Err(status) => Err(self.error("delete", status)),
        }
    }
}

impl fmt::Debug for KeychainStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeychainStore")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
