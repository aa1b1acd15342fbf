//! `attributes list | update NAME=VALUE... | verify NAME CODE | delete NAME... | send-code NAME`.

use std::collections::HashMap;

use cognito_auth_core::{AuthClient, AuthError};
use serde_json::json;

use crate::errors::CliError;
use crate::output::{delivery_text, Report};

/// `attributes list`.
pub async fn list(client: &AuthClient) -> Result<Report, AuthError> {
    let mut attributes = client.fetch_user_attributes().await?;
    attributes.sort_by(|a, b| a.name.cmp(&b.name));
    let mut report = Report::new();
    let width = attributes.iter().map(|a| a.name.len()).max().unwrap_or(0);
    for attribute in &attributes {
        report.line(format!("{:width$}  {}", attribute.name, attribute.value));
    }
    if attributes.is_empty() {
        report.line("No attributes.");
    }
    report.encoded("attributes", &attributes);
    Ok(report)
}

/// `NAME=VALUE` arguments as a map (the value may contain `=`; the last of a name wins).
fn parse(assignments: &[String]) -> Result<HashMap<String, String>, CliError> {
    assignments
        .iter()
        .map(|a| match a.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                Ok((name.trim().to_owned(), value.to_owned()))
            }
            _ => Err(CliError::usage(format!(
                "`{a}` is not NAME=VALUE (e.g. nickname=Al, custom:team=blue)"
            ))),
        })
        .collect()
}

/// `attributes update NAME=VALUE...`.
pub async fn update(client: &AuthClient, assignments: &[String]) -> Result<Report, CliError> {
    let attributes = parse(assignments)?;
    let sent = client
        .update_user_attributes(&attributes)
        .await
        .map_err(|e| CliError::from_auth(e, "attributes update"))?;
    let mut names: Vec<&String> = attributes.keys().collect();
    names.sort();
    let mut report = Report::new();
    report.line(format!(
        "Updated {}.",
        names
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for details in &sent {
        let name = details.attribute_name.as_deref().unwrap_or("the attribute");
        report.line(format!(
            "A code to verify {name} was sent by {}: run `cognito-auth attributes verify {name} CODE`.",
            delivery_text(details)
        ));
    }
    report
        .field("updated", json!(names))
        .encoded("codeDeliveryDetailsList", &sent);
    Ok(report)
}

/// `attributes verify NAME CODE` (`-`: the code from stdin).
pub async fn verify(client: &AuthClient, name: &str, code: &str) -> Result<Report, CliError> {
    let code = crate::prompt::code(code, "verification code")?;
    client
        .confirm_user_attribute(name, &code)
        .await
        .map_err(|e| CliError::from_auth(e, "attributes verify"))?;
    let mut report = Report::new();
    report
        .line(format!("{name} is verified."))
        .field("attributeName", json!(name))
        .field("verified", json!(true));
    Ok(report)
}

/// `attributes delete NAME...`.
pub async fn delete(client: &AuthClient, names: &[String]) -> Result<Report, AuthError> {
    client.delete_user_attributes(names).await?;
    let mut report = Report::new();
    report
        .line(format!("Deleted {}.", names.join(", ")))
        .field("deleted", json!(names));
    Ok(report)
}

/// `attributes send-code NAME`.
pub async fn send_code(client: &AuthClient, name: &str) -> Result<Report, AuthError> {
    let details = client.send_user_attribute_verification_code(name).await?;
    let mut report = Report::new();
    report
        .line(match &details {
            Some(details) => format!(
                "A code to verify {name} was sent by {}.",
                delivery_text(details)
            ),
            None => format!("A code to verify {name} was sent."),
        })
        .line(format!("Next: cognito-auth attributes verify {name} CODE"))
        .field("attributeName", json!(name))
        .encoded("codeDeliveryDetails", &details);
    Ok(report)
}
