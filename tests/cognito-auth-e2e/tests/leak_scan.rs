//! The secret-leak scan over every operation of `AuthClient`: each is called on its success and
//! its failure paths (wrong password, wrong code, invalid input, signed out, offline, a stale
//! device, an ended session, unreadable records, a passkey-only pool), and `{:?}` of every
//! outcome — and `{}` and the JSON report of every error, `{}` of what has a `Display` — is
//! handed to the scan with every event. The log lines of all of it are captured at TRACE level
//! (src/leak_scan.rs); dropping each `Emu` searches lines and printed forms for every password,
//! code, token, TOTP secret, client secret and device secret used, and fails on a hit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cognito_auth_core::{
    AuthClient, AuthError, AuthEvent, AuthEventListener, AuthFactor, AuthFlow,
    ConfirmSignInOptions, InMemoryStore, MfaPreference, SecretStore, SignInNextStep, SignInOptions,
    SignUpOptions,
};
use cognito_auth_e2e::leak_scan::{self, printed, printed_both, printed_debug};
use cognito_auth_e2e::{DeviceMode, Emu, Pool, PoolSpec, PASSWORD};
use serde_json::{json, Value};

const WRONG_PASSWORD: &str = "Wr0ng-Passw0rd!";

/// Hands `{:?}` of an outcome to the scan; of an error also `{}` and its JSON report.
fn scan<T: std::fmt::Debug>(outcome: Result<T, AuthError>) -> Result<T, AuthError> {
    printed_debug(&outcome);
    if let Err(error) = &outcome {
        printed_both(error);
        printed(serde_json::to_string(&error.report()).expect("report"));
    }
    outcome
}

/// A code that is not `right`.
fn wrong_code(right: &str) -> &'static str {
    if right == "111111" {
        "222222"
    } else {
        "111111"
    }
}

/// An endpoint where nothing listens.
fn offline_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    format!("http://127.0.0.1:{port}")
}

/// Every event, handed to the scan as it arrives.
#[derive(Default)]
struct Events(Mutex<Vec<AuthEvent>>);

impl AuthEventListener for Events {
    fn on_auth_event(&self, event: AuthEvent) {
        printed_debug(&event);
        self.0.lock().unwrap().push(event);
    }
}

fn listen(client: &AuthClient) -> Arc<Events> {
    let events = Arc::new(Events::default());
    client.add_listener(events.clone());
    events
}

fn tokens_key(store: &InMemoryStore) -> String {
    store
        .keys()
        .into_iter()
        .find(|k| k.ends_with("/tokens"))
        .expect("tokens stored")
}

