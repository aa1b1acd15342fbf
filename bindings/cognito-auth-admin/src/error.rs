//! [`AdminError`]: every failure of an administration call, in one line, with nothing secret.
//!
//! Cognito's exceptions are named by the core's one table ([`CognitoException`]); the JSON
//! encoding has the shape of the core's errors (`bindings/JSON.md`), with one more kind,
//! `CREDENTIALS`.

use std::error::Error as StdError;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use cognito_auth_core::CognitoException;
use serde::{Serialize, Serializer};

/// What went wrong in an administration call. The messages never contain a secret (no
/// credential, token or code); each is one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AdminError {
    /// Cognito answered with an exception.
    #[error("{} ({exception_name}: {service_message})", exception.advice())]
    Service {
        /// Which exception, by kind (the core's table; `Other` for names it does not list).
        exception: CognitoException,
        /// Cognito's name of it (`UserNotFoundException`).
        exception_name: String,
        /// Cognito's own message.
        service_message: String,
    },
    /// The AWS standard credential chain found no usable credentials; nothing was sent.
    #[error("No AWS credentials: {detail}. Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")]
    Credentials {
        /// What the chain reported.
        detail: String,
    },
    /// Cognito could not be reached, or the connection broke.
    #[error("Cannot reach Cognito: {detail}.")]
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
    /// An argument or the user's state does not allow the operation; nothing was changed.
    #[error("{detail}")]
    InvalidInput {
        /// Which argument and why.
        detail: String,
    },
}

/// The kind of an [`AdminError`], as the JSON encoding names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AdminErrorKind {
    /// [`AdminError::Service`].
    Service,
    /// [`AdminError::Credentials`].
    Credentials,
    /// [`AdminError::Network`].
    Network,
    /// [`AdminError::Timeout`].
    Timeout,
    /// [`AdminError::InvalidResponse`].
    InvalidResponse,
    /// [`AdminError::InvalidInput`].
    InvalidInput,
}

/// An error as the JSON encoding writes it: the core's `ErrorReport` shape, with the admin
/// kinds.
pub type AdminErrorReport = cognito_auth_core::ErrorReport<AdminErrorKind>;

impl AdminError {
    /// A service error as Cognito named it.
    pub fn service(exception_name: &str, service_message: &str) -> AdminError {
        let name = exception_name
            .rsplit('#')
            .next()
            .unwrap_or(exception_name)
            .to_owned();
        AdminError::Service {
            exception: CognitoException::from_wire_name(&name),
            exception_name: name,
            service_message: one_line(service_message),
        }
    }

    pub(crate) fn invalid_input(detail: impl Into<String>) -> AdminError {
        AdminError::InvalidInput {
            detail: one_line(&detail.into()),
        }
    }

    /// The Cognito exception, for service errors.
    pub fn exception(&self) -> Option<CognitoException> {
        match self {
            AdminError::Service { exception, .. } => Some(*exception),
            _ => None,
        }
    }

    /// Cognito's name of the exception, for service errors (also for kinds not in the table).
    pub fn exception_name(&self) -> Option<&str> {
        match self {
            AdminError::Service { exception_name, .. } => Some(exception_name),
            _ => None,
        }
    }

    /// The kind.
    pub fn kind(&self) -> AdminErrorKind {
        match self {
            AdminError::Service { .. } => AdminErrorKind::Service,
            AdminError::Credentials { .. } => AdminErrorKind::Credentials,
            AdminError::Network { .. } => AdminErrorKind::Network,
            AdminError::Timeout => AdminErrorKind::Timeout,
            AdminError::InvalidResponse { .. } => AdminErrorKind::InvalidResponse,
            AdminError::InvalidInput { .. } => AdminErrorKind::InvalidInput,
        }
    }

