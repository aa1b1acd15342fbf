//! Every command with `--json`, one process per command, against an in-process emulator: the
//! sign-in left at the SMS step is continued by `confirm-sign-in` in a new process.

mod support;

use support::Env;

#[test]
fn the_whole_story_one_process_per_command() {
    let env = Env::new();

    let signed_up = env
        .run(
            &[
                "sign-up",
                "--username",
                "bob",
                "--email",
                "bob@example.com",
                "--phone",
                "+15555550123",
                "--password-stdin",
            ],
            Some("Passw0rd!cli\n"),
        )
        .ok();
    assert_eq!(signed_up["command"], "sign-up");
    support::assert_encoding::<cognito_auth_core::SignUpResult>(
        &signed_up,
        &[
            "isSignUpComplete",
            "userId",
            "nextStep",
            "signIn",
            "autoSignInError",
        ],
    );
    assert_eq!(signed_up["isSignUpComplete"], false);
    assert_eq!(signed_up["nextStep"]["signUpStep"], "CONFIRM_SIGN_UP");
    assert_eq!(
        signed_up["nextStep"]["codeDeliveryDetails"]["deliveryMedium"],
        "EMAIL"
    );

    let code = env.code("bob", "SIGN_UP");
    let confirmed = env
        .run(&["confirm-sign-up", "--username", "bob", &code], None)
        .ok();
    assert_eq!(confirmed["isSignUpComplete"], true);

    // Sign-in stops at the SMS step; the next process continues it from the store.
    let started = env
        .run(
            &["sign-in", "--username", "bob", "--password-stdin"],
            Some("Passw0rd!cli\n"),
        )
        .ok();
    assert_eq!(started["isSignedIn"], false);
    assert_eq!(
        started["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE"
    );
    assert_eq!(
        started["nextStep"]["codeDeliveryDetails"]["deliveryMedium"],
        "SMS"
    );
    let sms = env.code("bob", "MFA");
    let done = env.run(&["confirm-sign-in", &sms], None).ok();
    support::assert_encoding::<cognito_auth_core::SignInResult>(
        &done,
        &["isSignedIn", "nextStep", "device"],
    );
    assert_eq!(done["isSignedIn"], true, "{done}");
    assert_eq!(done["nextStep"]["signInStep"], "DONE");
    assert_eq!(done["device"]["type"], "TRACKED");
    assert_eq!(done["device"]["status"], "NOT_REMEMBERED");
    assert_eq!(done["device"]["askUserToRemember"], true);
    let device_key = done["device"]["deviceKey"]
        .as_str()
        .expect("key")
        .to_owned();

    // The session shows the user and expiry, never tokens unless asked.
    let run = env.run(&["session"], None);
    let session = run.ok();
    assert_eq!(session["isSignedIn"], true);
    assert_eq!(session["username"], "bob");
    assert!(session["expiresAt"].as_u64().expect("expiresAt") > env.now());
    assert!(session.get("tokens").is_none());
    assert!(!run.stdout.contains("eyJ"), "a token was printed");
    let with_tokens = env.run(&["session", "--show-tokens"], None).ok();
    assert!(with_tokens["tokens"]["accessToken"]
        .as_str()
        .expect("token")
        .starts_with("eyJ"));

    // Devices.
    let listed = env.run(&["devices", "list"], None).ok();
    support::assert_encoding::<std::collections::HashMap<String, Vec<cognito_auth_core::AuthDevice>>>(
        &listed,
        &["devices"],
    );
    let devices = listed["devices"].as_array().expect("devices");
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0]["id"], device_key.as_str());
    assert_eq!(devices[0]["isCurrentDevice"], true);
    assert_eq!(devices[0]["status"], "NOT_REMEMBERED");
    let remembered = env.run(&["devices", "remember"], None).ok();
    assert_eq!(remembered["status"], "REMEMBERED");
    let listed = env.run(&["devices", "list"], None).ok();
    assert_eq!(listed["devices"][0]["status"], "REMEMBERED");

    // TOTP, with the code computed at the emulator's time.
    let setup = env.run(&["mfa", "setup-totp"], None).ok();
    let secret = setup["sharedSecret"].as_str().expect("secret").to_owned();
    assert!(setup["setupUri"]
        .as_str()
        .expect("uri")
        .starts_with("otpauth://totp/cognito-auth:bob?secret="));
    let totp = env.totp(&secret, 0);
    let verified = env.run(&["mfa", "verify-totp", &totp], None).ok();
    assert_eq!(verified["verified"], true);

    let shown = env.run(&["mfa", "preference"], None).ok();
    assert_eq!(shown["updated"], false);
    let set = env
        .run(
            &[
                "mfa",
                "preference",
                "--sms",
                "enabled",
                "--totp",
                "preferred",
            ],
            None,
        )
        .ok();
    assert_eq!(set["updated"], true);
    support::assert_encoding::<cognito_auth_core::MfaPreferences>(&set, &["enabled", "preferred"]);
    assert_eq!(set["preferred"], "TOTP");
    assert_eq!(set["enabled"], serde_json::json!(["SMS", "TOTP"]));

    // Sign out; the remembered device skips MFA on the next sign-in.
    let out = env.run(&["sign-out"], None).ok();
    assert_eq!(out["signedOut"], true);
    let session = env.run(&["session"], None).ok();
    assert_eq!(session["isSignedIn"], false);
    let again = env
        .run(
            &["sign-in", "--username", "bob", "--password-stdin"],
            Some("Passw0rd!cli\n"),
        )
        .ok();
    assert_eq!(again["isSignedIn"], true, "MFA was not skipped: {again}");
    assert_eq!(again["nextStep"]["signInStep"], "DONE");

    // Forget this device: MFA (TOTP, preferred) is asked again.
    let forgotten = env.run(&["devices", "forget"], None).ok();
    assert_eq!(forgotten["forgotten"], "current");
    assert_eq!(forgotten["status"], "FORGOTTEN");
    let listed = env.run(&["devices", "list"], None).ok();
    assert_eq!(listed["devices"], serde_json::json!([]));
    env.run(&["sign-out"], None).ok();
    let mfa_again = env
        .run(
            &["sign-in", "--username", "bob", "--password-stdin"],
            Some("Passw0rd!cli\n"),
        )
        .ok();
    assert_eq!(
        mfa_again["nextStep"]["signInStep"],
        "CONFIRM_SIGN_IN_WITH_TOTP_CODE"
    );
    // Cognito takes a TOTP code once: the one given to verify-totp is used up, so this is the
    // next window's code (accepted one step early).
    let totp = env.totp(&secret, 30);
    let done = env.run(&["confirm-sign-in", &totp], None).ok();
    assert_eq!(done["isSignedIn"], true);

    env.run(&["sign-out", "--global"], None).ok();
    // Nothing secret ever reached the store directory in clear text.
    for entry in std::fs::read_dir(env.store.path()).expect("store dir") {
        let path = entry.expect("entry").path();
        if path.file_name() == Some(std::ffi::OsStr::new("store.key")) {
            continue; // random key material
        }
        let bytes = std::fs::read(&path).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("bob") && !text.contains("eyJ"));
    }
}

#[test]
fn human_output_names_the_next_step_and_never_prints_the_password() {
    let env = Env::new();
    env.signed_up("carol", "+15555550124");
    let base = [
        "--endpoint",
        env.endpoint.as_str(),
        "--user-pool-id",
        env.pool_id.as_str(),
        "--client-id",
        env.client_id.as_str(),
        "--store",
        env.store.path().to_str().expect("path"),
    ];
    let mut args = base.to_vec();
    args.extend(["sign-in", "--username", "carol", "--password-stdin"]);
    let run = support::run_bin(&args, Some("Passw0rd!cli\n"), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("A code was sent by SMS to"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("cognito-auth confirm-sign-in CODE"));
    assert!(!run.stdout.contains("Passw0rd") && !run.stderr.contains("Passw0rd"));
    let code = env.code("carol", "MFA");
    assert!(!run.stdout.contains(&code), "the SMS code was printed");
}
