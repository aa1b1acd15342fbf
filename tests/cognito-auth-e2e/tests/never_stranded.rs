//! The client never strands a user (issue 15), against the emulator over HTTP: sign-out that
//! always signs out here, no lost device secret around `ConfirmDevice`, stale devices dropped
//! and the step retried, offline sessions, auto sign-in after sign-up, deleting attributes,
//! the new events, passkeys offered but unsupported, and plain HTTP only to this machine.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cognito_auth_core::{
    AuthClient, AuthConfig, AuthError, AuthEvent, AuthEventListener, AuthFactor, AuthFlow,
    CognitoException, ConfirmSignInOptions, DeviceOutcome, DeviceStatus, Endpoint, InMemoryStore,
    SecretStore, SignInNextStep, SignInOptions, SignInResult, SignUpOptions, SignUpStep,
};
use cognito_auth_e2e::{DeviceMode, Emu, Pool, PoolSpec, PASSWORD};
use serde_json::json;

const USER: &str = "nora";

/// An endpoint where nothing listens: the network is down.
fn offline_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[derive(Default)]
struct Recorder(Mutex<Vec<AuthEvent>>);

impl AuthEventListener for Recorder {
    fn on_auth_event(&self, event: AuthEvent) {
        self.0.lock().unwrap().push(event);
    }
}

impl Recorder {
    fn events(&self) -> Vec<AuthEvent> {
        self.0.lock().unwrap().clone()
    }
}

async fn sms_pool(emu: &Emu, devices: DeviceMode) -> Pool {
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            devices,
            ..Default::default()
        })
        .await;
    emu.user(&pool, USER, &[("phone_number", "+15555550177")])
        .await;
    pool
}

async fn sign_in(emu: &Emu, pool: &Pool, client: &AuthClient) -> SignInResult {
    emu.sign_in_answering_sms(pool, client, USER).await
}

fn tokens_key(store: &InMemoryStore) -> Option<String> {
    store.keys().into_iter().find(|k| k.ends_with("/tokens"))
}

