//! `sign-in`, `confirm-sign-in`, `pending-sign-in` and `cancel-sign-in`. A sign-in left at a
//! step is kept in the store, so `confirm-sign-in` in a later process (same `--store`)
//! continues it.

use cognito_auth_core::{
    AuthClient, AuthFactor, AuthFlow, ConfirmSignInOptions, SignInNextStep, SignInOptions,
    SignInResult,
};
use serde_json::json;

use crate::errors::CliError;
use crate::output::{device_outcome_text, next_step_text, Report};
use crate::{Factor, Flow};

/// The core's flow for `--flow` / `--factor` (a factor implies `--flow user-auth`).
pub fn auth_flow(flow: Option<Flow>, factor: Option<Factor>) -> Result<AuthFlow, CliError> {
    let factor = factor.map(|f| match f {
        Factor::EmailOtp => AuthFactor::EmailOtp,
        Factor::SmsOtp => AuthFactor::SmsOtp,
        Factor::Password => AuthFactor::Password,
        Factor::PasswordSrp => AuthFactor::PasswordSrp,
    });
    match (flow, factor) {
        (None | Some(Flow::UserAuth), preferred_first_factor @ Some(_))
        | (Some(Flow::UserAuth), preferred_first_factor @ None) => Ok(AuthFlow::UserAuth {
            preferred_first_factor,
        }),
        (Some(_), Some(_)) => Err(CliError::usage(
            "--factor needs --flow user-auth (choice-based sign-in)",
        )),
        (None | Some(Flow::Srp), None) => Ok(AuthFlow::UserSrp),
        (Some(Flow::Password), None) => Ok(AuthFlow::UserPassword),
        (Some(Flow::Custom), None) => Ok(AuthFlow::CustomWithoutSrp),
        (Some(Flow::CustomSrp), None) => Ok(AuthFlow::CustomWithSrp),
    }
}

/// Whether the flow starts with the password. `USER_AUTH` without a factor does not: Cognito
/// offers a choice, and the password factors are then chosen with `--factor`.
fn needs_password(flow: &AuthFlow) -> bool {
    match flow {
        AuthFlow::UserSrp | AuthFlow::UserPassword | AuthFlow::CustomWithSrp => true,
        AuthFlow::CustomWithoutSrp => false,
        AuthFlow::UserAuth {
            preferred_first_factor,
        } => matches!(
            preferred_first_factor,
            Some(AuthFactor::Password | AuthFactor::PasswordSrp)
        ),
    }
}

/// `sign-in --username U [--password-stdin] [--flow F] [--factor X]`.
pub async fn sign_in(
    client: &AuthClient,
    username: &str,
    password_stdin: bool,
    flow: AuthFlow,
) -> Result<Report, CliError> {
    let password = if needs_password(&flow) {
        Some(crate::prompt::secret("password", password_stdin)?)
    } else {
        None
    };
    let options = SignInOptions {
        auth_flow: flow,
        ..Default::default()
    };
    let result = client
        .sign_in(username, password.as_ref().map(|p| p.as_str()), options)
        .await
        .map_err(|e| CliError::from_auth(e, "sign-in"))?;
    Ok(report(&result))
}

/// `confirm-sign-in VALUE` (`-`: the value is read from stdin, or prompted on a terminal).
pub async fn confirm_sign_in(client: &AuthClient, value: &str) -> Result<Report, CliError> {
    let value = if value == "-" {
        let new_password = matches!(
            client.pending_sign_in_step().await,
            Ok(Some(SignInNextStep::ConfirmSignInWithNewPassword { .. }))
        );
        if new_password && crate::prompt::is_terminal() {
            crate::prompt::new_secret("new password", false)?
        } else {
            crate::prompt::ask("answer")?
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

/// `pending-sign-in`: the step the sign-in under way waits for (saved by an earlier process).
pub async fn pending(client: &AuthClient) -> Result<Report, CliError> {
    let step = client
        .pending_sign_in_step()
        .await
        .map_err(|e| CliError::from_auth(e, "pending-sign-in"))?;
    let mut report = Report::new();
    report.encoded("nextStep", &step);
    match &step {
        Some(step) => step_lines(&mut report, step),
        None => {
            report.line("No sign-in is under way.");
        }
    }
    Ok(report)
}

/// `cancel-sign-in`: abandons the sign-in under way (nothing to cancel is not an error).
pub async fn cancel(client: &AuthClient) -> Report {
    client.cancel_sign_in().await;
    let mut report = Report::new();
    report
        .line("No sign-in is under way any more.")
        .field("cancelled", json!(true));
    report
}

/// The report of a sign-in result (also the sign-in after `sign-up --auto-sign-in`).
pub fn report(result: &SignInResult) -> Report {
    let mut report = Report::new();
    report.result(result);
    step_lines(&mut report, &result.next_step);
    if let Some(device) = &result.device {
        report.line(device_outcome_text(device));
    }
    report
}

/// What the step asks for; at the TOTP setup step also the QR code of the setup URI (and the
/// URI as `setupUri` in JSON).
fn step_lines(report: &mut Report, step: &SignInNextStep) {
    report.line(next_step_text(step));
    if let SignInNextStep::ContinueSignInWithTotpSetup { totp_setup_details } = step {
        let uri = totp_setup_details.setup_uri(crate::APP_NAME);
        if let Some(qr) = crate::qr::render(&uri) {
            report.line(qr);
        }
        report.field("setupUri", json!(uri));
    }
}
