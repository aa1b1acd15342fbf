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
///
/// Exits 0 whenever the local sign-out happened, also offline: what the server could not do
/// is printed (and in the JSON result).
pub async fn sign_out(client: &AuthClient, global: bool) -> Result<Report, AuthError> {
    let result = client.sign_out(global).await?;
    let mut report = Report::new();
    report.line(match (global, result.is_complete()) {
        (true, true) => "Signed out of every device.",
        (false, true) => "Signed out on this device (the device stays remembered).",
        (_, false) => "Signed out on this device (the device stays remembered), but:",
    });
    if let Some(error) = &result.global_sign_out_error {
        report.line(format!(
            "  not signed out of the other devices ({error}); their sessions last until their tokens expire"
        ));
    }
    if let Some(error) = &result.revoke_token_error {
        report.line(format!(
            "  the refresh token was not revoked ({error}); it stays valid until it expires"
        ));
    }
    report
        .field("signedOut", json!(true))
        .field("global", json!(global))
        .result(&result);
    Ok(report)
}

/// `reset-local-state`: clears this app client's records in the store; nothing is sent.
pub async fn reset_local_state(client: &AuthClient) -> Result<Report, AuthError> {
    client.reset_local_state().await?;
    let mut report = Report::new();
    report
        .line("Cleared the tokens, device secret and saved sign-in kept here (nothing was sent to Cognito: the refresh token was not revoked). Sign in again.")
        .field("reset", json!(true));
    Ok(report)
}
