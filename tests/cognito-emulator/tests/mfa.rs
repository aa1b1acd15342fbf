//! SMS, TOTP and e-mail MFA, MFA selection and MFA set-up during sign-in.

mod common;

use common::*;
use serde_json::{json, Value};

async fn mfa_pool(ep: &str, mode: &str) -> Pool {
    let pool = setup(ep, json!({"MfaConfiguration": "OFF"}), json!({})).await;
    ok(
        ep,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool.pool_id, "MfaConfiguration": mode,
               "SmsMfaConfiguration": {"SmsAuthenticationMessage": "{####}"},
               "SoftwareTokenMfaConfiguration": {"Enabled": true},
               "EmailMfaConfiguration": {}}),
    )
    .await;
    pool
}

async fn enable_totp(pool: &Pool, access: &Value) -> String {
    let secret = ok(
        &pool.ep,
        "AssociateSoftwareToken",
        json!({"AccessToken": access}),
    )
    .await["SecretCode"]
        .as_str()
        .unwrap()
        .to_owned();
    let (t, _) = err(
        &pool.ep,
        "VerifySoftwareToken",
        json!({"AccessToken": access, "UserCode": "000000", "FriendlyDeviceName": "x"}),
    )
    .await;
    // (000000 could be right by chance once in a million runs.)
    assert_eq!(t, "EnableSoftwareTokenMFAException");
    let code = cognito_emulator::totp_code(&secret, now(&pool.ep).await);
    let v = ok(
        &pool.ep,
        "VerifySoftwareToken",
        json!({"AccessToken": access, "UserCode": code, "FriendlyDeviceName": "phone"}),
    )
    .await;
    assert_eq!(v["Status"], "SUCCESS");
    secret
}

