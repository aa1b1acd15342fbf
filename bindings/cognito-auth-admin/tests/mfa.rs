//! Recovery from a lost authenticator and the user view against the emulator over HTTP, through
//! the official AWS SDK, with the user's next sign-in made by the core's AuthClient.

mod support;

use cognito_auth_admin::{AdminError, MfaRecoveryAction, RecoverTo};
use cognito_auth_core::{
    AuthClient, AuthError, ConfirmSignInOptions, DeliveryMedium, MfaType, SignInNextStep,
    SignInOptions,
};
use cognito_auth_e2e::{DeviceMode, Emu, Pool, PoolSpec, PASSWORD};
use support::{admin, sign_in};

const USER: &str = "tom";

/// MFA required (SMS or TOTP), devices remembered; `tom` has no phone number and sets up TOTP
/// at his first sign-in. Returns the pool and tom's signed-in client.
async fn totp_user(emu: &Emu) -> (Pool, AuthClient) {
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            devices: DeviceMode::UserOptIn,
            ..Default::default()
        })
        .await;
    emu.user(&pool, USER, &[]).await;
    let (client, _, _) = emu.new_client(&pool);
    let started = client
        .sign_in(USER, Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    let SignInNextStep::ContinueSignInWithTotpSetup { totp_setup_details } = &started.next_step
    else {
        panic!("expected TOTP setup: {started:?}");
    };
    let code = emu.totp(&totp_setup_details.shared_secret).await;
    let done = client
        .confirm_sign_in(&code, ConfirmSignInOptions::default())
        .await
        .unwrap();
    assert!(done.is_signed_in);
    (pool, client)
}

fn is_totp_setup(step: &SignInNextStep) -> bool {
    matches!(step, SignInNextStep::ContinueSignInWithTotpSetup { .. })
}

#[tokio::test(flavor = "multi_thread")]
async fn disabling_mfa_makes_the_next_sign_in_set_mfa_up_again_and_signs_out_everywhere() {
    let emu = Emu::start().await;
    let (pool, client) = totp_user(&emu).await;
    let admin = admin(&emu, &pool);
    let user = admin.show_user(USER).await.unwrap();
    assert_eq!(user.mfa.enabled, [MfaType::Totp]);
    assert_eq!(user.mfa.preferred, Some(MfaType::Totp));

    let recovery = admin
        .recover_mfa(USER, RecoverTo::Disable, true)
        .await
        .unwrap();
    assert_eq!(recovery.action, MfaRecoveryAction::Disable);
    assert!(recovery.software_token_deleted && recovery.signed_out);
    assert!(!recovery.phone_number_updated);
    assert_eq!(recovery.before, user.mfa);
    assert!(recovery.after.enabled.is_empty() && recovery.after.preferred.is_none());

    // Signed out everywhere: the old session cannot be refreshed.
    assert!(matches!(
        client.fetch_auth_session(true).await,
        Err(AuthError::SignedOut | AuthError::Service { .. })
    ));
    let next = client
        .sign_in(USER, Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    assert!(is_totp_setup(&next.next_step), "{next:?}");
    drop(emu); // the secret-leak scan, then the emulator stops
}

#[tokio::test(flavor = "multi_thread")]
async fn switching_to_sms_sets_the_phone_and_the_next_sign_in_asks_for_an_sms_code() {
    let emu = Emu::start().await;
    let (pool, client) = totp_user(&emu).await;
    client.sign_out(false).await.unwrap();
    let admin = admin(&emu, &pool);

    // Without a phone number, nothing is changed.
    let refused = admin
        .recover_mfa(USER, RecoverTo::Sms { phone_number: None }, false)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, AdminError::InvalidInput { .. }),
        "{refused}"
    );
    let bad = admin
        .recover_mfa(
            USER,
            RecoverTo::Sms {
                phone_number: Some("555-0100".into()),
            },
            false,
        )
        .await
        .unwrap_err();
    assert!(matches!(bad, AdminError::InvalidInput { .. }), "{bad}");
    assert_eq!(
        admin.show_user(USER).await.unwrap().mfa.enabled,
        [MfaType::Totp]
    );

    let recovery = admin
        .recover_mfa(
            USER,
            RecoverTo::Sms {
                phone_number: Some("+15555550177".into()),
            },
            false,
        )
        .await
        .unwrap();
    assert_eq!(recovery.action, MfaRecoveryAction::ToSms);
    assert!(recovery.phone_number_updated && recovery.software_token_deleted);
    assert!(!recovery.signed_out);
    assert_eq!(recovery.after.enabled, [MfaType::Sms]);
    assert_eq!(recovery.after.preferred, Some(MfaType::Sms));
    let user = admin.show_user(USER).await.unwrap();
    assert_eq!(user.attribute("phone_number"), Some("+15555550177"));
    assert_eq!(user.attribute("phone_number_verified"), Some("true"));

    let next = client
        .sign_in(USER, Some(PASSWORD), SignInOptions::default())
        .await
        .unwrap();
    let SignInNextStep::ConfirmSignInWithSmsMfaCode {
        code_delivery_details,
    } = &next.next_step
    else {
        panic!("expected an SMS code: {next:?}");
    };
    assert_eq!(code_delivery_details.delivery_medium, DeliveryMedium::Sms);
    assert!(code_delivery_details
        .destination
        .as_deref()
        .is_some_and(|d| d.ends_with("0177")));
    let code = emu.last_code(&pool, USER).await;
    let done = client
        .confirm_sign_in(&code, ConfirmSignInOptions::default())
        .await
        .unwrap();
    assert!(done.is_signed_in);
    drop(emu); // the secret-leak scan, then the emulator stops
}

#[tokio::test(flavor = "multi_thread")]
async fn the_user_view_counts_devices_and_errors_are_typed() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            devices: DeviceMode::UserOptIn,
            ..Default::default()
        })
        .await;
    emu.user(&pool, "uma", &[("phone_number", "+15555550123")])
        .await;
    let admin = admin(&emu, &pool);
    let fresh = admin.show_user("uma").await.unwrap();
    assert_eq!(fresh.username, "uma");
    assert_eq!(fresh.status.as_deref(), Some("CONFIRMED"));
    assert!(fresh.enabled);
    assert_eq!((fresh.device_count, fresh.remembered_device_count), (0, 0));
    assert!(fresh.attribute("sub").is_some());

    // One device remembered, one only tracked.
    for remember in [true, false] {
        let (client, _, _) = emu.new_client(&pool);
        sign_in(&emu, &pool, &client, "uma").await;
        if remember {
            client.remember_device().await.unwrap();
        }
    }
    let user = admin.show_user("uma").await.unwrap();
    assert_eq!((user.device_count, user.remembered_device_count), (2, 1));

    let missing = admin.show_user("nobody").await.unwrap_err();
    assert_eq!(missing.exception_name(), Some("UserNotFoundException"));
    let report = serde_json::to_value(&missing).unwrap();
    assert_eq!(report["kind"], "SERVICE");
    assert_eq!(report["exception"], "USER_NOT_FOUND");
    assert_eq!(report["serviceMessage"], "User does not exist.");
    drop(emu); // the secret-leak scan, then the emulator stops

    // Nothing listens any more: a network error, retryable, on one line.
    let down = admin.show_user("uma").await.unwrap_err();
    assert!(matches!(down, AdminError::Network { .. }), "{down:?}");
    assert!(down.is_retryable());
    assert!(!down.to_string().contains('\n'));
}