/// SMS MFA, remembered devices on request, a client secret: sign-in, session, devices, TOTP,
/// attributes, passwords, offline, stale device, ended session, unreadable records, sign-out.
#[tokio::test]
async fn every_session_device_and_mfa_operation() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            mfa: "OPTIONAL",
            devices: DeviceMode::UserOptIn,
            client_secret: true,
            auto_verify_email: true,
            ..Default::default()
        })
        .await;
    emu.user(
        &pool,
        "lena",
        &[
            ("phone_number", "+15555550190"),
            ("email", "lena@example.com"),
        ],
    )
    .await;
    emu.ok(
        "AdminSetUserMFAPreference",
        json!({ "UserPoolId": pool.pool_id, "Username": "lena",
                "SMSMfaSettings": { "Enabled": true, "PreferredMfa": true } }),
    )
    .await;
    let store = Arc::new(InMemoryStore::new());
    let (client, _) = emu.client(&pool, store.clone());
    let events = listen(&client);
    printed_both(client.config());

    // Before signing in.
    scan(client.fetch_auth_session(false).await).unwrap();
    scan(client.get_current_user().await).unwrap_err();
    scan(client.fetch_devices().await).unwrap_err();
    scan(client.set_up_totp().await).unwrap_err();
    scan(client.current_device_status()).unwrap();
    scan(client.pending_sign_in_step().await).unwrap();
    scan(
        client
            .confirm_sign_in("123456", ConfirmSignInOptions::default())
            .await,
    )
    .unwrap_err();
    scan(
        client
            .sign_in("lena", Some(""), SignInOptions::default())
            .await,
    )
    .unwrap_err();
    scan(
        client
            .sign_in("lena", Some(WRONG_PASSWORD), SignInOptions::default())
            .await,
    )
    .unwrap_err();
    scan(
        client
            .sign_in("nobody", Some(PASSWORD), SignInOptions::default())
            .await,
    )
    .unwrap_err();

    // SMS MFA: a wrong code, then the right one; the device is tracked, then remembered.
    let step = scan(
        client
            .sign_in("lena", Some(PASSWORD), SignInOptions::default())
            .await,
    )
    .unwrap();
    assert!(
        matches!(
            step.next_step,
            SignInNextStep::ConfirmSignInWithSmsMfaCode { .. }
        ),
        "{step:?}"
    );
    scan(client.pending_sign_in_step().await).unwrap();
    let code = emu.last_code(&pool, "lena").await;
    scan(
        client
            .confirm_sign_in(wrong_code(&code), ConfirmSignInOptions::default())
            .await,
    )
    .unwrap_err();
    let done = scan(
        client
            .confirm_sign_in(&code, ConfirmSignInOptions::default())
            .await,
    )
    .unwrap();
    assert!(done.is_signed_in);
    let session = scan(client.fetch_auth_session(false).await).unwrap();
    let tokens = session.tokens.expect("tokens");
    printed_both(&tokens);
    scan(client.fetch_auth_session(true).await).unwrap();
    scan(client.get_current_user().await).unwrap();
    scan(client.current_device_status()).unwrap();
    scan(client.remember_device().await).unwrap();
    scan(client.fetch_devices().await).unwrap();
    scan(client.stop_remembering_device().await).unwrap();
    scan(client.remember_device().await).unwrap();
    scan(client.forget_device(Some("us-east-1_not-a-device")).await).unwrap_err();

    // TOTP: set up with a wrong code, then the right one; preferences.
    let totp = scan(client.set_up_totp().await).unwrap();
    printed_both(&totp);
    let right = emu.totp(&totp.shared_secret).await;
    scan(
        client
            .verify_totp_setup(wrong_code(&right), Some("phone"))
            .await,
    )
    .unwrap_err();
    scan(client.verify_totp_setup(&right, Some("phone")).await).unwrap();
    scan(client.fetch_mfa_preference().await).unwrap();
    scan(
        client
            .update_mfa_preference(
                Some(MfaPreference::Preferred),
                Some(MfaPreference::Preferred),
                None,
            )
            .await,
    )
    .unwrap_err();
    scan(
        client
            .update_mfa_preference(Some(MfaPreference::Preferred), None, None)
            .await,
    )
    .unwrap();

    // Attributes: update, a wrong then the right verification code, resend, delete.
    scan(client.fetch_user_attributes().await).unwrap();
    scan(client.update_user_attributes(&HashMap::new()).await).unwrap_err();
    let update = HashMap::from([
        ("email".to_owned(), "lena2@example.com".to_owned()),
        ("nickname".to_owned(), "le".to_owned()),
    ]);
    scan(client.update_user_attributes(&update).await).unwrap();
    let code = emu.last_code(&pool, "lena").await;
    scan(
        client
            .confirm_user_attribute("email", wrong_code(&code))
            .await,
    )
    .unwrap_err();
    scan(client.confirm_user_attribute("email", &code).await).unwrap();
    scan(client.send_user_attribute_verification_code("email").await).unwrap();
    scan(client.delete_user_attributes(&[]).await).unwrap_err();
    scan(
        client
            .delete_user_attributes(&["nickname".to_owned()])
            .await,
    )
    .unwrap();
    scan(client.delete_user_attributes(&["sub".to_owned()]).await).unwrap_err();

    // Passwords: a wrong old one, a weak new one, then a change and back.
    scan(
        client
            .update_password(WRONG_PASSWORD, "Next-Passw0rd!")
            .await,
    )
    .unwrap_err();
    scan(client.update_password(PASSWORD, "weak").await).unwrap_err();
    scan(client.update_password(PASSWORD, "Next-Passw0rd!").await).unwrap();
    scan(client.update_password("Next-Passw0rd!", PASSWORD).await).unwrap();

    // Offline: the session and user stay (tokens kept), a sign-in fails, sign-out signs out here.
    let offline = emu.client_at(
        &pool,
        store.clone(),
        &offline_endpoint(),
        Duration::from_secs(5),
    );
    listen_into(&offline, &events);
    scan(offline.fetch_auth_session(true).await).unwrap_err();
    scan(offline.get_current_user().await).unwrap();
    scan(offline.fetch_devices().await).unwrap_err();
    scan(
        offline
            .sign_in("lena", Some(PASSWORD), SignInOptions::default())
            .await,
    )
    .unwrap_err();

    // Throttled and failing calls.
    emu.fault("GetUser", "TooManyRequestsException", 1).await;
    scan(client.fetch_user_attributes().await).unwrap_err();
    emu.fault("GetTokensFromRefreshToken", "InternalErrorException", 1)
        .await;
    scan(client.fetch_auth_session(true).await).unwrap_err();

    // A device Cognito forgot: the refresh token bound to it is refused (signed out here);
    // the next sign-in drops the stale device and goes on without it (MFA again).
    let device_key = store
        .keys()
        .into_iter()
        .find(|k| k.ends_with("/device"))
        .expect("device stored");
    let device: Value = serde_json::from_str(&store.get(&device_key).unwrap().unwrap()).unwrap();
    emu.ok(
        "AdminForgetDevice",
        json!({ "UserPoolId": pool.pool_id, "Username": "lena", "DeviceKey": device["device_key"] }),
    )
    .await;
    scan(client.fetch_auth_session(true).await).unwrap_err();
    scan(
        client
            .sign_in("lena", Some(PASSWORD), SignInOptions::default())
            .await,
    )
    .unwrap();
    let code = emu.last_code(&pool, "lena").await;
    scan(
        client
            .confirm_sign_in(&code, ConfirmSignInOptions::default())
            .await,
    )
    .unwrap();
    scan(client.current_device_status()).unwrap();
    scan(client.remember_device().await).unwrap();

    // Records that cannot be read: a secret in a field of the wrong type, then garbage.
    let good = store.get(&tokens_key(store.as_ref())).unwrap().unwrap();
    let mut mistyped: Value = serde_json::from_str(&good).unwrap();
    mistyped["expires_at"] = mistyped["refresh_token"].clone();
    store
        .set(&tokens_key(store.as_ref()), &mistyped.to_string())
        .unwrap();
    scan(client.fetch_auth_session(false).await).unwrap_err();
    scan(client.get_current_user().await).unwrap_err();
    store.set(&tokens_key(store.as_ref()), &good).unwrap();

    // The session ends elsewhere (a global sign-out from another device).
    emu.ok(
        "AdminUserGlobalSignOut",
        json!({ "UserPoolId": pool.pool_id, "Username": "lena" }),
    )
    .await;
    scan(client.fetch_auth_session(true).await).unwrap_err();
    scan(client.fetch_user_attributes().await).unwrap_err();

    // Signed in again (remembered device: no MFA), then every way out.
    scan(
        client
            .sign_in("lena", Some(PASSWORD), SignInOptions::default())
            .await,
    )
    .unwrap();
    let offline = emu.client_at(
        &pool,
        store.clone(),
        &offline_endpoint(),
        Duration::from_secs(5),
    );
    scan(offline.sign_out(true).await).unwrap();
    scan(
        client
            .sign_in("lena", Some(PASSWORD), SignInOptions::default())
            .await,
    )
    .unwrap();
    scan(client.forget_device(None).await).unwrap();
    scan(client.sign_out(true).await).unwrap();
    scan(
        client
            .sign_in("lena", Some(PASSWORD), SignInOptions::default())
            .await,
    )
    .unwrap();
    scan(client.pending_sign_in_step().await).unwrap();
    client.cancel_sign_in().await;
    scan(client.reset_local_state().await).unwrap();
    scan(client.fetch_auth_session(false).await).unwrap();

    // What was scanned is real: every kind of secret is registered, and the client's own log
    // lines were captured.
    let totals = emu.leak_scan().unwrap_or_else(|report| panic!("{report}"));
    for (what, secret) in [
        ("password", PASSWORD),
        ("wrong password", WRONG_PASSWORD),
        ("SMS code", code.as_str()),
        ("access token", tokens.access_token.as_str()),
        ("ID token", tokens.id_token.as_deref().unwrap()),
        ("TOTP secret", totp.shared_secret.as_str()),
        ("TOTP code", right.as_str()),
        ("client secret", pool.client_secret.as_deref().unwrap()),
        ("device secret", device["device_secret"].as_str().unwrap()),
    ] {
        assert!(
            leak_scan::is_registered(secret),
            "the {what} is not searched for"
        );
    }
    assert!(totals.printed_forms >= 100, "{totals}");
    for line in [
        "sign-in call operation=\"RespondToAuthChallenge\"",
        "signed in",
        "tokens",
    ] {
        assert!(
            !leak_scan::log_lines_containing(line).is_empty(),
            "the core's log lines are captured ({totals}): no {line:?}"
        );
    }
    assert!(events.0.lock().unwrap().len() >= 8, "events were scanned");
}