#[tokio::test]
async fn sign_out_signs_out_here_whatever_the_server_does() {
    let emu = Emu::start().await;
    let pool = sms_pool(&emu, DeviceMode::Off).await;
    let store = Arc::new(InMemoryStore::new());
    let (client, _) = emu.client(&pool, store.clone());
    let recorder = Arc::new(Recorder::default());
    client.add_listener(recorder.clone());

    // Offline: the tokens are cleared, and the result says the refresh token was not revoked.
    sign_in(&emu, &pool, &client).await;
    let offline = emu.client_at(
        &pool,
        store.clone(),
        &offline_endpoint(),
        Duration::from_secs(5),
    );
    let result = offline.sign_out(false).await.expect("signed out offline");
    assert!(!result.is_complete());
    assert!(
        result
            .revoke_token_error
            .as_deref()
            .is_some_and(|e| e.contains("Cannot reach Cognito")),
        "{result:?}"
    );
    assert_eq!(tokens_key(&store), None);
    assert!(!client.fetch_auth_session(false).await.unwrap().is_signed_in);

    // Throttled and a server error: the same.
    for error in ["TooManyRequestsException", "InternalErrorException"] {
        sign_in(&emu, &pool, &client).await;
        emu.fault("RevokeToken", error, 1).await;
        let result = client.sign_out(false).await.expect("signed out");
        assert!(
            result
                .revoke_token_error
                .as_deref()
                .is_some_and(|e| e.contains(error)),
            "{error}: {result:?}"
        );
        assert_eq!(tokens_key(&store), None, "{error}");
    }

    // Global: GlobalSignOut refused → reported, the refresh token still revoked, signed out.
    sign_in(&emu, &pool, &client).await;
    emu.fault("GlobalSignOut", "InternalErrorException", 1)
        .await;
    let result = client.sign_out(true).await.expect("signed out");
    assert!(
        result.global_sign_out_error.is_some() && result.revoke_token_error.is_none(),
        "{result:?}"
    );
    assert_eq!(tokens_key(&store), None);
    // Global that works: complete.
    sign_in(&emu, &pool, &client).await;
    assert!(client.sign_out(true).await.unwrap().is_complete());

    // An unreadable token record: still signed out here, with nothing to revoke.
    sign_in(&emu, &pool, &client).await;
    let key = tokens_key(&store).unwrap();
    store.set(&key, "{not the tokens").unwrap();
    let result = client.sign_out(false).await.expect("signed out");
    assert!(result.revoke_token_error.is_some(), "{result:?}");
    assert_eq!(tokens_key(&store), None);

    // A sign-in waiting for its MFA code is cancelled too.
    client
        .sign_in(USER, Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    assert!(client.pending_sign_in_step().await.unwrap().is_some());
    client.sign_out(false).await.unwrap();
    assert_eq!(client.pending_sign_in_step().await.unwrap(), None);
    let signed_out = recorder
        .events()
        .iter()
        .filter(|e| **e == AuthEvent::SignedOut)
        .count();
    // Every sign-out of this client (the offline one is another client) was announced.
    assert_eq!(signed_out, 5, "{:?}", recorder.events());
}

#[tokio::test]
async fn a_refresh_in_flight_cannot_write_tokens_back_after_sign_out() {
    let emu = Emu::start().await;
    let pool = sms_pool(&emu, DeviceMode::Off).await;
    let store = Arc::new(InMemoryStore::new());
    let (client, _) = emu.client(&pool, store.clone());
    let client = Arc::new(client);
    for _ in 0..5 {
        sign_in(&emu, &pool, &client).await;
        emu.delay("GetTokensFromRefreshToken", 300, 1).await;
        let refreshing = {
            let client = client.clone();
            tokio::spawn(async move { client.fetch_auth_session(true).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        let result = client.sign_out(false).await.expect("sign out");
        assert!(result.is_complete(), "{result:?}");
        let refreshed = refreshing.await.unwrap();
        assert!(
            refreshed.is_ok_and(|s| s.is_signed_in),
            "the refresh ended first"
        );
        assert_eq!(tokens_key(&store), None, "no token written back");
        assert!(!client.fetch_auth_session(false).await.unwrap().is_signed_in);
    }
}

#[tokio::test]
async fn confirm_device_applied_but_unanswered_keeps_the_secret_and_reconciles() {
    let emu = Emu::start().await;
    let pool = sms_pool(&emu, DeviceMode::Always).await;
    let store = Arc::new(InMemoryStore::new());
    let slow = emu.client_at(
        &pool,
        store.clone(),
        &emu.endpoint,
        Duration::from_millis(400),
    );
    // ConfirmDevice reaches Cognito and is applied, but its answer comes after the client gave
    // up: the device secret must survive, and the next sign-in must use the device.
    emu.delay("ConfirmDevice", 1200, 1).await;
    let result = sign_in(&emu, &pool, &slow).await;
    assert!(
        matches!(&result.device, Some(DeviceOutcome::NotTracked { reason }) if reason.contains("kept")),
        "{result:?}"
    );
    assert_eq!(
        slow.current_device_status().unwrap(),
        DeviceStatus::NotTracked
    );
    tokio::time::sleep(Duration::from_millis(1000)).await; // the emulator confirms it
    let (client, _) = emu.client(&pool, store.clone());
    client.sign_out(false).await.unwrap();
    // The next sign-in asks Cognito about the pending device: confirmed and remembered.
    let result = sign_in(&emu, &pool, &client).await;
    let Some(DeviceOutcome::Tracked {
        device_key,
        status: DeviceStatus::Remembered,
        ..
    }) = &result.device
    else {
        panic!("expected the pending device confirmed, got {result:?}");
    };
    let devices = client.fetch_devices().await.unwrap();
    assert_eq!(devices.len(), 1, "no second device: {devices:?}");
    assert_eq!(&devices[0].id, device_key);
    assert!(devices[0].is_current_device);
    // And it answers the device challenge: no SMS at the next sign-in.
    client.sign_out(false).await.unwrap();
    let sent = emu.message_count(&pool, USER).await;
    let result = client
        .sign_in(USER, Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    assert!(result.is_signed_in, "{result:?}");
    assert_eq!(emu.message_count(&pool, USER).await, sent);
}

#[tokio::test]
async fn a_device_forgotten_while_the_user_types_the_code_does_not_fail_the_sign_in() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            devices: DeviceMode::UserOptIn,
            first_factors: vec!["PASSWORD", "EMAIL_OTP"],
            ..Default::default()
        })
        .await;
    emu.user(&pool, USER, &[("email", "nora@example.com")])
        .await;
    let (client, _, _) = emu.new_client(&pool);
    let email_otp = SignInOptions {
        auth_flow: AuthFlow::UserAuth {
            preferred_first_factor: Some(AuthFactor::EmailOtp),
        },
        ..Default::default()
    };
    let step = client.sign_in(USER, None, email_otp.clone()).await.unwrap();
    assert!(
        matches!(step.next_step, SignInNextStep::ConfirmSignInWithOtp { .. }),
        "{step:?}"
    );
    let code = emu.last_code(&pool, USER).await;
    let first = client
        .confirm_sign_in(&code, ConfirmSignInOptions::default())
        .await
        .unwrap();
    let Some(DeviceOutcome::Tracked { device_key, .. }) = &first.device else {
        panic!("{first:?}");
    };
    client.sign_out(false).await.unwrap();
    // The next sign-in sends the device's key; while the user reads the e-mail, an
    // administrator forgets the device.
    let step = client.sign_in(USER, None, email_otp).await.unwrap();
    assert!(
        matches!(step.next_step, SignInNextStep::ConfirmSignInWithOtp { .. }),
        "{step:?}"
    );
    emu.ok(
        "AdminForgetDevice",
        json!({ "UserPoolId": pool.pool_id, "Username": USER, "DeviceKey": device_key }),
    )
    .await;
    let code = emu.last_code(&pool, USER).await;
    let done = client
        .confirm_sign_in(&code, ConfirmSignInOptions::default())
        .await
        .expect("the same code, answered again without the device");
    assert!(done.is_signed_in);
    let Some(DeviceOutcome::Tracked {
        device_key: new_key,
        ..
    }) = &done.device
    else {
        panic!("a new device is tracked: {done:?}");
    };
    assert_ne!(new_key, device_key);
}

#[tokio::test]
async fn a_refresh_refused_for_a_stale_device_key_drops_the_device_and_succeeds() {
    let emu = Emu::start().await;
    // Signed in while the pool tracked no device (the tokens are bound to none); then the pool
    // starts tracking devices, and the store holds a device Cognito does not know.
    let pool = emu.pool(PoolSpec::default()).await;
    emu.user(&pool, USER, &[]).await;
    let (client, _, store) = emu.new_client(&pool);
    sign_in(&emu, &pool, &client).await;
    emu.ok(
        "UpdateUserPool",
        json!({ "UserPoolId": pool.pool_id, "DeviceConfiguration": {
            "ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": false } }),
    )
    .await;
    // A device record Cognito does not know (left from when the pool tracked devices).
    let device_key = store
        .keys()
        .into_iter()
        .find(|k| k.ends_with("/tokens"))
        .unwrap()
        .replace("/tokens", "/device");
    store
        .set(
            &device_key,
            r#"{"device_key":"us-east-1_00000000-0000-0000-0000-000000000000","device_group_key":"-g","device_secret":"s","state":"remembered"}"#,
        )
        .unwrap();
    assert_eq!(
        client.current_device_status().unwrap(),
        DeviceStatus::Remembered
    );
    let session = client
        .fetch_auth_session(true)
        .await
        .expect("refreshed without the device");
    assert!(session.is_signed_in);
    assert_eq!(
        client.current_device_status().unwrap(),
        DeviceStatus::NotTracked
    );
    assert!(store.get(&device_key).unwrap().is_none());
}

#[tokio::test]
async fn offline_the_session_and_user_stay_with_tokens_kept() {
    let emu = Emu::start().await;
    let pool = sms_pool(&emu, DeviceMode::Off).await;
    let store = Arc::new(InMemoryStore::new());
    let (client, _) = emu.client(&pool, store.clone());
    let signed_in = sign_in(&emu, &pool, &client).await;
    assert!(signed_in.is_signed_in);
    let online = client.fetch_auth_session(false).await.unwrap();

    let offline = emu.client_at(
        &pool,
        store.clone(),
        &offline_endpoint(),
        Duration::from_secs(5),
    );
    let recorder = Arc::new(Recorder::default());
    offline.add_listener(recorder.clone());
    // Valid tokens: no network needed.
    assert_eq!(offline.fetch_auth_session(false).await.unwrap(), online);
    // Due tokens, no network: a retryable error that says the tokens are kept.
    emu.clock.advance(3600);
    let error = offline.fetch_auth_session(false).await.unwrap_err();
    assert!(
        matches!(&error, AuthError::Network { detail } if detail.contains("offline, tokens kept")),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(recorder.events(), [AuthEvent::TokenRefreshFailed]);
    assert!(tokens_key(&store).is_some(), "the tokens are kept");
    // The user is known offline.
    let user = offline.get_current_user().await.expect("offline user");
    assert_eq!(user.username, USER);
    assert_eq!(user.user_id, online.user_sub);
    // Back online, the same store refreshes.
    emu.advance(3600).await;
    emu.clock.advance(-3600);
    let session = client
        .fetch_auth_session(false)
        .await
        .expect("online again");
    assert!(session.is_signed_in);
}

#[tokio::test]
async fn auto_sign_in_after_sign_up_ends_signed_in() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            first_factors: vec!["PASSWORD", "EMAIL_OTP"],
            ..Default::default()
        })
        .await;
    let (client, _, _) = emu.new_client(&pool);
    let recorder = Arc::new(Recorder::default());
    client.add_listener(recorder.clone());
    let options = SignUpOptions {
        user_attributes: [("email".to_owned(), "nora@example.com".to_owned())].into(),
        auto_sign_in: true,
        ..Default::default()
    };
    let signed_up = client.sign_up(USER, PASSWORD, options).await.unwrap();
    assert!(matches!(
        signed_up.next_step,
        SignUpStep::ConfirmSignUp { .. }
    ));
    let code = emu.last_code(&pool, USER).await;
    let confirmed = client.confirm_sign_up(USER, &code).await.unwrap();
    assert_eq!(confirmed.auto_sign_in_error, None);
    let sign_in = confirmed.sign_in.expect("signed in after the confirmation");
    assert!(sign_in.is_signed_in, "{sign_in:?}");
    let session = client.fetch_auth_session(false).await.unwrap();
    assert_eq!(session.username.as_deref(), Some(USER));
    assert!(matches!(
        recorder.events().as_slice(),
        [AuthEvent::SignedIn { username }] if username == USER
    ));

    // Without auto sign-in: confirmed, not signed in.
    let (other, _, _) = emu.new_client(&pool);
    let with_email = SignUpOptions {
        user_attributes: [("email".to_owned(), "otto@example.com".to_owned())].into(),
        ..Default::default()
    };
    other.sign_up("otto", PASSWORD, with_email).await.unwrap();
    let code = emu.last_code(&pool, "otto").await;
    let confirmed = other.confirm_sign_up("otto", &code).await.unwrap();
    assert!(confirmed.sign_in.is_none() && confirmed.auto_sign_in_error.is_none());
    assert!(!other.fetch_auth_session(false).await.unwrap().is_signed_in);
}