    /// Whether trying the same call again later can succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            AdminError::Service { exception, .. } => exception.is_retryable(),
            AdminError::Network { .. } | AdminError::Timeout => true,
            _ => false,
        }
    }

    /// The error in the JSON encoding.
    pub fn report(&self) -> AdminErrorReport {
        let (message, service_message) = match self {
            AdminError::Service {
                exception,
                service_message,
                ..
            } => (exception.advice().to_owned(), Some(service_message.clone())),
            other => (other.to_string(), None),
        };
        AdminErrorReport {
            kind: self.kind(),
            exception: self.exception(),
            exception_name: self.exception_name().map(str::to_owned),
            message,
            service_message,
            retryable: self.is_retryable(),
        }
    }

    /// Maps an SDK failure: service exceptions by name, credential failures found anywhere in
    /// the chain of causes, timeouts, network failures and unreadable answers.
    pub(crate) fn from_sdk<E, R>(error: SdkError<E, R>) -> AdminError
    where
        E: ProvideErrorMetadata + StdError + 'static,
        R: std::fmt::Debug + 'static,
    {
        if let SdkError::ServiceError(service) = &error {
            let err = service.err();
            return match err.code() {
                Some(code) => AdminError::service(code, err.message().unwrap_or_default()),
                None => AdminError::InvalidResponse {
                    detail: "an error without an exception name".into(),
                },
            };
        }
        if let Some(credentials) = find_cause::<CredentialsError>(&error) {
            return AdminError::Credentials {
                detail: chain_text(credentials),
            };
        }
        match &error {
            SdkError::TimeoutError(_) => AdminError::Timeout,
            SdkError::DispatchFailure(failure) if failure.is_timeout() => AdminError::Timeout,
            SdkError::DispatchFailure(_) => AdminError::Network {
                detail: chain_text(&error),
            },
            SdkError::ResponseError(_) => AdminError::InvalidResponse {
                detail: chain_text(&error),
            },
            _ => AdminError::invalid_input(chain_text(&error)),
        }
    }
}

impl Serialize for AdminError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.report().serialize(serializer)
    }
}

/// The first cause of type `T` in `error`'s chain (the error itself included).
fn find_cause<'a, T: StdError + 'static>(error: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

/// An error and its causes, on one line (`a: b: c`), repeated messages left out.
pub(crate) fn chain_text(error: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(error);
    while let Some(e) = current {
        let text = one_line(&e.to_string());
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

/// Collapses whitespace runs (newlines included) into single spaces.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_errors_use_the_core_table_and_stay_on_one_line() {
        let e = AdminError::service(
            "com.amazonaws.cognito#UserNotFoundException",
            "User does not\nexist.",
        );
        assert_eq!(e.exception(), Some(CognitoException::UserNotFound));
        assert_eq!(e.exception_name(), Some("UserNotFoundException"));
        let line = e.to_string();
        assert!(!line.contains('\n'), "{line}");
        assert!(line.contains("UserNotFoundException: User does not exist."));
        let report = serde_json::to_value(&e).unwrap();
        assert_eq!(report["kind"], "SERVICE");
        assert_eq!(report["exception"], "USER_NOT_FOUND");
        assert_eq!(report["retryable"], false);
    }

    #[test]
    fn unknown_exceptions_keep_their_name() {
        let e = AdminError::service("BrandNewException", "new");
        assert_eq!(e.exception(), Some(CognitoException::Other));
        assert_eq!(e.exception_name(), Some("BrandNewException"));
        assert_eq!(serde_json::to_value(&e).unwrap()["exception"], "OTHER");
    }

    #[test]
    fn kinds_are_encoded_in_screaming_snake_case() {
        let e = AdminError::Credentials {
            detail: "no providers in chain provided credentials".into(),
        };
        let report = serde_json::to_value(&e).unwrap();
        assert_eq!(report["kind"], "CREDENTIALS");
        assert_eq!(report["exception"], serde_json::Value::Null);
        assert!(report["message"]
            .as_str()
            .unwrap()
            .contains("AWS_ACCESS_KEY_ID"));
        assert!(AdminError::Timeout.is_retryable());
    }
}
