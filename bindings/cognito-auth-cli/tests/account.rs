//! The account commands, one process per command against an in-process emulator:
//! `resend-sign-up-code`, `reset-password` / `confirm-reset-password`, `update-password`,
//! `current-user`, `delete-user`, `reset-local-state`, and `sign-up --auto-sign-in`.

mod support;

use cognito_auth_core::{AuthUser, CodeDeliveryDetails, SignInResult, SignUpResult};
use serde::{Deserialize, Serialize};
use support::{Env, ALL_FLOWS, NEW_PASSWORD, PASSWORD};

/// The `codeDeliveryDetails` field of an output.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Delivery {
    code_delivery_details: Option<CodeDeliveryDetails>,
}

fn line(password: &str) -> String {
    format!("{password}\n")
}

#[test]
fn resend_sign_up_code_sends_a_code_that_confirms() {
    let env = Env::new();
    env.run(
        &[
            "sign-up",
            "--username",
            "fay",
            "--email",
            "fay@example.com",
            "--password-stdin",
        ],
        Some(&line(PASSWORD)),
    )
    .ok();
    env.code("fay", "SIGN_UP");
    let resent = env
        .run(&["resend-sign-up-code", "--username", "fay"], None)
        .ok();
    assert_eq!(resent["command"], "resend-sign-up-code");
    assert_eq!(resent["username"], "fay");
    support::assert_encoding::<Delivery>(&resent, &["codeDeliveryDetails"]);
    assert_eq!(resent["codeDeliveryDetails"]["deliveryMedium"], "EMAIL");
    assert_eq!(resent["codeDeliveryDetails"]["attributeName"], "email");
    let resent_code = env.code("fay", "SIGN_UP");
    let unknown = env.run(&["resend-sign-up-code", "--username", "nobody"], None);
    assert!(unknown.fails(1).contains("No account has this username"));

    // The code from stdin (`-`): not on the command line.
    let confirmed = env
        .run(
            &["confirm-sign-up", "--username", "fay", "-"],
            Some(&format!("{resent_code}\n")),
        )
        .ok();
    support::assert_encoding::<SignUpResult>(
        &confirmed,
        &[
            "isSignUpComplete",
            "userId",
            "nextStep",
            "signIn",
            "autoSignInError",
        ],
    );
    assert_eq!(confirmed["isSignUpComplete"], true);
}

#[test]
fn reset_password_then_confirm_reset_password_with_code_and_password_on_stdin() {
    let env = Env::new();
    env.signed_up("gus", "+15555550130");
    let sent = env.run(&["reset-password", "--username", "gus"], None).ok();
    support::assert_encoding::<Delivery>(&sent, &["codeDeliveryDetails"]);
    assert_eq!(sent["codeDeliveryDetails"]["deliveryMedium"], "EMAIL");
    let code = env.code("gus", "FORGOT_PASSWORD");

    // A wrong code: exit 1, the hint names the command, the password is unchanged.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let run = env.run(
        &[
            "confirm-reset-password",
            "--username",
            "gus",
            "-",
            "--password-stdin",
        ],
        Some(&format!("{wrong}\n{NEW_PASSWORD}\n")),
    );
    let message = run.fails(1);
    assert!(message.contains("The code is wrong"), "{message}");
    assert!(message.contains("confirm-reset-password"), "{message}");
    assert!(!message.contains(wrong), "{message}");

    // Code and new password on stdin, one line each.
    let reset = env
        .run(
            &[
                "confirm-reset-password",
                "--username",
                "gus",
                "-",
                "--password-stdin",
            ],
            Some(&format!("{code}\n{NEW_PASSWORD}\n")),
        )
        .ok();
    assert_eq!(reset["passwordReset"], true);
    assert_eq!(reset["username"], "gus");

    let old = env.run(
        &["sign-in", "--username", "gus", "--password-stdin"],
        Some(&line(PASSWORD)),
    );
    assert!(old.fails(1).contains("Incorrect username or password"));
    let new = env
        .run(
            &["sign-in", "--username", "gus", "--password-stdin"],
            Some(&line(NEW_PASSWORD)),
        )
        .ok();
    assert_eq!(
        new["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE"
    );

    // Without a terminal the new password must come from stdin.
    let run = env.run(
        &["confirm-reset-password", "--username", "gus", &code],
        None,
    );
    assert!(run.fails(2).contains("--password-stdin"));
}

