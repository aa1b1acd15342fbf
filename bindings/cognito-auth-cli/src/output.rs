//! Human text vs `--json`: every command returns a [`Report`]; `main` prints its text, or one
//! JSON object on stdout: `{"command": ..., "ok": true, ...}` whose fields are the library's
//! results in their one JSON encoding (`bindings/JSON.md`) — the same objects the C ABI returns —
//! plus a few CLI extras (`setupUri`, `expiresIn`, ...).

use cognito_auth_core::{
    AuthFactor, CodeDeliveryDetails, DeliveryMedium, DeviceOutcome, DeviceStatus, MfaType,
    SignInNextStep,
};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::errors::CliError;

/// What a command did: lines for a person, fields for a script.
#[derive(Debug, Default)]
pub struct Report {
    /// Lines printed in human mode.
    pub lines: Vec<String>,
    /// Fields of the JSON object (besides `command` and `ok`).
    pub fields: Map<String, Value>,
}

impl Report {
    /// An empty report.
    pub fn new() -> Report {
        Report::default()
    }

    /// Adds a line of human output.
    pub fn line(&mut self, text: impl Into<String>) -> &mut Report {
        self.lines.push(text.into());
        self
    }

    /// Sets a JSON field.
    pub fn field(&mut self, name: &str, value: Value) -> &mut Report {
        self.fields.insert(name.to_owned(), value);
        self
    }

    /// Sets a JSON field to a library value in its JSON encoding.
    pub fn encoded(&mut self, name: &str, value: &impl Serialize) -> &mut Report {
        self.field(name, encode(value))
    }

    /// Adds the fields of a library result (an object in its JSON encoding) to the report.
    pub fn result(&mut self, value: &impl Serialize) -> &mut Report {
        if let Value::Object(fields) = encode(value) {
            self.fields.extend(fields);
        }
        self
    }
}

fn encode(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Prints a successful command's report.
pub fn print_report(command: &str, json_mode: bool, report: &Report) {
    if json_mode {
        let mut object = Map::new();
        object.insert("command".into(), json!(command));
        object.insert("ok".into(), json!(true));
        object.extend(report.fields.clone());
        println!("{}", Value::Object(object));
    } else {
        for line in &report.lines {
            println!("{line}");
        }
    }
}

/// Prints a failure: one line on stderr, and in JSON mode an error object on stdout too.
pub fn print_error(command: &str, json_mode: bool, error: &CliError) {
    eprintln!("{}", error.line(command));
    if json_mode {
        let object = json!({ "command": command, "ok": false, "error": error.json() });
        println!("{object}");
    }
}

/// A value's name in the JSON encoding, for a person: `NOT_REMEMBERED` → `not remembered`.
fn words(value: &impl Serialize) -> String {
    match encode(value) {
        Value::String(name) => name.to_ascii_lowercase().replace('_', " "),
        other => other.to_string(),
    }
}

/// `SMS`, `TOTP`, `EMAIL` (the JSON names).
pub fn mfa_name(mfa: MfaType) -> &'static str {
    mfa.short_name()
}

/// A device status for a person: `remembered`, `not remembered`, `forgotten`, `not tracked`.
pub fn device_status_text(status: DeviceStatus) -> String {
    words(&status)
}

/// Where a code went, for a person: `SMS to +*******1234`.
pub fn delivery_text(details: &CodeDeliveryDetails) -> String {
    let medium = match details.delivery_medium {
        DeliveryMedium::Sms => "SMS",
        DeliveryMedium::Email => "e-mail",
        DeliveryMedium::Unknown => "a message",
    };
    match &details.destination {
        Some(destination) => format!("{medium} to {destination}"),
        None => medium.to_owned(),
    }
}

/// What a sign-in did with this device, for a person.
pub fn device_outcome_text(outcome: &DeviceOutcome) -> String {
    match outcome {
        DeviceOutcome::Tracked {
            device_key,
            status,
            ask_user_to_remember,
        } => {
            let mut text = format!(
                "This device is now tracked ({device_key}, {}).",
                device_status_text(*status)
            );
            if *ask_user_to_remember {
                text.push_str(" Run `cognito-auth devices remember` to skip MFA here next time.");
            }
            text
        }
        DeviceOutcome::NotTracked { reason } => {
            format!("The device could not be tracked ({reason}); the next sign-in will try again.")
        }
    }
}

fn names(types: &[MfaType]) -> Vec<&'static str> {
    types.iter().map(|t| mfa_name(*t)).collect()
}

/// What the person must do next, in words.
pub fn next_step_text(step: &SignInNextStep) -> String {
    use SignInNextStep::*;
    const CONFIRM: &str = "cognito-auth confirm-sign-in";
    match step {
        ConfirmSignInWithSmsMfaCode {
            code_delivery_details,
        } => format!(
            "A code was sent by {}. Run `{CONFIRM} CODE`.",
            delivery_text(code_delivery_details)
        ),
        ConfirmSignInWithTotpCode => {
            format!("Enter the code from your authenticator app: `{CONFIRM} CODE`.")
        }
        ConfirmSignInWithOtp {
            code_delivery_details,
        } => format!(
            "A one-time code was sent by {}. Run `{CONFIRM} CODE`.",
            delivery_text(code_delivery_details)
        ),
        ContinueSignInWithMfaSelection { allowed_mfa_types } => format!(
            "Choose a second factor ({}): `{CONFIRM} TYPE`.",
            names(allowed_mfa_types).join(", ")
        ),
        ContinueSignInWithTotpSetup { totp_setup_details } => format!(
            "Set up an authenticator app with the secret {} (or the URI {}), then run `{CONFIRM} CODE`.",
            totp_setup_details.shared_secret,
            totp_setup_details.setup_uri(crate::APP_NAME)
        ),
        ContinueSignInWithEmailMfaSetup => {
            format!("Give an e-mail address for MFA codes: `{CONFIRM} EMAIL`.")
        }
        ContinueSignInWithMfaSetupSelection { allowed_mfa_types } => format!(
            "Choose a second factor to set up ({}): `{CONFIRM} TYPE`.",
            names(allowed_mfa_types).join(", ")
        ),
        ConfirmSignInWithNewPassword { .. } => format!(
            "A new password is required: `{CONFIRM} -` reads it from stdin (or prompts on a TTY)."
        ),
        ConfirmSignInWithCustomChallenge { .. } => {
            format!("Answer the custom challenge: `{CONFIRM} ANSWER`.")
        }
        ContinueSignInWithFirstFactorSelection {
            available_factors,
            unsupported_factors,
        } => format!(
            "Choose how to sign in ({}): `{CONFIRM} FACTOR`.{}{}",
            available_factors
                .iter()
                .map(|f| f.wire_name())
                .collect::<Vec<_>>()
                .join(", "),
            if available_factors
                .iter()
                .any(|f| matches!(f, AuthFactor::Password | AuthFactor::PasswordSrp))
            {
                // The password is not kept between commands: choosing it here cannot work.
                " For the password, sign in again with `cognito-auth sign-in --username NAME --factor PASSWORD_SRP`."
            } else {
                ""
            },
            if unsupported_factors.is_empty() {
                String::new()
            } else {
                format!(
                    " (Also offered, but not supported here: {}.)",
                    unsupported_factors.join(", ")
                )
            }
        ),
        ConfirmSignUp => {
            "The sign-up is not confirmed: run `cognito-auth confirm-sign-up --username NAME CODE`, then sign in again.".into()
        }
        ResetPassword => "The password must be reset before signing in.".into(),
        Done => "Signed in.".into(),
    }
}