#[tokio::test]
async fn attributes_can_be_deleted_and_the_user_deleted_with_an_event() {
    let emu = Emu::start().await;
    let pool = emu.pool(PoolSpec::default()).await;
    emu.user(
        &pool,
        USER,
        &[("nickname", "nono"), ("email", "nora@example.com")],
    )
    .await;
    let (client, _, store) = emu.new_client(&pool);
    sign_in(&emu, &pool, &client).await;
    let names = |attributes: Vec<cognito_auth_core::UserAttribute>| {
        attributes.into_iter().map(|a| a.name).collect::<Vec<_>>()
    };
    client
        .delete_user_attributes(&["nickname".to_owned()])
        .await
        .expect("deleted");
    let left = names(client.fetch_user_attributes().await.unwrap());
    assert!(!left.contains(&"nickname".to_owned()), "{left:?}");
    assert!(left.contains(&"email".to_owned()));
    let refused = client
        .delete_user_attributes(&["sub".to_owned()])
        .await
        .unwrap_err();
    assert_eq!(
        refused.exception(),
        Some(CognitoException::InvalidParameter),
        "{refused:?}"
    );
    assert!(matches!(
        client.delete_user_attributes(&[]).await,
        Err(AuthError::InvalidInput { .. })
    ));

    let recorder = Arc::new(Recorder::default());
    client.add_listener(recorder.clone());
    client.delete_user().await.expect("deleted");
    assert_eq!(recorder.events(), [AuthEvent::UserDeleted]);
    assert!(store.keys().iter().all(|k| !k.ends_with("/tokens")));
}

