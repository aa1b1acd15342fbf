//! Remembered devices: confirm, remember, device SRP instead of MFA, forget, refresh binding.

mod common;

use common::*;
use serde_json::{json, Value};

async fn device_pool(ep: &str, on_prompt: bool) -> Pool {
    let pool = setup(
        ep,
        json!({"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": true,
                                        "DeviceOnlyRememberedOnUserPrompt": on_prompt}}),
        json!({}),
    )
    .await;
    ok(
        ep,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool.pool_id, "MfaConfiguration": "ON",
               "SmsMfaConfiguration": {}}),
    )
    .await;
    user(
        &pool,
        "dora",
        json!([{"Name": "phone_number", "Value": "+15555559876"}]),
    )
    .await;
    pool
}

/// Signs in with password + SMS MFA; returns the final response.
async fn sign_in_with_sms(pool: &Pool, device_key: Option<&str>) -> Value {
    let (status, ch) = srp_sign_in(pool, "dora", PASSWORD, device_key).await;
    assert_eq!(status, 200, "{ch}");
    assert_eq!(ch["ChallengeName"], "SMS_MFA", "{ch}");
    let code = last_code(&pool.ep, &pool.pool_id, "dora").await;
    let (status, v) = answer(pool, &ch, "SMS_MFA", json!({"SMS_MFA_CODE": code})).await;
    assert_eq!(status, 200, "{v}");
    v
}

