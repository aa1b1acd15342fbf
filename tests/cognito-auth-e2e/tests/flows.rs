//! The other flows of `sign_in`: USER_AUTH (choice-based, with each first factor) and
//! CUSTOM_AUTH with and without SRP, end to end against the emulator.

use cognito_auth_core::{
    AuthError, AuthFactor, AuthFlow, CognitoException, ConfirmSignInOptions, DeliveryMedium,
    SignInNextStep, SignInOptions,
};
use cognito_auth_e2e::{Emu, PoolSpec, PASSWORD};
use serde_json::json;

fn user_auth(factor: Option<AuthFactor>) -> SignInOptions {
    SignInOptions {
        auth_flow: AuthFlow::UserAuth {
            preferred_first_factor: factor,
        },
        ..Default::default()
    }
}

async fn otp_pool(emu: &Emu) -> cognito_auth_e2e::Pool {
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            first_factors: vec!["PASSWORD", "EMAIL_OTP", "SMS_OTP"],
            ..Default::default()
        })
        .await;
    emu.user(
        &pool,
        "vic",
        &[
            ("email", "vic@example.com"),
            ("phone_number", "+15555550111"),
        ],
    )
    .await;
    pool
}

#[tokio::test]
async fn user_auth_with_each_preferred_first_factor() {
    let emu = Emu::start().await;
    let pool = otp_pool(&emu).await;

    // PASSWORD and PASSWORD_SRP: the password is proven, then MFA (the pool requires it).
    for factor in [AuthFactor::Password, AuthFactor::PasswordSrp] {
        let (client, _, _) = emu.new_client(&pool);
        let result = client
            .sign_in("vic", Some(PASSWORD), user_auth(Some(factor)))
            .await
            .expect("sign in");
        assert!(
            matches!(
                result.next_step,
                SignInNextStep::ConfirmSignInWithSmsMfaCode { .. }
            ),
            "{factor:?}: {result:?}"
        );
        let code = emu.last_code(&pool, "vic").await;
        assert!(
            client
                .confirm_sign_in(&code, ConfirmSignInOptions::default())
                .await
                .unwrap()
                .is_signed_in,
            "{factor:?}"
        );
    }

    // EMAIL_OTP and SMS_OTP: a one-time code replaces the password and MFA.
    for (factor, medium) in [
        (AuthFactor::EmailOtp, DeliveryMedium::Email),
        (AuthFactor::SmsOtp, DeliveryMedium::Sms),
    ] {
        let (client, _, _) = emu.new_client(&pool);
        let result = client
            .sign_in("vic", None, user_auth(Some(factor)))
            .await
            .expect("sign in");
        let SignInNextStep::ConfirmSignInWithOtp {
            code_delivery_details,
        } = &result.next_step
        else {
            panic!("{factor:?}: expected a one-time code, got {result:?}");
        };
        assert_eq!(code_delivery_details.delivery_medium, medium, "{factor:?}");
        let code = emu.last_code(&pool, "vic").await;
        let done = client
            .confirm_sign_in(&code, ConfirmSignInOptions::default())
            .await
            .expect("otp");
        assert!(done.is_signed_in, "{factor:?}");
    }
}

#[tokio::test]
async fn user_auth_first_factor_selection() {
    let emu = Emu::start().await;
    let pool = otp_pool(&emu).await;
    let (client, _, _) = emu.new_client(&pool);
    let result = client
        .sign_in("vic", Some(PASSWORD), user_auth(None))
        .await
        .expect("sign in");
    let SignInNextStep::ContinueSignInWithFirstFactorSelection {
        available_factors,
        unsupported_factors,
    } = &result.next_step
    else {
        panic!("expected a first-factor choice, got {result:?}");
    };
    assert!(unsupported_factors.is_empty(), "{unsupported_factors:?}");
    for factor in [
        AuthFactor::Password,
        AuthFactor::PasswordSrp,
        AuthFactor::EmailOtp,
        AuthFactor::SmsOtp,
    ] {
        assert!(
            available_factors.contains(&factor),
            "{factor:?} in {available_factors:?}"
        );
    }
    let bad = client
        .confirm_sign_in("FINGERPRINT", ConfirmSignInOptions::default())
        .await;
    assert!(
        matches!(bad, Err(AuthError::InvalidInput { .. })),
        "{bad:?}"
    );
    let next = client
        .confirm_sign_in("EMAIL_OTP", ConfirmSignInOptions::default())
        .await
        .expect("choose");
    assert!(
        matches!(next.next_step, SignInNextStep::ConfirmSignInWithOtp { .. }),
        "{next:?}"
    );
    let code = emu.last_code(&pool, "vic").await;
    assert!(
        client
            .confirm_sign_in(&code, ConfirmSignInOptions::default())
            .await
            .unwrap()
            .is_signed_in
    );

    // Choosing PASSWORD_SRP continues with the password given to sign_in.
    client.sign_out(false).await.unwrap();
    client
        .sign_in("vic", Some(PASSWORD), user_auth(None))
        .await
        .unwrap();
    let next = client
        .confirm_sign_in("PASSWORD_SRP", ConfirmSignInOptions::default())
        .await
        .expect("srp");
    assert!(
        matches!(
            next.next_step,
            SignInNextStep::ConfirmSignInWithSmsMfaCode { .. }
        ),
        "{next:?}"
    );
}

