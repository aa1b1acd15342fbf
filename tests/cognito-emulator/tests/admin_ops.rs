//! The administrator's device and MFA operations over HTTP: AdminListDevices paging (Limit,
//! PaginationToken, forgetting between pages), AdminGetDevice / AdminUpdateDeviceStatus /
//! AdminForgetDevice errors, AdminDeleteSoftwareToken, and SigV4 requests (accepted, signature
//! not verified).

mod common;

use common::*;
use serde_json::{json, Value};

/// A pool that remembers every device (MFA off), with a user who has `devices` of them.
async fn user_with_devices(ep: &str, username: &str, devices: usize) -> (Pool, Vec<String>) {
    let pool = setup(
        ep,
        json!({"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": true,
                                        "DeviceOnlyRememberedOnUserPrompt": false}}),
        json!({}),
    )
    .await;
    user(&pool, username, json!([])).await;
    let mut keys = Vec::new();
    for _ in 0..devices {
        let (status, v) = srp_sign_in(&pool, username, PASSWORD, None).await;
        assert_eq!(status, 200, "{v}");
        let (device, _) = confirm_device(&pool, &v["AuthenticationResult"]).await;
        keys.push(device.key);
        // Distinct creation times, so the listing order is the creation order.
        advance(ep, 1).await;
    }
    (pool, keys)
}

