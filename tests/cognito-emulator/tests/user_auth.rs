//! Choice-based sign-in (`USER_AUTH`): PREFERRED_CHALLENGE, SELECT_CHALLENGE, password, SRP and
//! e-mail / SMS one-time passwords as first factors.

mod common;

use cognito_auth_core::srp::ClientEphemeral;
use common::*;
use serde_json::{json, Value};

const ALL_FACTORS: &str = r#"{"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]}}}"#;

fn user_auth_client() -> Value {
    json!({ "ExplicitAuthFlows": ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] })
}

async fn initiate(pool: &Pool, params: Value) -> (u16, Value) {
    call(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_AUTH", "ClientId": pool.client_id, "AuthParameters": params}),
    )
    .await
}

fn available(v: &Value) -> Vec<String> {
    v["AvailableChallenges"]
        .as_array()
        .unwrap_or_else(|| panic!("AvailableChallenges in {v}"))
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_policy_and_available_challenges() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), user_auth_client()).await;
    user(
        &pool,
        "ann",
        json!([{"Name": "email", "Value": "ann@example.com"},
               {"Name": "phone_number", "Value": "+15555550100"}]),
    )
    .await;

    // Cognito's default policy: PASSWORD only.
    let d = ok(
        &pool.ep,
        "DescribeUserPool",
        json!({"UserPoolId": pool.pool_id}),
    )
    .await;
    assert_eq!(
        d["UserPool"]["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"],
        json!(["PASSWORD"])
    );
    let (status, v) = initiate(&pool, json!({"USERNAME": "ann"})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["ChallengeName"], "SELECT_CHALLENGE");
    assert!(v["Session"].is_string());
    assert_eq!(available(&v), vec!["PASSWORD", "PASSWORD_SRP"]);
    // A preference the pool does not allow falls back to the choice.
    let (status, v) = initiate(
        &pool,
        json!({"USERNAME": "ann", "PREFERRED_CHALLENGE": "EMAIL_OTP"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["ChallengeName"], "SELECT_CHALLENGE");
    assert_eq!(available(&v), vec!["PASSWORD", "PASSWORD_SRP"]);
    // WEB_AUTHN is a valid name, available only with a passkey (passkeys.rs).
    let (_, v) = initiate(
        &pool,
        json!({"USERNAME": "ann", "PREFERRED_CHALLENGE": "WEB_AUTHN"}),
    )
    .await;
    assert_eq!(v["ChallengeName"], "SELECT_CHALLENGE");
    let (t, _) = err(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"USERNAME": "ann", "PREFERRED_CHALLENGE": "CAPTCHA"}}),
    )
    .await;
    assert_eq!(t, "InvalidParameterException");
    let (t, _) = err(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"USERNAME": "nobody"}}),
    )
    .await;
    assert_eq!(t, "UserNotFoundException");

    // Enabling the OTP factors: what is offered depends on the user's attributes.
    let factors: Value = serde_json::from_str(ALL_FACTORS).unwrap();
    let mut body = json!({"UserPoolId": pool.pool_id});
    merge(&mut body, factors);
    ok(&pool.ep, "UpdateUserPool", body).await;
    let (_, v) = initiate(&pool, json!({"USERNAME": "ann"})).await;
    assert_eq!(
        available(&v),
        vec!["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"]
    );
    user(
        &pool,
        "eve",
        json!([{"Name": "email", "Value": "eve@example.com"}]),
    )
    .await;
    let (_, v) = initiate(&pool, json!({"USERNAME": "eve"})).await;
    assert_eq!(available(&v), vec!["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]);
    user(
        &pool,
        "pat",
        json!([{"Name": "phone_number", "Value": "+15555550101"}]),
    )
    .await;
    let (_, v) = initiate(&pool, json!({"USERNAME": "pat"})).await;
    assert_eq!(available(&v), vec!["PASSWORD", "PASSWORD_SRP", "SMS_OTP"]);

    // OTP only: a user without e-mail or phone has nothing to sign in with.
    ok(
        &pool.ep,
        "UpdateUserPool",
        json!({"UserPoolId": pool.pool_id,
               "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["EMAIL_OTP"]}}}),
    )
    .await;
    user(&pool, "nora", json!([])).await;
    let (t, _) = err(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"USERNAME": "nora"}}),
    )
    .await;
    assert_eq!(t, "NotAuthorizedException");

    // Validation of the policy.
    for bad in [json!([]), json!(["PASSWORD", "CAPTCHA"])] {
        let (t, _) = err(
            &pool.ep,
            "UpdateUserPool",
            json!({"UserPoolId": pool.pool_id,
                   "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": bad}}}),
        )
        .await;
        assert_eq!(t, "InvalidParameterException");
    }
    let created = ok(
        &pool.ep,
        "CreateUserPool",
        json!({"PoolName": "otp",
               "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "SMS_OTP"]}}}),
    )
    .await;
    assert_eq!(
        created["UserPool"]["Policies"]["SignInPolicy"]["AllowedFirstAuthFactors"],
        json!(["PASSWORD", "SMS_OTP"])
    );

    // The client must allow USER_AUTH.
    let srp_only = setup(emu.endpoint(), json!({}), json!({})).await;
    user(&srp_only, "ann", json!([])).await;
    let (t, m) = err(
        &srp_only.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_AUTH", "ClientId": srp_only.client_id,
               "AuthParameters": {"USERNAME": "ann"}}),
    )
    .await;
    assert_eq!(t, "InvalidParameterException");
    assert!(m.contains("USER_AUTH"), "{m}");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn password_and_srp_first_factors() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), user_auth_client()).await;
    user(&pool, "bob", json!([])).await;

    // PREFERRED_CHALLENGE PASSWORD with the password in AuthParameters: tokens at once.
    let (status, v) = initiate(
        &pool,
        json!({"USERNAME": "bob", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": PASSWORD}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert!(v["AuthenticationResult"]["AccessToken"].is_string(), "{v}");
    let (status, v) = initiate(
        &pool,
        json!({"USERNAME": "bob", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "Wr0ng-pass!"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "NotAuthorizedException");
    assert_eq!(v["message"], "Incorrect username or password.");
    let (status, v) = initiate(
        &pool,
        json!({"USERNAME": "bob", "PREFERRED_CHALLENGE": "PASSWORD"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "InvalidParameterException");

    // PREFERRED_CHALLENGE PASSWORD_SRP with SRP_A: PASSWORD_VERIFIER, then tokens.
    let a = ClientEphemeral::generate();
    let (status, ch) = initiate(
        &pool,
        json!({"USERNAME": "bob", "PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": a.public_hex()}),
    )
    .await;
    assert_eq!(status, 200, "{ch}");
    assert_eq!(ch["ChallengeName"], "PASSWORD_VERIFIER");
    assert_eq!(ch["ChallengeParameters"]["USER_ID_FOR_SRP"], "bob");
    let v = ok(
        &pool.ep,
        "RespondToAuthChallenge",
        verifier_answer(&pool, &a, &ch, PASSWORD, None),
    )
    .await;
    assert!(v["AuthenticationResult"]["IdToken"].is_string(), "{v}");

    // SELECT_CHALLENGE answered with PASSWORD.
    let (_, sel) = initiate(&pool, json!({"USERNAME": "bob"})).await;
    let (status, v) = answer(
        &pool,
        &sel,
        "SELECT_CHALLENGE",
        json!({"USERNAME": "bob", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert!(v["AuthenticationResult"]["AccessToken"].is_string(), "{v}");
    // The SELECT_CHALLENGE session is single use.
    let (status, v) = answer(
        &pool,
        &sel,
        "SELECT_CHALLENGE",
        json!({"USERNAME": "bob", "ANSWER": "PASSWORD", "PASSWORD": PASSWORD}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "NotAuthorizedException");

    // SELECT_CHALLENGE answered with PASSWORD_SRP.
    let (_, sel) = initiate(&pool, json!({"USERNAME": "bob"})).await;
    let a = ClientEphemeral::generate();
    let (status, ch) = answer(
        &pool,
        &sel,
        "SELECT_CHALLENGE",
        json!({"USERNAME": "bob", "ANSWER": "PASSWORD_SRP", "SRP_A": a.public_hex()}),
    )
    .await;
    assert_eq!(status, 200, "{ch}");
    assert_eq!(ch["ChallengeName"], "PASSWORD_VERIFIER");
    let v = ok(
        &pool.ep,
        "RespondToAuthChallenge",
        verifier_answer(&pool, &a, &ch, PASSWORD, None),
    )
    .await;
    assert!(v["AuthenticationResult"]["AccessToken"].is_string(), "{v}");

    // An answer that is not on offer, or a wrong ChallengeName for the session.
    let (_, sel) = initiate(&pool, json!({"USERNAME": "bob"})).await;
    let (status, v) = answer(
        &pool,
        &sel,
        "SELECT_CHALLENGE",
        json!({"USERNAME": "bob", "ANSWER": "EMAIL_OTP"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "InvalidParameterException");
    let (_, sel) = initiate(&pool, json!({"USERNAME": "bob"})).await;
    let (status, v) = answer(&pool, &sel, "PASSWORD_VERIFIER", json!({"USERNAME": "bob"})).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "InvalidParameterException", "{v}");

    // With MFA on, a password first factor is followed by MFA.
    ok(
        &pool.ep,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool.pool_id, "MfaConfiguration": "ON",
               "SmsMfaConfiguration": {"SmsAuthenticationMessage": "{####}"}}),
    )
    .await;
    user(
        &pool,
        "mia",
        json!([{"Name": "phone_number", "Value": "+15555550102"}]),
    )
    .await;
    let (status, ch) = initiate(
        &pool,
        json!({"USERNAME": "mia", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": PASSWORD}),
    )
    .await;
    assert_eq!(status, 200, "{ch}");
    assert_eq!(ch["ChallengeName"], "SMS_MFA");
    let code = last_code(&pool.ep, &pool.pool_id, "mia").await;
    let (status, v) = answer(&pool, &ch, "SMS_MFA", json!({"SMS_MFA_CODE": code})).await;
    assert_eq!(status, 200, "{v}");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn email_and_sms_otp_first_factors() {
    let emu = emulator().await;
    let pool = setup(
        emu.endpoint(),
        serde_json::from_str(ALL_FACTORS).unwrap(),
        user_auth_client(),
    )
    .await;
    // MFA required: OTP first factors still end with tokens (they stand in for MFA).
    ok(
        &pool.ep,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool.pool_id, "MfaConfiguration": "ON",
               "SmsMfaConfiguration": {"SmsAuthenticationMessage": "{####}"}}),
    )
    .await;
    user(
        &pool,
        "otto",
        json!([{"Name": "email", "Value": "otto@example.com"},
               {"Name": "phone_number", "Value": "+15555551234"}]),
    )
    .await;

    // EMAIL_OTP preferred: a code in the outbox, EMAIL_OTP challenge.
    let (status, ch) = initiate(
        &pool,
        json!({"USERNAME": "otto", "PREFERRED_CHALLENGE": "EMAIL_OTP"}),
    )
    .await;
    assert_eq!(status, 200, "{ch}");
    assert_eq!(ch["ChallengeName"], "EMAIL_OTP");
    let p = &ch["ChallengeParameters"];
    assert_eq!(p["CODE_DELIVERY_DELIVERY_MEDIUM"], "EMAIL");
    assert_ne!(p["CODE_DELIVERY_DESTINATION"], "otto@example.com");
    assert!(p["CODE_DELIVERY_DESTINATION"]
        .as_str()
        .unwrap()
        .contains('@'));
    let m = messages(&pool.ep, &pool.pool_id, "otto").await;
    let last = m.last().unwrap();
    assert_eq!(last["channel"], "EMAIL");
    assert_eq!(last["destination"], "otto@example.com");
    assert_eq!(last["purpose"], "SIGN_IN");
    let code = last["code"].as_str().unwrap().to_owned();
    // A typo keeps the session usable.
    let (status, v) = answer(
        &pool,
        &ch,
        "EMAIL_OTP",
        json!({"USERNAME": "otto", "EMAIL_OTP_CODE": "000000x"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "CodeMismatchException");
    let (status, v) = answer(
        &pool,
        &ch,
        "EMAIL_OTP",
        json!({"USERNAME": "otto", "EMAIL_OTP_CODE": code}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let auth = &v["AuthenticationResult"];
    assert!(auth["AccessToken"].is_string(), "no MFA after an OTP: {v}");
    assert_eq!(claims(&auth["AccessToken"])["username"], "otto");

    // SMS_OTP chosen through SELECT_CHALLENGE.
    let (_, sel) = initiate(&pool, json!({"USERNAME": "otto"})).await;
    assert_eq!(
        available(&sel),
        vec!["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"]
    );
    let (status, ch) = answer(
        &pool,
        &sel,
        "SELECT_CHALLENGE",
        json!({"USERNAME": "otto", "ANSWER": "SMS_OTP"}),
    )
    .await;
    assert_eq!(status, 200, "{ch}");
    assert_eq!(ch["ChallengeName"], "SMS_OTP");
    assert_eq!(
        ch["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"],
        "SMS"
    );
    assert!(ch["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"]
        .as_str()
        .unwrap()
        .ends_with("1234"));
    let m = messages(&pool.ep, &pool.pool_id, "otto").await;
    let last = m.last().unwrap();
    assert_eq!(last["channel"], "SMS");
    assert_eq!(last["destination"], "+15555551234");
    let code = last["code"].as_str().unwrap().to_owned();
    let (status, v) = answer(
        &pool,
        &ch,
        "SMS_OTP",
        json!({"USERNAME": "otto", "SMS_OTP_CODE": code}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert!(v["AuthenticationResult"]["RefreshToken"].is_string(), "{v}");

    // Codes expire with the session.
    let (_, ch) = initiate(
        &pool,
        json!({"USERNAME": "otto", "PREFERRED_CHALLENGE": "SMS_OTP"}),
    )
    .await;
    assert_eq!(ch["ChallengeName"], "SMS_OTP");
    let code = last_code(&pool.ep, &pool.pool_id, "otto").await;
    advance(&pool.ep, 181).await;
    let (status, v) = answer(
        &pool,
        &ch,
        "SMS_OTP",
        json!({"USERNAME": "otto", "SMS_OTP_CODE": code}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "ExpiredCodeException");

    // The user status is checked once the code is proven.
    ok(
        &pool.ep,
        "AdminDisableUser",
        json!({"UserPoolId": pool.pool_id, "Username": "otto"}),
    )
    .await;
    let (_, ch) = initiate(
        &pool,
        json!({"USERNAME": "otto", "PREFERRED_CHALLENGE": "EMAIL_OTP"}),
    )
    .await;
    let code = last_code(&pool.ep, &pool.pool_id, "otto").await;
    let (status, v) = answer(
        &pool,
        &ch,
        "EMAIL_OTP",
        json!({"USERNAME": "otto", "EMAIL_OTP_CODE": code}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "NotAuthorizedException");
    assert_eq!(v["message"], "User is disabled.");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn otp_sign_in_with_secret_and_devices() {
    let emu = emulator().await;
    let mut pool_extra: Value = serde_json::from_str(ALL_FACTORS).unwrap();
    merge(
        &mut pool_extra,
        json!({"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": true}}),
    );
    let mut client_extra = user_auth_client();
    merge(&mut client_extra, json!({"GenerateSecret": true}));
    let pool = setup(emu.endpoint(), pool_extra, client_extra).await;
    user(
        &pool,
        "dee",
        json!([{"Name": "email", "Value": "dee@example.com"}]),
    )
    .await;

    let (t, _) = err(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"USERNAME": "dee", "PREFERRED_CHALLENGE": "EMAIL_OTP"}}),
    )
    .await;
    assert_eq!(t, "NotAuthorizedException");
    let hash = pool.hash("dee").unwrap();
    let (status, ch) = initiate(
        &pool,
        json!({"USERNAME": "dee", "PREFERRED_CHALLENGE": "EMAIL_OTP", "SECRET_HASH": hash}),
    )
    .await;
    assert_eq!(status, 200, "{ch}");
    let code = last_code(&pool.ep, &pool.pool_id, "dee").await;
    // The answer needs SECRET_HASH too.
    let (status, v) = answer(
        &pool,
        &ch,
        "EMAIL_OTP",
        json!({"USERNAME": "dee", "EMAIL_OTP_CODE": code}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "NotAuthorizedException");
    let (_, ch) = initiate(
        &pool,
        json!({"USERNAME": "dee", "PREFERRED_CHALLENGE": "EMAIL_OTP", "SECRET_HASH": hash}),
    )
    .await;
    let code = last_code(&pool.ep, &pool.pool_id, "dee").await;
    let (status, v) = answer(
        &pool,
        &ch,
        "EMAIL_OTP",
        json!({"USERNAME": "dee", "EMAIL_OTP_CODE": code, "SECRET_HASH": hash}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let auth = &v["AuthenticationResult"];
    assert!(auth["NewDeviceMetadata"]["DeviceKey"].is_string(), "{v}");
    emu.shutdown().await;
}
