//! Sign-in flows and next steps, end to end against the emulator over HTTP.

use cognito_auth_core::{
    AuthError, AuthFlow, CognitoException, ConfirmSignInOptions, DeliveryMedium, MfaPreference,
    MfaType, SignInNextStep, SignInOptions,
};
use cognito_auth_e2e::{Emu, PoolSpec, PASSWORD};
use serde_json::json;

fn srp() -> SignInOptions {
    SignInOptions::default()
}

fn exception(result: &Result<impl std::fmt::Debug, AuthError>) -> Option<CognitoException> {
    match result {
        Err(AuthError::Service { exception, .. }) => Some(*exception),
        _ => None,
    }
}

#[tokio::test]
async fn srp_sign_in_without_mfa_and_wrong_credentials() {
    let emu = Emu::start().await;
    let pool = emu.pool(PoolSpec::default()).await;
    emu.user(&pool, "alice", &[("email", "alice@example.com")])
        .await;
    let (client, api, _) = emu.new_client(&pool);

    let wrong = client.sign_in("alice", Some("Wrong-passw0rd"), srp()).await;
    assert_eq!(
        exception(&wrong),
        Some(CognitoException::NotAuthorized),
        "{wrong:?}"
    );
    let unknown = client.sign_in("nobody", Some(PASSWORD), srp()).await;
    assert_eq!(
        exception(&unknown),
        Some(CognitoException::UserNotFound),
        "{unknown:?}"
    );

    let result = client
        .sign_in("alice", Some(PASSWORD), srp())
        .await
        .expect("sign in");
    assert!(result.is_signed_in);
    assert_eq!(result.next_step, SignInNextStep::Done);
    assert_eq!(result.device, None, "the pool does not track devices");
    assert_eq!(
        api.count("RespondToAuthChallenge"),
        2,
        "one PASSWORD_VERIFIER per SRP attempt"
    );

    let session = client.fetch_auth_session(false).await.expect("session");
    assert!(session.is_signed_in);
    assert_eq!(session.username.as_deref(), Some("alice"));
    let user = client.get_current_user().await.expect("user");
    assert_eq!(user.username, "alice");
    assert!(user.user_id.is_some());
}

#[tokio::test]
async fn user_password_auth_and_client_secret() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            client_secret: true,
            ..Default::default()
        })
        .await;
    assert!(pool.client_secret.is_some());
    emu.user(&pool, "bob", &[]).await;
    let (client, _, _) = emu.new_client(&pool);
    let options = SignInOptions {
        auth_flow: AuthFlow::UserPassword,
        ..Default::default()
    };
    let result = client
        .sign_in("bob", Some(PASSWORD), options)
        .await
        .expect("password auth");
    assert!(result.is_signed_in);
    client.sign_out(false).await.expect("sign out");
    // SRP with SECRET_HASH on every step.
    let result = client
        .sign_in("bob", Some(PASSWORD), srp())
        .await
        .expect("srp with secret");
    assert!(result.is_signed_in);
}

#[tokio::test]
async fn sms_mfa_wrong_code_then_right_code() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            ..Default::default()
        })
        .await;
    emu.user(&pool, "carol", &[("phone_number", "+15555550123")])
        .await;
    let (client, _, _) = emu.new_client(&pool);

    let result = client
        .sign_in("carol", Some(PASSWORD), srp())
        .await
        .expect("sign in");
    let SignInNextStep::ConfirmSignInWithSmsMfaCode {
        code_delivery_details,
    } = &result.next_step
    else {
        panic!("expected an SMS code step, got {:?}", result.next_step);
    };
    assert_eq!(code_delivery_details.delivery_medium, DeliveryMedium::Sms);
    assert!(code_delivery_details
        .destination
        .as_deref()
        .unwrap_or("")
        .ends_with("0123"));

    let code = emu.last_code(&pool, "carol").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let failed = client
        .confirm_sign_in(wrong, ConfirmSignInOptions::default())
        .await;
    assert_eq!(
        exception(&failed),
        Some(CognitoException::CodeMismatch),
        "{failed:?}"
    );
    assert_eq!(
        client.pending_sign_in_step().await.unwrap(),
        Some(result.next_step.clone())
    );

    let done = client
        .confirm_sign_in(&code, ConfirmSignInOptions::default())
        .await
        .expect("code");
    assert!(done.is_signed_in);
    assert_eq!(client.pending_sign_in_step().await.unwrap(), None);
}

