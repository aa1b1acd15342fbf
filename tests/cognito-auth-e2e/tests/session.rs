//! Sessions (refresh, single flight, sign-out), account operations, username aliases, and
//! the guarantee that secrets never reach the logs.

use std::collections::HashMap;
use std::sync::Arc;

use cognito_auth_core::{
    AuthError, AuthEvent, AuthEventListener, CognitoException, ConfirmSignInOptions,
    SignInNextStep, SignInOptions, SignUpOptions, SignUpStep,
};
use cognito_auth_e2e::{DeviceMode, Emu, PoolSpec, PASSWORD};

#[tokio::test]
async fn a_hundred_concurrent_session_fetches_share_one_refresh() {
    let emu = Emu::start().await;
    let pool = emu.pool(PoolSpec::default()).await;
    emu.user(&pool, "olga", &[]).await;
    let (client, api, _) = emu.new_client(&pool);
    client
        .sign_in("olga", Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    let client = Arc::new(client);
    let original = client
        .fetch_auth_session(false)
        .await
        .unwrap()
        .tokens
        .unwrap()
        .access_token;
    emu.advance(3600).await;

    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.fetch_auth_session(false).await })
        })
        .collect();
    let mut tokens = Vec::new();
    for task in tasks {
        let session = task.await.expect("task").expect("session");
        tokens.push(session.tokens.expect("tokens").access_token);
    }
    assert_eq!(
        api.count("GetTokensFromRefreshToken"),
        1,
        "exactly one refresh"
    );
    assert!(
        tokens.iter().all(|t| *t == tokens[0]),
        "every caller got the refreshed token"
    );
    assert_ne!(tokens[0], original);
    // force_refresh refreshes even valid tokens.
    client.fetch_auth_session(true).await.unwrap();
    assert_eq!(api.count("GetTokensFromRefreshToken"), 2);
}

#[tokio::test]
async fn sign_out_local_and_global() {
    let emu = Emu::start().await;
    let pool = emu.pool(PoolSpec::default()).await;
    emu.user(&pool, "pete", &[]).await;
    let (phone, _, _) = emu.new_client(&pool);
    let (laptop, _, _) = emu.new_client(&pool);
    phone
        .sign_in("pete", Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    laptop
        .sign_in("pete", Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();

    phone.sign_out(false).await.expect("local sign out");
    assert!(!phone.fetch_auth_session(false).await.unwrap().is_signed_in);
    assert!(matches!(
        phone.get_current_user().await,
        Err(AuthError::SignedOut)
    ));
    assert!(
        laptop.fetch_auth_session(false).await.unwrap().is_signed_in,
        "other devices stay signed in"
    );

    phone
        .sign_in("pete", Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    phone.sign_out(true).await.expect("global sign out");
    // The laptop's tokens are revoked: its next refresh fails and it is signed out.
    emu.advance(3600).await;
    let refreshed = laptop.fetch_auth_session(false).await;
    assert!(
        matches!(refreshed, Err(AuthError::SignedOut)),
        "{refreshed:?}"
    );
    assert!(!laptop.fetch_auth_session(false).await.unwrap().is_signed_in);
}

#[tokio::test]
async fn sign_up_confirm_reset_and_change_password_attributes_and_delete() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            auto_verify_email: true,
            ..Default::default()
        })
        .await;
    let (client, _, _) = emu.new_client(&pool);
    let mut options = SignUpOptions::default();
    options
        .user_attributes
        .insert("email".into(), "quinn@example.com".into());
    let signed_up = client
        .sign_up("quinn", PASSWORD, options)
        .await
        .expect("sign up");
    assert!(matches!(
        signed_up.next_step,
        SignUpStep::ConfirmSignUp { .. }
    ));
    let taken = client
        .sign_up("quinn", PASSWORD, SignUpOptions::default())
        .await;
    assert!(matches!(
        taken,
        Err(AuthError::Service {
            exception: CognitoException::UsernameExists,
            ..
        })
    ));

    let resent = client.resend_sign_up_code("quinn").await.expect("resend");
    assert!(resent.is_some());
    let wrong = client.confirm_sign_up("quinn", "000000").await;
    let code = emu.last_code(&pool, "quinn").await;
    if code != "000000" {
        assert!(matches!(
            wrong,
            Err(AuthError::Service {
                exception: CognitoException::CodeMismatch,
                ..
            })
        ));
    }
    let confirmed = client
        .confirm_sign_up("quinn", &code)
        .await
        .expect("confirm");
    assert!(confirmed.is_sign_up_complete);

    client
        .reset_password("quinn")
        .await
        .expect("forgot password");
    let code = emu.last_code(&pool, "quinn").await;
    client
        .confirm_reset_password("quinn", "Reset-Passw0rd!", &code)
        .await
        .expect("reset");
    assert!(
        client
            .sign_in("quinn", Some("Reset-Passw0rd!"), SignInOptions::default())
            .await
            .unwrap()
            .is_signed_in
    );

    client
        .update_password("Reset-Passw0rd!", "Changed-Passw0rd!")
        .await
        .expect("change");
    let attributes = client.fetch_user_attributes().await.expect("attributes");
    assert!(attributes
        .iter()
        .any(|a| a.name == "email" && a.value == "quinn@example.com"));
    let mut update = HashMap::new();
    update.insert("email".to_string(), "quinn2@example.com".to_string());
    update.insert("name".to_string(), "Quinn".to_string());
    let deliveries = client
        .update_user_attributes(&update)
        .await
        .expect("update");
    assert_eq!(deliveries.len(), 1, "the new e-mail needs verifying");
    let code = emu.last_code(&pool, "quinn").await;
    client
        .confirm_user_attribute("email", &code)
        .await
        .expect("verify");
    client
        .send_user_attribute_verification_code("email")
        .await
        .expect("resend verification");

    client.sign_out(false).await.unwrap();
    assert!(
        client
            .sign_in("quinn", Some("Changed-Passw0rd!"), SignInOptions::default())
            .await
            .unwrap()
            .is_signed_in
    );
    client.delete_user().await.expect("delete");
    assert!(!client.fetch_auth_session(false).await.unwrap().is_signed_in);
    let gone = client
        .sign_in("quinn", Some("Changed-Passw0rd!"), SignInOptions::default())
        .await;
    assert!(matches!(
        gone,
        Err(AuthError::Service {
            exception: CognitoException::UserNotFound,
            ..
        })
    ));
}

