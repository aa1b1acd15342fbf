//! Tokens, devices and codes as Cognito does them where an app can tell: the refresh token of an
//! unconfirmed device, a stale DEVICE_KEY on an unbound refresh token, RevokeToken's refusals, a
//! Cognito-looking `iss`, GetDevice's attributes, and confirmation codes that cannot be
//! brute-forced.

mod common;

use cognito_emulator::{start, EmulatorConfig};
use common::*;
use serde_json::{json, Value};

fn refresh_body(pool: &Pool, token: &Value, device_key: Option<&str>) -> Value {
    let mut params = json!({ "REFRESH_TOKEN": token });
    if let Some(k) = device_key {
        params["DEVICE_KEY"] = json!(k);
    }
    json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": pool.client_id, "AuthParameters": params})
}

#[tokio::test(flavor = "multi_thread")]
async fn the_refresh_token_of_an_unconfirmed_device_is_refused() {
    let emu = emulator().await;
    let pool = setup(
        emu.endpoint(),
        json!({"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": false,
                                        "DeviceOnlyRememberedOnUserPrompt": true}}),
        json!({}),
    )
    .await;
    user(&pool, "ned", json!([])).await;
    let (_, v) = srp_sign_in(&pool, "ned", PASSWORD, None).await;
    let auth = v["AuthenticationResult"].clone();
    let key = auth["NewDeviceMetadata"]["DeviceKey"]
        .as_str()
        .unwrap()
        .to_owned();
    for device in [None, Some(key.as_str())] {
        let (t, m) = err(
            &pool.ep,
            "InitiateAuth",
            refresh_body(&pool, &auth["RefreshToken"], device),
        )
        .await;
        assert_eq!(
            (t.as_str(), m.as_str()),
            ("NotAuthorizedException", "Invalid Refresh Token"),
            "DEVICE_KEY {device:?}"
        );
    }
    let (t, _) = err(
        &pool.ep,
        "GetTokensFromRefreshToken",
        json!({"ClientId": pool.client_id, "RefreshToken": auth["RefreshToken"], "DeviceKey": key}),
    )
    .await;
    assert_eq!(t, "NotAuthorizedException");

    // Once the device is confirmed, the same refresh token works with its key.
    confirm_device(&pool, &auth).await;
    let v = ok(
        &pool.ep,
        "InitiateAuth",
        refresh_body(&pool, &auth["RefreshToken"], Some(&key)),
    )
    .await;
    assert!(v["AuthenticationResult"]["AccessToken"].is_string());
    emu.shutdown().await;
}