fn keys_of(page: &Value) -> Vec<String> {
    page["Devices"]
        .as_array()
        .expect("Devices")
        .iter()
        .map(|d| d["DeviceKey"].as_str().expect("DeviceKey").to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_list_devices_pages_and_forgetting_between_pages_skips_nothing() {
    let emu = emulator().await;
    let ep = emu.endpoint();
    let (pool, keys) = user_with_devices(ep, "lea", 4).await;
    let list = |limit: i64, token: Option<Value>| {
        let mut body = json!({"UserPoolId": pool.pool_id, "Username": "lea", "Limit": limit});
        if let Some(t) = token {
            body["PaginationToken"] = t;
        }
        body
    };

    let all = ok(ep, "AdminListDevices", list(60, None)).await;
    assert_eq!(keys_of(&all), keys);
    assert!(all.get("PaginationToken").is_none(), "{all}");

    let first = ok(ep, "AdminListDevices", list(1, None)).await;
    assert_eq!(keys_of(&first), keys[..1]);
    let token = first["PaginationToken"].clone();
    assert!(token.is_string(), "{first}");
    // The device the first page ended with, and the one after it, are forgotten before the
    // next page is read: the next page starts with the first device still there.
    for key in &keys[..2] {
        ok(
            ep,
            "AdminForgetDevice",
            json!({"UserPoolId": pool.pool_id, "Username": "lea", "DeviceKey": key}),
        )
        .await;
    }
    let second = ok(ep, "AdminListDevices", list(1, Some(token))).await;
    assert_eq!(keys_of(&second), keys[2..3]);
    let third = ok(
        ep,
        "AdminListDevices",
        list(1, Some(second["PaginationToken"].clone())),
    )
    .await;
    assert_eq!(keys_of(&third), keys[3..]);
    assert!(third.get("PaginationToken").is_none(), "{third}");

    for (limit, message) in [
        (61, "Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"),
        (-1, "Value '-1' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 0"),
    ] {
        let (kind, text) = err(ep, "AdminListDevices", list(limit, None)).await;
        assert_eq!(kind, "InvalidParameterException");
        assert!(text.starts_with("1 validation error detected: "), "{text}");
        assert!(text.ends_with(message), "{text}");
    }
    let (kind, _) = err(ep, "AdminListDevices", list(10, Some(json!("garbage")))).await;
    assert_eq!(kind, "InvalidParameterException");

    let (kind, message) = err(
        ep,
        "AdminListDevices",
        json!({"UserPoolId": pool.pool_id, "Username": "nobody"}),
    )
    .await;
    assert_eq!(
        (kind.as_str(), message.as_str()),
        ("UserNotFoundException", "User does not exist.")
    );
    let (kind, _) = err(
        ep,
        "AdminListDevices",
        json!({"UserPoolId": "us-east-1_nothere00", "Username": "lea"}),
    )
    .await;
    assert_eq!(kind, "ResourceNotFoundException");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_device_operations_answer_cognitos_errors() {
    let emu = emulator().await;
    let ep = emu.endpoint();
    let (pool, keys) = user_with_devices(ep, "max", 1).await;
    let body = |username: &str, key: &str| json!({"UserPoolId": pool.pool_id, "Username": username, "DeviceKey": key});
    let unknown_key = "us-east-1_00000000-0000-4000-8000-000000000000";
    for op in [
        "AdminGetDevice",
        "AdminForgetDevice",
        "AdminUpdateDeviceStatus",
    ] {
        let (kind, message) = err(ep, op, body("max", unknown_key)).await;
        assert_eq!(
            (kind.as_str(), message.as_str()),
            ("ResourceNotFoundException", "Device does not exist."),
            "{op}"
        );
        let (kind, _) = err(ep, op, body("nobody", &keys[0])).await;
        assert_eq!(kind, "UserNotFoundException", "{op}");
    }

    let status = |device: &Value| {
        device["Device"]["DeviceAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["Name"] == "dev:device_remembered_status")
            .map(|a| a["Value"].clone())
    };
    let got = ok(ep, "AdminGetDevice", body("max", &keys[0])).await;
    assert_eq!(status(&got), Some(json!("remembered")));
    let mut update = body("max", &keys[0]);
    update["DeviceRememberedStatus"] = json!("not_remembered");
    ok(ep, "AdminUpdateDeviceStatus", update.clone()).await;
    let got = ok(ep, "AdminGetDevice", body("max", &keys[0])).await;
    assert_eq!(status(&got), Some(json!("not_remembered")));
    update["DeviceRememberedStatus"] = json!("forever");
    let (kind, message) = err(ep, "AdminUpdateDeviceStatus", update).await;
    assert_eq!(kind, "InvalidParameterException");
    assert!(
        message.ends_with("Member must satisfy enum value set: [remembered, not_remembered]"),
        "{message}"
    );

    ok(ep, "AdminForgetDevice", body("max", &keys[0])).await;
    let (kind, _) = err(ep, "AdminForgetDevice", body("max", &keys[0])).await;
    assert_eq!(kind, "ResourceNotFoundException");
    emu.shutdown().await;
}

/// Sets up TOTP for a signed-in user (AssociateSoftwareToken + VerifySoftwareToken), TOTP
/// preferred. Returns the secret.
async fn totp_user(pool: &Pool, username: &str) -> String {
    let (status, v) = srp_sign_in(pool, username, PASSWORD, None).await;
    assert_eq!(status, 200, "{v}");
    let access = v["AuthenticationResult"]["AccessToken"].clone();
    assert!(access.is_string(), "signed in without MFA: {v}");
    let associated = ok(
        &pool.ep,
        "AssociateSoftwareToken",
        json!({"AccessToken": access}),
    )
    .await;
    let secret = associated["SecretCode"].as_str().unwrap().to_owned();
    let code = cognito_emulator::totp_code(&secret, now(&pool.ep).await);
    ok(
        &pool.ep,
        "VerifySoftwareToken",
        json!({"AccessToken": access, "UserCode": code}),
    )
    .await;
    ok(
        &pool.ep,
        "SetUserMFAPreference",
        json!({"AccessToken": access, "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
    )
    .await;
    secret
}

/// Requires MFA in the pool (SMS and TOTP).
async fn require_mfa(pool: &Pool) {
    ok(
        &pool.ep,
        "SetUserPoolMfaConfig",
        json!({
            "UserPoolId": pool.pool_id, "MfaConfiguration": "ON",
            "SmsMfaConfiguration": {"SmsConfiguration": {"SnsCallerArn": "arn:aws:iam::123456789012:role/sns"}},
            "SoftwareTokenMfaConfiguration": {"Enabled": true},
        }),
    )
    .await;
}

fn settings(user: &Value) -> (Value, Value) {
    (
        user.get("UserMFASettingList").cloned().unwrap_or(json!([])),
        user.get("PreferredMfaSetting")
            .cloned()
            .unwrap_or(Value::Null),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_delete_software_token_leads_to_mfa_setup_or_the_other_factor() {
    let emu = emulator().await;
    let ep = emu.endpoint();
    let pool = setup(ep, json!({"MfaConfiguration": "OPTIONAL"}), json!({})).await;
    ok(
        ep,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool.pool_id, "MfaConfiguration": "OPTIONAL",
               "SoftwareTokenMfaConfiguration": {"Enabled": true}}),
    )
    .await;
    // Tess has only TOTP; Sam has TOTP (preferred) and a phone number with SMS enabled.
    user(&pool, "tess", json!([])).await;
    user(
        &pool,
        "sam",
        json!([{"Name": "phone_number", "Value": "+15555550111"}]),
    )
    .await;
    totp_user(&pool, "tess").await;
    totp_user(&pool, "sam").await;
    ok(
        ep,
        "AdminSetUserMFAPreference",
        json!({"UserPoolId": pool.pool_id, "Username": "sam", "SMSMfaSettings": {"Enabled": true}}),
    )
    .await;
    require_mfa(&pool).await;
    let get = |username: &str| json!({"UserPoolId": pool.pool_id, "Username": username});
    let (_, ch) = srp_sign_in(&pool, "tess", PASSWORD, None).await;
    assert_eq!(ch["ChallengeName"], "SOFTWARE_TOKEN_MFA", "{ch}");

    for username in ["tess", "sam"] {
        ok(ep, "AdminDeleteSoftwareToken", get(username)).await;
    }
    let tess = ok(ep, "AdminGetUser", get("tess")).await;
    assert_eq!(settings(&tess), (json!([]), Value::Null), "{tess}");
    let sam = ok(ep, "AdminGetUser", get("sam")).await;
    assert_eq!(settings(&sam), (json!(["SMS_MFA"]), Value::Null), "{sam}");

    let (_, ch) = srp_sign_in(&pool, "tess", PASSWORD, None).await;
    assert_eq!(ch["ChallengeName"], "MFA_SETUP", "{ch}");
    let (_, ch) = srp_sign_in(&pool, "sam", PASSWORD, None).await;
    assert_eq!(ch["ChallengeName"], "SMS_MFA", "{ch}");

    // Nothing left to delete is not an error; an unknown user is.
    ok(ep, "AdminDeleteSoftwareToken", get("tess")).await;
    let (kind, _) = err(ep, "AdminDeleteSoftwareToken", get("nobody")).await;
    assert_eq!(kind, "UserNotFoundException");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sigv4_signed_requests_are_accepted_without_checking_the_signature() {
    let emu = emulator().await;
    let ep = emu.endpoint();
    let pool = setup(ep, json!({}), json!({})).await;
    user(&pool, "ana", json!([])).await;
    let body = json!({"UserPoolId": pool.pool_id, "Username": "ana"}).to_string();
    // A well-formed SigV4 header whose signature is wrong: the emulator does not verify it.
    let authorization = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000";
    let response = cognito_emulator::client::request(
        ep,
        "POST",
        "/",
        &[
            ("content-type", "application/x-amz-json-1.1"),
            (
                "x-amz-target",
                "AWSCognitoIdentityProviderService.AdminGetUser",
            ),
            ("x-amz-date", "20260101T000000Z"),
            ("authorization", authorization),
        ],
        body.as_bytes(),
    )
    .await
    .expect("HTTP");
    assert_eq!(response.status, 200, "{}", response.json());
    assert_eq!(response.json()["Username"], "ana");
    emu.shutdown().await;
}
