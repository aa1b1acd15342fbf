//! `bindings/JSON.md` is the encoding: every example there, decoded into the named type and
//! encoded again, must come out exactly as written; every next step, device outcome and event has
//! an example; errors are encoded as the examples show.

use std::collections::BTreeSet;

use cognito_auth_core::{
    AuthConfig, AuthDevice, AuthError, AuthEvent, AuthSession, AuthUser, ConfirmSignInOptions,
    DeviceOutcome, MfaPreferences, SignInNextStep, SignInOptions, SignInResult, SignOutResult,
    SignUpOptions, SignUpResult, TotpSetupDetails, UserAttribute,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// `(type name, example)` for every `<!-- json: Type -->` block of the document.
fn examples() -> Vec<(String, Value)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../bindings/JSON.md");
    let text = std::fs::read_to_string(path).expect("bindings/JSON.md");
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("<!-- json: ") {
        rest = &rest[at + "<!-- json: ".len()..];
        let name = rest[..rest.find(" -->").expect("-->")].trim().to_owned();
        let start = rest.find("```json\n").expect("a json block follows") + "```json\n".len();
        let end = start + rest[start..].find("```").expect("the block ends");
        let value: Value = serde_json::from_str(&rest[start..end])
            .unwrap_or_else(|e| panic!("{name}: the example is not JSON: {e}"));
        out.push((name, value));
        rest = &rest[end..];
    }
    out
}

fn round_trip<T: Serialize + DeserializeOwned>(name: &str, example: &Value) -> Value {
    let typed: T = serde_json::from_value(example.clone())
        .unwrap_or_else(|e| panic!("{name}: {example} does not decode: {e}"));
    serde_json::to_value(typed).unwrap()
}

/// The tag of each next step: an exhaustive match, so a new variant cannot be forgotten here.
fn step_tag(step: &SignInNextStep) -> &'static str {
    use SignInNextStep::*;
    match step {
        ConfirmSignInWithSmsMfaCode { .. } => "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE",
        ConfirmSignInWithTotpCode => "CONFIRM_SIGN_IN_WITH_TOTP_CODE",
        ConfirmSignInWithOtp { .. } => "CONFIRM_SIGN_IN_WITH_OTP",
        ContinueSignInWithMfaSelection { .. } => "CONTINUE_SIGN_IN_WITH_MFA_SELECTION",
        ContinueSignInWithTotpSetup { .. } => "CONTINUE_SIGN_IN_WITH_TOTP_SETUP",
        ContinueSignInWithEmailMfaSetup => "CONTINUE_SIGN_IN_WITH_EMAIL_MFA_SETUP",
        ContinueSignInWithMfaSetupSelection { .. } => "CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION",
        ConfirmSignInWithNewPassword { .. } => "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD",
        ConfirmSignInWithCustomChallenge { .. } => "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE",
        ContinueSignInWithFirstFactorSelection { .. } => {
            "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION"
        }
        ConfirmSignUp => "CONFIRM_SIGN_UP",
        ResetPassword => "RESET_PASSWORD",
        Done => "DONE",
    }
}

#[test]
fn every_example_is_the_encoding_of_its_type() {
    let examples = examples();
    assert!(
        examples.len() > 30,
        "only {} examples found",
        examples.len()
    );
    let mut steps = BTreeSet::new();
    let mut events = BTreeSet::new();
    for (name, example) in &examples {
        let encoded = match name.as_str() {
            "SignInResult" => round_trip::<SignInResult>(name, example),
            "SignInNextStep" => {
                let step: SignInNextStep = serde_json::from_value(example.clone()).unwrap();
                assert_eq!(example["signInStep"], step_tag(&step));
                steps.insert(step_tag(&step));
                round_trip::<SignInNextStep>(name, example)
            }
            "DeviceOutcome" => round_trip::<DeviceOutcome>(name, example),
            "SignInOptions" => round_trip::<SignInOptions>(name, example),
            "ConfirmSignInOptions" => round_trip::<ConfirmSignInOptions>(name, example),
            "AuthSession" => round_trip::<AuthSession>(name, example),
            "AuthUser" => round_trip::<AuthUser>(name, example),
            "SignOutResult" => round_trip::<SignOutResult>(name, example),
            "UserAttribute" => round_trip::<UserAttribute>(name, example),
            "AuthDevice" => round_trip::<AuthDevice>(name, example),
            "MfaPreferences" => round_trip::<MfaPreferences>(name, example),
            "TotpSetupDetails" => round_trip::<TotpSetupDetails>(name, example),
            "SignUpResult" => round_trip::<SignUpResult>(name, example),
            "SignUpOptions" => round_trip::<SignUpOptions>(name, example),
            "AuthEvent" => {
                events.insert(example["event"].as_str().unwrap().to_owned());
                round_trip::<AuthEvent>(name, example)
            }
            "AuthConfig" => round_trip::<AuthConfig>(name, example),
            "Error" => continue, // checked below: errors are encoded, never decoded
            other => panic!("bindings/JSON.md names an unknown type {other}"),
        };
        assert_eq!(&encoded, example, "{name} is not encoded as documented");
    }
    assert_eq!(steps.len(), 13, "every next step has an example: {steps:?}");
    assert_eq!(events.len(), 8, "every event has an example: {events:?}");
}

#[test]
fn errors_are_encoded_as_documented() {
    let documented: Vec<Value> = examples()
        .into_iter()
        .filter(|(name, _)| name == "Error")
        .map(|(_, v)| v)
        .collect();
    let service = AuthError::service("CodeMismatchException", "Invalid code received for user");
    let network = AuthError::Network {
        detail: "connection refused".into(),
    };
    let encoded: Vec<Value> = [service, network]
        .iter()
        .map(|e| serde_json::to_value(e.report()).unwrap())
        .collect();
    assert_eq!(encoded, documented);
}

#[test]
fn defaults_may_be_left_out_of_requests() {
    let config: AuthConfig = serde_json::from_str(
        r#"{"endpoint": {"region": "eu-west-1"}, "userPoolId": "p", "clientId": "c"}"#,
    )
    .unwrap();
    assert_eq!(config.refresh_margin_seconds, 300);
    let options: SignInOptions = serde_json::from_str("{}").unwrap();
    assert_eq!(options, SignInOptions::default());
    let options: ConfirmSignInOptions = serde_json::from_str("{}").unwrap();
    assert_eq!(options, ConfirmSignInOptions::default());
}
