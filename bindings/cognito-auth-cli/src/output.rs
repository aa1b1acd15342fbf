//! Human text vs `--json`: every command returns a [`Report`]; `main` prints its text, or one
//! JSON object on stdout (`{"command": ..., "ok": true, ...}`).

use cognito_auth_core::{
    CodeDeliveryDetails, DeliveryMedium, DeviceOutcome, DeviceStatus, MfaType, SignInNextStep,
};
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
        let object = json!({
            "command": command,
            "ok": false,
            "error": {
                "kind": error.code.kind(),
                "exitCode": error.code as i32,
                "exception": error.exception,
                "message": crate::errors::one_line(&error.message),
            }
        });
        println!("{object}");
    }
}

/// `SMS`, `TOTP`, `EMAIL`.
pub fn mfa_name(mfa: MfaType) -> &'static str {
    match mfa {
        MfaType::Sms => "SMS",
        MfaType::Totp => "TOTP",
        MfaType::Email => "EMAIL",
    }
}

fn medium_name(medium: DeliveryMedium) -> &'static str {
    match medium {
        DeliveryMedium::Sms => "SMS",
        DeliveryMedium::Email => "EMAIL",
        DeliveryMedium::Unknown => "UNKNOWN",
    }
}

/// Where a code went, as JSON.
pub fn delivery_json(details: &CodeDeliveryDetails) -> Value {
    json!({
        "destination": details.destination,
        "deliveryMedium": medium_name(details.delivery_medium),
        "attributeName": details.attribute_name,
    })
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

/// `remembered`, `not-remembered`, `forgotten`, `not-tracked`.
pub fn device_status_name(status: DeviceStatus) -> &'static str {
    match status {
        DeviceStatus::Remembered => "remembered",
        DeviceStatus::NotRemembered => "not-remembered",
        DeviceStatus::Forgotten => "forgotten",
        DeviceStatus::NotTracked => "not-tracked",
    }
}

/// What a sign-in did with this device, as JSON.
pub fn device_outcome_json(outcome: &DeviceOutcome) -> Value {
    match outcome {
        DeviceOutcome::Tracked {
            device_key,
            status,
            ask_user_to_remember,
        } => json!({
            "tracked": true,
            "deviceKey": device_key,
            "status": device_status_name(*status),
            "askUserToRemember": ask_user_to_remember,
        }),
        DeviceOutcome::NotTracked { reason } => json!({ "tracked": false, "reason": reason }),
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
                device_status_name(*status)
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

/// The next step of a sign-in as JSON: `{"type": "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE", ...}`.
pub fn next_step_json(step: &SignInNextStep) -> Value {
    use SignInNextStep::*;
    match step {
        ConfirmSignInWithSmsMfaCode {
            code_delivery_details,
        } => json!({
            "type": "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE",
            "codeDeliveryDetails": delivery_json(code_delivery_details),
        }),
        ConfirmSignInWithTotpCode => json!({ "type": "CONFIRM_SIGN_IN_WITH_TOTP_CODE" }),
        ConfirmSignInWithOtp {
            code_delivery_details,
        } => json!({
            "type": "CONFIRM_SIGN_IN_WITH_OTP",
            "codeDeliveryDetails": delivery_json(code_delivery_details),
        }),
        ContinueSignInWithMfaSelection { allowed_mfa_types } => json!({
            "type": "CONTINUE_SIGN_IN_WITH_MFA_SELECTION",
            "allowedMfaTypes": names(allowed_mfa_types),
        }),
        ContinueSignInWithTotpSetup { totp_setup_details } => json!({
            "type": "CONTINUE_SIGN_IN_WITH_TOTP_SETUP",
            "sharedSecret": totp_setup_details.shared_secret,
            "setupUri": totp_setup_details.setup_uri(crate::APP_NAME),
        }),
        ContinueSignInWithEmailMfaSetup => json!({ "type": "CONTINUE_SIGN_IN_WITH_EMAIL_SETUP" }),
        ContinueSignInWithMfaSetupSelection { allowed_mfa_types } => json!({
            "type": "CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION",
            "allowedMfaTypes": names(allowed_mfa_types),
        }),
        ConfirmSignInWithNewPassword { missing_attributes } => json!({
            "type": "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED",
            "missingAttributes": missing_attributes,
        }),
        ConfirmSignInWithCustomChallenge { additional_info } => json!({
            "type": "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE",
            "additionalInfo": additional_info,
        }),
        ContinueSignInWithFirstFactorSelection { available_factors } => json!({
            "type": "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION",
            "availableFactors": available_factors.iter().map(|f| f.wire_name()).collect::<Vec<_>>(),
        }),
        ConfirmSignUp => json!({ "type": "CONFIRM_SIGN_UP" }),
        ResetPassword => json!({ "type": "RESET_PASSWORD" }),
        Done => json!({ "type": "DONE" }),
        #[allow(unreachable_patterns)]
        other => json!({ "type": "UNKNOWN", "detail": format!("{other:?}") }),
    }
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
        ContinueSignInWithFirstFactorSelection { available_factors } => format!(
            "Choose how to sign in ({}): `{CONFIRM} FACTOR`.",
            available_factors
                .iter()
                .map(|f| f.wire_name())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ConfirmSignUp => {
            "The sign-up is not confirmed: run `cognito-auth confirm-sign-up --username NAME CODE`, then sign in again.".into()
        }
        ResetPassword => "The password must be reset before signing in.".into(),
        Done => "Signed in.".into(),
        #[allow(unreachable_patterns)]
        other => format!("Next step: {other:?}"),
    }
}
