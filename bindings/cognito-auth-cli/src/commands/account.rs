//! `sign-up` and `confirm-sign-up`.

use cognito_auth_core::{AuthClient, AuthError, SignUpOptions, SignUpStep};
use serde_json::json;

use crate::output::{delivery_text, Report};

/// `sign-up --username U [--email E] [--phone P]`.
pub async fn sign_up(
    client: &AuthClient,
    username: &str,
    email: Option<String>,
    phone: Option<String>,
    password_stdin: bool,
) -> Result<Report, AuthError> {
    let password = crate::prompt::secret("password", password_stdin)
        .map_err(|e| AuthError::InvalidInput { detail: e.message })?;
    let mut options = SignUpOptions::default();
    if let Some(email) = email {
        options.user_attributes.insert("email".into(), email);
    }
    if let Some(phone) = phone {
        options.user_attributes.insert("phone_number".into(), phone);
    }
    let result = client.sign_up(username, &password, options).await?;
    let mut report = Report::new();
    report.field("username", json!(username)).result(&result);
    match &result.next_step {
        SignUpStep::ConfirmSignUp {
            code_delivery_details,
        } => {
            let sent = code_delivery_details
                .as_ref()
                .map(delivery_text)
                .unwrap_or_else(|| "a message".into());
            report
                .line(format!(
                    "Signed up {username}. A confirmation code was sent by {sent}."
                ))
                .line(format!(
                    "Next: cognito-auth confirm-sign-up --username {username} CODE"
                ));
        }
        SignUpStep::Done => {
            report.line(format!("Signed up {username}; the account is confirmed."));
        }
    }
    Ok(report)
}

/// `confirm-sign-up --username U CODE`.
pub async fn confirm_sign_up(
    client: &AuthClient,
    username: &str,
    code: &str,
) -> Result<Report, AuthError> {
    let result = client.confirm_sign_up(username, code).await?;
    let mut report = Report::new();
    report
        .line(format!(
            "Confirmed {username}. Next: cognito-auth sign-in --username {username}"
        ))
        .field("username", json!(username))
        .result(&result);
    Ok(report)
}