#[tokio::test]
async fn confirm_without_a_sign_in_is_an_invalid_state() {
    let emu = Emu::start().await;
    let pool = emu.pool(PoolSpec::default()).await;
    let (client, api, _) = emu.new_client(&pool);
    let result = client
        .confirm_sign_in("123456", ConfirmSignInOptions::default())
        .await;
    assert!(
        matches!(result, Err(AuthError::InvalidState { .. })),
        "{result:?}"
    );
    assert_eq!(api.total(), 0);
}

#[tokio::test]
async fn totp_set_up_after_sign_in_then_required_at_sign_in() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            mfa: "OPTIONAL",
            ..Default::default()
        })
        .await;
    emu.user(&pool, "dave", &[]).await;
    let (client, _, _) = emu.new_client(&pool);
    assert!(
        client
            .sign_in("dave", Some(PASSWORD), srp())
            .await
            .unwrap()
            .is_signed_in
    );

    let details = client.set_up_totp().await.expect("associate");
    assert!(details
        .setup_uri("Demo")
        .starts_with("otpauth://totp/Demo:dave?secret="));
    let bad = client.verify_totp_setup("000000", Some("phone")).await;
    let code = emu.totp(&details.shared_secret).await;
    if code != "000000" {
        assert!(bad.is_err(), "a wrong TOTP code must not verify");
    }
    client
        .verify_totp_setup(&code, Some("phone"))
        .await
        .expect("verify");

    let both_preferred = client
        .update_mfa_preference(
            Some(MfaPreference::Preferred),
            Some(MfaPreference::Preferred),
            None,
        )
        .await;
    assert!(matches!(
        both_preferred,
        Err(AuthError::InvalidInput { .. })
    ));
    client
        .update_mfa_preference(None, Some(MfaPreference::Preferred), None)
        .await
        .expect("prefer totp");
    let prefs = client.fetch_mfa_preference().await.expect("prefs");
    assert!(prefs.enabled.contains(&MfaType::Totp));
    assert_eq!(prefs.preferred, Some(MfaType::Totp));

    client.sign_out(false).await.expect("sign out");
    let result = client
        .sign_in("dave", Some(PASSWORD), srp())
        .await
        .expect("sign in");
    assert_eq!(result.next_step, SignInNextStep::ConfirmSignInWithTotpCode);
    // Wait for the next TOTP period so the code differs from the one used for setup.
    emu.advance(30).await;
    let code = emu.totp(&details.shared_secret).await;
    let done = client
        .confirm_sign_in(&code, ConfirmSignInOptions::default())
        .await
        .expect("totp");
    assert!(done.is_signed_in);
}

#[tokio::test]
async fn mfa_selection_between_sms_and_totp() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            mfa: "OPTIONAL",
            ..Default::default()
        })
        .await;
    emu.user(&pool, "erin", &[("phone_number", "+15555550188")])
        .await;
    let (client, _, _) = emu.new_client(&pool);
    client
        .sign_in("erin", Some(PASSWORD), srp())
        .await
        .expect("sign in");
    let details = client.set_up_totp().await.expect("totp");
    client
        .verify_totp_setup(&emu.totp(&details.shared_secret).await, None)
        .await
        .expect("verify");
    client
        .update_mfa_preference(
            Some(MfaPreference::Enabled),
            Some(MfaPreference::NotPreferred),
            None,
        )
        .await
        .expect("both enabled, none preferred");
    client.sign_out(false).await.unwrap();

    let result = client
        .sign_in("erin", Some(PASSWORD), srp())
        .await
        .expect("sign in");
    let SignInNextStep::ContinueSignInWithMfaSelection { allowed_mfa_types } = &result.next_step
    else {
        panic!("expected MFA selection, got {:?}", result.next_step);
    };
    assert!(
        allowed_mfa_types.contains(&MfaType::Sms) && allowed_mfa_types.contains(&MfaType::Totp)
    );
    let result = client
        .confirm_sign_in("SMS", ConfirmSignInOptions::default())
        .await
        .expect("select");
    assert!(matches!(
        result.next_step,
        SignInNextStep::ConfirmSignInWithSmsMfaCode { .. }
    ));
    let code = emu.last_code(&pool, "erin").await;
    assert!(
        client
            .confirm_sign_in(&code, ConfirmSignInOptions::default())
            .await
            .unwrap()
            .is_signed_in
    );
}

