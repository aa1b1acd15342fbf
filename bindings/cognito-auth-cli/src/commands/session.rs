//! `session` and `sign-out`.

use cognito_auth_core::{AuthClient, AuthError};
use serde_json::json;

use crate::output::Report;

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `session [--show-tokens] [--force-refresh]`: username and expiry; tokens only on request.
pub async fn show(
    client: &AuthClient,
    show_tokens: bool,
    force_refresh: bool,
) -> Result<Report, AuthError> {
    let session = client.fetch_auth_session(force_refresh).await?;
    let mut report = Report::new();
    report.result(&session);
    // Tokens are printed only on request.
    report.fields.remove("tokens");
    let Some(tokens) = &session.tokens else {
        report
            .line("Not signed in. Run `cognito-auth sign-in --username NAME`.")
            .field("expiresAt", json!(null));
        return Ok(report);
    };
    let expires_in = tokens.expires_at.saturating_sub(now());
    report
        .line(format!(
            "Signed in as {} (sub {}).",
            session.username.as_deref().unwrap_or("?"),
            session.user_sub.as_deref().unwrap_or("?")
        ))
        .line(format!(
            "Access token expires {} (in {} min {} s).",
            cognito_auth_core::srp::format_timestamp(tokens.expires_at),
            expires_in / 60,
            expires_in % 60
        ))
        .line(format!(
            "This device: {}.",
            crate::output::device_status_text(client.current_device_status()?)
        ))
        .field("expiresAt", json!(tokens.expires_at))
        .field("expiresIn", json!(expires_in))
        .encoded("deviceStatus", &client.current_device_status()?);
    if show_tokens {
        report
            .line(format!("access token: {}", tokens.access_token))
            .line(format!(
                "id token: {}",
                tokens.id_token.as_deref().unwrap_or("(none)")
            ))
            .encoded("tokens", tokens);
    }
    Ok(report)
}

/// `sign-out [--global]`.
pub async fn sign_out(client: &AuthClient, global: bool) -> Result<Report, AuthError> {
    client.sign_out(global).await?;
    let mut report = Report::new();
    report
        .line(if global {
            "Signed out of every device."
        } else {
            "Signed out on this device (the device stays remembered)."
        })
        .field("signedOut", json!(true))
        .field("global", json!(global));
    Ok(report)
}
