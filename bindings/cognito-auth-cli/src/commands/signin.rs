//! `sign-in` and `confirm-sign-in`. A sign-in left at a step is kept in the store, so
//! `confirm-sign-in` in a later process (same `--store`) continues it.

use cognito_auth_core::{
    AuthClient, ConfirmSignInOptions, SignInNextStep, SignInOptions, SignInResult,
};
use serde_json::json;

use crate::errors::CliError;
use crate::output::{device_outcome_text, next_step_text, Report};

/// `sign-in --username U [--password-stdin]`.
pub async fn sign_in(
    client: &AuthClient,
    username: &str,
    password_stdin: bool,
) -> Result<Report, CliError> {
    let password = crate::prompt::secret("password", password_stdin)?;
    let result = client
        .sign_in(username, Some(password.as_str()), SignInOptions::default())
        .await
        .map_err(|e| CliError::from_auth(e, "sign-in"))?;
    Ok(report(&result))
}

/// `confirm-sign-in VALUE` (`-`: the value is read from stdin, or prompted on a terminal).
pub async fn confirm_sign_in(client: &AuthClient, value: &str) -> Result<Report, CliError> {
    let value = if value == "-" {
        let hidden = matches!(
            client.pending_sign_in_step().await,
            Ok(Some(SignInNextStep::ConfirmSignInWithNewPassword { .. }))
        );
        if hidden && std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            crate::prompt::secret("new password", false)?
        } else {
            crate::prompt::stdin_line("answer")?
        }
    } else {
        zeroize::Zeroizing::new(value.to_owned())
    };
    let result = client
        .confirm_sign_in(&value, ConfirmSignInOptions::default())
        .await
        .map_err(|e| CliError::from_auth(e, "confirm-sign-in"))?;
    Ok(report(&result))
}

fn report(result: &SignInResult) -> Report {
    let mut report = Report::new();
    report.result(result);
    if let SignInNextStep::ContinueSignInWithTotpSetup { totp_setup_details } = &result.next_step {
        report.field(
            "setupUri",
            json!(totp_setup_details.setup_uri(crate::APP_NAME)),
        );
    }
    report.line(next_step_text(&result.next_step));
    if let Some(device) = &result.device {
        report.line(device_outcome_text(device));
    }
    report
}
