//! The one error type of the bindings, and the one place where the core's
//! [`cognito_auth_core::AuthError`] is mapped to it.
//!
//! Kotlin sees it as `AuthException` (a sealed class, one subclass per variant), Swift as
//! `AuthError`. No field is called `message` (it would collide with `Throwable.message`): every
//! variant has `detail` (the core's text, which says what to do) and `retryable` (whether the
//! same call may succeed later).

use cognito_auth_core::{AuthError as CoreError, CognitoException as CoreException};

/// Cognito's exceptions, by kind; [`CognitoErrorCode::Other`] for names not listed (the name is
/// in `exception_name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CognitoErrorCode {
    /// `NotAuthorizedException`: wrong credentials, or an expired / invalid session or token.
    NotAuthorized,
    /// `UserNotFoundException`.
    UserNotFound,
    /// `UserNotConfirmedException`.
    UserNotConfirmed,
    /// `PasswordResetRequiredException`.
    PasswordResetRequired,
    /// `CodeMismatchException`: the code is wrong.
    CodeMismatch,
    /// `ExpiredCodeException`.
    ExpiredCode,
    /// `InvalidParameterException`.
    InvalidParameter,
    /// `InvalidPasswordException`.
    InvalidPassword,
    /// `UsernameExistsException`.
    UsernameExists,
    /// `AliasExistsException`.
    AliasExists,
    /// `ResourceNotFoundException` (e.g. an unknown device).
    ResourceNotFound,
    /// `TooManyRequestsException`.
    TooManyRequests,
    /// `LimitExceededException`.
    LimitExceeded,
    /// `TooManyFailedAttemptsException`.
    TooManyFailedAttempts,
    /// `SoftwareTokenMFANotFoundException`.
    SoftwareTokenMfaNotFound,
    /// `EnableSoftwareTokenMFAException`.
    EnableSoftwareTokenMfa,
    /// `CodeDeliveryFailureException`.
    CodeDeliveryFailure,
    /// `InvalidUserPoolConfigurationException`.
    InvalidUserPoolConfiguration,
    /// `MFAMethodNotFoundException`.
    MfaMethodNotFound,
    /// `InternalErrorException`.
    InternalError,
    /// `UnsupportedOperationException`.
    UnsupportedOperation,
    /// Any other exception; see `exception_name`.
    Other,
}

/// Everything that can go wrong. No variant ever contains a password, code, token or secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum AuthError {
    /// Cognito answered with an exception.
    #[error("{detail}")]
    Service {
        /// Which exception, by kind.
        code: CognitoErrorCode,
        /// Cognito's name of it, e.g. `CodeMismatchException`.
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
                service_message,
                ..
            } => {
                let (code, exception_name) = exception_code(&exception);
                AuthError::Service {
                    code,
                    exception_name,
                    detail,
                    service_message,
                    retryable,
                }
            }
            CoreError::Network { .. } => AuthError::Network { detail, retryable },
            CoreError::Timeout => AuthError::Timeout { detail, retryable },
            CoreError::InvalidResponse { .. } => AuthError::InvalidResponse { detail, retryable },
            CoreError::Storage { .. } => AuthError::Storage { detail, retryable },
            CoreError::InvalidState { .. } => AuthError::InvalidState { detail, retryable },
            CoreError::InvalidInput { .. } => AuthError::InvalidInput { detail, retryable },
            CoreError::SignedOut => AuthError::SignedOut { detail, retryable },
            _ => AuthError::Other { detail, retryable },
        }
    }
}

/// The kind and Cognito's name of an exception (the name comes from the core's one table).
fn exception_code(exception: &CoreException) -> (CognitoErrorCode, String) {
    use CognitoErrorCode as C;
    let code = match exception {
        CoreException::NotAuthorized => C::NotAuthorized,
        CoreException::UserNotFound => C::UserNotFound,
        CoreException::UserNotConfirmed => C::UserNotConfirmed,
        CoreException::PasswordResetRequired => C::PasswordResetRequired,
        CoreException::CodeMismatch => C::CodeMismatch,
        CoreException::ExpiredCode => C::ExpiredCode,
        CoreException::InvalidParameter => C::InvalidParameter,
        CoreException::InvalidPassword => C::InvalidPassword,
        CoreException::UsernameExists => C::UsernameExists,
        CoreException::AliasExists => C::AliasExists,
        CoreException::ResourceNotFound => C::ResourceNotFound,
        CoreException::TooManyRequests => C::TooManyRequests,
        CoreException::LimitExceeded => C::LimitExceeded,
        CoreException::TooManyFailedAttempts => C::TooManyFailedAttempts,
        CoreException::SoftwareTokenMfaNotFound => C::SoftwareTokenMfaNotFound,
        CoreException::EnableSoftwareTokenMfa => C::EnableSoftwareTokenMfa,
        CoreException::CodeDeliveryFailure => C::CodeDeliveryFailure,
        CoreException::InvalidUserPoolConfiguration => C::InvalidUserPoolConfiguration,
        CoreException::MfaMethodNotFound => C::MfaMethodNotFound,
        CoreException::InternalError => C::InternalError,
        CoreException::UnsupportedOperation => C::UnsupportedOperation,
        _ => C::Other,
    };
    (code, exception.wire_name().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(code: &str) -> CoreError {
        // Built the way the core builds it from Cognito's answer.
        let exception = CoreException::from_code(code);
        CoreError::Service {
            exception,
            message: "advice".into(),
            service_message: "Cognito said no".into(),
        }
    }

    #[test]
    fn every_known_exception_name_round_trips() {
        for name in [
            "NotAuthorizedException",
            "UserNotFoundException",
            "UserNotConfirmedException",
            "PasswordResetRequiredException",
            "CodeMismatchException",
            "ExpiredCodeException",
            "InvalidParameterException",
            "InvalidPasswordException",
            "UsernameExistsException",
            "AliasExistsException",
            "ResourceNotFoundException",
            "TooManyRequestsException",
            "LimitExceededException",
            "TooManyFailedAttemptsException",
            "SoftwareTokenMFANotFoundException",
            "EnableSoftwareTokenMFAException",
            "CodeDeliveryFailureException",
            "InvalidUserPoolConfigurationException",
            "MFAMethodNotFoundException",
            "InternalErrorException",
            "UnsupportedOperationException",
        ] {
            let (code, back) = exception_code(&CoreException::from_code(name));
            assert_eq!(back, name);
            assert_ne!(code, CognitoErrorCode::Other, "{name}");
        }
        let (code, name) = exception_code(&CoreException::from_code("WeirdException"));
        assert_eq!(
            (code, name.as_str()),
            (CognitoErrorCode::Other, "WeirdException")
        );
    }

    #[test]
    fn service_errors_keep_kind_name_detail_and_retryability() {
        let core = service("CodeMismatchException");
        let expected_detail = core.to_string();
        match AuthError::from(core) {
            AuthError::Service {
                code,
                exception_name,
                detail,
                service_message,
                retryable,
            } => {
                assert_eq!(code, CognitoErrorCode::CodeMismatch);
                assert_eq!(exception_name, "CodeMismatchException");
                assert_eq!(detail, expected_detail);
                assert_eq!(service_message, "Cognito said no");
                assert!(!retryable);
            }
            other => panic!("{other:?}"),
        }
        assert!(AuthError::from(service("TooManyRequestsException")).retryable());
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
