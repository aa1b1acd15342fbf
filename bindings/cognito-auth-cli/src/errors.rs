//! The CLI's one error type and its exit codes (documented in README.md).
//!
//! Every failure becomes ONE line on stderr that says what happened and what to do. Messages
//! come from [`AuthError`]'s `Display` (which never contains a password, code or token), with
//! the command and a CLI-specific hint added.

use cognito_auth_core::{AuthError, CognitoException};

/// Exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// 0: success.
    Ok = 0,
    /// 1: Cognito refused (wrong code or password, unknown user, expired session...), an
    /// unexpected answer, a call that does not fit the current state, or a demo step failed.
    Auth = 1,
    /// 2: bad arguments or configuration (nothing was sent).
    Usage = 2,
    /// 3: Cognito could not be reached, or did not answer in time.
    Network = 3,
    /// 4: the secret store failed.
    Storage = 4,
    /// 5: nobody is signed in (or the session ended): sign in again.
    SignedOut = 5,
}

impl ExitCode {
    /// The error kind of a failure the library did not report (the JSON encoding's `kind`).
    pub fn kind(self) -> &'static str {
        match self {
            ExitCode::Ok => "OK",
            ExitCode::Auth => "FAILED",
            ExitCode::Usage => "USAGE",
            ExitCode::Network => "NETWORK",
            ExitCode::Storage => "STORAGE",
            ExitCode::SignedOut => "SIGNED_OUT",
        }
    }
}

/// A failure of a command.
#[derive(Debug, Clone)]
pub struct CliError {
    /// The exit code.
    pub code: ExitCode,
    /// One line: what happened and what to do.
    pub message: String,
    /// The library's report of the error in its JSON encoding, when it came from the library.
    pub report: Option<serde_json::Value>,
}

impl CliError {
    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            code: ExitCode::Usage,
            message: message.into(),
            report: None,
        }
    }

    /// A storage error (exit 4).
    pub fn storage(message: impl Into<String>) -> CliError {
        CliError {
            code: ExitCode::Storage,
            message: message.into(),
            report: None,
        }
    }

    /// A failure of the demo or a check (exit 1).
    pub fn failed(message: impl Into<String>) -> CliError {
        CliError {
            code: ExitCode::Auth,
            message: message.into(),
            report: None,
        }
    }

    /// The error printed on stderr: exactly one line.
    pub fn line(&self, command: &str) -> String {
        one_line(&format!("cognito-auth {command}: {}", self.message))
    }

    /// An [`AuthError`] with CLI hints, for `command`.
    pub fn from_auth(error: AuthError, command: &str) -> CliError {
        let report = serde_json::to_value(error.report()).ok();
        let (code, hint) = match &error {
            AuthError::Service { exception, .. } => {
                (ExitCode::Auth, service_hint(*exception, &error, command))
            }
            AuthError::Network { .. } | AuthError::Timeout => (
                ExitCode::Network,
                Some("Is --endpoint / --region (or COGNITO_AUTH_ENDPOINT) right?".into()),
            ),
            AuthError::LocalStateUnreadable { .. } => (
                ExitCode::Storage,
                Some("Run `cognito-auth reset-local-state`, then sign in again.".into()),
            ),
            AuthError::Storage { .. } => (
                ExitCode::Storage,
                Some("Check that --store points to a writable directory you own.".into()),
            ),
            AuthError::SignedOut => (
                ExitCode::SignedOut,
                Some("Run `cognito-auth sign-in --username NAME`.".into()),
            ),
            AuthError::InvalidInput { .. } => (ExitCode::Usage, None),
            AuthError::InvalidState { .. } if command == "confirm-sign-in" => (
                ExitCode::Auth,
                Some(
                    "Start with `cognito-auth sign-in --username NAME` (with the same --store)."
                        .into(),
                ),
            ),
            _ => (ExitCode::Auth, None),
        };
        let mut message = error.to_string();
        if let Some(hint) = hint {
            message = format!("{message} {hint}");
        }
        CliError {
            code,
            message,
            report,
        }
    }

    /// An [`AdminError`](cognito_auth_admin::AdminError) with CLI hints.
    #[cfg(feature = "admin")]
    pub fn from_admin(error: cognito_auth_admin::AdminError) -> CliError {
        use cognito_auth_admin::AdminError;
        let (code, hint) = match &error {
            AdminError::Service { exception, .. } => (
                ExitCode::Auth,
                match exception {
                    CognitoException::UserNotFound => Some("Check --username and --user-pool-id."),
                    CognitoException::NotAuthorized => Some(
                        "Check that the AWS credentials are allowed the cognito-idp:Admin* actions on this pool.",
                    ),
                    CognitoException::ResourceNotFound => Some(
                        "Check --user-pool-id, and the device key (`cognito-auth admin devices list --username NAME`).",
                    ),
                    _ => None,
                },
            ),
            AdminError::Credentials { .. } => (ExitCode::Usage, None),
            AdminError::Network { .. } | AdminError::Timeout => (
                ExitCode::Network,
                Some("Is --endpoint / --region (or COGNITO_AUTH_ENDPOINT) right?"),
            ),
            AdminError::InvalidInput { .. } => (ExitCode::Usage, None),
            _ => (ExitCode::Auth, None),
        };
        let mut message = error.to_string();
        if let Some(hint) = hint {
            message = format!("{message} {hint}");
        }
        CliError {
            code,
            message,
            report: serde_json::to_value(error.report()).ok(),
        }
    }

    /// The error in the JSON encoding (`bindings/JSON.md`), with the exit code added.
    pub fn json(&self) -> serde_json::Value {
        let mut value = match &self.report {
            Some(report) => report.clone(),
            None => serde_json::json!({
                "kind": self.code.kind(),
                "exception": null,
                "exceptionName": null,
                "serviceMessage": null,
                "retryable": false,
            }),
        };
        value["message"] = serde_json::json!(one_line(&self.message));
        value["exitCode"] = serde_json::json!(self.code as i32);
        value
    }
}