/// One storage rule: the canonical username, found from any alias the user types.
#[tokio::test]
async fn device_is_found_under_any_alias() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            devices: DeviceMode::Always,
            email_as_username: true,
            ..Default::default()
        })
        .await;
    emu.user(
        &pool,
        "rosa@example.com",
        &[
            ("email", "rosa@example.com"),
            ("phone_number", "+15555550177"),
        ],
    )
    .await;
    let (client, _, store) = emu.new_client(&pool);

    let first = client
        .sign_in("rosa@example.com", Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    assert!(matches!(
        first.next_step,
        SignInNextStep::ConfirmSignInWithSmsMfaCode { .. }
    ));
    let code = emu.last_code(&pool, "rosa@example.com").await;
    client
        .confirm_sign_in(&code, ConfirmSignInOptions::default())
        .await
        .unwrap();
    let session = client.fetch_auth_session(false).await.unwrap();
    let canonical = session.username.clone().unwrap();
    assert_ne!(
        canonical, "rosa@example.com",
        "e-mail pools use the sub as the canonical username"
    );
    let keys = store.keys();
    assert!(
        keys.iter()
            .any(|k| k.ends_with(&format!("user/{canonical}/device"))),
        "{keys:?}"
    );

    // Typed differently (case), the alias still leads to the device: MFA is skipped.
    client.sign_out(false).await.unwrap();
    let again = client
        .sign_in("Rosa@Example.com", Some(PASSWORD), SignInOptions::default())
        .await;
    let again = again.expect("sign in with another spelling");
    assert!(again.is_signed_in, "{again:?}");
}