#[tokio::test]
async fn totp_setup_inside_sign_in() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            sms: false,
            ..Default::default()
        })
        .await;
    emu.user(&pool, "frank", &[]).await;
    let (client, _, _) = emu.new_client(&pool);
    let result = client
        .sign_in("frank", Some(PASSWORD), srp())
        .await
        .expect("sign in");
    let SignInNextStep::ContinueSignInWithTotpSetup { totp_setup_details } = &result.next_step
    else {
        panic!("expected TOTP setup, got {:?}", result.next_step);
    };
    let code = emu.totp(&totp_setup_details.shared_secret).await;
    let options = ConfirmSignInOptions {
        friendly_device_name: Some("frank's phone".into()),
        ..Default::default()
    };
    let done = client.confirm_sign_in(&code, options).await.expect("setup");
    assert!(done.is_signed_in, "{done:?}");
    assert_eq!(
        client.fetch_mfa_preference().await.unwrap().preferred,
        Some(MfaType::Totp)
    );
}

#[tokio::test]
async fn email_otp_mfa() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            mfa: "OPTIONAL",
            email: true,
            ..Default::default()
        })
        .await;
    emu.user(&pool, "gina", &[("email", "gina@example.com")])
        .await;
    emu.ok(
        "AdminSetUserMFAPreference",
        json!({ "UserPoolId": pool.pool_id, "Username": "gina", "EmailMfaSettings": { "Enabled": true, "PreferredMfa": true } }),
    )
    .await;
    let (client, _, _) = emu.new_client(&pool);
    let result = client
        .sign_in("gina", Some(PASSWORD), srp())
        .await
        .expect("sign in");
    let SignInNextStep::ConfirmSignInWithOtp {
        code_delivery_details,
    } = &result.next_step
    else {
        panic!("expected an e-mail code, got {:?}", result.next_step);
    };
    assert_eq!(code_delivery_details.delivery_medium, DeliveryMedium::Email);
    let code = emu.last_code(&pool, "gina").await;
    assert!(
        client
            .confirm_sign_in(&code, ConfirmSignInOptions::default())
            .await
            .unwrap()
            .is_signed_in
    );
}

#[tokio::test]
async fn new_password_required_for_an_admin_created_user() {
    let emu = Emu::start().await;
    let pool = emu.pool(PoolSpec::default()).await;
    emu.ok(
        "AdminCreateUser",
        json!({ "UserPoolId": pool.pool_id, "Username": "hank", "TemporaryPassword": "Temp-Passw0rd!", "MessageAction": "SUPPRESS" }),
    )
    .await;
    let (client, _, _) = emu.new_client(&pool);
    let result = client
        .sign_in("hank", Some("Temp-Passw0rd!"), srp())
        .await
        .expect("sign in");
    assert!(
        matches!(
            result.next_step,
            SignInNextStep::ConfirmSignInWithNewPassword { .. }
        ),
        "{result:?}"
    );
    let weak = client
        .confirm_sign_in("short", ConfirmSignInOptions::default())
        .await;
    assert_eq!(
        exception(&weak),
        Some(CognitoException::InvalidPassword),
        "{weak:?}"
    );
    // The emulator, like Cognito's single-use sessions, ends the session here: start again.
    let again = client
        .sign_in("hank", Some("Temp-Passw0rd!"), srp())
        .await
        .expect("sign in again");
    assert!(matches!(
        again.next_step,
        SignInNextStep::ConfirmSignInWithNewPassword { .. }
    ));
    let done = client
        .confirm_sign_in("New-Passw0rd!", ConfirmSignInOptions::default())
        .await
        .expect("new password");
    assert!(done.is_signed_in);
    client.sign_out(false).await.unwrap();
    assert!(
        client
            .sign_in("hank", Some("New-Passw0rd!"), srp())
            .await
            .unwrap()
            .is_signed_in
    );
}

