//! The one public error type, and the one place where internal failures are mapped to it.
//!
//! Cognito's exceptions are named once, in [`exceptions`]; [`AuthError::report`] is the one
//! JSON encoding of an error (used by the C ABI and the CLI).

mod exceptions;

use serde::Serialize;
use thiserror::Error;

use crate::api::ApiError;
use crate::srp::SrpError;

pub use exceptions::CognitoException;

/// Everything that can go wrong, with a message a person can act on.
///
/// No variant ever contains a password, code, token or device secret.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AuthError {
    /// Cognito answered with an exception.
    #[error("{message} ({exception_name}: {service_message})")]
    Service {
        /// Which exception, by kind.
        exception: CognitoException,
        /// Cognito's name of it (`CodeMismatchException`), also for kinds not in the table.
        exception_name: String,
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
    /// Sign-in data stored on this device can never be read again (it fails authentication, or
    /// its key is gone: a backup restored onto another device, a wiped Keystore). Call
    /// `reset_local_state`, then sign in again.
    #[error(
        "Sign-in data stored on this device cannot be read ({detail}). Call reset_local_state to clear this app's sign-in data on this device, then sign in again."
    )]
    LocalStateUnreadable {
        /// What could not be read (never the value, nor the user's name).
        detail: String,
    },
    /// Cognito asks for something this library cannot do (a passkey: `WEB_AUTHN`, or a
    /// challenge it does not know). Nothing is stored; offer the user another way to sign in.
    #[error("{detail}")]
    Unsupported {
        /// What was asked, and what the user can do instead.
        detail: String,
    },
}

/// The kind of an [`AuthError`], as the JSON encoding names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorKind {
    /// [`AuthError::Service`].
    Service,
    /// [`AuthError::Network`].
    Network,
    /// [`AuthError::Timeout`].
    Timeout,
    /// [`AuthError::InvalidResponse`].
    InvalidResponse,
    /// [`AuthError::Storage`].
    Storage,
    /// [`AuthError::InvalidState`].
    InvalidState,
    /// [`AuthError::InvalidInput`].
    InvalidInput,
    /// [`AuthError::SignedOut`].
    SignedOut,
    /// [`AuthError::LocalStateUnreadable`].
    LocalStateUnreadable,
    /// [`AuthError::Unsupported`].
    Unsupported,
}

/// An error as the JSON encoding writes it: `{"kind", "exception", "exceptionName", "message",
/// "serviceMessage", "retryable"}` (see `bindings/JSON.md`). The one definition of that shape:
/// crates with kinds of their own (the admin toolkit's `CREDENTIALS`) use it with their kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorReport<Kind = ErrorKind> {
    /// The kind.
    pub kind: Kind,
    /// The Cognito exception by kind, for service errors.
    pub exception: Option<CognitoException>,
    /// Cognito's name of the exception, for service errors.
    pub exception_name: Option<String>,
    /// What happened and what to do (never a secret).
    pub message: String,
    /// Cognito's own message, for service errors.
    pub service_message: Option<String>,
    /// Whether the same call may succeed later.
    pub retryable: bool,
}

impl AuthError {
    /// Whether trying the same call again later can succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            AuthError::Service { exception, .. } => exception.is_retryable(),
            AuthError::Network { .. } | AuthError::Timeout => true,
            _ => false,
        }
    }

    /// The Cognito exception, for service errors.
    pub fn exception(&self) -> Option<CognitoException> {
        match self {
            AuthError::Service { exception, .. } => Some(*exception),
            _ => None,
        }
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        match self {
            AuthError::Service { .. } => ErrorKind::Service,
            AuthError::Network { .. } => ErrorKind::Network,
            AuthError::Timeout => ErrorKind::Timeout,
            AuthError::InvalidResponse { .. } => ErrorKind::InvalidResponse,
            AuthError::Storage { .. } => ErrorKind::Storage,
            AuthError::InvalidState { .. } => ErrorKind::InvalidState,
            AuthError::InvalidInput { .. } => ErrorKind::InvalidInput,
            AuthError::SignedOut => ErrorKind::SignedOut,
            AuthError::LocalStateUnreadable { .. } => ErrorKind::LocalStateUnreadable,
            AuthError::Unsupported { .. } => ErrorKind::Unsupported,
        }
    }

    /// The error in the JSON encoding shared by the C ABI and the CLI.
    pub fn report(&self) -> ErrorReport {
        let (exception, exception_name, message, service_message) = match self {
            AuthError::Service {
                exception,
                exception_name,
                message,
                service_message,
            } => (
                Some(*exception),
                Some(exception_name.clone()),
                message.clone(),
                Some(service_message.clone()),
            ),
            other => (None, None, other.to_string(), None),
        };
        ErrorReport {
            kind: self.kind(),
            exception,
            exception_name,
            message,
            service_message,
            retryable: self.is_retryable(),
        }
    }

    /// A service error as Cognito reported it, with the advice for its kind and message.
    pub fn service(exception_name: &str, service_message: &str) -> AuthError {
        let exception = CognitoException::from_wire_name(exception_name);
        AuthError::Service {
            message: advice(exception, service_message).to_owned(),
            exception,
            exception_name: exception_name
                .rsplit('#')
                .next()
                .unwrap_or(exception_name)
                .to_owned(),
            service_message: service_message.to_owned(),
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

    pub(crate) fn unsupported(detail: impl Into<String>) -> AuthError {
        AuthError::Unsupported {
            detail: detail.into(),
        }
    }

    pub(crate) fn invalid_response(detail: impl Into<String>) -> AuthError {
        AuthError::InvalidResponse {
            detail: detail.into(),
        }
    }
}

/// What to tell the user: the exception's advice, or a more precise one where Cognito's message
/// distinguishes cases an app must treat differently.
fn advice(exception: CognitoException, service_message: &str) -> &'static str {
    let said = |text: &str| service_message.to_ascii_lowercase().contains(text);
    match exception {
        CognitoException::NotAuthorized if said("password attempts exceeded") => {
            "Too many failed sign-in attempts: the account is locked for a while. Wait a few \
             minutes, then sign in again."
        }
        CognitoException::ExpiredCode if said("already been used") => {
            "This code was already used; wait for the authenticator app's next code."
        }
        CognitoException::NotAuthorized if said("timestamp") => {
            "This device's clock is more than a few minutes off; set the date and time \
             automatically, then sign in again."
        }
        CognitoException::LimitExceeded if said("attempt limit exceeded") => {
            "Too many wrong codes: request a new code, or wait a while before trying again."
        }
        other => other.advice(),
    }
}

