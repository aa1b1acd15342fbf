//! `devices list | remember | forget [DEVICE_ID]`.

use cognito_auth_core::{AuthClient, AuthError};
use serde_json::json;

use crate::output::{device_status_name, Report};

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
            device_status_name(d.status),
            d.name.as_deref().unwrap_or("(no name)")
        ));
    }
    if devices.iter().any(|d| d.is_current_device) {
        report.line("(* = this device)");
    }
    let items: Vec<_> = devices
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "name": d.name,
                "status": device_status_name(d.status),
                "current": d.is_current_device,
                "createdAt": d.created_at,
                "lastAuthenticatedAt": d.last_authenticated_at,
                "lastModifiedAt": d.last_modified_at,
            })
        })
        .collect();
    report.field("devices", json!(items));
    Ok(report)
}

/// `devices remember`.
pub async fn remember(client: &AuthClient) -> Result<Report, AuthError> {
    client.remember_device().await?;
    let mut report = Report::new();
    report
        .line("This device is remembered: signing in here skips MFA (when the pool allows it).")
        .field(
            "status",
            json!(device_status_name(client.current_device_status()?)),
        );
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
        .field(
            "status",
            json!(device_status_name(client.current_device_status()?)),
        );
    Ok(report)
}
