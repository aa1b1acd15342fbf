//! The platform secret store: a foreign trait the host implements (Swift over the Keychain,
//! Kotlin over EncryptedSharedPreferences / the Android Keystore), adapted to the core's
//! [`cognito_auth_core::SecretStore`].
//!
//! Keys and values are the core's (see `cognito_auth_core::store` for the key scheme); the host
//! stores them as they are. Implementations must fail loudly (throw [`StoreError`]) rather than
//! fall back to memory.

use std::sync::Arc;

use cognito_auth_core::{SecretStore as CoreStore, StoreError as CoreStoreError};

/// A failure of the host's secret store. Its detail must not contain the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum StoreError {
    /// The store could not read, write or delete now (locked, full, a platform call failed).
    #[error("{detail}")]
    Failed {
        /// What failed.
        detail: String,
    },
    /// A record exists but can never be read (its key is gone, or it was damaged): the core
    /// reports `AuthError.LocalStateUnreadable`, and `resetLocalState` clears it.
    #[error("{detail}")]
    Unreadable {
        /// What could not be read (never the value).
        detail: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for StoreError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> StoreError {
        StoreError::Failed {
            detail: format!("the secret store threw: {}", error.reason),
        }
    }
}

impl From<StoreError> for CoreStoreError {
    fn from(error: StoreError) -> CoreStoreError {
        match error {
            StoreError::Failed { detail } => CoreStoreError::new(detail),
            StoreError::Unreadable { detail } => CoreStoreError::unreadable(detail),
        }
    }
}

/// Secure storage for tokens and device secrets, implemented by the app (or by
/// the bindings' helpers: `InMemorySecretStore` in Kotlin for tests).
///
/// Called from Rust on a background thread; calls are short and synchronous.
#[uniffi::export(with_foreign)]
pub trait SecretStore: Send + Sync {
    /// The value under `key`, or `null` / `nil` if there is none.
    fn get(&self, key: String) -> Result<Option<String>, StoreError>;
    /// Stores `value` under `key`, replacing any previous value.
    fn set(&self, key: String, value: String) -> Result<(), StoreError>;
    /// Removes `key`; removing a missing key is not an error.
    fn delete(&self, key: String) -> Result<(), StoreError>;
}

/// A host [`SecretStore`] seen as the core's store.
pub(crate) struct ForeignStore(pub(crate) Arc<dyn SecretStore>);

impl CoreStore for ForeignStore {
    fn get(&self, key: &str) -> Result<Option<String>, CoreStoreError> {
        self.0.get(key.to_owned()).map_err(CoreStoreError::from)
    }

    fn set(&self, key: &str, value: &str) -> Result<(), CoreStoreError> {
        self.0
            .set(key.to_owned(), value.to_owned())
            .map_err(CoreStoreError::from)
    }

    fn delete(&self, key: &str) -> Result<(), CoreStoreError> {
        self.0.delete(key.to_owned()).map_err(CoreStoreError::from)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    use super::*;

    /// A mock host store: records every call, and can be told to fail.
    #[derive(Default)]
    pub(crate) struct MockStore {
        pub values: Mutex<BTreeMap<String, String>>,
        pub calls: Mutex<Vec<String>>,
        pub fail: Mutex<bool>,
    }

    impl MockStore {
        fn check(&self, call: String) -> Result<(), StoreError> {
            self.calls.lock().unwrap().push(call);
            if *self.fail.lock().unwrap() {
                Err(StoreError::Failed {
                    detail: "device locked".into(),
                })
            } else {
                Ok(())
            }
        }
    }

    impl SecretStore for MockStore {
        fn get(&self, key: String) -> Result<Option<String>, StoreError> {
            self.check(format!("get {key}"))?;
            Ok(self.values.lock().unwrap().get(&key).cloned())
        }

        fn set(&self, key: String, value: String) -> Result<(), StoreError> {
            self.check(format!("set {key}"))?;
            self.values.lock().unwrap().insert(key, value);
            Ok(())
        }

        fn delete(&self, key: String) -> Result<(), StoreError> {
            self.check(format!("delete {key}"))?;
            self.values.lock().unwrap().remove(&key);
            Ok(())
        }
    }

    #[test]
    fn the_core_reads_and_writes_through_the_host_store() {
        let mock = Arc::new(MockStore::default());
        let store = ForeignStore(mock.clone());
        assert_eq!(store.get("k").unwrap(), None);
        store.set("k", "v").unwrap();
        assert_eq!(store.get("k").unwrap().as_deref(), Some("v"));
        store.delete("k").unwrap();
        assert_eq!(store.get("k").unwrap(), None);
        assert_eq!(
            *mock.calls.lock().unwrap(),
            ["get k", "set k", "get k", "delete k", "get k"]
        );
    }

    #[test]
    fn host_failures_become_core_store_errors_then_storage_errors() {
        let mock = Arc::new(MockStore::default());
        *mock.fail.lock().unwrap() = true;
        let store = ForeignStore(mock);
        let error = store.set("k", "secret-value").unwrap_err();
        assert_eq!(error.message, "device locked");
        let auth: crate::AuthError = cognito_auth_core::AuthError::from(error).into();
        assert!(matches!(auth, crate::AuthError::Storage { .. }));
        assert!(!auth.to_string().contains("secret-value"));
    }

    #[test]
    fn an_unexpected_foreign_exception_is_a_store_error() {
        let error = StoreError::from(uniffi::UnexpectedUniFFICallbackError::new("boom"));
        assert_eq!(
            error,
            StoreError::Failed {
                detail: "the secret store threw: boom".into()
            }
        );
    }
}