#[tokio::test(flavor = "multi_thread")]
async fn sms_mfa_with_outbox_code() {
    let emu = emulator().await;
    let pool = mfa_pool(emu.endpoint(), "ON").await;
    user(
        &pool,
        "sam",
        json!([{"Name": "phone_number", "Value": "+15555551234"}]),
    )
    .await;

    let (status, ch) = srp_sign_in(&pool, "sam", PASSWORD, None).await;
    assert_eq!(status, 200, "{ch}");
    assert_eq!(ch["ChallengeName"], "SMS_MFA");
    assert_eq!(
        ch["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"],
        "SMS"
    );
    assert_eq!(
        ch["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"],
        "+*******1234"
    );
    let m = messages(&pool.ep, &pool.pool_id, "sam").await;
    let last = m.last().unwrap();
    assert_eq!(last["channel"], "SMS");
    assert_eq!(last["purpose"], "MFA");
    assert_eq!(last["destination"], "+15555551234");
    let code = last["code"].as_str().unwrap().to_owned();

    // A typo leaves the session usable.
    let wrong = if code == "111111" { "222222" } else { "111111" };
    let (status, v) = answer(&pool, &ch, "SMS_MFA", json!({"SMS_MFA_CODE": wrong})).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "CodeMismatchException");
    let (status, v) = answer(&pool, &ch, "SMS_MFA", json!({"SMS_MFA_CODE": code})).await;
    assert_eq!(status, 200, "{v}");
    assert!(v["AuthenticationResult"]["AccessToken"].is_string());

    // An expired code.
    let (_, ch) = srp_sign_in(&pool, "sam", PASSWORD, None).await;
    let code = last_code(&pool.ep, &pool.pool_id, "sam").await;
    advance(&pool.ep, 200).await;
    let (status, v) = answer(&pool, &ch, "SMS_MFA", json!({"SMS_MFA_CODE": code})).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "ExpiredCodeException");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn totp_mfa_and_selection() {
    let emu = emulator().await;
    let pool = mfa_pool(emu.endpoint(), "OPTIONAL").await;
    user(&pool, "tina", json!([{"Name": "phone_number", "Value": "+15555550000"}, {"Name": "email", "Value": "tina@example.com"}])).await;

    // OPTIONAL and nothing enabled: straight to tokens.
    let (_, v) = srp_sign_in(&pool, "tina", PASSWORD, None).await;
    let access = v["AuthenticationResult"]["AccessToken"].clone();
    assert!(access.is_string(), "{v}");
    let secret = enable_totp(&pool, &access).await;
    ok(
        &pool.ep,
        "SetUserMFAPreference",
        json!({"AccessToken": access, "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
    )
    .await;
    let me = ok(&pool.ep, "GetUser", json!({"AccessToken": access})).await;
    assert_eq!(me["PreferredMfaSetting"], "SOFTWARE_TOKEN_MFA");
    assert_eq!(me["UserMFASettingList"], json!(["SOFTWARE_TOKEN_MFA"]));

    let (_, ch) = srp_sign_in(&pool, "tina", PASSWORD, None).await;
    assert_eq!(ch["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    // The code just given to VerifySoftwareToken is used up (Cognito: a TOTP code is good once);
    // the session stays for the next code.
    let code = cognito_emulator::totp_code(&secret, now(&pool.ep).await);
    let (status, v) = answer(
        &pool,
        &ch,
        "SOFTWARE_TOKEN_MFA",
        json!({"SOFTWARE_TOKEN_MFA_CODE": code}),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["__type"], "ExpiredCodeException");
    assert_eq!(
        v["message"],
        "Your software token has already been used once."
    );
    advance(&pool.ep, 30).await;
    let code = cognito_emulator::totp_code(&secret, now(&pool.ep).await);
    // amazon-cognito-identity-js style: both fields present.
    let (status, v) = answer(
        &pool,
        &ch,
        "SOFTWARE_TOKEN_MFA",
        json!({"SOFTWARE_TOKEN_MFA_CODE": code, "SMS_MFA_CODE": code}),
    )
    .await;
    assert_eq!(status, 200, "{v}");

    // A code from 5 minutes ago is rejected.
    let (_, ch) = srp_sign_in(&pool, "tina", PASSWORD, None).await;
    let stale = cognito_emulator::totp_code(&secret, now(&pool.ep).await - 300);
    let (status, v) = answer(
        &pool,
        &ch,
        "SOFTWARE_TOKEN_MFA",
        json!({"SOFTWARE_TOKEN_MFA_CODE": stale}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "CodeMismatchException");

    // SMS and TOTP enabled, none preferred: SELECT_MFA_TYPE.
    ok(
        &pool.ep,
        "AdminSetUserMFAPreference",
        json!({"UserPoolId": pool.pool_id, "Username": "tina",
               "SMSMfaSettings": {"Enabled": true, "PreferredMfa": false},
               "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": false}}),
    )
    .await;
    let (_, ch) = srp_sign_in(&pool, "tina", PASSWORD, None).await;
    assert_eq!(ch["ChallengeName"], "SELECT_MFA_TYPE", "{ch}");
    let can: Vec<String> = serde_json::from_str(
        ch["ChallengeParameters"]["MFAS_CAN_CHOOSE"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(can, vec!["SMS_MFA", "SOFTWARE_TOKEN_MFA"]);
    let (status, ch) = answer(&pool, &ch, "SELECT_MFA_TYPE", json!({"ANSWER": "SMS_MFA"})).await;
    assert_eq!(status, 200, "{ch}");
    assert_eq!(ch["ChallengeName"], "SMS_MFA");
    let code = last_code(&pool.ep, &pool.pool_id, "tina").await;
    let (status, v) = answer(&pool, &ch, "SMS_MFA", json!({"SMS_MFA_CODE": code})).await;
    assert_eq!(status, 200, "{v}");

    // E-mail OTP as the preferred method.
    ok(
        &pool.ep,
        "AdminSetUserMFAPreference",
        json!({"UserPoolId": pool.pool_id, "Username": "tina",
               "EmailMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
    )
    .await;
    let (_, ch) = srp_sign_in(&pool, "tina", PASSWORD, None).await;
    assert_eq!(ch["ChallengeName"], "EMAIL_OTP", "{ch}");
    let m = messages(&pool.ep, &pool.pool_id, "tina").await;
    assert_eq!(m.last().unwrap()["channel"], "EMAIL");
    let code = m.last().unwrap()["code"].clone();
    let (status, v) = answer(&pool, &ch, "EMAIL_OTP", json!({"EMAIL_OTP_CODE": code})).await;
    assert_eq!(status, 200, "{v}");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mfa_setup_during_sign_in() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    ok(
        &pool.ep,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool.pool_id, "MfaConfiguration": "ON",
               "SoftwareTokenMfaConfiguration": {"Enabled": true}}),
    )
    .await;
    let cfg = ok(
        &pool.ep,
        "GetUserPoolMfaConfig",
        json!({"UserPoolId": pool.pool_id}),
    )
    .await;
    assert_eq!(cfg["MfaConfiguration"], "ON");
    assert_eq!(cfg["SoftwareTokenMfaConfiguration"]["Enabled"], true);
    user(&pool, "uma", json!([])).await;

    let (_, ch) = srp_sign_in(&pool, "uma", PASSWORD, None).await;
    assert_eq!(ch["ChallengeName"], "MFA_SETUP", "{ch}");
    let can: Vec<String> = serde_json::from_str(
        ch["ChallengeParameters"]["MFAS_CAN_SETUP"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert!(can.contains(&"SOFTWARE_TOKEN_MFA".to_owned()));
    // Answering MFA_SETUP before verifying a token fails.
    let assoc = ok(
        &pool.ep,
        "AssociateSoftwareToken",
        json!({"Session": ch["Session"]}),
    )
    .await;
    let secret = assoc["SecretCode"].as_str().unwrap();
    assert!(assoc["Session"].is_string());
    let code = cognito_emulator::totp_code(secret, now(&pool.ep).await);
    let verified = ok(
        &pool.ep,
        "VerifySoftwareToken",
        json!({"Session": assoc["Session"], "UserCode": code, "FriendlyDeviceName": "phone"}),
    )
    .await;
    assert_eq!(verified["Status"], "SUCCESS");
    let (status, v) = answer(&pool, &verified, "MFA_SETUP", json!({"USERNAME": "uma"})).await;
    assert_eq!(status, 200, "{v}");
    assert!(v["AuthenticationResult"]["AccessToken"].is_string());

    // Next sign-in asks for the TOTP code.
    let (_, ch) = srp_sign_in(&pool, "uma", PASSWORD, None).await;
    assert_eq!(ch["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    emu.shutdown().await;
}