#[tokio::test]
async fn an_expired_sign_in_session_is_reported() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            ..Default::default()
        })
        .await;
    emu.user(&pool, "ivy", &[("phone_number", "+15555550199")])
        .await;
    let (client, _, _) = emu.new_client(&pool);
    client
        .sign_in("ivy", Some(PASSWORD), srp())
        .await
        .expect("sign in");
    let code = emu.last_code(&pool, "ivy").await;
    emu.advance(181).await;
    let late = client
        .confirm_sign_in(&code, ConfirmSignInOptions::default())
        .await;
    assert!(
        matches!(
            exception(&late),
            Some(CognitoException::NotAuthorized | CognitoException::ExpiredCode)
        ),
        "{late:?}"
    );
    assert!(!late.unwrap_err().is_retryable());
}

#[tokio::test]
async fn throttling_is_retryable_and_a_retry_succeeds() {
    let emu = Emu::start().await;
    let pool = emu.pool(PoolSpec::default()).await;
    emu.user(&pool, "jack", &[]).await;
    let (client, _, _) = emu.new_client(&pool);
    emu.fault("InitiateAuth", "TooManyRequestsException", 1)
        .await;
    let throttled = client.sign_in("jack", Some(PASSWORD), srp()).await;
    assert_eq!(
        exception(&throttled),
        Some(CognitoException::TooManyRequests)
    );
    assert!(throttled.unwrap_err().is_retryable());
    assert!(
        client
            .sign_in("jack", Some(PASSWORD), srp())
            .await
            .unwrap()
            .is_signed_in
    );
}

#[tokio::test]
async fn unconfirmed_user_is_told_to_confirm_sign_up() {
    let emu = Emu::start().await;
    let pool = emu.pool(PoolSpec::default()).await;
    let (client, _, _) = emu.new_client(&pool);
    let mut options = cognito_auth_core::SignUpOptions::default();
    options
        .user_attributes
        .insert("email".into(), "kim@example.com".into());
    let signed_up = client
        .sign_up("kim", PASSWORD, options)
        .await
        .expect("sign up");
    assert!(!signed_up.is_sign_up_complete);
    let result = client
        .sign_in("kim", Some(PASSWORD), srp())
        .await
        .expect("sign in");
    assert_eq!(result.next_step, SignInNextStep::ConfirmSignUp);
    assert!(!result.is_signed_in);
}

/// An app killed while the user fetches the code: a new client on the same store resumes.
#[tokio::test]
async fn a_sign_in_waiting_for_a_code_survives_a_restart() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            ..Default::default()
        })
        .await;
    emu.user(&pool, "lena", &[("phone_number", "+15555550155")])
        .await;
    let store = std::sync::Arc::new(cognito_auth_core::InMemoryStore::new());
    let (first, _) = emu.client(&pool, store.clone());
    let step = first
        .sign_in("lena", Some(PASSWORD), srp())
        .await
        .expect("sign in")
        .next_step;
    drop(first);
    let keys = store.keys();
    let saved = keys
        .iter()
        .find(|k| k.ends_with("pending-sign-in"))
        .expect("saved");
    let saved_text = cognito_auth_core::SecretStore::get(store.as_ref(), saved)
        .unwrap()
        .unwrap();
    assert!(
        !saved_text.contains(PASSWORD),
        "the saved sign-in holds no password"
    );

    let (second, _) = emu.client(&pool, store.clone());
    assert_eq!(second.pending_sign_in_step().await.unwrap(), Some(step));
    let code = emu.last_code(&pool, "lena").await;
    let done = second
        .confirm_sign_in(&code, ConfirmSignInOptions::default())
        .await
        .expect("resumed");
    assert!(done.is_signed_in);
    assert!(!store.keys().iter().any(|k| k.ends_with("pending-sign-in")));

    // A saved sign-in older than any Cognito session is dropped.
    second.sign_out(false).await.unwrap();
    second.sign_in("lena", Some(PASSWORD), srp()).await.unwrap();
    emu.advance(16 * 60).await;
    let (third, api) = emu.client(&pool, store.clone());
    let stale = third
        .confirm_sign_in("123456", ConfirmSignInOptions::default())
        .await;
    assert!(
        matches!(stale, Err(AuthError::InvalidState { .. })),
        "{stale:?}"
    );
    assert_eq!(api.total(), 0);
}
