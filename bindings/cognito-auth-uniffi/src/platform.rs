//! Clients whose secrets live in the platform's secure storage, with no store for the app to
//! write: the Keychain on Apple platforms, the Android Keystore on Android
//! (`platforms/cognito-auth-platform-store`). Both constructors exist in every build (the
//! bindings are generated once, from the host library); on the wrong platform they fail with a
//! storage error that says so — never a fallback to memory.

use std::sync::Arc;

use cognito_auth_core as core;
use cognito_auth_core::{AuthConfig, SecretStore};

use crate::error::AuthError;
use crate::AuthClient;

/// How a Keychain-backed client names its items.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct KeychainOptions {
    /// `kSecAttrService` of every item; one per app (the items of several pools and app clients
    /// are kept apart by their account names).
    #[uniffi(default = "cognito-auth")]
    pub service: String,
    /// `kSecAttrAccessGroup`, to share the items with an app extension (`"<TEAM ID>.<group>"`,
    /// listed in the app's `keychain-access-groups` entitlement); `None`: the app's own group.
    #[uniffi(default = None)]
    pub access_group: Option<String>,
}

#[uniffi::export]
impl AuthClient {
    /// Apple platforms: a client that keeps tokens and device secrets in the Keychain, as
    /// generic-password items readable after the first unlock (so background refresh works),
    /// never synchronised to iCloud and never restored to another device
    /// (`kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly`).
    #[uniffi::constructor]
    pub fn with_keychain(
        config: AuthConfig,
        options: KeychainOptions,
    ) -> Result<Arc<Self>, AuthError> {
        let store = cognito_auth_platform_store::keychain(&options.service, options.access_group)
            .map_err(core::AuthError::from)?;
        AuthClient::over(config, store)
    }

    /// Android: a client that keeps tokens and device secrets as files in `directory` (a folder
    /// of the app's `Context.getFilesDir()`), encrypted with an AES-256-GCM key held by the
    /// Android Keystore. On a desktop JVM the key is kept in a PKCS12 file in `directory`
    /// instead. Needs the library loaded with `System.loadLibrary` first — which
    /// `CognitoAuth.builder(context)` does; called any other way it fails with a storage error
    /// that says so.
    #[uniffi::constructor]
    pub fn with_android_keystore(
        config: AuthConfig,
        directory: String,
    ) -> Result<Arc<Self>, AuthError> {
        let store = cognito_auth_platform_store::android_keystore(&directory)
            .map_err(core::AuthError::from)?;
        AuthClient::over(config, store)
    }
}

impl AuthClient {
    fn over(config: AuthConfig, store: Arc<dyn SecretStore>) -> Result<Arc<Self>, AuthError> {
        Ok(Arc::new(AuthClient {
            inner: crate::client::core_client(config, store)?,
        }))
    }
}