/// A refresh token from a sign-in without a device, refreshed with a DEVICE_KEY that is not a
/// confirmed device of the user (unknown, forgotten): refused as Cognito refuses a refresh whose
/// device key does not fit. A confirmed device's key is accepted; without a device
/// configuration the key is ignored.
#[tokio::test(flavor = "multi_thread")]
async fn a_stale_device_key_fails_the_refresh_of_an_unbound_token() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    user(&pool, "sal", json!([])).await;
    let (_, v) = srp_sign_in(&pool, "sal", PASSWORD, None).await;
    let unbound = v["AuthenticationResult"]["RefreshToken"].clone();
    assert!(v["AuthenticationResult"].get("NewDeviceMetadata").is_none());
    // No device configuration: the key is ignored.
    let bogus = "us-east-1_00000000-0000-4000-8000-000000000000";
    ok(
        &pool.ep,
        "InitiateAuth",
        refresh_body(&pool, &unbound, Some(bogus)),
    )
    .await;

    ok(
        &pool.ep,
        "UpdateUserPool",
        json!({"UserPoolId": pool.pool_id,
               "DeviceConfiguration": {"ChallengeRequiredOnNewDevice": false,
                                       "DeviceOnlyRememberedOnUserPrompt": false}}),
    )
    .await;
    let refused = |t: String, m: String| {
        assert_eq!(
            (t.as_str(), m.as_str()),
            ("NotAuthorizedException", "Invalid Refresh Token")
        );
    };
    let (t, m) = err(
        &pool.ep,
        "InitiateAuth",
        refresh_body(&pool, &unbound, Some(bogus)),
    )
    .await;
    refused(t, m);
    let (t, m) = err(
        &pool.ep,
        "GetTokensFromRefreshToken",
        json!({"ClientId": pool.client_id, "RefreshToken": unbound, "DeviceKey": bogus}),
    )
    .await;
    refused(t, m);
    // Without a key (or with an empty one) the unbound token still works.
    ok(
        &pool.ep,
        "InitiateAuth",
        refresh_body(&pool, &unbound, None),
    )
    .await;
    ok(
        &pool.ep,
        "InitiateAuth",
        refresh_body(&pool, &unbound, Some("")),
    )
    .await;

    // A confirmed device of the user fits; the tokens stay without a device.
    let (_, v) = srp_sign_in(&pool, "sal", PASSWORD, None).await;
    let auth = v["AuthenticationResult"].clone();
    let (device, _) = confirm_device(&pool, &auth).await;
    let v = ok(
        &pool.ep,
        "InitiateAuth",
        refresh_body(&pool, &unbound, Some(&device.key)),
    )
    .await;
    let access = claims(&v["AuthenticationResult"]["AccessToken"]);
    assert!(access.get("device_key").is_none(), "{access}");
    // Once forgotten, the same key is stale.
    ok(
        &pool.ep,
        "ForgetDevice",
        json!({"AccessToken": auth["AccessToken"], "DeviceKey": device.key}),
    )
    .await;
    let (t, m) = err(
        &pool.ep,
        "InitiateAuth",
        refresh_body(&pool, &unbound, Some(&device.key)),
    )
    .await;
    refused(t, m);
    // Another user's confirmed device does not fit either.
    user(&pool, "tim", json!([])).await;
    let (_, v) = srp_sign_in(&pool, "tim", PASSWORD, None).await;
    let (tims, _) = confirm_device(&pool, &v["AuthenticationResult"]).await;
    let (t, m) = err(
        &pool.ep,
        "InitiateAuth",
        refresh_body(&pool, &unbound, Some(&tims.key)),
    )
    .await;
    refused(t, m);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn revoke_token_refuses_access_tokens_and_disabled_revocation() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    user(&pool, "rex", json!([])).await;
    let (_, v) = srp_sign_in(&pool, "rex", PASSWORD, None).await;
    let auth = v["AuthenticationResult"].clone();
    for token in [&auth["AccessToken"], &auth["IdToken"]] {
        let (t, _) = err(
            &pool.ep,
            "RevokeToken",
            json!({"ClientId": pool.client_id, "Token": token}),
        )
        .await;
        assert_eq!(t, "UnsupportedTokenTypeException");
    }
    // Nothing was revoked.
    ok(
        &pool.ep,
        "GetUser",
        json!({"AccessToken": auth["AccessToken"]}),
    )
    .await;
    let d = ok(
        &pool.ep,
        "DescribeUserPoolClient",
        json!({"UserPoolId": pool.pool_id, "ClientId": pool.client_id}),
    )
    .await;
    assert_eq!(d["UserPoolClient"]["EnableTokenRevocation"], true);

    let off = ok(
        &pool.ep,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool.pool_id, "ClientName": "no-revocation",
               "EnableTokenRevocation": false, "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH"]}),
    )
    .await;
    let off = Pool {
        client_id: off["UserPoolClient"]["ClientId"]
            .as_str()
            .unwrap()
            .to_owned(),
        ..pool.clone()
    };
    let (_, v) = srp_sign_in(&off, "rex", PASSWORD, None).await;
    let (t, _) = err(
        &pool.ep,
        "RevokeToken",
        json!({"ClientId": off.client_id, "Token": v["AuthenticationResult"]["RefreshToken"]}),
    )
    .await;
    assert_eq!(t, "UnsupportedOperationException");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn iss_can_look_like_cognitos() {
    let emu = start(EmulatorConfig {
        cognito_issuer: true,
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    user(&pool, "ivy", json!([])).await;
    let (_, v) = srp_sign_in(&pool, "ivy", PASSWORD, None).await;
    let auth = &v["AuthenticationResult"];
    let iss = format!(
        "https://cognito-idp.us-east-1.amazonaws.com/{}",
        pool.pool_id
    );
    assert_eq!(claims(&auth["IdToken"])["iss"], iss.as_str());
    assert_eq!(claims(&auth["AccessToken"])["iss"], iss.as_str());
    ok(
        &pool.ep,
        "GetUser",
        json!({"AccessToken": auth["AccessToken"]}),
    )
    .await;
    let r = cognito_emulator::client::request(
        &pool.ep,
        "GET",
        &format!("/{}/.well-known/openid-configuration", pool.pool_id),
        &[],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(r.json()["issuer"], iss.as_str());
    // The JWKS stays where it can be fetched.
    assert_eq!(
        r.json()["jwks_uri"],
        format!("{}/{}/.well-known/jwks.json", pool.ep, pool.pool_id)
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn get_device_shows_cognitos_seven_attributes() {
    let emu = emulator().await;
    let pool = setup(
        emu.endpoint(),
        json!({"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": false,
                                        "DeviceOnlyRememberedOnUserPrompt": false}}),
        json!({}),
    )
    .await;
    user(&pool, "dex", json!([])).await;
    let (_, v) = srp_sign_in(&pool, "dex", PASSWORD, None).await;
    let auth = v["AuthenticationResult"].clone();
    let (device, _) = confirm_device(&pool, &auth).await;
    let d = ok(
        &pool.ep,
        "GetDevice",
        json!({"AccessToken": auth["AccessToken"], "DeviceKey": device.key}),
    )
    .await;
    let attrs: Vec<(String, String)> = d["Device"]["DeviceAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["Name"].as_str().unwrap().to_owned(),
                a["Value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let owner = format!("dex.{}", pool.pool_id);
    let expected = [
        ("device_status", "valid".to_owned()),
        ("device_name", "test phone".to_owned()),
        (
            "dev:device_arn",
            format!(
                "arn:aws:cognito-idp:us-east-1:123456789012:owner/{owner}/device/{}",
                device.key
            ),
        ),
        ("dev:device_owner", owner.clone()),
        ("last_ip_used", "127.0.0.1".to_owned()),
        ("dev:device_remembered_status", "remembered".to_owned()),
        ("dev:device_sdk", "aws-sdk".to_owned()),
    ];
    let expected: Vec<(String, String)> = expected
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    assert_eq!(attrs, expected);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn confirmation_codes_cannot_be_brute_forced() {
    let emu = emulator().await;
    let pool = setup(
        emu.endpoint(),
        json!({"AutoVerifiedAttributes": ["email"]}),
        json!({}),
    )
    .await;
    ok(
        &pool.ep,
        "SignUp",
        json!({"ClientId": pool.client_id, "Username": "bea", "Password": PASSWORD,
               "UserAttributes": [{"Name": "email", "Value": "bea@example.com"}]}),
    )
    .await;
    let code = last_code(&pool.ep, &pool.pool_id, "bea").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let confirm =
        |c: &str| json!({"ClientId": pool.client_id, "Username": "bea", "ConfirmationCode": c});
    for _ in 0..5 {
        let (t, _) = err(&pool.ep, "ConfirmSignUp", confirm(wrong)).await;
        assert_eq!(t, "CodeMismatchException");
    }
    // Past the limit even the right code is refused, until a new one is sent.
    let (t, m) = err(&pool.ep, "ConfirmSignUp", confirm(&code)).await;
    assert_eq!(
        (t.as_str(), m.as_str()),
        (
            "LimitExceededException",
            "Attempt limit exceeded, please try after some time."
        )
    );
    ok(
        &pool.ep,
        "ResendConfirmationCode",
        json!({"ClientId": pool.client_id, "Username": "bea"}),
    )
    .await;
    let code = last_code(&pool.ep, &pool.pool_id, "bea").await;
    ok(&pool.ep, "ConfirmSignUp", confirm(&code)).await;

    // An expired code reveals nothing: right or wrong, it is ExpiredCodeException.
    ok(
        &pool.ep,
        "ForgotPassword",
        json!({"ClientId": pool.client_id, "Username": "bea"}),
    )
    .await;
    let code = last_code(&pool.ep, &pool.pool_id, "bea").await;
    advance(&pool.ep, 3601).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for c in [code.as_str(), wrong] {
        let (t, _) = err(
            &pool.ep,
            "ConfirmForgotPassword",
            json!({"ClientId": pool.client_id, "Username": "bea", "ConfirmationCode": c,
                   "Password": "N3w-passw0rd!"}),
        )
        .await;
        assert_eq!(t, "ExpiredCodeException");
    }
    emu.shutdown().await;
}
