//! No secret in any output. Every run of every test in this crate goes through
//! `support::assert_no_secret` (in `run_bin` and `Env::run*`): its stdout and stderr may hold
//! none of the test passwords, none of the codes and client secrets the test handled (read from
//! the emulator's outbox or computed with `Env::totp`), and no token unless `--show-tokens`
//! asked for them. This test drives each command that takes a secret through its success and
//! failure paths in human and JSON output, so that each of those outputs is scanned.

mod support;

use support::{contains_secret, Env, ALL_FLOWS, NEW_PASSWORD, PASSWORD};

#[test]
fn the_scanner_finds_secrets_and_codes_as_whole_words_only() {
    assert!(contains_secret("wrong: Passw0rd!cli.", PASSWORD));
    assert!(contains_secret("code 123456 sent", "123456"));
    assert!(contains_secret("{\"code\":\"123456\"}", "123456"));
    assert!(!contains_secret("expiresAt 1712345678", "123456"));
    assert!(!contains_secret("us-east-1_a123456b", "123456"));
    let run = support::Run {
        code: 0,
        stdout: "eyJraWQiOi".into(),
        stderr: String::new(),
    };
    let caught = std::panic::catch_unwind(|| support::assert_no_secret(&run, &["session"], &[]));
    assert!(caught.is_err(), "a token printed without --show-tokens");
    support::assert_no_secret(&run, &["session", "--show-tokens"], &[]);
}

/// Runs ARGS in human output and in `--json`, both scanned; returns the human run.
fn both(env: &Env, args: &[&str], stdin: Option<&str>) -> support::Run {
    let mut json = vec!["--json"];
    json.extend(args);
    env.run_text(&json, stdin);
    env.run_text(args, stdin)
}

#[test]
fn no_password_or_code_is_printed_on_any_path() {
    let env = Env::with_flows(ALL_FLOWS);
    let pw = format!("{PASSWORD}\n");
    let new_pw = format!("{NEW_PASSWORD}\n");

    // Sign-up: a password the pool refuses, then a good one.
    let weak = "weak\n";
    env.secret("weak");
    let run = env.run_text(
        &["sign-up", "--username", "eve", "--password-stdin"],
        Some(weak),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    env.run_text(
        &[
            "sign-up",
            "--username",
            "eve",
            "--email",
            "eve@example.com",
            "--phone",
            "+15555550180",
            "--password-stdin",
        ],
        Some(&pw),
    );
    env.code("eve", "SIGN_UP");
    both(
        &env,
        &["confirm-sign-up", "--username", "eve", "999999"],
        None,
    );
    env.secret("999999");
    both(&env, &["resend-sign-up-code", "--username", "eve"], None);
    let code2 = env.code("eve", "SIGN_UP");
    let run = env.run_text(
        &["confirm-sign-up", "--username", "eve", "-"],
        Some(&format!("{code2}\n")),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);

    // Sign-in: a wrong password, a wrong code, the right ones.
    both(
        &env,
        &["sign-in", "--username", "eve", "--password-stdin"],
        Some(&new_pw),
    );
    env.run_text(
        &["sign-in", "--username", "eve", "--password-stdin"],
        Some(&pw),
    );
    let sms = env.code("eve", "MFA");
    let wrong = if sms == "000000" { "111111" } else { "000000" };
    env.secret(wrong);
    both(&env, &["confirm-sign-in", wrong], None);
    let run = env.run_text(&["confirm-sign-in", "-"], Some(&format!("{sms}\n")));
    assert_eq!(run.code, 0, "{}", run.stderr);
    both(&env, &["session"], None);
    let shown = env.run_text(&["session", "--show-tokens"], None);
    assert!(shown.stdout.contains("eyJ"), "tokens on request");

    // Password change and reset.
    both(
        &env,
        &["update-password", "--password-stdin"],
        Some(&format!("{NEW_PASSWORD}\n{PASSWORD}\n")),
    );
    let run = env.run_text(
        &["update-password", "--password-stdin"],
        Some(&format!("{PASSWORD}\n{NEW_PASSWORD}\n")),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    both(&env, &["reset-password", "--username", "eve"], None);
    let reset = env.code("eve", "FORGOT_PASSWORD");
    both(
        &env,
        &[
            "confirm-reset-password",
            "--username",
            "eve",
            "-",
            "--password-stdin",
        ],
        Some(&format!("{wrong}\n{PASSWORD}\n")),
    );
    let run = env.run_text(
        &[
            "confirm-reset-password",
            "--username",
            "eve",
            "-",
            "--password-stdin",
        ],
        Some(&format!("{reset}\n{PASSWORD}\n")),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);

    // Attributes.
    env.run_text(
        &["sign-in", "--username", "eve", "--password-stdin"],
        Some(&pw),
    );
    let sms = env.code("eve", "MFA");
    env.run_text(&["confirm-sign-in", &sms], None);
    both(&env, &["attributes", "send-code", "email"], None);
    let verify = env.code("eve", "VERIFY_ATTRIBUTE");
    both(&env, &["attributes", "verify", "email", wrong], None);
    let run = env.run_text(
        &["attributes", "verify", "email", "-"],
        Some(&format!("{verify}\n")),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    both(&env, &["attributes", "list"], None);

    // TOTP.
    let setup = env.run(&["mfa", "setup-totp"], None).ok();
    let secret = setup["sharedSecret"].as_str().expect("secret").to_owned();
    both(&env, &["mfa", "verify-totp", wrong], None);
    let totp = env.totp(&secret, 0);
    let run = env.run_text(&["mfa", "verify-totp", "-"], Some(&format!("{totp}\n")));
    assert_eq!(run.code, 0, "{}", run.stderr);

    // One-time codes.
    both(&env, &["sign-out"], None);
    env.run_text(
        &["sign-in", "--username", "eve", "--factor", "EMAIL_OTP"],
        None,
    );
    let otp = env.code("eve", "SIGN_IN");
    both(&env, &["confirm-sign-in", wrong], None);
    let run = env.run_text(&["confirm-sign-in", &otp], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    both(&env, &["current-user"], None);
    both(&env, &["delete-user"], None);
    let run = env.run_text(&["delete-user", "--yes"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(env.secrets.lock().expect("secrets").len() >= 10);
}
