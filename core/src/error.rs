//! The one public error type, and the one place where internal failures are mapped to it.

use thiserror::Error;

use crate::api::ApiError;
use crate::srp::SrpError;

/// Cognito's exceptions, by name. [`CognitoException::Other`] keeps any name not listed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CognitoException {
    /// Wrong credentials, an expired or invalid session or token, or a disabled operation.
    NotAuthorized,
    /// No such user.
    UserNotFound,
    /// The user has not confirmed their sign-up.
    UserNotConfirmed,
    /// The user must reset their password.
    PasswordResetRequired,
    /// The code is wrong.
    CodeMismatch,
    /// The code has expired.
    ExpiredCode,
    /// A parameter is missing or malformed.
    InvalidParameter,
    /// The password does not satisfy the pool's policy.
    InvalidPassword,
    /// The user name is taken.
    UsernameExists,
    /// The e-mail or phone alias belongs to another user.
    AliasExists,
    /// A device (or another resource) does not exist.
    ResourceNotFound,
    /// Too many requests; try again later.
    TooManyRequests,
    /// A limit was exceeded (e.g. attempts).
    LimitExceeded,
    /// Too many failed attempts.
    TooManyFailedAttempts,
    /// TOTP is not set up for the user.
    SoftwareTokenMfaNotFound,
    /// The TOTP code did not verify during setup.
    EnableSoftwareTokenMfa,
    /// The code could not be delivered.
    CodeDeliveryFailure,
    /// The pool is not configured for this.
    InvalidUserPoolConfiguration,
    /// The MFA method is not available.
    MfaMethodNotFound,
    /// Cognito failed internally.
    InternalError,
    /// The operation is not supported.
    UnsupportedOperation,
    /// Any other exception, by name.
    Other(String),
}

/// Cognito's exception names, one row per named variant: the single source for both directions.
const EXCEPTION_NAMES: [(&str, CognitoException); 21] = [
    ("NotAuthorizedException", CognitoException::NotAuthorized),
    ("UserNotFoundException", CognitoException::UserNotFound),
    (
        "UserNotConfirmedException",
        CognitoException::UserNotConfirmed,
    ),
    (
        "PasswordResetRequiredException",
        CognitoException::PasswordResetRequired,
    ),
    ("CodeMismatchException", CognitoException::CodeMismatch),
    ("ExpiredCodeException", CognitoException::ExpiredCode),
    (
        "InvalidParameterException",
        CognitoException::InvalidParameter,
    ),
    (
        "InvalidPasswordException",
        CognitoException::InvalidPassword,
    ),
    ("UsernameExistsException", CognitoException::UsernameExists),
    ("AliasExistsException", CognitoException::AliasExists),
    (
        "ResourceNotFoundException",
        CognitoException::ResourceNotFound,
    ),
    (
        "TooManyRequestsException",
        CognitoException::TooManyRequests,
    ),
    ("LimitExceededException", CognitoException::LimitExceeded),
    (
        "TooManyFailedAttemptsException",
        CognitoException::TooManyFailedAttempts,
    ),
    (
        "SoftwareTokenMFANotFoundException",
        CognitoException::SoftwareTokenMfaNotFound,
    ),
    (
        "EnableSoftwareTokenMFAException",
        CognitoException::EnableSoftwareTokenMfa,
    ),
    (
        "CodeDeliveryFailureException",
        CognitoException::CodeDeliveryFailure,
    ),
    (
        "InvalidUserPoolConfigurationException",
        CognitoException::InvalidUserPoolConfiguration,
    ),
    (
        "MFAMethodNotFoundException",
        CognitoException::MfaMethodNotFound,
    ),
    ("InternalErrorException", CognitoException::InternalError),
    (
        "UnsupportedOperationException",
        CognitoException::UnsupportedOperation,
    ),
];

impl CognitoException {
    /// From an exception name such as `NotAuthorizedException`.
    pub fn from_code(code: &str) -> CognitoException {
        EXCEPTION_NAMES
            .iter()
            .find(|(name, _)| *name == code)
            .map(|(_, exception)| exception.clone())
            .unwrap_or_else(|| CognitoException::Other(code.to_owned()))
    }

    /// Cognito's name for it, such as `NotAuthorizedException`.
    pub fn wire_name(&self) -> &str {
        match self {
            CognitoException::Other(name) => name,
            named => EXCEPTION_NAMES
                .iter()
                .find(|(_, exception)| exception == named)
                .map_or("", |(name, _)| name),
        }
    }

