//! `sign-in --flow srp | password | user-auth [--factor ...] | custom`, the TOTP setup step
//! inside a sign-in (QR code), `pending-sign-in` and `cancel-sign-in`.

mod support;

use cognito_auth_core::{SignInNextStep, SignInResult};
use serde::{Deserialize, Serialize};
use support::{Env, ALL_FLOWS};

/// `support::PASSWORD` on a line.
fn stdin_password() -> Option<&'static str> {
    Some("Passw0rd!cli\n")
}

/// The fields of a `SignInResult` in an output.
const RESULT: &[&str] = &["isSignedIn", "nextStep", "device"];

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Pending {
    next_step: Option<SignInNextStep>,
}

#[test]
fn sign_in_with_the_password_flow_sends_the_password() {
    let env = Env::with_flows(ALL_FLOWS);
    env.signed_up("tom", "+15555550150");
    let started = env
        .run(
            &[
                "sign-in",
                "--username",
                "tom",
                "--password-stdin",
                "--flow",
                "password",
            ],
            stdin_password(),
        )
        .ok();
    support::assert_encoding::<SignInResult>(&started, RESULT);
    assert_eq!(
        started["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE"
    );
    assert_eq!(env.calls("RespondToAuthChallenge"), 0, "no SRP step");
    let code = env.code("tom", "MFA");
    let done = env.run(&["confirm-sign-in", &code], None).ok();
    assert_eq!(done["isSignedIn"], true);

    // A client without USER_PASSWORD_AUTH refuses the flow: Cognito's error.
    let srp_only = Env::new();
    srp_only.signed_up("tom", "+15555550150");
    let run = srp_only.run(
        &[
            "sign-in",
            "--username",
            "tom",
            "--password-stdin",
            "--flow",
            "password",
        ],
        stdin_password(),
    );
    run.fails(1);
}

#[test]
fn sign_in_with_a_one_time_code_needs_no_password() {
    let env = Env::with_flows(ALL_FLOWS);
    env.signed_up("uma", "+15555550151");
    for (factor, medium, step) in [
        ("EMAIL_OTP", "EMAIL", "CONFIRM_SIGN_IN_WITH_OTP"),
        ("sms_otp", "SMS", "CONFIRM_SIGN_IN_WITH_OTP"),
    ] {
        // No --password-stdin and no terminal: nothing asks for a password.
        let started = env
            .run(&["sign-in", "--username", "uma", "--factor", factor], None)
            .ok();
        support::assert_encoding::<SignInResult>(&started, RESULT);
        assert_eq!(started["nextStep"]["signInStep"], step, "{started}");
        assert_eq!(
            started["nextStep"]["codeDeliveryDetails"]["deliveryMedium"],
            medium
        );
        let code = env.code("uma", "SIGN_IN");
        let done = env.run(&["confirm-sign-in", &code], None).ok();
        assert_eq!(done["isSignedIn"], true, "{done}");
        env.run(&["sign-out"], None).ok();
    }
    // The same with the flow spelled out, in human output.
    let run = env.run_text(
        &[
            "sign-in",
            "--username",
            "uma",
            "--flow",
            "user-auth",
            "--factor",
            "EMAIL_OTP",
        ],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("A one-time code was sent by e-mail to"),
        "{}",
        run.stdout
    );
}

#[test]
fn sign_in_with_user_auth_and_the_srp_password_factor() {
    let env = Env::with_flows(ALL_FLOWS);
    env.signed_up("vic", "+15555550152");
    let started = env
        .run(
            &[
                "sign-in",
                "--username",
                "vic",
                "--password-stdin",
                "--factor",
                "PASSWORD_SRP",
            ],
            stdin_password(),
        )
        .ok();
    assert_eq!(
        started["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE"
    );
    let code = env.code("vic", "MFA");
    env.run(&["confirm-sign-in", &code], None).ok();
    env.run(&["sign-out"], None).ok();

    // PASSWORD (over TLS) needs the password as well: without a terminal, --password-stdin.
    let run = env.run(
        &["sign-in", "--username", "vic", "--factor", "PASSWORD"],
        None,
    );
    assert!(run.fails(2).contains("--password-stdin"));
    // A factor belongs to --flow user-auth.
    let run = env.run(
        &[
            "sign-in",
            "--username",
            "vic",
            "--flow",
            "srp",
            "--factor",
            "EMAIL_OTP",
        ],
        None,
    );
    assert!(run.fails(2).contains("--flow user-auth"));
}

#[test]
fn sign_in_with_user_auth_offers_a_choice_of_first_factor() {
    let env = Env::with_flows(ALL_FLOWS);
    env.signed_up("wes", "+15555550153");
    let run = env.run_text(
        &["sign-in", "--username", "wes", "--flow", "user-auth"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("Choose how to sign in (PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("--factor PASSWORD_SRP"),
        "{}",
        run.stdout
    );

    let pending = env.run(&["pending-sign-in"], None).ok();
    support::assert_encoding::<Pending>(&pending, &["nextStep"]);
    assert_eq!(
        pending["nextStep"]["signInStep"],
        "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION"
    );
    let otp = env.run(&["confirm-sign-in", "EMAIL_OTP"], None).ok();
    assert_eq!(otp["nextStep"]["signInStep"], "CONFIRM_SIGN_IN_WITH_OTP");
    let code = env.code("wes", "SIGN_IN");
    let done = env
        .run(&["confirm-sign-in", "-"], Some(&format!("{code}\n")))
        .ok();
    assert_eq!(done["isSignedIn"], true);
}

#[test]
fn sign_in_with_custom_auth_answers_the_challenge() {
    let env = Env::with_flows(ALL_FLOWS);
    env.signed_up("xia", "+15555550154");
    let body = serde_json::json!({
        "userPoolId": env.pool_id,
        "challengeParameters": { "question": "6 x 7?" },
        "answer": "42",
    })
    .to_string();
    let response = env
        .runtime
        .block_on(cognito_emulator::client::request(
            &env.endpoint,
            "POST",
            "/_emulator/custom-auth",
            &[("content-type", "application/json")],
            body.as_bytes(),
        ))
        .expect("custom-auth");
    assert_eq!(response.status, 200);
    let started = env
        .run(&["sign-in", "--username", "xia", "--flow", "custom"], None)
        .ok();
    support::assert_encoding::<SignInResult>(&started, RESULT);
    assert_eq!(
        started["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE"
    );
    assert_eq!(started["nextStep"]["additionalInfo"]["question"], "6 x 7?");
    let answered = env.run(&["confirm-sign-in", "42"], None).ok();
    support::assert_encoding::<SignInResult>(&answered, RESULT);
    let done = match answered["nextStep"]["signInStep"].as_str() {
        Some("DONE") => answered,
        Some("CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE") => {
            let code = env.code("xia", "MFA");
            env.run(&["confirm-sign-in", &code], None).ok()
        }
        other => panic!("after the custom challenge: {other:?}"),
    };
    assert_eq!(done["isSignedIn"], true);

    // With an SRP password check first.
    env.run(&["sign-out"], None).ok();
    let started = env
        .run(
            &[
                "sign-in",
                "--username",
                "xia",
                "--flow",
                "custom-srp",
                "--password-stdin",
            ],
            stdin_password(),
        )
        .ok();
    assert_eq!(
        started["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE"
    );
}

#[test]
fn totp_setup_inside_sign_in_shows_the_qr_code_and_the_uri() {
    let env = Env::new();
    // No phone number, in a pool that requires MFA: the sign-in sets TOTP up.
    env.run(
        &[
            "sign-up",
            "--username",
            "yan",
            "--email",
            "yan@example.com",
            "--password-stdin",
        ],
        stdin_password(),
    )
    .ok();
    let code = env.code("yan", "SIGN_UP");
    env.run(&["confirm-sign-up", "--username", "yan", &code], None)
        .ok();

    let run = env.run_text(
        &["sign-in", "--username", "yan", "--password-stdin"],
        stdin_password(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("Set up an authenticator app"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("otpauth://totp/cognito-auth:yan?secret="),
        "{}",
        run.stdout
    );
    // The QR code: lines of half blocks.
    let qr_lines = run
        .stdout
        .lines()
        .filter(|l| l.chars().any(|c| matches!(c, '▀' | '▄' | '█')))
        .count();
    assert!(qr_lines >= 10, "no QR code:\n{}", run.stdout);

    // The same step, from the store, in JSON; then cancelled, and the sign-in started again.
    let pending = env.run(&["pending-sign-in"], None).ok();
    assert_eq!(
        pending["nextStep"]["signInStep"],
        "CONTINUE_SIGN_IN_WITH_TOTP_SETUP"
    );
    assert!(pending["setupUri"]
        .as_str()
        .expect("uri")
        .starts_with("otpauth://"));
    let cancelled = env.run(&["cancel-sign-in"], None).ok();
    assert_eq!(cancelled["cancelled"], true);
    let pending = env.run(&["pending-sign-in"], None).ok();
    assert_eq!(pending["nextStep"], serde_json::Value::Null);
    let run = env.run(&["confirm-sign-in", "123456"], None);
    assert!(run.fails(1).contains("sign-in"));

    let started = env
        .run(
            &["sign-in", "--username", "yan", "--password-stdin"],
            stdin_password(),
        )
        .ok();
    support::assert_encoding::<SignInResult>(&started, RESULT);
    assert_eq!(
        started["nextStep"]["signInStep"],
        "CONTINUE_SIGN_IN_WITH_TOTP_SETUP"
    );
    let details = &started["nextStep"]["totpSetupDetails"];
    assert_eq!(details["username"], "yan");
    let secret = details["sharedSecret"].as_str().expect("secret").to_owned();
    assert_eq!(
        started["setupUri"],
        format!("otpauth://totp/cognito-auth:yan?secret={secret}&issuer=cognito-auth")
    );
    let totp = env.totp(&secret, 0);
    let done = env.run(&["confirm-sign-in", &totp], None).ok();
    assert_eq!(done["isSignedIn"], true, "{done}");
    let prefs = env.run(&["mfa", "preference"], None).ok();
    assert_eq!(prefs["enabled"], serde_json::json!(["TOTP"]));
}
