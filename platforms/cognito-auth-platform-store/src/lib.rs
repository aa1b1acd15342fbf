//! # cognito-auth-platform-store
//!
//! The secure store of the platform the library runs on, chosen at compile time, for the
//! binding crates (`cognito-auth-uniffi` for Swift and Kotlin, `cognito-auth-c` for Flutter):
//!
//! * [`keychain`] — Apple platforms: the Keychain (`cognito-auth-keychain`).
//! * [`android_keystore`] — Android: files encrypted with an Android Keystore key
//!   (`cognito-auth-android-keystore`, through JNI; on a desktop JVM a PKCS12 key file instead).
//!
//! Both functions exist on every target, so the bindings (generated once, from the host
//! library) are the same everywhere; on the wrong platform they return an error that says so.
//! There is never a fallback to memory.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::sync::Arc;

use cognito_auth_core::{SecretStore, StoreError};

/// The key alias of the Android Keystore key (one per app).
pub const KEYSTORE_KEY_ALIAS: &str = "cognito-auth";

/// The default Keychain service name.
pub const DEFAULT_KEYCHAIN_SERVICE: &str = "cognito-auth";

/// The Keychain store of `service` (`kSecAttrService`), in `access_group` if given.
#[cfg(target_vendor = "apple")]
pub fn keychain(
    service: &str,
    access_group: Option<String>,
) -> Result<Arc<dyn SecretStore>, StoreError> {
    use cognito_auth_keychain::{KeychainConfig, KeychainStore};
    let mut config = KeychainConfig::new(service);
    config.access_group = access_group;
    Ok(Arc::new(KeychainStore::new(config)))
}

/// The Keychain store of `service` (`kSecAttrService`), in `access_group` if given.
#[cfg(not(target_vendor = "apple"))]
pub fn keychain(
    _service: &str,
    _access_group: Option<String>,
) -> Result<Arc<dyn SecretStore>, StoreError> {
    Err(StoreError::new(
        "the Keychain exists only on Apple platforms; on Android use the Android Keystore \
         store, elsewhere pass a SecretStore",
    ))
}

/// The Android Keystore store keeping its files in `directory` (a folder of the app's
/// `Context.getFilesDir()`). Needs the library loaded by the JVM with `System.loadLibrary`.
#[cfg(not(target_vendor = "apple"))]
pub fn android_keystore(directory: &str) -> Result<Arc<dyn SecretStore>, StoreError> {
    let store = cognito_auth_android_keystore::open_in_app_directory(
        std::path::Path::new(directory),
        KEYSTORE_KEY_ALIAS,
    )?;
    Ok(Arc::new(store))
}

/// The Android Keystore store keeping its files in `directory` (a folder of the app's
/// `Context.getFilesDir()`). Needs the library loaded by the JVM with `System.loadLibrary`.
#[cfg(target_vendor = "apple")]
pub fn android_keystore(_directory: &str) -> Result<Arc<dyn SecretStore>, StoreError> {
    Err(StoreError::new(
        "the Android Keystore exists only on Android; on Apple platforms use the Keychain store",
    ))
}