    /// What a person can do about it.
    fn advice(&self) -> &'static str {
        use CognitoException::*;
        match self {
            NotAuthorized => {
                "Check the username and password, or sign in again if the session expired."
            }
            UserNotFound => "No account has this username; check it or sign up.",
            UserNotConfirmed => "Confirm the sign-up with the code that was sent, then sign in.",
            PasswordResetRequired => "Reset the password, then sign in with the new one.",
            CodeMismatch => "The code is wrong; check it and try again.",
            ExpiredCode => "The code has expired; request a new one.",
            InvalidParameter => "A value sent to Cognito was rejected; check the input.",
            InvalidPassword => "The password does not meet the pool's password policy.",
            UsernameExists => "This username is taken; choose another or sign in.",
            AliasExists => "This e-mail or phone number belongs to another account.",
            ResourceNotFound => "Cognito does not know this device or resource.",
            TooManyRequests | LimitExceeded => "Too many requests; wait a little and try again.",
            TooManyFailedAttempts => "Too many failed attempts; wait before trying again.",
            SoftwareTokenMfaNotFound => "TOTP is not set up for this user; set it up first.",
            EnableSoftwareTokenMfa => "The authenticator code did not verify; try a fresh code.",
            CodeDeliveryFailure => {
                "The code could not be delivered; check the e-mail or phone number."
            }
            InvalidUserPoolConfiguration => "The user pool is not configured for this operation.",
            MfaMethodNotFound => "This MFA method is not available for the user.",
            InternalError => "Cognito had an internal error; try again.",
            UnsupportedOperation => "Cognito does not support this operation here.",
            Other(_) => "Cognito refused the request.",
        }
    }

    fn retryable(&self) -> bool {
        matches!(
            self,
            CognitoException::TooManyRequests
                | CognitoException::LimitExceeded
                | CognitoException::InternalError
                | CognitoException::CodeDeliveryFailure
        )
    }
}

/// Everything that can go wrong, with a message a person can act on.
///
/// No variant ever contains a password, code, token or device secret.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AuthError {
    /// Cognito answered with an exception.
    #[error("{message} ({exception:?}: {service_message})")]
    Service {
        /// Which exception.
        exception: CognitoException,
        /// What to do about it.
        message: String,
        /// Cognito's own message.
        service_message: String,
    },
    /// Cognito could not be reached, or the connection broke.
    #[error("Cannot reach Cognito: {detail}. Check the network connection and try again.")]
    Network {
        /// What failed.
        detail: String,
    },
    /// Cognito did not answer in time.
    #[error("Cognito did not answer in time; try again.")]
    Timeout,
    /// Cognito's answer could not be understood.
    #[error("Unexpected answer from Cognito: {detail}")]
    InvalidResponse {
        /// What was wrong with it.
        detail: String,
    },
    /// The secret store failed; nothing was lost in memory, but the operation did not complete.
    #[error("Secure storage failed: {detail}")]
    Storage {
        /// What failed.
        detail: String,
    },
    /// The call does not fit the current state (e.g. `confirm_sign_in` with no sign-in under way).
    #[error("{detail}")]
    InvalidState {
        /// What is wrong and what to call instead.
        detail: String,
    },
    /// An argument is invalid; nothing was sent.
    #[error("{detail}")]
    InvalidInput {
        /// Which argument and why.
        detail: String,
    },
    /// The user must sign in (again).
    #[error("No user is signed in, or the session has ended; sign in again.")]
    SignedOut,
}

impl AuthError {
    /// Whether trying the same call again later can succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            AuthError::Service { exception, .. } => exception.retryable(),
            AuthError::Network { .. } | AuthError::Timeout => true,
            _ => false,
        }
    }

    /// The Cognito exception, for service errors.
    pub fn exception(&self) -> Option<&CognitoException> {
        match self {
            AuthError::Service { exception, .. } => Some(exception),
            _ => None,
        }
    }

    pub(crate) fn invalid_state(detail: impl Into<String>) -> AuthError {
        AuthError::InvalidState {
            detail: detail.into(),
        }
    }

    pub(crate) fn invalid_input(detail: impl Into<String>) -> AuthError {
        AuthError::InvalidInput {
            detail: detail.into(),
        }
    }

    pub(crate) fn invalid_response(detail: impl Into<String>) -> AuthError {
        AuthError::InvalidResponse {
            detail: detail.into(),
        }
    }
}

impl From<ApiError> for AuthError {
    fn from(error: ApiError) -> AuthError {
        match error {
            ApiError::Service { code, message } => {
                let exception = CognitoException::from_code(&code);
                AuthError::Service {
                    message: exception.advice().to_owned(),
                    exception,
                    service_message: message,
                }
            }
            ApiError::Network(detail) => AuthError::Network { detail },
            ApiError::Timeout => AuthError::Timeout,
            ApiError::InvalidResponse(detail) => AuthError::InvalidResponse { detail },
        }
    }
}

impl From<SrpError> for AuthError {
    fn from(error: SrpError) -> AuthError {
        match error {
            SrpError::RandomUnavailable => AuthError::Storage {
                detail: error.to_string(),
            },
            other => AuthError::InvalidResponse {
                detail: format!("SRP challenge refused: {other}"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exception_names_round_trip() {
        for (name, exception) in &EXCEPTION_NAMES {
            assert_eq!(CognitoException::from_code(name), *exception);
            assert_eq!(exception.wire_name(), *name);
        }
        let other = CognitoException::from_code("SomethingNewException");
        assert_eq!(
            other,
            CognitoException::Other("SomethingNewException".into())
        );
        assert_eq!(other.wire_name(), "SomethingNewException");
    }
}