#[tokio::test(flavor = "multi_thread")]
async fn remembered_device_replaces_mfa_until_forgotten() {
    let emu = emulator().await;
    let pool = device_pool(emu.endpoint(), false).await;

    let v = sign_in_with_sms(&pool, None).await;
    let auth = &v["AuthenticationResult"];
    let meta = &auth["NewDeviceMetadata"];
    assert!(meta["DeviceKey"]
        .as_str()
        .unwrap()
        .starts_with("us-east-1_"));
    assert!(meta["DeviceGroupKey"].as_str().unwrap().starts_with('-'));
    assert_eq!(
        claims(&auth["AccessToken"])["device_key"],
        meta["DeviceKey"]
    );
    let (device, confirmed) = confirm_device(&pool, auth).await;
    assert_eq!(confirmed["UserConfirmationNecessary"], false);

    let listed = ok(
        &pool.ep,
        "ListDevices",
        json!({"AccessToken": auth["AccessToken"]}),
    )
    .await;
    let d = &listed["Devices"][0];
    assert_eq!(d["DeviceKey"], device.key.as_str());
    let attrs = d["DeviceAttributes"].as_array().unwrap();
    assert!(attrs
        .iter()
        .any(|a| a["Name"] == "dev:device_remembered_status" && a["Value"] == "remembered"));
    assert!(attrs
        .iter()
        .any(|a| a["Name"] == "device_name" && a["Value"] == "test phone"));
    assert!(d["DeviceCreateDate"].is_u64());

    // Password + device key: DEVICE_SRP_AUTH instead of SMS.
    let before = messages(&pool.ep, &pool.pool_id, "dora").await.len();
    let (status, ch) = srp_sign_in(&pool, "dora", PASSWORD, Some(&device.key)).await;
    assert_eq!(status, 200, "{ch}");
    assert_eq!(ch["ChallengeName"], "DEVICE_SRP_AUTH", "{ch}");
    let (status, v) = device_srp(&pool, &ch, &device, device.secret.secret(), true).await;
    assert_eq!(status, 200, "{v}");
    let auth2 = v["AuthenticationResult"].clone();
    assert!(auth2.get("NewDeviceMetadata").is_none());
    assert_eq!(
        claims(&auth2["AccessToken"])["device_key"],
        device.key.as_str()
    );
    assert_eq!(
        messages(&pool.ep, &pool.pool_id, "dora").await.len(),
        before,
        "no SMS sent"
    );

    // Refresh of a device-bound token needs the DEVICE_KEY.
    let refresh = auth2["RefreshToken"].clone();
    let (t, _) = err(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"REFRESH_TOKEN": refresh}}),
    )
    .await;
    assert_eq!(t, "NotAuthorizedException");
    let r = ok(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"REFRESH_TOKEN": refresh, "DEVICE_KEY": device.key}}),
    )
    .await;
    assert_eq!(
        claims(&r["AuthenticationResult"]["AccessToken"])["device_key"],
        device.key.as_str()
    );

    // A wrong device secret is rejected.
    let (_, ch) = srp_sign_in(&pool, "dora", PASSWORD, Some(&device.key)).await;
    let (status, v) = device_srp(&pool, &ch, &device, "not-the-device-secret", true).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "NotAuthorizedException");
    assert_eq!(v["message"], "Incorrect username or password.");

    // Strict mode: the device challenges need their Session.
    let (_, ch) = srp_sign_in(&pool, "dora", PASSWORD, Some(&device.key)).await;
    let (status, v) = device_srp(&pool, &ch, &device, device.secret.secret(), false).await;
    assert_eq!(status, 400, "{v}");

    // Forget the device: MFA again, and the key is refused.
    ok(
        &pool.ep,
        "ForgetDevice",
        json!({"AccessToken": auth2["AccessToken"], "DeviceKey": device.key}),
    )
    .await;
    let (status, v) = srp_sign_in(&pool, "dora", PASSWORD, Some(&device.key)).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "ResourceNotFoundException");
    assert_eq!(v["message"], "Device does not exist.");
    let v = sign_in_with_sms(&pool, None).await;
    assert!(v["AuthenticationResult"]["NewDeviceMetadata"].is_object());
    let (t, _) = err(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"REFRESH_TOKEN": refresh, "DEVICE_KEY": device.key}}),
    )
    .await;
    assert_eq!(t, "NotAuthorizedException");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn not_remembered_device_still_gets_mfa() {
    let emu = emulator().await;
    let pool = device_pool(emu.endpoint(), true).await;
    let v = sign_in_with_sms(&pool, None).await;
    let auth = v["AuthenticationResult"].clone();
    let (device, confirmed) = confirm_device(&pool, &auth).await;
    assert_eq!(confirmed["UserConfirmationNecessary"], true);
    let d = ok(
        &pool.ep,
        "GetDevice",
        json!({"AccessToken": auth["AccessToken"], "DeviceKey": device.key}),
    )
    .await;
    assert!(d["Device"]["DeviceAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["Value"] == "not_remembered"));

    // Tracked but not remembered: SMS is still asked, and no new device is issued.
    let v = sign_in_with_sms(&pool, Some(&device.key)).await;
    assert!(v["AuthenticationResult"].get("NewDeviceMetadata").is_none());
    assert_eq!(
        claims(&v["AuthenticationResult"]["AccessToken"])["device_key"],
        device.key.as_str()
    );

    ok(
        &pool.ep,
        "UpdateDeviceStatus",
        json!({"AccessToken": auth["AccessToken"], "DeviceKey": device.key,
               "DeviceRememberedStatus": "remembered"}),
    )
    .await;
    let (_, ch) = srp_sign_in(&pool, "dora", PASSWORD, Some(&device.key)).await;
    assert_eq!(ch["ChallengeName"], "DEVICE_SRP_AUTH");
    let (status, v) = device_srp(&pool, &ch, &device, device.secret.secret(), true).await;
    assert_eq!(status, 200, "{v}");

    // Admin view and admin forget.
    let list = ok(
        &pool.ep,
        "AdminListDevices",
        json!({"UserPoolId": pool.pool_id, "Username": "dora"}),
    )
    .await;
    assert_eq!(list["Devices"].as_array().unwrap().len(), 1);
    ok(
        &pool.ep,
        "AdminForgetDevice",
        json!({"UserPoolId": pool.pool_id, "Username": "dora", "DeviceKey": device.key}),
    )
    .await;
    let (t, _) = err(
        &pool.ep,
        "AdminGetDevice",
        json!({"UserPoolId": pool.pool_id, "Username": "dora", "DeviceKey": device.key}),
    )
    .await;
    assert_eq!(t, "ResourceNotFoundException");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn list_devices_paginates() {
    let emu = emulator().await;
    let pool = setup(
        emu.endpoint(),
        json!({"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": false,
                                        "DeviceOnlyRememberedOnUserPrompt": false}}),
        json!({}),
    )
    .await;
    user(&pool, "pat", json!([])).await;
    let mut access = Value::Null;
    for _ in 0..3 {
        let (status, v) = srp_sign_in(&pool, "pat", PASSWORD, None).await;
        assert_eq!(status, 200, "{v}");
        confirm_device(&pool, &v["AuthenticationResult"]).await;
        access = v["AuthenticationResult"]["AccessToken"].clone();
    }
    let page1 = ok(
        &pool.ep,
        "ListDevices",
        json!({"AccessToken": access, "Limit": 2}),
    )
    .await;
    assert_eq!(page1["Devices"].as_array().unwrap().len(), 2);
    let token = page1["PaginationToken"].clone();
    assert!(token.is_string());
    let page2 = ok(
        &pool.ep,
        "ListDevices",
        json!({"AccessToken": access, "Limit": 2, "PaginationToken": token}),
    )
    .await;
    assert_eq!(page2["Devices"].as_array().unwrap().len(), 1);
    assert!(page2.get("PaginationToken").is_none());
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_mfa_a_tracked_device_uses_device_srp_and_lenient_mode_allows_no_session() {
    let emu = cognito_emulator::start(cognito_emulator::EmulatorConfig {
        lenient_device_session: true,
        ..Default::default()
    })
    .await
    .unwrap();
    let pool = setup(
        emu.endpoint(),
        json!({"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": false,
                                        "DeviceOnlyRememberedOnUserPrompt": true}}),
        json!({}),
    )
    .await;
    user(&pool, "lee", json!([])).await;
    let (_, v) = srp_sign_in(&pool, "lee", PASSWORD, None).await;
    let (device, _) = confirm_device(&pool, &v["AuthenticationResult"]).await;
    let (_, ch) = srp_sign_in(&pool, "lee", PASSWORD, Some(&device.key)).await;
    assert_eq!(ch["ChallengeName"], "DEVICE_SRP_AUTH", "{ch}");
    // pycognito style: no Session on either device challenge.
    let (status, v) = device_srp(&pool, &ch, &device, device.secret.secret(), false).await;
    assert_eq!(status, 200, "{v}");
    assert!(v["AuthenticationResult"]["AccessToken"].is_string());
    emu.shutdown().await;
}

/// amazon-cognito-identity-js: a PASSWORD_VERIFIER answer refused only for a forgotten
/// DEVICE_KEY leaves the session usable, so the same answer without DEVICE_KEY (acij sends
/// `"DEVICE_KEY": null`) goes on to MFA; both with the Session and found by SECRET_BLOCK.
#[tokio::test(flavor = "multi_thread")]
async fn forgotten_device_key_rejection_leaves_the_password_verifier_session_usable() {
    let emu = emulator().await;
    let pool = device_pool(emu.endpoint(), false).await;
    let v = sign_in_with_sms(&pool, None).await;
    let auth = &v["AuthenticationResult"];
    let (device, _) = confirm_device(&pool, auth).await;
    ok(
        &pool.ep,
        "ForgetDevice",
        json!({"AccessToken": auth["AccessToken"], "DeviceKey": device.key}),
    )
    .await;

    for with_session in [true, false] {
        let (a, status, ch) = srp_start(&pool, "dora").await;
        assert_eq!(status, 200, "{ch}");
        let mut body = verifier_answer(&pool, &a, &ch, PASSWORD, Some(&device.key));
        if !with_session {
            body.as_object_mut().unwrap().remove("Session");
        }
        let (status, v) = call(&pool.ep, "RespondToAuthChallenge", body.clone()).await;
        assert_eq!(
            (status, v["__type"].as_str()),
            (400, Some("ResourceNotFoundException"))
        );
        assert_eq!(v["message"], "Device does not exist.");

        // The retry, byte for byte the same answer but DEVICE_KEY null.
        body["ChallengeResponses"]["DEVICE_KEY"] = Value::Null;
        let (status, mfa) = call(&pool.ep, "RespondToAuthChallenge", body.clone()).await;
        assert_eq!(status, 200, "{mfa}");
        assert_eq!(mfa["ChallengeName"], "SMS_MFA", "{mfa}");
        // Now the session is used up.
        let (status, v) = call(&pool.ep, "RespondToAuthChallenge", body).await;
        assert_eq!(status, 400, "{v}");
        assert_eq!(
            v["message"],
            "Invalid session for the user, session can only be used once."
        );
        let code = last_code(&pool.ep, &pool.pool_id, "dora").await;
        let (status, v) = answer(&pool, &mfa, "SMS_MFA", json!({"SMS_MFA_CODE": code})).await;
        assert_eq!(status, 200, "{v}");
        assert!(v["AuthenticationResult"]["NewDeviceMetadata"].is_object());
    }

    // A wrong password with the stale key still uses the session up.
    let (a, _, ch) = srp_start(&pool, "dora").await;
    let mut body = verifier_answer(&pool, &a, &ch, "Wrong-passw0rd!", Some(&device.key));
    let (status, v) = call(&pool.ep, "RespondToAuthChallenge", body.clone()).await;
    assert_eq!(
        (status, v["__type"].as_str()),
        (400, Some("NotAuthorizedException"))
    );
    body["ChallengeResponses"]["DEVICE_KEY"] = Value::Null;
    let (_, v) = call(&pool.ep, "RespondToAuthChallenge", body).await;
    assert_eq!(
        v["message"],
        "Invalid session for the user, session can only be used once."
    );

    // Retries are bounded: the third refusal for the device uses the session up.
    let (a, _, ch) = srp_start(&pool, "dora").await;
    let body = verifier_answer(&pool, &a, &ch, PASSWORD, Some(&device.key));
    for _ in 0..3 {
        let (_, v) = call(&pool.ep, "RespondToAuthChallenge", body.clone()).await;
        assert_eq!(v["__type"], "ResourceNotFoundException", "{v}");
    }
    let (_, v) = call(&pool.ep, "RespondToAuthChallenge", body).await;
    assert_eq!(
        v["message"],
        "Invalid session for the user, session can only be used once."
    );
}