fn listen_into(client: &AuthClient, events: &Arc<Events>) {
    client.add_listener(events.clone());
}

/// Sign-up (with auto sign-in), codes resent, password reset, account deletion.
#[tokio::test]
async fn every_account_operation() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            auto_verify_email: true,
            client_secret: true,
            ..Default::default()
        })
        .await;
    let (client, _, _) = emu.new_client(&pool);
    let events = listen(&client);
    let options = SignUpOptions {
        user_attributes: HashMap::from([("email".to_owned(), "mara@example.com".to_owned())]),
        auto_sign_in: true,
        ..Default::default()
    };
    scan(client.sign_up("mara", "weak", options.clone()).await).unwrap_err();
    scan(client.sign_up("mara", PASSWORD, options.clone()).await).unwrap();
    scan(client.sign_up("mara", PASSWORD, options).await).unwrap_err();
    scan(client.resend_sign_up_code("mara").await).unwrap();
    scan(
        client
            .sign_in("mara", Some(PASSWORD), SignInOptions::default())
            .await,
    )
    .unwrap();
    let code = emu.last_code(&pool, "mara").await;
    scan(client.confirm_sign_up("mara", wrong_code(&code)).await).unwrap_err();
    scan(client.confirm_sign_up("mara", "").await).unwrap_err();
    let confirmed = scan(client.confirm_sign_up("mara", &code).await).unwrap();
    printed_debug(&confirmed.sign_in);

    scan(client.reset_password("mara").await).unwrap();
    scan(client.reset_password("nobody").await).unwrap_err();
    let code = emu.last_code(&pool, "mara").await;
    scan(
        client
            .confirm_reset_password("mara", "Reset-Passw0rd!", wrong_code(&code))
            .await,
    )
    .unwrap_err();
    scan(client.confirm_reset_password("mara", "weak", &code).await).unwrap_err();
    scan(
        client
            .confirm_reset_password("mara", "Reset-Passw0rd!", &code)
            .await,
    )
    .unwrap();
    scan(
        client
            .sign_in("mara", Some(PASSWORD), SignInOptions::default())
            .await,
    )
    .unwrap_err();
    scan(
        client
            .sign_in("mara", Some("Reset-Passw0rd!"), SignInOptions::default())
            .await,
    )
    .unwrap();
    scan(client.delete_user().await).unwrap();
    scan(client.delete_user().await).unwrap_err();
    scan(
        client
            .sign_in("mara", Some("Reset-Passw0rd!"), SignInOptions::default())
            .await,
    )
    .unwrap_err();
    assert!(events
        .0
        .lock()
        .unwrap()
        .iter()
        .any(|e| matches!(e, AuthEvent::UserDeleted)));
}