#[tokio::test]
async fn a_passkey_is_offered_but_unsupported() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            first_factors: vec!["PASSWORD", "WEB_AUTHN"],
            ..Default::default()
        })
        .await;
    emu.user(&pool, USER, &[]).await;
    emu.passkey(&pool, USER).await;
    let (client, _, _) = emu.new_client(&pool);
    let user_auth = |factor| SignInOptions {
        auth_flow: AuthFlow::UserAuth {
            preferred_first_factor: factor,
        },
        ..Default::default()
    };
    let result = client
        .sign_in(USER, Some(PASSWORD), user_auth(None))
        .await
        .unwrap();
    let SignInNextStep::ContinueSignInWithFirstFactorSelection {
        available_factors,
        unsupported_factors,
    } = &result.next_step
    else {
        panic!("{result:?}");
    };
    assert!(available_factors.contains(&AuthFactor::PasswordSrp));
    assert_eq!(unsupported_factors, &["WEB_AUTHN".to_owned()]);
    let done = client
        .confirm_sign_in("PASSWORD_SRP", ConfirmSignInOptions::default())
        .await
        .unwrap();
    assert!(done.is_signed_in, "{done:?}");

    // A pool where the passkey is the only way in: a typed error, not an empty choice.
    let only = emu
        .pool(PoolSpec {
            first_factors: vec!["WEB_AUTHN"],
            ..Default::default()
        })
        .await;
    emu.user(&only, USER, &[]).await;
    emu.passkey(&only, USER).await;
    let (client, _, _) = emu.new_client(&only);
    let error = client
        .sign_in(USER, None, user_auth(None))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, AuthError::Unsupported { detail } if detail.contains("WEB_AUTHN")),
        "{error:?}"
    );
    assert!(!error.is_retryable());
}

