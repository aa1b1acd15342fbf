//! Failures: one line on stderr that says what happened and what to do, and the documented
//! exit code.

mod support;

use support::{run_bin, Env};

#[test]
fn a_wrong_code_exits_1_and_the_right_one_still_works() {
    let env = Env::new();
    env.signed_up("dave", "+15555550125");
    let started = env
        .run(
            &["sign-in", "--username", "dave", "--password-stdin"],
            Some("Passw0rd!cli\n"),
        )
        .ok();
    assert_eq!(
        started["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE"
    );
    let code = env.code("dave", "MFA");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let run = env.run(&["confirm-sign-in", wrong], None);
    let line = run.fails(1);
    assert!(line.starts_with("cognito-auth confirm-sign-in: "), "{line}");
    assert!(line.contains("The code is wrong"), "{line}");
    assert!(!line.contains(wrong) && !line.contains(&code), "{line}");
    let error = run.json();
    // The error is the library's report (bindings/JSON.md) with the exit code added.
    let mut report = error["error"].clone();
    assert_eq!(
        report.as_object_mut().unwrap().remove("exitCode"),
        Some(serde_json::json!(1))
    );
    let expected = cognito_auth_core::AuthError::service(
        "CodeMismatchException",
        report["serviceMessage"].as_str().unwrap(),
    )
    .report();
    assert_eq!(
        report["exception"],
        serde_json::to_value(expected.exception).unwrap()
    );
    assert_eq!(report["kind"], "SERVICE");
    assert_eq!(report["retryable"], false);
    assert_eq!(error["ok"], false);
    assert_eq!(error["error"]["exceptionName"], "CodeMismatchException");
    assert_eq!(error["error"]["exitCode"], 1);
    // The sign-in is still at the SMS step.
    let done = env.run(&["confirm-sign-in", &code], None).ok();
    assert_eq!(done["isSignedIn"], true);
}

#[test]
fn an_expired_sign_in_session_says_to_sign_in_again() {
    let env = Env::new();
    env.signed_up("erin", "+15555550126");
    env.run(
        &["sign-in", "--username", "erin", "--password-stdin"],
        Some("Passw0rd!cli\n"),
    )
    .ok();
    let code = env.code("erin", "MFA");
    env.advance(181);
    let line = env.run(&["confirm-sign-in", &code], None).fails(1);
    assert!(line.contains("sign-in"), "{line}");
    assert!(line.contains("expired"), "{line}");
}

#[test]
fn an_unknown_user_exits_1_with_flags_from_the_environment() {
    let env = Env::new();
    let store = env.store.path().to_str().expect("path").to_owned();
    let run = run_bin(
        &["sign-in", "--username", "nobody", "--password-stdin"],
        Some("Passw0rd!cli\n"),
        &[
            ("COGNITO_AUTH_ENDPOINT", env.endpoint.as_str()),
            ("COGNITO_AUTH_USER_POOL_ID", env.pool_id.as_str()),
            ("COGNITO_AUTH_CLIENT_ID", env.client_id.as_str()),
            ("COGNITO_AUTH_STORE", store.as_str()),
        ],
    );
    let line = run.fails(1);
    assert!(line.contains("No account has this username"), "{line}");
    assert!(line.contains("sign-up"), "{line}");
}

#[test]
fn an_unreachable_endpoint_exits_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = run_bin(
        &[
            "--json",
            "--endpoint",
            "http://127.0.0.1:1",
            "--user-pool-id",
            "us-east-1_AbCdEf123",
            "--client-id",
            "abcdefghijklmnopqrstuvwxyz",
            "--store",
            dir.path().to_str().expect("path"),
            "sign-in",
            "--username",
            "alice",
            "--password-stdin",
        ],
        Some("Passw0rd!cli\n"),
        &[],
    );
    let line = run.fails(3);
    assert!(line.contains("Cannot reach Cognito"), "{line}");
    assert!(line.contains("--endpoint"), "{line}");
    assert_eq!(run.json()["error"]["kind"], "NETWORK");
}

#[test]
fn usage_errors_exit_2_and_signed_out_exits_5() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().to_str().expect("path");
    let run = run_bin(&["--store", store, "session"], None, &[]);
    let line = run.fails(2);
    assert!(line.contains("--user-pool-id"), "{line}");
    let run = run_bin(&["no-such-command"], None, &[]);
    assert_eq!(run.code, 2);
    let pool = [
        "--endpoint",
        "http://127.0.0.1:1",
        "--user-pool-id",
        "us-east-1_AbCdEf123",
        "--client-id",
        "abcdefghijklmnopqrstuvwxyz",
        "--store",
        store,
    ];
    // Without a terminal and without --password-stdin there is no way to ask for the password.
    let mut args = pool.to_vec();
    args.extend(["sign-in", "--username", "alice"]);
    let line = run_bin(&args, None, &[]).fails(2);
    assert!(line.contains("--password-stdin"), "{line}");
    // Nobody signed in: the session says so (exit 0); device commands exit 5.
    let mut args = pool.to_vec();
    args.extend(["--json", "session"]);
    let run = run_bin(&args, None, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["isSignedIn"], false);
    let mut args = pool.to_vec();
    args.extend(["devices", "list"]);
    let line = run_bin(&args, None, &[]).fails(5);
    assert!(line.contains("sign-in"), "{line}");
}

#[test]
fn a_store_that_cannot_be_opened_exits_4() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, b"x").expect("write");
    let run = run_bin(
        &[
            "--endpoint",
            "http://127.0.0.1:1",
            "--user-pool-id",
            "us-east-1_AbCdEf123",
            "--client-id",
            "abcdefghijklmnopqrstuvwxyz",
            "--store",
            file.to_str().expect("path"),
            "session",
        ],
        None,
        &[],
    );
    let line = run.fails(4);
    assert!(line.contains("secret store"), "{line}");
}