/// The other sign-in flows and challenges: TOTP (set up inside the sign-in, then answered),
/// a new password, custom challenges, USER_PASSWORD_AUTH, USER_AUTH with an e-mail code, a
/// passkey-only pool.
#[tokio::test]
async fn every_sign_in_flow_and_challenge() {
    let emu = Emu::start().await;

    // TOTP set up inside the sign-in, then a TOTP sign-in with a wrong and a right code.
    let totp_pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            sms: false,
            ..Default::default()
        })
        .await;
    emu.user(&totp_pool, "tess", &[]).await;
    let (client, _, _) = emu.new_client(&totp_pool);
    let step = scan(
        client
            .sign_in("tess", Some(PASSWORD), SignInOptions::default())
            .await,
    )
    .unwrap();
    let SignInNextStep::ContinueSignInWithTotpSetup { totp_setup_details } = &step.next_step else {
        panic!("{step:?}");
    };
    printed_both(totp_setup_details);
    scan(client.pending_sign_in_step().await).unwrap();
    let code = emu.totp(&totp_setup_details.shared_secret).await;
    let options = ConfirmSignInOptions {
        friendly_device_name: Some("tess's phone".into()),
        ..Default::default()
    };
    scan(
        client
            .confirm_sign_in(wrong_code(&code), options.clone())
            .await,
    )
    .unwrap_err();
    // A new sign-in associates a new secret.
    let step = scan(
        client
            .sign_in("tess", Some(PASSWORD), SignInOptions::default())
            .await,
    )
    .unwrap();
    let SignInNextStep::ContinueSignInWithTotpSetup { totp_setup_details } = &step.next_step else {
        panic!("{step:?}");
    };
    let secret = totp_setup_details.shared_secret.clone();
    let code = emu.totp(&secret).await;
    scan(client.confirm_sign_in(&code, options).await).unwrap();
    scan(client.sign_out(false).await).unwrap();
    scan(
        client
            .sign_in("tess", Some(PASSWORD), SignInOptions::default())
            .await,
    )
    .unwrap();
    emu.advance(30).await;
    let code = emu.totp(&secret).await;
    scan(
        client
            .confirm_sign_in(wrong_code(&code), ConfirmSignInOptions::default())
            .await,
    )
    .unwrap_err();
    scan(
        client
            .confirm_sign_in(&code, ConfirmSignInOptions::default())
            .await,
    )
    .unwrap();

    // A new password for an admin-created user: a weak one, then a good one.
    let pool = emu.pool(PoolSpec::default()).await;
    emu.ok(
        "AdminCreateUser",
        json!({ "UserPoolId": pool.pool_id, "Username": "hugo", "TemporaryPassword": "Temp-Passw0rd!", "MessageAction": "SUPPRESS" }),
    )
    .await;
    let (client, _, _) = emu.new_client(&pool);
    scan(
        client
            .sign_in("hugo", Some("Temp-Passw0rd!"), SignInOptions::default())
            .await,
    )
    .unwrap();
    scan(
        client
            .confirm_sign_in("weak", ConfirmSignInOptions::default())
            .await,
    )
    .unwrap_err();
    scan(
        client
            .sign_in("hugo", Some("Temp-Passw0rd!"), SignInOptions::default())
            .await,
    )
    .unwrap();
    scan(
        client
            .confirm_sign_in("Fresh-Passw0rd!", ConfirmSignInOptions::default())
            .await,
    )
    .unwrap();

    // Custom challenges, with and without SRP: a wrong answer, then the right one.
    emu.user(&pool, "cole", &[]).await;
    emu.custom_auth(&pool, json!({ "question": "the word?" }), "swordfish")
        .await;
    for (flow, password) in [
        (AuthFlow::CustomWithoutSrp, None),
        (AuthFlow::CustomWithSrp, Some(PASSWORD)),
    ] {
        let options = SignInOptions {
            auth_flow: flow,
            ..Default::default()
        };
        let (client, _, _) = emu.new_client(&pool);
        scan(client.sign_in("cole", password, options.clone()).await).unwrap();
        scan(
            client
                .confirm_sign_in("marlin-fish", ConfirmSignInOptions::default())
                .await,
        )
        .unwrap_err();
        scan(client.sign_in("cole", password, options).await).unwrap();
        scan(
            client
                .confirm_sign_in("swordfish", ConfirmSignInOptions::default())
                .await,
        )
        .unwrap();
    }

    // USER_PASSWORD_AUTH: wrong, then right.
    let options = SignInOptions {
        auth_flow: AuthFlow::UserPassword,
        ..Default::default()
    };
    let (client, _, _) = emu.new_client(&pool);
    scan(
        client
            .sign_in("cole", Some(WRONG_PASSWORD), options.clone())
            .await,
    )
    .unwrap_err();
    scan(client.sign_in("cole", Some(PASSWORD), options).await).unwrap();

    // USER_AUTH: a first-factor choice, an e-mailed code (wrong, then right).
    let otp = emu
        .pool(PoolSpec {
            first_factors: vec!["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"],
            ..Default::default()
        })
        .await;
    emu.user(&otp, "otto", &[("email", "otto@example.com")])
        .await;
    emu.passkey(&otp, "otto").await;
    let (client, _, _) = emu.new_client(&otp);
    let user_auth = |factor| SignInOptions {
        auth_flow: AuthFlow::UserAuth {
            preferred_first_factor: factor,
        },
        ..Default::default()
    };
    scan(client.sign_in("otto", None, user_auth(None)).await).unwrap();
    scan(
        client
            .confirm_sign_in("FINGERPRINT", ConfirmSignInOptions::default())
            .await,
    )
    .unwrap_err();
    scan(
        client
            .confirm_sign_in("EMAIL_OTP", ConfirmSignInOptions::default())
            .await,
    )
    .unwrap();
    let code = emu.last_code(&otp, "otto").await;
    scan(
        client
            .confirm_sign_in(wrong_code(&code), ConfirmSignInOptions::default())
            .await,
    )
    .unwrap_err();
    scan(
        client
            .confirm_sign_in(&code, ConfirmSignInOptions::default())
            .await,
    )
    .unwrap();
    scan(
        client
            .sign_in(
                "otto",
                Some(PASSWORD),
                user_auth(Some(AuthFactor::Password)),
            )
            .await,
    )
    .unwrap();

    // A pool where a passkey is the only way in.
    let only = emu
        .pool(PoolSpec {
            first_factors: vec!["WEB_AUTHN"],
            ..Default::default()
        })
        .await;
    emu.user(&only, "pia", &[]).await;
    emu.passkey(&only, "pia").await;
    let (client, _, _) = emu.new_client(&only);
    scan(client.sign_in("pia", None, user_auth(None)).await).unwrap_err();
}

/// A pool whose ID is not a pool, and an endpoint that is not one: errors made before any call.
#[tokio::test]
async fn configuration_errors() {
    let emu = Emu::start().await;
    let pool = Pool {
        pool_id: "us-east-1_Missing".into(),
        client_id: "no-such-client".into(),
        client_secret: Some("a-client-secret-that-is-long".into()),
    };
    leak_scan::secret("a-client-secret-that-is-long");
    let (client, _, _) = emu.new_client(&pool);
    printed_both(client.config());
    scan(
        client
            .sign_in("zed", Some(PASSWORD), SignInOptions::default())
            .await,
    )
    .unwrap_err();
    scan(
        client
            .sign_up("zed", PASSWORD, SignUpOptions::default())
            .await,
    )
    .unwrap_err();
    let mut config = client.config().clone();
    config.endpoint = cognito_auth_core::Endpoint::Url("http://192.0.2.10:9229".into());
    let store: Arc<dyn SecretStore> = Arc::new(InMemoryStore::new());
    scan(AuthClient::new(config, store).map(|_| ())).unwrap_err();
}
