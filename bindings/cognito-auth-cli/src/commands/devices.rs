//! `devices list | remember | forget [DEVICE_ID]`.

use cognito_auth_core::{AuthClient, AuthError};
use serde_json::json;

use crate::output::{device_status_text, Report};

/// `devices list`.
pub async fn list(client: &AuthClient) -> Result<Report, AuthError> {
    let devices = client.fetch_devices().await?;
    let mut report = Report::new();
    if devices.is_empty() {
        report.line("No tracked devices.");
    }
    for d in &devices {
        report.line(format!(
            "{} {}  {}  {}",
            if d.is_current_device { "*" } else { " " },
            d.id,
            device_status_text(d.status),
            d.name.as_deref().unwrap_or("(no name)")
        ));
    }
    if devices.iter().any(|d| d.is_current_device) {
        report.line("(* = this device)");
    }
    report.encoded("devices", &devices);
    Ok(report)
}

/// `devices remember`.
pub async fn remember(client: &AuthClient) -> Result<Report, AuthError> {
    client.remember_device().await?;
    let mut report = Report::new();
    report
        .line("This device is remembered: signing in here skips MFA (when the pool allows it).")
        .encoded("status", &client.current_device_status()?);
    Ok(report)
}

/// `devices forget [DEVICE_ID]`.
pub async fn forget(client: &AuthClient, device_id: Option<&str>) -> Result<Report, AuthError> {
    client.forget_device(device_id).await?;
    let mut report = Report::new();
    report
        .line(match device_id {
            Some(id) => format!("Forgot device {id}."),
            None => "Forgot this device: the next sign-in here asks for MFA again.".into(),
        })
        .field("forgotten", json!(device_id.unwrap_or("current")))
        .encoded("status", &client.current_device_status()?);
    Ok(report)
}

/// `devices stop-remembering`: still tracked, no longer remembered.
pub async fn stop_remembering(client: &AuthClient) -> Result<Report, AuthError> {
    client.stop_remembering_device().await?;
    let mut report = Report::new();
    report
        .line("This device is no longer remembered (still tracked): signing in here asks for MFA again.")
        .encoded("status", &client.current_device_status()?);
    Ok(report)
}
