//! `cognito-auth admin ...` as a real process against an in-process emulator, through the official
//! AWS SDK (SigV4 with dummy keys from the environment; nothing leaves 127.0.0.1), with the users'
//! own sign-ins made by the same binary, one store per device.

#![cfg(feature = "admin")]

mod support;

use std::path::PathBuf;

use cognito_auth_admin::{AdminDevice, AdminUser, DeviceLimitReport, MfaRecovery};
use serde_json::{json, Value};
use support::{Env, PASSWORD};

const STDIN_PASSWORD: &str = "Passw0rd!cli\n";

/// A device of the user: its own store directory.
struct Device {
    _dir: tempfile::TempDir,
    store: PathBuf,
}

impl Device {
    fn new() -> Device {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = dir.path().to_path_buf();
        Device { _dir: dir, store }
    }
}

/// Signs in on `device`; answers the SMS code when one is asked. Returns the final output and
/// whether MFA was asked.
fn sign_in(env: &Env, device: &Device, username: &str) -> (Value, bool) {
    let started = env
        .run_in(
            &device.store,
            &["sign-in", "--username", username, "--password-stdin"],
            Some(STDIN_PASSWORD),
        )
        .ok();
    if started["isSignedIn"] == true {
        return (started, false);
    }
    assert_eq!(
        started["nextStep"]["signInStep"], "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE",
        "{started}"
    );
    let code = env.code(username, "MFA");
    let done = env
        .run_in(&device.store, &["confirm-sign-in", &code], None)
        .ok();
    assert_eq!(done["isSignedIn"], true, "{done}");
    (done, true)
}

fn sign_out(env: &Env, device: &Device) {
    env.run_in(&device.store, &["sign-out"], None).ok();
}

fn sms_count(env: &Env, username: &str) -> usize {
    let path = format!(
        "/_emulator/messages?userPoolId={}&username={username}",
        env.pool_id
    );
    let response = env
        .runtime
        .block_on(cognito_emulator::client::request(
            &env.endpoint,
            "GET",
            &path,
            &[],
            b"",
        ))
        .expect("outbox");
    let messages = response.json();
    messages.as_array().map_or(0, |all| {
        all.iter().filter(|m| m["purpose"] == "MFA").count()
    })
}

fn ids(devices: &Value) -> Vec<String> {
    devices
        .as_array()
        .expect("a device list")
        .iter()
        .map(|d| d["id"].as_str().expect("id").to_owned())
        .collect()
}

#[test]
fn the_device_limit_keeps_the_most_recently_used_and_admin_forgetting_falls_back_to_mfa() {
    let env = Env::new();
    env.signed_up("lim", "+15555550161");
    // Four devices, each signed in with an SMS code and remembered, 10 s apart.
    let devices: Vec<Device> = (0..4).map(|_| Device::new()).collect();
    let mut keys = Vec::new();
    for device in &devices {
        env.advance(10);
        let (done, asked) = sign_in(&env, device, "lim");
        assert!(asked);
        keys.push(done["device"]["deviceKey"].as_str().unwrap().to_owned());
        env.run_in(&device.store, &["devices", "remember"], None)
            .ok();
    }
    // The first device signs in again last: by last use the order is 0, 3, 2, 1.
    env.advance(10);
    sign_out(&env, &devices[0]);
    assert!(!sign_in(&env, &devices[0], "lim").1, "remembered: no MFA");

    let listed = env.admin(&["devices", "list", "--username", "lim"]).ok();
    assert_eq!(listed["command"], "admin devices list");
    let typed: Vec<AdminDevice> = serde_json::from_value(listed["devices"].clone()).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), listed["devices"]);
    let mut listed_ids = ids(&listed["devices"]);
    listed_ids.sort();
    let mut all = keys.clone();
    all.sort();
    assert_eq!(listed_ids, all);
    assert!(typed.iter().all(AdminDevice::is_remembered));

    let dry = env
        .admin(&["devices", "limit", "--username", "lim", "--keep", "2"])
        .ok();
    support::assert_encoding::<DeviceLimitReport>(
        &dry,
        &["username", "keep", "applied", "kept", "forget"],
    );
    assert_eq!(dry["applied"], false);
    assert_eq!(ids(&dry["kept"]), [keys[0].as_str(), keys[3].as_str()]);
    assert_eq!(ids(&dry["forget"]), [keys[2].as_str(), keys[1].as_str()]);
    let still = env.admin(&["devices", "list", "--username", "lim"]).ok();
    assert_eq!(
        ids(&still["devices"]).len(),
        4,
        "the dry run changed nothing"
    );

    let applied = env
        .admin(&[
            "devices",
            "limit",
            "--username",
            "lim",
            "--keep",
            "2",
            "--apply",
        ])
        .ok();
    assert_eq!(applied["applied"], true);
    assert_eq!(applied["forget"], dry["forget"]);
    let left = env.admin(&["devices", "list", "--username", "lim"]).ok();
    let mut left_ids = ids(&left["devices"]);
    left_ids.sort();
    let mut kept = vec![keys[0].clone(), keys[3].clone()];
    kept.sort();
    assert_eq!(left_ids, kept);

    // The two kept devices still skip MFA; the two forgotten ones get the SMS step, no error.
    for i in [0, 3] {
        let sent = sms_count(&env, "lim");
        sign_out(&env, &devices[i]);
        let (_, asked) = sign_in(&env, &devices[i], "lim");
        assert!(!asked, "kept device {i} skips MFA");
        assert_eq!(sms_count(&env, "lim"), sent, "no SMS for device {i}");
    }
    for i in [1, 2] {
        sign_out(&env, &devices[i]);
        let (done, asked) = sign_in(&env, &devices[i], "lim");
        assert!(asked, "forgotten device {i} falls back to MFA");
        assert_ne!(done["device"]["deviceKey"], json!(keys[i]));
    }

    // Forgetting from the admin side: that device's next sign-in asks for MFA, without an error.
    let forgot = env
        .admin(&["devices", "forget", "--username", "lim", &keys[3]])
        .ok();
    assert_eq!(
        (forgot["username"].clone(), forgot["forgotten"].clone()),
        (json!("lim"), json!(keys[3]))
    );
    sign_out(&env, &devices[3]);
    let (done, asked) = sign_in(&env, &devices[3], "lim");
    assert!(asked, "an admin-forgotten device falls back to MFA");
    assert_eq!(done["device"]["type"], "TRACKED");
    assert_ne!(done["device"]["deviceKey"], json!(keys[3]));
}