#[tokio::test]
async fn custom_auth_with_and_without_srp() {
    let emu = Emu::start().await;
    let pool = emu.pool(PoolSpec::default()).await;
    emu.user(&pool, "walt", &[]).await;
    emu.custom_auth(&pool, json!({ "question": "6 x 7?" }), "42")
        .await;

    for (flow, password) in [
        (AuthFlow::CustomWithoutSrp, None),
        (AuthFlow::CustomWithSrp, Some(PASSWORD)),
    ] {
        let (client, api, _) = emu.new_client(&pool);
        let options = SignInOptions {
            auth_flow: flow.clone(),
            ..Default::default()
        };
        let result = client
            .sign_in("walt", password, options.clone())
            .await
            .expect("sign in");
        let SignInNextStep::ConfirmSignInWithCustomChallenge { additional_info } =
            &result.next_step
        else {
            panic!("{flow:?}: expected the custom challenge, got {result:?}");
        };
        assert_eq!(
            additional_info.get("question").map(String::as_str),
            Some("6 x 7?")
        );
        if password.is_some() {
            assert_eq!(
                api.count("RespondToAuthChallenge"),
                1,
                "PASSWORD_VERIFIER came first"
            );
        }
        let wrong = client
            .confirm_sign_in("41", ConfirmSignInOptions::default())
            .await;
        assert!(
            matches!(
                wrong,
                Err(AuthError::Service {
                    exception: CognitoException::NotAuthorized,
                    ..
                })
            ),
            "{flow:?}: {wrong:?}"
        );
        client
            .sign_in("walt", password, options)
            .await
            .expect("start again");
        let done = client
            .confirm_sign_in("42", ConfirmSignInOptions::default())
            .await
            .expect("answer");
        assert!(done.is_signed_in, "{flow:?}");
    }
}
#[tokio::test]
async fn mfa_setup_selection_then_email_mfa_setup() {
    let emu = Emu::start().await;
    let pool = emu
        .pool(PoolSpec {
            mfa: "ON",
            sms: false,
            email: true,
            ..Default::default()
        })
        .await;
    emu.user(&pool, "xena", &[]).await;
    let (client, _, _) = emu.new_client(&pool);
    let result = client
        .sign_in("xena", Some(PASSWORD), SignInOptions::default())
        .await
        .expect("sign in");
    assert!(
        matches!(
            result.next_step,
            SignInNextStep::ContinueSignInWithMfaSetupSelection { .. }
        ),
        "{result:?}"
    );
    let next = client
        .confirm_sign_in("EMAIL", ConfirmSignInOptions::default())
        .await
        .expect("choose e-mail");
    assert_eq!(
        next.next_step,
        SignInNextStep::ContinueSignInWithEmailMfaSetup
    );
    let next = client
        .confirm_sign_in("xena@example.com", ConfirmSignInOptions::default())
        .await
        .expect("e-mail address");
    assert!(
        matches!(next.next_step, SignInNextStep::ConfirmSignInWithOtp { .. }),
        "{next:?}"
    );
    let code = emu.last_code(&pool, "xena").await;
    assert!(
        client
            .confirm_sign_in(&code, ConfirmSignInOptions::default())
            .await
            .unwrap()
            .is_signed_in
    );
}
