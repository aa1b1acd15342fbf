//! `sign-up` (also with `--auto-sign-in`), `confirm-sign-up`, `resend-sign-up-code`,
//! `reset-password`, `confirm-reset-password`, `update-password`, `current-user`,
//! `delete-user`.

use cognito_auth_core::{
    AuthClient, AuthError, CodeDeliveryDetails, CognitoException, SignUpOptions, SignUpResult,
    SignUpStep,
};
use serde_json::json;

use crate::errors::CliError;
use crate::output::{delivery_text, Report};
use crate::prompt;

/// Who `sign-up` registers.
pub struct NewUser {
    pub username: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// How many codes `sign-up --auto-sign-in` asks for on a terminal before giving up.
const CODE_ATTEMPTS: usize = 3;

/// `sign-up --username U [--email E] [--phone P] [--password-stdin] [--auto-sign-in]`.
///
/// With `--auto-sign-in` the confirmation code is asked for in this process (the sign-up
/// session Cognito returns lives in this process's `AuthClient` only), then the user is
/// confirmed and signed in without the password being asked again.
pub async fn sign_up(
    client: &AuthClient,
    user: NewUser,
    password_stdin: bool,
    auto_sign_in: bool,
) -> Result<Report, CliError> {
    let NewUser {
        username,
        email,
        phone,
    } = user;
    let ctx = |e: AuthError| CliError::from_auth(e, "sign-up");
    let password = prompt::new_secret("password", password_stdin)?;
    let mut options = SignUpOptions {
        auto_sign_in,
        ..Default::default()
    };
    if let Some(email) = email {
        options.user_attributes.insert("email".into(), email);
    }
    if let Some(phone) = phone {
        options.user_attributes.insert("phone_number".into(), phone);
    }
    let result = client
        .sign_up(&username, &password, options)
        .await
        .map_err(ctx)?;
    drop(password);
    let sent = match &result.next_step {
        SignUpStep::ConfirmSignUp {
            code_delivery_details,
        } => code_delivery_details
            .as_ref()
            .map(delivery_text)
            .unwrap_or_else(|| "a message".into()),
        SignUpStep::Done => {
            let mut report = Report::new();
            report
                .line(format!("Signed up {username}; the account is confirmed."))
                .field("username", json!(username))
                .result(&result);
            if auto_sign_in {
                report.line(format!(
                    "No confirmation was needed, so there is no sign-in with the sign-up: run `cognito-auth sign-in --username {username}`."
                ));
            }
            return Ok(report);
        }
    };
    if !auto_sign_in {
        let mut report = Report::new();
        report
            .field("username", json!(username))
            .result(&result)
            .line(format!(
                "Signed up {username}. A confirmation code was sent by {sent}."
            ))
            .line(format!(
                "Next: cognito-auth confirm-sign-up --username {username} CODE"
            ));
        return Ok(report);
    }

    // The code, in this process: prompted on a terminal (again after a wrong one), else the
    // next line of stdin.
    let terminal = prompt::is_terminal();
    if terminal {
        eprintln!("Signed up {username}. A confirmation code was sent by {sent}.");
    }
    let mut attempt = 1;
    let confirmed = loop {
        let code = prompt::ask("confirmation code")?;
        match client.confirm_sign_up(&username, &code).await {
            Ok(confirmed) => break confirmed,
            Err(AuthError::Service {
                exception: CognitoException::CodeMismatch,
                ..
            }) if terminal && attempt < CODE_ATTEMPTS => {
                eprintln!("The code is wrong; try again.");
                attempt += 1;
            }
            Err(error) => return Err(ctx(error)),
        }
    };
    Ok(auto_sign_in_report(&username, &result, &confirmed))
}

/// The report of `sign-up --auto-sign-in` once confirmed: the confirmation's `SignUpResult`
/// (with `signIn` or `autoSignInError`), plus `username` and the sign-up's own result as
/// `signUp`.
fn auto_sign_in_report(
    username: &str,
    signed_up: &SignUpResult,
    confirmed: &SignUpResult,
) -> Report {
    let mut report = Report::new();
    report.line(format!("Signed up and confirmed {username}."));
    match (&confirmed.sign_in, &confirmed.auto_sign_in_error) {
        (Some(sign_in), _) => {
            // The sign-in's lines, and `setupUri` at the TOTP setup step; its result is
            // `signIn` of the library's result below.
            let signed_in = super::signin::report(sign_in);
            report.lines.extend(signed_in.lines);
            if let Some(uri) = signed_in.fields.get("setupUri") {
                report.field("setupUri", uri.clone());
            }
        }
        (None, Some(error)) => {
            report.line(format!(
                "The sign-in that follows failed ({error}): run `cognito-auth sign-in --username {username}`."
            ));
        }
        (None, None) => {
            report.line(format!(
                "Not signed in: run `cognito-auth sign-in --username {username}`."
            ));
        }
    }
    report
        .field("username", json!(username))
        .encoded("signUp", signed_up)
        .result(confirmed);
    report
}

/// `confirm-sign-up --username U CODE` (`-`: the code from stdin).
pub async fn confirm_sign_up(
    client: &AuthClient,
    username: &str,
    code: &str,
) -> Result<Report, CliError> {
    let code = prompt::code(code, "confirmation code")?;
    let result = client
        .confirm_sign_up(username, &code)
        .await
        .map_err(|e| CliError::from_auth(e, "confirm-sign-up"))?;
    let mut report = Report::new();
    report
        .line(format!(
            "Confirmed {username}. Next: cognito-auth sign-in --username {username}"
        ))
        .field("username", json!(username))
        .result(&result);
    Ok(report)
}

fn sent_line(details: &Option<CodeDeliveryDetails>) -> String {
    match details {
        Some(details) => format!("A code was sent by {}.", delivery_text(details)),
        None => "A code was sent.".into(),
    }
}

/// `resend-sign-up-code --username U`.
pub async fn resend_sign_up_code(client: &AuthClient, username: &str) -> Result<Report, AuthError> {
    let details = client.resend_sign_up_code(username).await?;
    let mut report = Report::new();
    report
        .line(sent_line(&details))
        .line(format!(
            "Next: cognito-auth confirm-sign-up --username {username} CODE"
        ))
        .field("username", json!(username))
        .encoded("codeDeliveryDetails", &details);
    Ok(report)
}

/// `reset-password --username U`.
pub async fn reset_password(client: &AuthClient, username: &str) -> Result<Report, AuthError> {
    let details = client.reset_password(username).await?;
    let mut report = Report::new();
    report
        .line(sent_line(&details))
        .line(format!(
            "Next: cognito-auth confirm-reset-password --username {username} CODE (the new password is asked for)"
        ))
        .field("username", json!(username))
        .encoded("codeDeliveryDetails", &details);
    Ok(report)
}

/// `confirm-reset-password --username U CODE [--password-stdin]`: with CODE `-` and
/// `--password-stdin`, stdin has the code, then the new password.
pub async fn confirm_reset_password(
    client: &AuthClient,
    username: &str,
    code: &str,
    password_stdin: bool,
) -> Result<Report, CliError> {
    let code = prompt::code(code, "reset code")?;
    let password = prompt::new_secret("new password", password_stdin)?;
    client
        .confirm_reset_password(username, &password, &code)
        .await
        .map_err(|e| CliError::from_auth(e, "confirm-reset-password"))?;
    let mut report = Report::new();
    report
        .line(format!(
            "The password of {username} was reset. Next: cognito-auth sign-in --username {username}"
        ))
        .field("username", json!(username))
        .field("passwordReset", json!(true));
    Ok(report)
}

/// `update-password [--password-stdin]`: the current password, then the new one.
pub async fn update_password(
    client: &AuthClient,
    password_stdin: bool,
) -> Result<Report, CliError> {
    let old = prompt::secret("current password", password_stdin)?;
    let new = prompt::new_secret("new password", password_stdin)?;
    client
        .update_password(&old, &new)
        .await
        .map_err(|e| CliError::from_auth(e, "update-password"))?;
    let mut report = Report::new();
    report
        .line("The password was changed.")
        .field("passwordUpdated", json!(true));
    Ok(report)
}

/// `current-user`: from the stored tokens, without a network call.
pub async fn current_user(client: &AuthClient) -> Result<Report, AuthError> {
    let user = client.get_current_user().await?;
    let mut report = Report::new();
    report
        .line(format!(
            "{} (sub {})",
            user.username,
            user.user_id.as_deref().unwrap_or("?")
        ))
        .result(&user);
    Ok(report)
}

/// `delete-user [--yes]`: on a terminal the username must be typed to confirm, unless `--yes`;
/// with `--json` or without a terminal `--yes` is required.
pub async fn delete_user(
    client: &AuthClient,
    yes: bool,
    json_mode: bool,
) -> Result<Report, CliError> {
    let ctx = |e: AuthError| CliError::from_auth(e, "delete-user");
    let user = client.get_current_user().await.map_err(ctx)?;
    if !yes {
        if json_mode || !prompt::is_terminal() {
            return Err(CliError::usage(
                "delete-user deletes the account for good: pass --yes (required with --json and without a terminal)",
            ));
        }
        let typed = prompt::ask(&format!(
            "Delete the account of {} for good? Type the username to confirm",
            user.username
        ))?;
        if typed.trim() != user.username {
            return Err(CliError::failed("not confirmed: nothing was deleted"));
        }
    }
    client.delete_user().await.map_err(ctx)?;
    let mut report = Report::new();
    report
        .line(format!(
            "The account of {} was deleted, and everything stored for it here.",
            user.username
        ))
        .field("deleted", json!(true))
        .field("username", json!(user.username));
    Ok(report)
}