/// The same rule with e-mail and phone aliases of a username: the device remembered after
/// signing in with the phone number is used when the user types the e-mail or the username.
#[tokio::test]
async fn device_is_found_under_email_and_phone_aliases() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            devices: DeviceMode::Always,
            email_and_phone_aliases: true,
            ..Default::default()
        })
        .await;
    emu.user(
        &pool,
        "yuri",
        &[
            ("email", "yuri@example.com"),
            ("phone_number", "+15555550133"),
        ],
    )
    .await;
    let (client, _, store) = emu.new_client(&pool);
    let first = client
        .sign_in("+15555550133", Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    assert!(
        matches!(
            first.next_step,
            SignInNextStep::ConfirmSignInWithSmsMfaCode { .. }
        ),
        "{first:?}"
    );
    let code = emu.last_code(&pool, "yuri").await;
    client
        .confirm_sign_in(&code, ConfirmSignInOptions::default())
        .await
        .unwrap();
    assert!(
        store.keys().iter().any(|k| k.ends_with("user/yuri/device")),
        "{:?}",
        store.keys()
    );

    for typed in ["yuri", "+15555550133"] {
        client.sign_out(false).await.unwrap();
        let again = client
            .sign_in(typed, Some(PASSWORD), SignInOptions::default())
            .await
            .unwrap();
        assert!(
            again.is_signed_in,
            "{typed}: the remembered device skips MFA: {again:?}"
        );
    }
    // An alias never typed on this device before: Cognito's USER_ID_FOR_SRP names the user, and
    // the device stored under that name answers the device challenge at once.
    client.sign_out(false).await.unwrap();
    let by_email = client
        .sign_in("yuri@example.com", Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    assert!(
        by_email.is_signed_in,
        "a new alias still finds the device: {by_email:?}"
    );
}

#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<AuthEvent>>);

impl AuthEventListener for Recorder {
    fn on_auth_event(&self, event: AuthEvent) {
        self.0.lock().unwrap().push(event);
    }
}

#[tokio::test]
async fn auth_events_are_delivered() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            devices: DeviceMode::Always,
            ..Default::default()
        })
        .await;
    emu.user(&pool, "uma", &[]).await;
    let (client, _, _) = emu.new_client(&pool);
    let recorder = Arc::new(Recorder::default());
    let id = client.add_listener(recorder.clone());
    client
        .sign_in("uma", Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    emu.advance(3700).await;
    client.fetch_auth_session(false).await.unwrap();
    client.forget_device(None).await.unwrap();
    client.sign_out(false).await.unwrap();
    client
        .sign_in("uma", Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    let (other, _, _) = emu.new_client(&pool);
    other
        .sign_in("uma", Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    other.sign_out(true).await.unwrap();
    emu.advance(3700).await;
    assert!(client.fetch_auth_session(false).await.is_err());

    let events = recorder.0.lock().unwrap().clone();
    let names: Vec<&str> = events
        .iter()
        .map(|e| match e {
            AuthEvent::SignedIn { .. } => "signed in",
            AuthEvent::SignedOut => "signed out",
            AuthEvent::SessionExpired => "session expired",
            AuthEvent::TokensRefreshed => "refreshed",
            AuthEvent::DeviceRemembered { .. } => "device remembered",
            AuthEvent::DeviceForgotten { .. } => "device forgotten",
            AuthEvent::TokenRefreshFailed => "refresh failed",
            AuthEvent::UserDeleted => "user deleted",
        })
        .collect();
    assert_eq!(
        names,
        [
            "signed in",
            "device remembered",
            "refreshed",
            "device forgotten",
            "signed out",
            "signed in",
            "device remembered",
            "session expired"
        ]
    );
    assert!(client.remove_listener(id));
    assert!(!client.remove_listener(id));
    client
        .sign_in("uma", Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    assert_eq!(
        recorder.0.lock().unwrap().len(),
        events.len(),
        "a removed listener hears nothing"
    );
}

/// Found by fuzzing the C ABI (tests/fuzz, `c_requests`): a configuration's
/// `refreshMarginSeconds` may be any u64, and `now + margin` overflowed (a panic in debug
/// builds; in release a wrapped sum called expired tokens fresh). The largest margin now means
/// "always refresh".
#[tokio::test]
async fn the_largest_refresh_margin_refreshes_every_time() {
    use cognito_auth_core::api::http::HttpCognitoApi;
    use cognito_auth_core::{AuthClient, AuthConfig, Endpoint, InMemoryStore};
    use cognito_auth_e2e::CountingApi;

    let emu = Emu::start().await;
    let pool = emu.pool(PoolSpec::default()).await;
    emu.user(&pool, "uma", &[]).await;
    let api = Arc::new(CountingApi::new(
        HttpCognitoApi::with_endpoint(&emu.endpoint).unwrap(),
    ));
    let mut config = AuthConfig::new(
        Endpoint::Url(emu.endpoint.clone()),
        &pool.pool_id,
        &pool.client_id,
    );
    config.refresh_margin_seconds = u64::MAX;
    let client = AuthClient::with_api(
        config,
        api.clone(),
        Arc::new(InMemoryStore::new()),
        emu.clock.clone(),
    );
    client
        .sign_in("uma", Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    for refreshes in 1..=2 {
        let session = client.fetch_auth_session(false).await.unwrap();
        assert!(session.is_signed_in);
        assert_eq!(api.count("GetTokensFromRefreshToken"), refreshes);
    }
}
