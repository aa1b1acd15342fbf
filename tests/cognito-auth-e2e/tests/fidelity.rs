//! What an app sees of the emulator's Cognito fidelity, through `AuthClient` over HTTP: the
//! lockout after failed sign-ins, a TOTP code used twice, an unknown user under
//! `PreventUserExistenceErrors = ENABLED`, and the phone verified by an SMS sign-in.

use cognito_auth_core::{
    AuthError, CognitoException, ConfirmSignInOptions, MfaPreference, SignInNextStep, SignInOptions,
};
use cognito_auth_e2e::{Emu, PoolSpec, PASSWORD};
use serde_json::json;

/// The exception and Cognito's own message of a failed call.
fn service_error<T: std::fmt::Debug>(result: Result<T, AuthError>) -> (CognitoException, String) {
    match result {
        Err(AuthError::Service {
            exception,
            service_message,
            ..
        }) => (exception, service_message),
        other => panic!("expected a Cognito error, got {other:?}"),
    }
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_user_out() {
    let emu = Emu::start().await;
    let pool = emu.pool(PoolSpec::default()).await;
    emu.user(&pool, "lou", &[]).await;
    emu.freeze_clock().await; // the first lockout lasts one second, exactly
    let (client, _, _) = emu.new_client(&pool);
    for _ in 0..5 {
        let wrong = client
            .sign_in("lou", Some("Wrong-passw0rd"), SignInOptions::default())
            .await;
        assert_eq!(
            service_error(wrong),
            (
                CognitoException::NotAuthorized,
                "Incorrect username or password.".to_owned()
            )
        );
    }
    let locked = client
        .sign_in("lou", Some(PASSWORD), SignInOptions::default())
        .await;
    // The app is told the account is locked for a while, and that retrying now won't help.
    let error = locked.as_ref().unwrap_err();
    assert!(!error.is_retryable(), "{error}");
    assert!(error.to_string().contains("locked"), "{error}");
    assert_eq!(
        service_error(locked),
        (
            CognitoException::NotAuthorized,
            "Password attempts exceeded".to_owned()
        )
    );
    // The lockout ends; the right password signs in.
    emu.advance(1).await;
    let done = client
        .sign_in("lou", Some(PASSWORD), SignInOptions::default())
        .await
        .expect("sign in after the lockout");
    assert!(done.is_signed_in);
}

#[tokio::test]
async fn a_totp_code_used_for_set_up_cannot_sign_in() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            mfa: "OPTIONAL",
            ..Default::default()
        })
        .await;
    emu.user(&pool, "tess", &[]).await;
    let (client, _, _) = emu.new_client(&pool);
    client
        .sign_in("tess", Some(PASSWORD), SignInOptions::default())
        .await
        .expect("sign in");
    let details = client.set_up_totp().await.expect("associate");
    let code = emu.totp(&details.shared_secret).await;
    client.verify_totp_setup(&code, None).await.expect("verify");
    client
        .update_mfa_preference(None, Some(MfaPreference::Preferred), None)
        .await
        .expect("prefer totp");
    client.sign_out(false).await.expect("sign out");

    let started = client
        .sign_in("tess", Some(PASSWORD), SignInOptions::default())
        .await
        .expect("sign in");
    assert_eq!(started.next_step, SignInNextStep::ConfirmSignInWithTotpCode);
    let reused = client
        .confirm_sign_in(&code, ConfirmSignInOptions::default())
        .await;
    let error = reused.as_ref().unwrap_err();
    assert!(error.to_string().contains("next code"), "{error}");
    assert_eq!(
        service_error(reused),
        (
            CognitoException::ExpiredCode,
            "Your software token has already been used once.".to_owned()
        )
    );
    // The sign-in waits at the same step; the authenticator's next code completes it.
    assert_eq!(
        client.pending_sign_in_step().await.expect("pending"),
        Some(SignInNextStep::ConfirmSignInWithTotpCode)
    );
    emu.advance(30).await;
    let next = emu.totp(&details.shared_secret).await;
    let done = client
        .confirm_sign_in(&next, ConfirmSignInOptions::default())
        .await
        .expect("the next code signs in");
    assert!(done.is_signed_in);
}

#[tokio::test]
async fn an_unknown_user_looks_like_a_wrong_password_when_existence_errors_are_prevented() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            prevent_user_existence_errors: true,
            ..Default::default()
        })
        .await;
    emu.user(&pool, "real", &[]).await;
    let (client, _, _) = emu.new_client(&pool);
    let wrong_password = client
        .sign_in("real", Some("Wrong-passw0rd"), SignInOptions::default())
        .await
        .unwrap_err();
    let unknown = client
        .sign_in("ghost", Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap_err();
    assert_eq!(unknown.to_string(), wrong_password.to_string());
    assert_eq!(
        service_error::<()>(Err(unknown)),
        (
            CognitoException::NotAuthorized,
            "Incorrect username or password.".to_owned()
        )
    );

    // LEGACY (the API's default) still names the missing user.
    let legacy = emu.pool(PoolSpec::default()).await;
    let (client, _, _) = emu.new_client(&legacy);
    let unknown = client
        .sign_in("ghost", Some(PASSWORD), SignInOptions::default())
        .await;
    assert_eq!(service_error(unknown).0, CognitoException::UserNotFound);
}

#[tokio::test]
async fn an_sms_sign_in_verifies_the_phone_number() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            ..Default::default()
        })
        .await;
    emu.user(&pool, "pia", &[("phone_number", "+15555550123")])
        .await;
    emu.ok(
        "AdminUpdateUserAttributes",
        json!({"UserPoolId": pool.pool_id, "Username": "pia",
               "UserAttributes": [{"Name": "phone_number_verified", "Value": "false"}]}),
    )
    .await;
    let (client, _, _) = emu.new_client(&pool);
    let started = client
        .sign_in("pia", Some(PASSWORD), SignInOptions::default())
        .await
        .expect("sign in");
    assert!(matches!(
        started.next_step,
        SignInNextStep::ConfirmSignInWithSmsMfaCode { .. }
    ));
    let code = emu.last_code(&pool, "pia").await;
    client
        .confirm_sign_in(&code, ConfirmSignInOptions::default())
        .await
        .expect("sms code");
    let attributes = client.fetch_user_attributes().await.expect("attributes");
    let verified = attributes
        .iter()
        .find(|a| a.name == "phone_number_verified")
        .map(|a| a.value.clone());
    assert_eq!(verified.as_deref(), Some("true"), "{attributes:?}");
}
