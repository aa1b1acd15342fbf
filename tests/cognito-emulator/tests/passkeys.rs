//! Passkeys offered (`WEB_AUTHN`): the `/_emulator/passkeys` hook, USER_AUTH's choice and
//! preference, the `WEB_AUTHN` challenge's `CREDENTIAL_REQUEST_OPTIONS`, refused answers, and the
//! pool's `WebAuthnConfiguration`.

mod common;

use cognito_emulator::client;
use common::*;
use serde_json::{json, Value};

fn user_auth_client() -> Value {
    json!({ "ExplicitAuthFlows": ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] })
}

fn factors(list: &[&str]) -> Value {
    json!({"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": list}}})
}

async fn hook(ep: &str, method: &str, path: &str, body: Value) -> (u16, Value) {
    let bytes = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    let r = client::request(
        ep,
        method,
        path,
        &[("content-type", "application/json")],
        &bytes,
    )
    .await
    .unwrap();
    (r.status, r.json())
}

/// Registers a passkey for `username`; returns its credential id.
async fn add_passkey(pool: &Pool, username: &str) -> String {
    let (status, v) = hook(
        &pool.ep,
        "POST",
        "/_emulator/passkeys",
        json!({"userPoolId": pool.pool_id, "username": username}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    v["credentialId"].as_str().unwrap().to_owned()
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

/// The parsed `CREDENTIAL_REQUEST_OPTIONS` of a WEB_AUTHN challenge.
fn request_options(v: &Value) -> Value {
    assert_eq!(v["ChallengeName"], "WEB_AUTHN", "{v}");
    assert!(v["Session"].is_string(), "{v}");
    let raw = v["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]
        .as_str()
        .unwrap_or_else(|| panic!("CREDENTIAL_REQUEST_OPTIONS in {v}"));
    serde_json::from_str(raw).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_hook_registers_lists_and_removes_passkeys() {
    let emu = emulator().await;
    let pool = setup(
        emu.endpoint(),
        json!({"UsernameAttributes": ["email"]}),
        json!({}),
    )
    .await;
    let sub = user(
        &pool,
        "ann@example.com",
        json!([{"Name": "email", "Value": "ann@example.com"}]),
    )
    .await;
    let first = add_passkey(&pool, "ann@example.com").await;
    // A made-up id is base64url.
    assert!(first.len() >= 22, "{first}");
    assert!(first
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    let (status, v) = hook(
        &pool.ep,
        "POST",
        "/_emulator/passkeys",
        json!({"userPoolId": pool.pool_id, "username": sub, "credentialId": "Y3JlZC0y"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["username"], sub.as_str());
    assert_eq!(v["credentialId"], "Y3JlZC0y");
    assert_eq!(v["passkeys"], json!([first, "Y3JlZC0y"]));
    // Registering the same id again changes nothing.
    let (_, v) = hook(
        &pool.ep,
        "POST",
        "/_emulator/passkeys",
        json!({"userPoolId": pool.pool_id, "username": sub, "credentialId": "Y3JlZC0y"}),
    )
    .await;
    assert_eq!(v["passkeys"].as_array().unwrap().len(), 2);

    let path = format!(
        "/_emulator/passkeys?userPoolId={}&username={}",
        pool.pool_id,
        urlencode("ann@example.com")
    );
    let (status, v) = hook(&pool.ep, "GET", &path, Value::Null).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["passkeys"], json!([first, "Y3JlZC0y"]));
    let (status, v) = hook(
        &pool.ep,
        "DELETE",
        &format!("{path}&credentialId={first}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["passkeys"], json!(["Y3JlZC0y"]));
    let (_, v) = hook(&pool.ep, "DELETE", &path, Value::Null).await;
    assert_eq!(v["passkeys"], json!([]));

    // Errors: unknown pool, unknown user, missing fields, a bad id.
    let (status, v) = hook(
        &pool.ep,
        "POST",
        "/_emulator/passkeys",
        json!({"userPoolId": "us-east-1_nope12345", "username": "ann@example.com"}),
    )
    .await;
    assert_eq!(
        (status, v["__type"].as_str()),
        (400, Some("ResourceNotFoundException"))
    );
    let (status, v) = hook(
        &pool.ep,
        "POST",
        "/_emulator/passkeys",
        json!({"userPoolId": pool.pool_id, "username": "nobody@example.com"}),
    )
    .await;
    assert_eq!(
        (status, v["__type"].as_str()),
        (400, Some("UserNotFoundException"))
    );
    for body in [
        json!({"userPoolId": pool.pool_id}),
        json!({"username": "ann@example.com"}),
        json!({"userPoolId": pool.pool_id, "username": sub, "credentialId": "not base64url!"}),
        json!({"userPoolId": pool.pool_id, "username": sub, "credentialId": ""}),
    ] {
        let (status, v) = hook(&pool.ep, "POST", "/_emulator/passkeys", body.clone()).await;
        assert_eq!(status, 400, "{body}: {v}");
        assert_eq!(v["__type"], "InvalidParameterException", "{body}: {v}");
    }
    let (status, v) = hook(
        &pool.ep,
        "GET",
        &format!("/_emulator/passkeys?userPoolId={}", pool.pool_id),
        Value::Null,
    )
    .await;
    assert_eq!(
        (status, v["__type"].as_str()),
        (400, Some("InvalidParameterException"))
    );
    // At most 20 per user.
    for _ in 0..20 {
        add_passkey(&pool, &sub).await;
    }
    let (status, v) = hook(
        &pool.ep,
        "POST",
        "/_emulator/passkeys",
        json!({"userPoolId": pool.pool_id, "username": sub}),
    )
    .await;
    assert_eq!(
        (status, v["__type"].as_str()),
        (400, Some("LimitExceededException"))
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn user_auth_offers_web_authn_to_users_with_a_passkey() {
    let emu = emulator().await;
    let pool = setup(
        emu.endpoint(),
        factors(&["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]),
        user_auth_client(),
    )
    .await;
    user(
        &pool,
        "bo",
        json!([{"Name": "email", "Value": "bo@example.com"}]),
    )
    .await;
    // No passkey: not offered, and a preference for it falls back to the choice.
    let (_, v) = initiate(&pool, json!({"USERNAME": "bo"})).await;
    assert_eq!(available(&v), ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]);
    let (_, v) = initiate(
        &pool,
        json!({"USERNAME": "bo", "PREFERRED_CHALLENGE": "WEB_AUTHN"}),
    )
    .await;
    assert_eq!(v["ChallengeName"], "SELECT_CHALLENGE");

    let credential = add_passkey(&pool, "bo").await;
    let (status, v) = initiate(&pool, json!({"USERNAME": "bo"})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        available(&v),
        ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "WEB_AUTHN"]
    );
    // Choosing it in SELECT_CHALLENGE.
    let (status, ch) = answer(
        &pool,
        &v,
        "SELECT_CHALLENGE",
        json!({"USERNAME": "bo", "ANSWER": "WEB_AUTHN"}),
    )
    .await;
    assert_eq!(status, 200, "{ch}");
    let options = request_options(&ch);
    assert_eq!(options["rpId"], "localhost");
    assert_eq!(options["userVerification"], "preferred");
    assert_eq!(options["timeout"], 180_000);
    assert_eq!(
        options["allowCredentials"],
        json!([{"type": "public-key", "id": credential}])
    );
    let nonce = options["challenge"].as_str().unwrap();
    assert_eq!(nonce.len(), 43, "32 bytes in base64url: {nonce}");
    assert!(nonce
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));

    // Answering: the emulator cannot verify a passkey, so it refuses, and the session is gone.
    let assertion = json!({"id": credential, "rawId": credential, "type": "public-key",
                           "response": {"clientDataJSON": "e30", "authenticatorData": "AA",
                                        "signature": "AA"}})
    .to_string();
    let (status, v) = answer(
        &pool,
        &ch,
        "WEB_AUTHN",
        json!({"USERNAME": "bo", "CREDENTIAL": assertion}),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["__type"], "NotAuthorizedException");
    let (_, v) = answer(
        &pool,
        &ch,
        "WEB_AUTHN",
        json!({"USERNAME": "bo", "CREDENTIAL": assertion}),
    )
    .await;
    assert_eq!(
        v["message"],
        "Invalid session for the user, session can only be used once."
    );

    // PREFERRED_CHALLENGE goes straight to the challenge; CREDENTIAL is required.
    let (status, ch) = initiate(
        &pool,
        json!({"USERNAME": "bo", "PREFERRED_CHALLENGE": "WEB_AUTHN"}),
    )
    .await;
    assert_eq!(status, 200, "{ch}");
    let second = request_options(&ch);
    assert_ne!(second["challenge"], options["challenge"]);
    let (status, v) = answer(&pool, &ch, "WEB_AUTHN", json!({"USERNAME": "bo"})).await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["__type"], "InvalidParameterException");

    // Removing the passkey removes the offer.
    let path = format!(
        "/_emulator/passkeys?userPoolId={}&username=bo",
        pool.pool_id
    );
    hook(&pool.ep, "DELETE", &path, Value::Null).await;
    let (_, v) = initiate(&pool, json!({"USERNAME": "bo"})).await;
    assert_eq!(available(&v), ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]);

    // A pool whose policy leaves WEB_AUTHN out never offers it.
    let plain = setup(
        emu.endpoint(),
        factors(&["PASSWORD", "EMAIL_OTP"]),
        user_auth_client(),
    )
    .await;
    user(&plain, "cy", json!([])).await;
    add_passkey(&plain, "cy").await;
    let (_, v) = initiate(&plain, json!({"USERNAME": "cy"})).await;
    assert_eq!(available(&v), ["PASSWORD", "PASSWORD_SRP"]);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn passkey_only_users_get_a_choice_of_one() {
    let emu = emulator().await;
    let pool = setup(
        emu.endpoint(),
        factors(&["WEB_AUTHN", "EMAIL_OTP", "SMS_OTP"]),
        user_auth_client(),
    )
    .await;
    user(&pool, "di", json!([])).await;
    // Nothing the user can use: refused.
    let (status, v) = initiate(&pool, json!({"USERNAME": "di"})).await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["__type"], "NotAuthorizedException");
    add_passkey(&pool, "di").await;
    let (status, v) = initiate(&pool, json!({"USERNAME": "di"})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["ChallengeName"], "SELECT_CHALLENGE");
    assert_eq!(available(&v), ["WEB_AUTHN"]);
    let (status, ch) = answer(
        &pool,
        &v,
        "SELECT_CHALLENGE",
        json!({"USERNAME": "di", "ANSWER": "WEB_AUTHN"}),
    )
    .await;
    assert_eq!(status, 200, "{ch}");
    request_options(&ch);

    let only = setup(emu.endpoint(), factors(&["WEB_AUTHN"]), user_auth_client()).await;
    user(
        &only,
        "ed",
        json!([{"Name": "email", "Value": "ed@example.com"}]),
    )
    .await;
    add_passkey(&only, "ed").await;
    let (_, v) = initiate(&only, json!({"USERNAME": "ed"})).await;
    assert_eq!(available(&v), ["WEB_AUTHN"]);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn web_authn_configuration_shapes_the_request_options() {
    let emu = emulator().await;
    let pool = setup(
        emu.endpoint(),
        factors(&["PASSWORD", "WEB_AUTHN"]),
        json!({ "ExplicitAuthFlows": ["ALLOW_USER_AUTH"], "AuthSessionValidity": 10 }),
    )
    .await;
    let v = ok(
        &pool.ep,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool.pool_id,
               "WebAuthnConfiguration": {"RelyingPartyId": "auth.example.com",
                                         "UserVerification": "required"}}),
    )
    .await;
    assert_eq!(
        v["WebAuthnConfiguration"],
        json!({"RelyingPartyId": "auth.example.com", "UserVerification": "required"})
    );
    let v = ok(
        &pool.ep,
        "GetUserPoolMfaConfig",
        json!({"UserPoolId": pool.pool_id}),
    )
    .await;
    assert_eq!(
        v["WebAuthnConfiguration"]["RelyingPartyId"],
        "auth.example.com"
    );
    let (t, _) = err(
        &pool.ep,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool.pool_id,
               "WebAuthnConfiguration": {"UserVerification": "sometimes"}}),
    )
    .await;
    assert_eq!(t, "InvalidParameterException");

    user(&pool, "fay", json!([])).await;
    add_passkey(&pool, "fay").await;
    let (status, ch) = initiate(
        &pool,
        json!({"USERNAME": "fay", "PREFERRED_CHALLENGE": "WEB_AUTHN"}),
    )
    .await;
    assert_eq!(status, 200, "{ch}");
    let options = request_options(&ch);
    assert_eq!(options["rpId"], "auth.example.com");
    assert_eq!(options["userVerification"], "required");
    assert_eq!(options["timeout"], 600_000);
    // The session expires like any other (AuthSessionValidity 10 minutes).
    advance(&pool.ep, 601).await;
    let (_, v) = answer(
        &pool,
        &ch,
        "WEB_AUTHN",
        json!({"USERNAME": "fay", "CREDENTIAL": "{}"}),
    )
    .await;
    assert_eq!(
        v["message"],
        "Invalid session for the user, session is expired."
    );
    emu.shutdown().await;
}
