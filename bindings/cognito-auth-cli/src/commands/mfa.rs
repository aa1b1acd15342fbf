//! `mfa setup-totp`, `mfa verify-totp CODE`, `mfa preference [--sms ..] [--totp ..] [--email ..]`.

use cognito_auth_core::{AuthClient, AuthError, MfaPreference, MfaPreferences};
use serde_json::json;

use crate::output::{mfa_name, Report};
use crate::Pref;

/// `mfa setup-totp`: the secret, the otpauth:// URI and a QR code.
pub async fn setup_totp(client: &AuthClient) -> Result<Report, AuthError> {
    let details = client.set_up_totp().await?;
    let uri = details.setup_uri(crate::APP_NAME);
    let mut report = Report::new();
    report
        .line(format!("TOTP secret: {}", details.shared_secret))
        .line(format!("Setup URI:   {uri}"));
    if let Some(qr) = crate::qr::render(&uri) {
        report.line(qr);
    }
    report
        .line("Scan it with an authenticator app, then run `cognito-auth mfa verify-totp CODE`.")
        .result(&details)
        .field("setupUri", json!(uri));
    Ok(report)
}

/// `mfa verify-totp CODE`.
pub async fn verify_totp(
    client: &AuthClient,
    code: &str,
    device_name: Option<&str>,
) -> Result<Report, AuthError> {
    client.verify_totp_setup(code, device_name).await?;
    let mut report = Report::new();
    report
        .line("TOTP is set up and enabled. Make it preferred with `cognito-auth mfa preference --totp preferred`.")
        .field("verified", json!(true));
    Ok(report)
}

fn convert(pref: Option<Pref>) -> Option<MfaPreference> {
    pref.map(|p| match p {
        Pref::Enabled => MfaPreference::Enabled,
        Pref::Disabled => MfaPreference::Disabled,
        Pref::Preferred => MfaPreference::Preferred,
        Pref::NotPreferred => MfaPreference::NotPreferred,
    })
}

/// `mfa preference`: shows the methods; with any of --sms / --totp / --email, changes them first.
pub async fn preference(
    client: &AuthClient,
    sms: Option<Pref>,
    totp: Option<Pref>,
    email: Option<Pref>,
) -> Result<Report, AuthError> {
    let changing = sms.is_some() || totp.is_some() || email.is_some();
    if changing {
        client
            .update_mfa_preference(convert(sms), convert(totp), convert(email))
            .await?;
    }
    let prefs = client.fetch_mfa_preference().await?;
    let mut report = Report::new();
    if changing {
        report.line("MFA preference updated.");
    }
    report
        .line(describe(&prefs))
        .field("updated", json!(changing))
        .result(&prefs);
    Ok(report)
}

fn describe(prefs: &MfaPreferences) -> String {
    if prefs.enabled.is_empty() {
        return "No MFA method is enabled for this user (a pool that requires MFA sends SMS codes to users with a phone number).".into();
    }
    let enabled: Vec<_> = prefs.enabled.iter().map(|m| mfa_name(*m)).collect();
    format!(
        "Enabled: {}; preferred: {}.",
        enabled.join(", "),
        prefs.preferred.map(mfa_name).unwrap_or("none")
    )
}