/// A user without a phone number who set TOTP up at the first sign-in (the pool requires MFA).
fn totp_user(env: &Env, username: &str) -> Device {
    for body in [
        json!({"UserPoolId": env.pool_id, "Username": username, "MessageAction": "SUPPRESS"}),
        json!({"UserPoolId": env.pool_id, "Username": username, "Password": PASSWORD, "Permanent": true}),
    ] {
        let operation = if body.get("Password").is_some() {
            "AdminSetUserPassword"
        } else {
            "AdminCreateUser"
        };
        env.call(operation, body);
    }
    let device = Device::new();
    let started = env
        .run_in(
            &device.store,
            &["sign-in", "--username", username, "--password-stdin"],
            Some(STDIN_PASSWORD),
        )
        .ok();
    assert_eq!(
        started["nextStep"]["signInStep"], "CONTINUE_SIGN_IN_WITH_TOTP_SETUP",
        "{started}"
    );
    let secret = started["nextStep"]["totpSetupDetails"]["sharedSecret"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = cognito_emulator::totp_code(&secret, env.now());
    let done = env
        .run_in(&device.store, &["confirm-sign-in", &code], None)
        .ok();
    assert_eq!(done["isSignedIn"], true, "{done}");
    device
}

#[test]
fn mfa_recover_disable_sends_the_next_sign_in_to_mfa_setup() {
    let env = Env::new();
    let device = totp_user(&env, "tina");
    let shown = env.admin(&["user", "show", "--username", "tina"]).ok();
    assert_eq!(
        shown["mfa"],
        json!({"enabled": ["TOTP"], "preferred": "TOTP"})
    );

    let recovered = env
        .admin(&[
            "mfa",
            "recover",
            "--username",
            "tina",
            "--disable",
            "--sign-out",
        ])
        .ok();
    support::assert_encoding::<MfaRecovery>(
        &recovered,
        &[
            "username",
            "action",
            "phoneNumberUpdated",
            "softwareTokenDeleted",
            "signedOut",
            "before",
            "after",
        ],
    );
    assert_eq!(recovered["action"], "DISABLE");
    assert_eq!(recovered["softwareTokenDeleted"], true);
    assert_eq!(recovered["signedOut"], true);
    assert_eq!(
        recovered["after"],
        json!({"enabled": [], "preferred": null})
    );

    // Signed out everywhere: the session cannot be refreshed.
    let refresh = env.run_in(&device.store, &["session", "--force-refresh"], None);
    assert_ne!(refresh.code, 0, "{}", refresh.stdout);
    let next = env
        .run_in(
            &device.store,
            &["sign-in", "--username", "tina", "--password-stdin"],
            Some(STDIN_PASSWORD),
        )
        .ok();
    assert_eq!(
        next["nextStep"]["signInStep"], "CONTINUE_SIGN_IN_WITH_TOTP_SETUP",
        "{next}"
    );
}

#[test]
fn mfa_recover_to_sms_sets_the_phone_and_the_next_sign_in_asks_for_an_sms_code() {
    let env = Env::new();
    let device = totp_user(&env, "sid");
    sign_out(&env, &device);

    let refused = env.admin(&["mfa", "recover", "--username", "sid", "--to-sms"]);
    let line = refused.fails(2);
    assert!(line.contains("no phone number"), "{line}");

    let recovered = env
        .admin(&[
            "mfa",
            "recover",
            "--username",
            "sid",
            "--to-sms",
            "--phone",
            "+15555550188",
        ])
        .ok();
    assert_eq!(recovered["action"], "TO_SMS");
    assert_eq!(recovered["phoneNumberUpdated"], true);
    assert_eq!(recovered["softwareTokenDeleted"], true);
    assert_eq!(recovered["signedOut"], false);
    assert_eq!(
        recovered["before"],
        json!({"enabled": ["TOTP"], "preferred": "TOTP"})
    );
    assert_eq!(
        recovered["after"],
        json!({"enabled": ["SMS"], "preferred": "SMS"})
    );

    let next = env
        .run_in(
            &device.store,
            &["sign-in", "--username", "sid", "--password-stdin"],
            Some(STDIN_PASSWORD),
        )
        .ok();
    assert_eq!(
        next["nextStep"]["signInStep"], "CONFIRM_SIGN_IN_WITH_SMS_MFA_CODE",
        "{next}"
    );
    let destination = next["nextStep"]["codeDeliveryDetails"]["destination"]
        .as_str()
        .unwrap();
    assert!(destination.ends_with("0188"), "{destination}");
    let code = env.code("sid", "MFA");
    let done = env
        .run_in(&device.store, &["confirm-sign-in", &code], None)
        .ok();
    assert_eq!(done["isSignedIn"], true);
}

#[test]
fn user_show_and_the_errors_of_admin_commands() {
    let env = Env::new();
    env.signed_up("uli", "+15555550199");
    let shown = env.admin(&["user", "show", "--username", "uli"]).ok();
    assert_eq!(shown["command"], "admin user show");
    support::assert_encoding::<AdminUser>(
        &shown,
        &[
            "username",
            "status",
            "enabled",
            "attributes",
            "mfa",
            "deviceCount",
            "rememberedDeviceCount",
            "createdAt",
            "lastModifiedAt",
        ],
    );
    assert_eq!(shown["status"], "CONFIRMED");
    assert_eq!(shown["deviceCount"], 0);

    // Unknown user: Cognito's exception, one line on stderr, exit 1.
    let missing = env.admin(&["user", "show", "--username", "nobody"]);
    let line = missing.fails(1);
    assert!(line.starts_with("cognito-auth admin user show: "), "{line}");
    assert!(line.contains("UserNotFoundException"), "{line}");
    let error = &missing.json()["error"];
    assert_eq!(error["exception"], "USER_NOT_FOUND");
    assert_eq!(error["exitCode"], 1);

    // No credentials anywhere in the chain: exit 2, nothing sent.
    let args = [
        "--json",
        "--endpoint",
        env.endpoint.as_str(),
        "--user-pool-id",
        env.pool_id.as_str(),
        "admin",
        "user",
        "show",
        "--username",
        "uli",
    ];
    let none = env.store.path().join("no-aws-config");
    let none = none.to_str().unwrap();
    let no_keys: Vec<(&str, &str)> = support::admin_env(none)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("AWS_ACCESS") && !k.starts_with("AWS_SECRET"))
        .collect();
    let anonymous = support::run_bin(&args, None, &no_keys);
    let line = anonymous.fails(2);
    assert!(line.contains("No AWS credentials"), "{line}");
    assert_eq!(anonymous.json()["error"]["kind"], "CREDENTIALS");

    // Nobody listens: exit 3.
    let closed = support::run_bin(
        &[
            "--json",
            "--endpoint",
            "http://127.0.0.1:9",
            "--user-pool-id",
            &env.pool_id,
            "admin",
            "devices",
            "list",
            "--username",
            "uli",
        ],
        None,
        &support::admin_env(none),
    );
    closed.fails(3);
    assert_eq!(closed.json()["error"]["kind"], "NETWORK");

    // No pool: a usage error.
    let no_pool = support::run_bin(
        &["admin", "user", "show", "--username", "uli"],
        None,
        &support::admin_env(none),
    );
    assert!(no_pool.fails(2).contains("--user-pool-id"));
}