#[test]
fn plain_http_goes_only_to_this_machine_unless_allowed() {
    let store: Arc<dyn SecretStore> = Arc::new(InMemoryStore::new());
    let config =
        |url: &str| AuthConfig::new(Endpoint::Url(url.into()), "us-east-1_AbCdEf123", "client");
    for local in [
        "http://127.0.0.1:9229",
        "http://localhost:9229",
        "http://[::1]:9229",
    ] {
        assert!(
            AuthClient::new(config(local), store.clone()).is_ok(),
            "{local}"
        );
    }
    let refused = AuthClient::new(config("http://192.0.2.10:9229"), store.clone()).err();
    assert!(
        matches!(&refused, Some(AuthError::InvalidInput { detail }) if detail.contains("in clear")),
        "{refused:?}"
    );
    let mut allowed = config("http://192.0.2.10:9229");
    allowed.allow_insecure_http = true;
    assert!(AuthClient::new(allowed, store.clone()).is_ok());
    assert!(matches!(
        AuthClient::new(config("ftp://x"), store.clone()).err(),
        Some(AuthError::InvalidInput { .. })
    ));
    assert!(matches!(
        AuthClient::new(
            AuthConfig::new(Endpoint::Region("eu west".into()), "p", "c"),
            store
        )
        .err(),
        Some(AuthError::InvalidInput { .. })
    ));
}
