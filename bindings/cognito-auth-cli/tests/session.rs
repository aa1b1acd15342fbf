//! `sign-out` when the server cannot revoke the refresh token, and `devices stop-remembering`.

mod support;

use cognito_auth_core::SignOutResult;
use support::Env;

#[test]
fn sign_out_exits_0_and_says_what_was_not_revoked_when_revoke_token_fails() {
    let env = Env::new();
    env.signed_in("zoe", "+15555550160");
    env.fault("RevokeToken", "InternalErrorException");
    let run = env.run(&["sign-out"], None);
    let out = run.ok();
    support::assert_encoding::<SignOutResult>(&out, &["globalSignOutError", "revokeTokenError"]);
    assert_eq!(out["signedOut"], true);
    assert_eq!(out["globalSignOutError"], serde_json::Value::Null);
    let error = out["revokeTokenError"].as_str().expect("revokeTokenError");
    assert!(error.contains("InternalError"), "{error}");
    assert_eq!(env.calls("RevokeToken"), 1);
    // The local session is gone all the same.
    let session = env.run(&["session"], None).ok();
    assert_eq!(session["isSignedIn"], false);
    env.run(&["current-user"], None).fails(5);
}

#[test]
fn sign_out_with_cognito_unreachable_signs_out_here_and_says_so() {
    let mut env = Env::new();
    env.signed_in("abe", "+15555550161");
    env.stop();
    let run = env.run_text(&["sign-out"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert!(
        run.stdout.contains("Signed out on this device"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("the refresh token was not revoked"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("Cannot reach Cognito"),
        "{}",
        run.stdout
    );
    let session = env.run_text(&["session"], None);
    assert_eq!(session.code, 0, "{}", session.stderr);
    assert!(
        session.stdout.contains("Not signed in"),
        "{}",
        session.stdout
    );

    // --global: neither call reaches Cognito; both are reported.
    let global = Env::new();
    global.signed_in("bea", "+15555550162");
    let mut global = global;
    global.stop();
    let out = global.run(&["sign-out", "--global"], None).ok();
    assert!(out["globalSignOutError"].is_string(), "{out}");
    assert!(out["revokeTokenError"].is_string(), "{out}");
    assert_eq!(global.run(&["session"], None).ok()["isSignedIn"], false);
}

#[test]
fn devices_stop_remembering_keeps_the_device_tracked_and_mfa_comes_back() {
    let env = Env::new();
    env.signed_in("cal", "+15555550163");
    env.run(&["devices", "remember"], None).ok();
    let run = env.run(&["devices", "stop-remembering"], None);
    let stopped = run.ok();
    assert_eq!(stopped["command"], "devices stop-remembering");
    assert_eq!(stopped["status"], "NOT_REMEMBERED");
    let listed = env.run(&["devices", "list"], None).ok();
    assert_eq!(listed["devices"][0]["status"], "NOT_REMEMBERED");
    assert_eq!(listed["devices"][0]["isCurrentDevice"], true);

    env.run(&["sign-out"], None).ok();
    let again = env
        .run(
            &["sign-in", "--username", "cal", "--password-stdin"],
            Some("Passw0rd!cli\n"),
        )
        .ok();
    assert_eq!(
        again["nextStep"]["signInStep"], "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE",
        "MFA was skipped: {again}"
    );
    let code = env.code("cal", "MFA");
    let done = env.run(&["confirm-sign-in", &code], None).ok();
    assert_eq!(done["isSignedIn"], true);
    // The same device, still tracked: no new one.
    let after = env.run(&["devices", "list"], None).ok();
    assert_eq!(after["devices"].as_array().expect("devices").len(), 1);
    assert_eq!(after["devices"][0]["id"], listed["devices"][0]["id"]);
    assert_eq!(after["devices"][0]["status"], "NOT_REMEMBERED");

    env.run(&["sign-out"], None).ok();
    env.run(&["devices", "stop-remembering"], None).fails(5);
}