#[test]
fn update_password_reads_the_current_and_the_new_password_from_stdin() {
    let env = Env::new();
    env.signed_in("hal", "+15555550131");
    let run = env.run(&["update-password"], None);
    assert!(run.fails(2).contains("--password-stdin"));
    let run = env.run(
        &["update-password", "--password-stdin"],
        Some(&format!("{NEW_PASSWORD}\n{PASSWORD}\n")),
    );
    assert!(run.fails(1).contains("Incorrect username or password"));
    let run = env.run(
        &["update-password", "--password-stdin"],
        Some(&line(PASSWORD)),
    );
    assert!(run.fails(2).contains("no new password on stdin"));

    let updated = env
        .run(
            &["update-password", "--password-stdin"],
            Some(&format!("{PASSWORD}\n{NEW_PASSWORD}\n")),
        )
        .ok();
    assert_eq!(updated["passwordUpdated"], true);

    env.run(&["sign-out"], None).ok();
    let old = env.run(
        &["sign-in", "--username", "hal", "--password-stdin"],
        Some(&line(PASSWORD)),
    );
    assert!(old.fails(1).contains("Incorrect username or password"));
    let new = env
        .run(
            &["sign-in", "--username", "hal", "--password-stdin"],
            Some(&line(NEW_PASSWORD)),
        )
        .ok();
    assert_eq!(
        new["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE"
    );
}

#[test]
fn current_user_reads_the_stored_tokens_even_offline() {
    let mut env = Env::new();
    let run = env.run(&["current-user"], None);
    assert!(run.fails(5).contains("sign-in"));
    env.signed_in("ida", "+15555550132");
    let user = env.run(&["current-user"], None).ok();
    support::assert_encoding::<AuthUser>(&user, &["username", "userId"]);
    assert_eq!(user["username"], "ida");
    let session = env.run(&["session"], None).ok();
    assert_eq!(user["userId"], session["userSub"]);

    env.stop();
    let offline = env.run(&["current-user"], None).ok();
    assert_eq!(offline["username"], "ida");
    let text = env.run_text(&["current-user"], None);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text.stdout.starts_with("ida (sub "), "{}", text.stdout);
}

#[test]
fn delete_user_needs_yes_without_a_terminal_and_with_json() {
    let env = Env::new();
    env.signed_in("jan", "+15555550133");
    let run = env.run(&["delete-user"], None);
    let message = run.fails(2);
    assert!(message.contains("--yes"), "{message}");
    assert_eq!(run.json()["error"]["kind"], "USAGE");
    let message = env.run_text(&["delete-user"], Some("jan\n")).fails(2);
    assert!(message.contains("--yes"), "{message}");
    assert_eq!(env.calls("DeleteUser"), 0);

    let deleted = env.run(&["delete-user", "--yes"], None).ok();
    assert_eq!(deleted["deleted"], true);
    assert_eq!(deleted["username"], "jan");
    assert_eq!(env.calls("DeleteUser"), 1);
    let session = env.run(&["session"], None).ok();
    assert_eq!(session["isSignedIn"], false);
    let again = env.run(
        &["sign-in", "--username", "jan", "--password-stdin"],
        Some(&line(PASSWORD)),
    );
    assert!(again.fails(1).contains("No account has this username"));
    let run = env.run(&["delete-user", "--yes"], None);
    run.fails(5);
}

