//! The one error type of the bindings, and the one place where the core's
//! [`cognito_auth_core::AuthError`] is mapped to it.
//!
//! Kotlin sees it as `AuthException` (a sealed class, one subclass per variant), Swift as
//! `AuthError`. Its shape differs from the core's on purpose: no field is called `message` (it
//! would collide with `Throwable.message`); every variant has `detail` (the core's text, which
//! says what to do) and `retryable` (whether the same call may succeed later). Cognito's
//! exceptions are the core's [`CognitoException`] (its one table), not a copy.

use cognito_auth_core::{AuthError as CoreError, CognitoException};

/// Everything that can go wrong. No variant ever contains a password, code, token or secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum AuthError {
    /// Cognito answered with an exception.
    #[error("{detail}")]
    Service {
        /// Which exception, by kind (`CognitoException.CODE_MISMATCH`).
        code: CognitoException,
        /// Cognito's name of it, e.g. `CodeMismatchException` (also for kinds not listed).
        exception_name: String,
        /// What happened and what to do about it.
        detail: String,
        /// Cognito's own message.
        service_message: String,
        /// Whether trying again later can succeed.
        retryable: bool,
    },
    /// Cognito could not be reached, or the connection broke.
    #[error("{detail}")]
    Network {
        /// What failed.
        detail: String,
        /// Always true.
        retryable: bool,
    },
    /// Cognito did not answer in time.
    #[error("{detail}")]
    Timeout {
        /// What to do.
        detail: String,
        /// Always true.
        retryable: bool,
    },
    /// Cognito's answer could not be understood.
    #[error("{detail}")]
    InvalidResponse {
        /// What was wrong with it.
        detail: String,
        /// Whether trying again later can succeed.
        retryable: bool,
    },
    /// The secret store failed; the operation did not complete.
    #[error("{detail}")]
    Storage {
        /// What failed (the store's own message).
        detail: String,
        /// Whether trying again later can succeed.
        retryable: bool,
    },
    /// The call does not fit the current state (e.g. `confirmSignIn` with no sign-in under way).
    #[error("{detail}")]
    InvalidState {
        /// What is wrong and what to call instead.
        detail: String,
        /// Whether trying again later can succeed.
        retryable: bool,
    },
    /// An argument is invalid; nothing was sent.
    #[error("{detail}")]
    InvalidInput {
        /// Which argument and why.
        detail: String,
        /// Whether trying again later can succeed.
        retryable: bool,
    },
    /// No user is signed in, or the session ended: sign in again.
    #[error("{detail}")]
    SignedOut {
        /// What to do.
        detail: String,
        /// Whether trying again later can succeed.
        retryable: bool,
    },
    /// Sign-in data stored on this device can never be read (a backup restored onto another
    /// device, a wiped Keystore key, a damaged record): call `resetLocalState`, then sign in
    /// again.
    #[error("{detail}")]
    LocalStateUnreadable {
        /// What could not be read, and what to do.
        detail: String,
        /// Always false.
        retryable: bool,
    },
    /// Cognito asks for something this library cannot do (a passkey, `WEB_AUTHN`, or an
    /// unknown challenge): offer the user another way to sign in.
    #[error("{detail}")]
    Unsupported {
        /// What was asked, and what the user can do instead.
        detail: String,
        /// Always false.
        retryable: bool,
    },
    /// An error of a newer core that these bindings do not know yet.
    #[error("{detail}")]
    Other {
        /// What happened.
        detail: String,
        /// Whether trying again later can succeed.
        retryable: bool,
    },
}

impl AuthError {
    /// The human-readable detail of any variant.
    pub fn detail(&self) -> &str {
        match self {
            AuthError::Service { detail, .. }
            | AuthError::Network { detail, .. }
            | AuthError::Timeout { detail, .. }
            | AuthError::InvalidResponse { detail, .. }
            | AuthError::Storage { detail, .. }
            | AuthError::InvalidState { detail, .. }
            | AuthError::InvalidInput { detail, .. }
            | AuthError::SignedOut { detail, .. }
            | AuthError::LocalStateUnreadable { detail, .. }
            | AuthError::Unsupported { detail, .. }
            | AuthError::Other { detail, .. } => detail,
        }
    }

