//! MFA as Cognito does it where an app can tell: TOTP codes are good once, wrong MFA codes lock
//! a user out across sessions, a passed SMS / e-mail code verifies the phone / e-mail, and
//! Cognito's messages for a wrong VerifySoftwareToken code and for TOTP without a token.

mod common;

use common::*;
use serde_json::{json, Value};

async fn mfa_pool(ep: &str, mode: &str) -> Pool {
    let pool = setup(ep, json!({"MfaConfiguration": "OFF"}), json!({})).await;
    ok(
        ep,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool.pool_id, "MfaConfiguration": mode,
               "SmsMfaConfiguration": {}, "SoftwareTokenMfaConfiguration": {"Enabled": true},
               "EmailMfaConfiguration": {}}),
    )
    .await;
    pool
}

/// Signs in without MFA, sets up TOTP with the code of the current step; returns the secret
/// and that code.
async fn totp_user(pool: &Pool, username: &str) -> (String, String) {
    user(pool, username, json!([])).await;
    let (_, v) = srp_sign_in(pool, username, PASSWORD, None).await;
    let access = v["AuthenticationResult"]["AccessToken"].clone();
    assert!(access.is_string(), "{v}");
    let secret = ok(
        &pool.ep,
        "AssociateSoftwareToken",
        json!({"AccessToken": access}),
    )
    .await["SecretCode"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = cognito_emulator::totp_code(&secret, now(&pool.ep).await);
    ok(
        &pool.ep,
        "VerifySoftwareToken",
        json!({"AccessToken": access, "UserCode": code}),
    )
    .await;
    // Verifying again with the same code: it is used up.
    let (t, m) = err(
        &pool.ep,
        "VerifySoftwareToken",
        json!({"AccessToken": access, "UserCode": code}),
    )
    .await;
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "ExpiredCodeException",
            "Your software token has already been used once."
        )
    );
    ok(
        &pool.ep,
        "SetUserMFAPreference",
        json!({"AccessToken": access,
               "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
    )
    .await;
    (secret, code)
}

async fn totp_answer(pool: &Pool, ch: &Value, code: &str) -> (u16, Value) {
    answer(
        pool,
        ch,
        "SOFTWARE_TOKEN_MFA",
        json!({"SOFTWARE_TOKEN_MFA_CODE": code}),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_totp_code_is_good_once() {
    let emu = emulator().await;
    let pool = mfa_pool(emu.endpoint(), "OPTIONAL").await;
    let (secret, setup_code) = totp_user(&pool, "tom").await;

    // The code given to VerifySoftwareToken cannot sign in; the session waits for the next.
    let (_, ch) = srp_sign_in(&pool, "tom", PASSWORD, None).await;
    assert_eq!(ch["ChallengeName"], "SOFTWARE_TOKEN_MFA", "{ch}");
    let (status, v) = totp_answer(&pool, &ch, &setup_code).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "ExpiredCodeException");
    assert_eq!(
        v["message"],
        "Your software token has already been used once."
    );
    // The next step's code (accepted one step early, as Cognito does) on the same session.
    let next = cognito_emulator::totp_code(&secret, now(&pool.ep).await + 30);
    let (status, v) = totp_answer(&pool, &ch, &next).await;
    assert_eq!(status, 200, "{v}");

    // Used once, that code is refused in a new sign-in too, and so is the older one.
    let (_, ch) = srp_sign_in(&pool, "tom", PASSWORD, None).await;
    for code in [&next, &setup_code] {
        let (status, v) = totp_answer(&pool, &ch, code).await;
        assert_eq!(status, 400);
        assert_eq!(v["__type"], "ExpiredCodeException", "{v}");
    }
    // Two refusals left the session alive; one step later a fresh code works.
    advance(&pool.ep, 60).await;
    let fresh = cognito_emulator::totp_code(&secret, now(&pool.ep).await);
    let (status, v) = totp_answer(&pool, &ch, &fresh).await;
    assert_eq!(status, 200, "{v}");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_mfa_codes_lock_the_user_out_across_sessions() {
    let emu = emulator().await;
    let pool = mfa_pool(emu.endpoint(), "ON").await;
    user(
        &pool,
        "mia",
        json!([{"Name": "phone_number", "Value": "+15555550101"}]),
    )
    .await;
    let wrong = |code: &str| if code == "000000" { "111111" } else { "000000" }.to_owned();
    freeze(&pool.ep).await; // the 1-second lockout below, exactly

    // Session 1: three wrong codes use the session up.
    let (_, ch) = srp_sign_in(&pool, "mia", PASSWORD, None).await;
    let code = last_code(&pool.ep, &pool.pool_id, "mia").await;
    for _ in 0..3 {
        let (_, v) = answer(&pool, &ch, "SMS_MFA", json!({"SMS_MFA_CODE": wrong(&code)})).await;
        assert_eq!(v["__type"], "CodeMismatchException", "{v}");
    }
    // Session 2: two more make five; now even the right code is refused.
    let (_, ch) = srp_sign_in(&pool, "mia", PASSWORD, None).await;
    let code = last_code(&pool.ep, &pool.pool_id, "mia").await;
    for _ in 0..2 {
        let (_, v) = answer(&pool, &ch, "SMS_MFA", json!({"SMS_MFA_CODE": wrong(&code)})).await;
        assert_eq!(v["__type"], "CodeMismatchException", "{v}");
    }
    let (status, v) = answer(&pool, &ch, "SMS_MFA", json!({"SMS_MFA_CODE": code})).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "NotAuthorizedException");
    assert_eq!(v["message"], "Password attempts exceeded");

    // After the lockout (1 s), a right code signs in.
    advance(&pool.ep, 2).await;
    let (_, ch) = srp_sign_in(&pool, "mia", PASSWORD, None).await;
    let code = last_code(&pool.ep, &pool.pool_id, "mia").await;
    let (status, v) = answer(&pool, &ch, "SMS_MFA", json!({"SMS_MFA_CODE": code})).await;
    assert_eq!(status, 200, "{v}");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_passed_sms_or_email_code_verifies_the_phone_or_email() {
    let emu = emulator().await;
    let pool = mfa_pool(emu.endpoint(), "ON").await;
    // Unverified phone and e-mail.
    user(
        &pool,
        "sam",
        json!([{"Name": "phone_number", "Value": "+15555550102"},
               {"Name": "email", "Value": "sam@example.com"}]),
    )
    .await;
    let verified = |attr: &'static str| {
        let pool = pool.clone();
        async move {
            let u = ok(
                &pool.ep,
                "AdminGetUser",
                json!({"UserPoolId": pool.pool_id, "Username": "sam"}),
            )
            .await;
            u["UserAttributes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["Name"] == attr)
                .map(|a| a["Value"].clone())
        }
    };
    assert_eq!(verified("phone_number_verified").await, None);

    let (_, ch) = srp_sign_in(&pool, "sam", PASSWORD, None).await;
    assert_eq!(ch["ChallengeName"], "SMS_MFA", "{ch}");
    let code = last_code(&pool.ep, &pool.pool_id, "sam").await;
    let (status, v) = answer(&pool, &ch, "SMS_MFA", json!({"SMS_MFA_CODE": code})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(verified("phone_number_verified").await, Some(json!("true")));
    assert_eq!(
        claims(&v["AuthenticationResult"]["IdToken"])["phone_number_verified"],
        true
    );

    assert_eq!(verified("email_verified").await, None);
    ok(
        &pool.ep,
        "AdminSetUserMFAPreference",
        json!({"UserPoolId": pool.pool_id, "Username": "sam",
               "EmailMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
    )
    .await;
    let (_, ch) = srp_sign_in(&pool, "sam", PASSWORD, None).await;
    assert_eq!(ch["ChallengeName"], "EMAIL_OTP", "{ch}");
    let code = last_code(&pool.ep, &pool.pool_id, "sam").await;
    let (status, v) = answer(&pool, &ch, "EMAIL_OTP", json!({"EMAIL_OTP_CODE": code})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(verified("email_verified").await, Some(json!("true")));
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cognito_messages_for_totp_set_up_mistakes() {
    let emu = emulator().await;
    let pool = mfa_pool(emu.endpoint(), "OPTIONAL").await;
    user(&pool, "una", json!([])).await;
    let (_, v) = srp_sign_in(&pool, "una", PASSWORD, None).await;
    let access = v["AuthenticationResult"]["AccessToken"].clone();

    // Preferring TOTP before a token is verified.
    let (t, m) = err(
        &pool.ep,
        "SetUserMFAPreference",
        json!({"AccessToken": access,
               "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
    )
    .await;
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "InvalidParameterException",
            "User has not set up software token mfa"
        )
    );
    let (t, m) = err(
        &pool.ep,
        "AdminSetUserMFAPreference",
        json!({"UserPoolId": pool.pool_id, "Username": "una",
               "SoftwareTokenMfaSettings": {"Enabled": true}}),
    )
    .await;
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "InvalidParameterException",
            "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA"
        )
    );

    // A wrong VerifySoftwareToken code.
    let secret = ok(
        &pool.ep,
        "AssociateSoftwareToken",
        json!({"AccessToken": access}),
    )
    .await["SecretCode"]
        .as_str()
        .unwrap()
        .to_owned();
    let right = cognito_emulator::totp_code(&secret, now(&pool.ep).await);
    let wrong = if right == "123456" {
        "654321"
    } else {
        "123456"
    };
    let (t, m) = err(
        &pool.ep,
        "VerifySoftwareToken",
        json!({"AccessToken": access, "UserCode": wrong}),
    )
    .await;
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "EnableSoftwareTokenMFAException",
            "Code mismatch and fail enable Software Token MFA"
        )
    );
    emu.shutdown().await;
}