#[test]
fn reset_local_state_clears_tokens_and_the_device_and_repairs_an_unreadable_store() {
    let env = Env::new();
    env.signed_in("kim", "+15555550134");
    env.run(&["devices", "remember"], None).ok();

    // Every record made unreadable (as after a restore onto another machine): the CLI says
    // how to recover.
    for entry in std::fs::read_dir(env.store.path()).expect("store dir") {
        let path = entry.expect("entry").path();
        if path.file_name() != Some(std::ffi::OsStr::new("store.key")) && path.is_file() {
            std::fs::write(&path, b"not a record").expect("write");
        }
    }
    let run = env.run(&["session"], None);
    let message = run.fails(4);
    assert!(message.contains("reset-local-state"), "{message}");
    assert_eq!(run.json()["error"]["kind"], "LOCAL_STATE_UNREADABLE");

    let calls = env.calls("RevokeToken");
    let reset = env.run(&["reset-local-state"], None).ok();
    assert_eq!(reset["reset"], true);
    assert_eq!(env.calls("RevokeToken"), calls, "nothing is sent");
    let session = env.run(&["session"], None).ok();
    assert_eq!(session["isSignedIn"], false);

    // The remembered device's secret is gone: MFA is asked again, for a new device.
    let again = env
        .run(
            &["sign-in", "--username", "kim", "--password-stdin"],
            Some(&line(PASSWORD)),
        )
        .ok();
    assert_eq!(
        again["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE"
    );
    let code = env.code("kim", "MFA");
    env.run(&["confirm-sign-in", &code], None).ok();

    // A readable store: the tokens and this device go, nothing else changes on the server.
    let reset = env.run_text(&["reset-local-state"], None);
    assert_eq!(reset.code, 0, "{}", reset.stderr);
    assert!(reset.stdout.contains("Sign in again"), "{}", reset.stdout);
    let session = env.run(&["session"], None).ok();
    assert_eq!(session["isSignedIn"], false);
}

#[test]
fn sign_up_with_auto_sign_in_asks_for_the_code_and_signs_in_without_the_password() {
    let env = Env::with_flows(ALL_FLOWS);
    let run = env.run_feeding(
        &[
            "sign-up",
            "--username",
            "lou",
            "--email",
            "lou@example.com",
            "--password-stdin",
            "--auto-sign-in",
        ],
        &line(PASSWORD),
        || format!("{}\n", env.wait_code("lou", "SIGN_UP")),
    );
    let done = run.ok();
    assert_eq!(done["command"], "sign-up");
    assert_eq!(done["username"], "lou");
    // The confirmation's result, with the sign-in that followed...
    support::assert_encoding::<SignUpResult>(
        &done,
        &[
            "isSignUpComplete",
            "userId",
            "nextStep",
            "signIn",
            "autoSignInError",
        ],
    );
    assert_eq!(done["isSignUpComplete"], true);
    assert_eq!(done["autoSignInError"], serde_json::Value::Null);
    let sign_in: SignInResult = serde_json::from_value(done["signIn"].clone()).expect("signIn");
    assert!(sign_in.is_signed_in, "{done}");
    // ...and the sign-up's own result (where the code went).
    let signed_up: SignUpResult = serde_json::from_value(done["signUp"].clone()).expect("signUp");
    assert!(!signed_up.is_sign_up_complete);
    assert_eq!(
        done["signUp"]["nextStep"]["codeDeliveryDetails"]["deliveryMedium"],
        "EMAIL"
    );
    assert_eq!(env.calls("InitiateAuth"), 1);

    // The next process finds the session in the store.
    let session = env.run(&["session"], None).ok();
    assert_eq!(session["isSignedIn"], true);
    assert_eq!(session["username"], "lou");
}

#[test]
fn sign_up_with_auto_sign_in_reports_a_failed_sign_in_and_the_user_stays_confirmed() {
    // This app client does not allow USER_AUTH, which the sign-in after sign-up uses.
    let env = Env::new();
    let run = env.run_feeding(
        &[
            "sign-up",
            "--username",
            "max",
            "--email",
            "max@example.com",
            "--phone",
            "+15555550135",
            "--password-stdin",
            "--auto-sign-in",
        ],
        &line(PASSWORD),
        || format!("{}\n", env.wait_code("max", "SIGN_UP")),
    );
    let done = run.ok();
    assert_eq!(done["isSignUpComplete"], true);
    assert_eq!(done["signIn"], serde_json::Value::Null);
    assert!(
        done["autoSignInError"].as_str().expect("error").len() > 10,
        "{done}"
    );
    let session = env.run(&["session"], None).ok();
    assert_eq!(session["isSignedIn"], false);
    let started = env
        .run(
            &["sign-in", "--username", "max", "--password-stdin"],
            Some(&line(PASSWORD)),
        )
        .ok();
    assert_eq!(
        started["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE"
    );
}

#[test]
fn sign_up_with_auto_sign_in_and_a_wrong_code_says_how_to_confirm_later() {
    let env = Env::with_flows(ALL_FLOWS);
    let run = env.run_feeding(
        &[
            "sign-up",
            "--username",
            "ned",
            "--email",
            "ned@example.com",
            "--password-stdin",
            "--auto-sign-in",
        ],
        &line(PASSWORD),
        || {
            let code = env.wait_code("ned", "SIGN_UP");
            let wrong = if code == "000000" { "111111" } else { "000000" };
            format!("{wrong}\n")
        },
    );
    let message = run.fails(1);
    assert!(message.contains("The code is wrong"), "{message}");
    assert!(
        message.contains("confirm-sign-up --username NAME CODE"),
        "{message}"
    );
    let code = env.code("ned", "SIGN_UP");
    let confirmed = env
        .run(&["confirm-sign-up", "--username", "ned", &code], None)
        .ok();
    assert_eq!(confirmed["isSignUpComplete"], true);
    // A confirmation in another process does not sign in: that needs the sign-up's session.
    assert_eq!(confirmed["signIn"], serde_json::Value::Null);
}