impl From<ApiError> for AuthError {
    fn from(error: ApiError) -> AuthError {
        match error {
            ApiError::Service { code, message } => AuthError::service(&code, &message),
            ApiError::Network(detail) => AuthError::Network { detail },
            ApiError::Timeout => AuthError::Timeout,
            ApiError::InvalidResponse(detail) => AuthError::InvalidResponse { detail },
            ApiError::InvalidEndpoint(detail) => AuthError::InvalidInput { detail },
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

/// What is wrong with a JSON text (a stored record, Cognito's answer), for an error message,
/// without quoting it: serde_json's own messages repeat the offending value (`invalid type:
/// string "eyJ…", expected u64`), which may be a token or a device secret. Missing and unknown
/// fields keep serde_json's message (it names only the field).
pub(crate) fn describe_json_error(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let message = error.to_string();
    let what = match error.classify() {
        Category::Data
            if message.starts_with("missing field") || message.starts_with("unknown field") =>
        {
            return message;
        }
        Category::Data => "a value has the wrong type",
        Category::Syntax => "not valid JSON",
        Category::Eof => "cut short",
        Category::Io => "unreadable",
    };
    if error.line() == 0 {
        what.to_owned()
    } else {
        format!("{what} at line {} column {}", error.line(), error.column())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_errors_keep_kind_name_and_advice() {
        let error = AuthError::service("com.amazonaws#CodeMismatchException", "Invalid code");
        assert_eq!(error.exception(), Some(CognitoException::CodeMismatch));
        let report = error.report();
        assert_eq!(
            report.exception_name.as_deref(),
            Some("CodeMismatchException")
        );
        assert_eq!(report.kind, ErrorKind::Service);
        assert!(!report.retryable);
        let other = AuthError::service("SomethingNewException", "m");
        assert_eq!(other.exception(), Some(CognitoException::Other));
        assert!(other.to_string().contains("SomethingNewException"));
    }

    #[test]
    fn a_lockout_and_a_reused_totp_code_say_what_to_do() {
        let lockout = AuthError::service("NotAuthorizedException", "Password attempts exceeded");
        assert!(!lockout.is_retryable());
        assert!(lockout.to_string().contains("locked"), "{lockout}");
        let reused = AuthError::service(
            "ExpiredCodeException",
            "Your software token has already been used once.",
        );
        assert!(reused.to_string().contains("next code"), "{reused}");
        let skewed = AuthError::service(
            "NotAuthorizedException",
            "TIMESTAMP is more than 5 minutes away from the server time.",
        );
        assert!(skewed.to_string().contains("clock"), "{skewed}");
    }

    #[test]
    fn reports_are_json() {
        let json = serde_json::to_value(AuthError::Timeout.report()).unwrap();
        assert_eq!(json["kind"], "TIMEOUT");
        assert_eq!(json["retryable"], true);
        assert_eq!(json["exceptionName"], serde_json::Value::Null);
    }

    #[test]
    fn json_errors_never_quote_the_value() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Record {
            expires_at: u64,
            kind: Kind,
        }
        #[derive(Debug, serde::Deserialize)]
        enum Kind {
            A,
        }
        let secret = "eyJ-a-token-in-the-wrong-place";
        for (text, quoted) in [
            (
                format!(r#"{{"expires_at": "{secret}", "kind": "A"}}"#),
                true,
            ),
            (format!(r#"{{"expires_at": 1, "kind": "{secret}"}}"#), true),
            (
                format!(r#"{{"expires_at": 1, "kind": "A", "{secret}"#),
                false,
            ),
            (secret.to_owned(), false),
        ] {
            let error = serde_json::from_str::<Record>(&text).unwrap_err();
            assert_eq!(error.to_string().contains(secret), quoted, "{error}");
            let described = describe_json_error(&error);
            assert!(!described.contains(secret), "{described}");
            assert!(described.contains("line 1"), "{described}");
        }
        let value = serde_json::json!({ "expires_at": secret, "kind": "A" });
        let error = serde_json::from_value::<Record>(value).unwrap_err();
        assert_eq!(describe_json_error(&error), "a value has the wrong type");
        let missing = serde_json::from_str::<Record>(r#"{"kind": "A"}"#).unwrap_err();
        assert!(describe_json_error(&missing).starts_with("missing field `expires_at`"));
    }
}