fn service_hint(exception: CognitoException, error: &AuthError, command: &str) -> Option<String> {
    let service_message = match error {
        AuthError::Service {
            service_message, ..
        } => service_message.to_ascii_lowercase(),
        _ => String::new(),
    };
    match exception {
        CognitoException::NotAuthorized if service_message.contains("session") => Some(
            "The sign-in session has expired or was used up: run `cognito-auth sign-in` again."
                .into(),
        ),
        CognitoException::CodeMismatch if command == "confirm-sign-in" => {
            Some("Run `cognito-auth confirm-sign-in CODE` again with the right code.".into())
        }
        CognitoException::ExpiredCode if command == "confirm-sign-in" => {
            Some("Run `cognito-auth sign-in` again to get a new code.".into())
        }
        CognitoException::CodeMismatch | CognitoException::ExpiredCode if command == "sign-up" => {
            Some(
                "The user is signed up but not confirmed: run `cognito-auth confirm-sign-up \
                 --username NAME CODE` (a new code: `cognito-auth resend-sign-up-code --username \
                 NAME`), then sign in."
                    .into(),
            )
        }
        CognitoException::ExpiredCode if command == "confirm-sign-up" => {
            Some("Get a new code with `cognito-auth resend-sign-up-code --username NAME`.".into())
        }
        CognitoException::ExpiredCode if command == "confirm-reset-password" => {
            Some("Get a new code with `cognito-auth reset-password --username NAME`.".into())
        }
        CognitoException::ExpiredCode if command == "attributes verify" => {
            Some("Get a new code with `cognito-auth attributes send-code NAME`.".into())
        }
        CognitoException::CodeMismatch
            if matches!(
                command,
                "confirm-sign-up" | "confirm-reset-password" | "attributes verify"
            ) =>
        {
            Some(format!(
                "Run `cognito-auth {command}` again with the right code."
            ))
        }
        CognitoException::UserNotConfirmed => {
            Some("Run `cognito-auth confirm-sign-up --username NAME CODE`.".into())
        }
        CognitoException::UserNotFound => {
            Some("Check --username and --user-pool-id, or run `cognito-auth sign-up`.".into())
        }
        _ => None,
    }
}

/// Collapses whitespace runs (newlines included) so the message is one line.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_errors_exit_3_with_a_hint() {
        let e = CliError::from_auth(
            AuthError::Network {
                detail: "connection refused".into(),
            },
            "sign-in",
        );
        assert_eq!(e.code, ExitCode::Network);
        assert!(e.line("sign-in").contains("--endpoint"));
        assert!(!e.line("sign-in").contains('\n'));
    }

    #[test]
    fn one_line_collapses_newlines() {
        assert_eq!(one_line("a\n b\t\tc "), "a b c");
    }
}