    /// Whether trying the same call again later can succeed.
    pub fn retryable(&self) -> bool {
        match self {
            AuthError::Service { retryable, .. }
            | AuthError::Network { retryable, .. }
            | AuthError::Timeout { retryable, .. }
            | AuthError::InvalidResponse { retryable, .. }
            | AuthError::Storage { retryable, .. }
            | AuthError::InvalidState { retryable, .. }
            | AuthError::InvalidInput { retryable, .. }
            | AuthError::SignedOut { retryable, .. }
            | AuthError::LocalStateUnreadable { retryable, .. }
            | AuthError::Unsupported { retryable, .. }
            | AuthError::Other { retryable, .. } => *retryable,
        }
    }
}

impl From<CoreError> for AuthError {
    fn from(error: CoreError) -> AuthError {
        let detail = error.to_string();
        let retryable = error.is_retryable();
        match error {
            CoreError::Service {
                exception,
                exception_name,
                service_message,
                ..
            } => AuthError::Service {
                code: exception,
                exception_name,
                detail,
                service_message,
                retryable,
            },
            CoreError::Network { .. } => AuthError::Network { detail, retryable },
            CoreError::Timeout => AuthError::Timeout { detail, retryable },
            CoreError::InvalidResponse { .. } => AuthError::InvalidResponse { detail, retryable },
            CoreError::Storage { .. } => AuthError::Storage { detail, retryable },
            CoreError::InvalidState { .. } => AuthError::InvalidState { detail, retryable },
            CoreError::InvalidInput { .. } => AuthError::InvalidInput { detail, retryable },
            CoreError::SignedOut => AuthError::SignedOut { detail, retryable },
            CoreError::LocalStateUnreadable { .. } => {
                AuthError::LocalStateUnreadable { detail, retryable }
            }
            CoreError::Unsupported { .. } => AuthError::Unsupported { detail, retryable },
            _ => AuthError::Other { detail, retryable },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_errors_keep_kind_name_detail_and_retryability() {
        let core = CoreError::service("CodeMismatchException", "Cognito said no");
        let expected_detail = core.to_string();
        match AuthError::from(core) {
            AuthError::Service {
                code,
                exception_name,
                detail,
                service_message,
                retryable,
            } => {
                assert_eq!(code, CognitoException::CodeMismatch);
                assert_eq!(exception_name, "CodeMismatchException");
                assert_eq!(detail, expected_detail);
                assert_eq!(service_message, "Cognito said no");
                assert!(!retryable);
            }
            other => panic!("{other:?}"),
        }
        let throttled = AuthError::from(CoreError::service("TooManyRequestsException", "slow"));
        assert!(throttled.retryable());
        match AuthError::from(CoreError::service("WeirdException", "?")) {
            AuthError::Service {
                code,
                exception_name,
                ..
            } => {
                assert_eq!(code, CognitoException::Other);
                assert_eq!(exception_name, "WeirdException");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn other_variants_map_one_to_one() {
        let network = AuthError::from(CoreError::Network {
            detail: "refused".into(),
        });
        assert!(matches!(
            network,
            AuthError::Network {
                retryable: true,
                ..
            }
        ));
        assert!(network.detail().contains("refused"));
        assert!(matches!(
            AuthError::from(CoreError::Timeout),
            AuthError::Timeout {
                retryable: true,
                ..
            }
        ));
        assert!(matches!(
            AuthError::from(CoreError::SignedOut),
            AuthError::SignedOut {
                retryable: false,
                ..
            }
        ));
        let storage = AuthError::from(CoreError::Storage {
            detail: "keychain locked".into(),
        });
        assert!(matches!(storage, AuthError::Storage { .. }));
        assert!(storage.to_string().contains("keychain locked"));
        assert!(matches!(
            AuthError::from(CoreError::InvalidState { detail: "x".into() }),
            AuthError::InvalidState { .. }
        ));
        assert!(matches!(
            AuthError::from(CoreError::InvalidInput { detail: "x".into() }),
            AuthError::InvalidInput { .. }
        ));
        assert!(matches!(
            AuthError::from(CoreError::InvalidResponse { detail: "x".into() }),
            AuthError::InvalidResponse { .. }
        ));
    }
}
