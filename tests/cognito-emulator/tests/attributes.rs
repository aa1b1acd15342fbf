//! DeleteUserAttributes over HTTP: what is deleted, what is refused, validation and the access
//! token checks.

mod common;

use common::*;
use serde_json::{json, Value};

async fn access_token(pool: &Pool, username: &str) -> Value {
    let v = ok(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD}}),
    )
    .await;
    v["AuthenticationResult"]["AccessToken"].clone()
}

/// The user's attributes as GetUser shows them, by name.
async fn attributes(pool: &Pool, access: &Value) -> serde_json::Map<String, Value> {
    let me = ok(&pool.ep, "GetUser", json!({"AccessToken": access})).await;
    me["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["Name"].as_str().unwrap().to_owned(), a["Value"].clone()))
        .collect()
}

async fn delete(pool: &Pool, access: &Value, names: Value) -> (u16, Value) {
    call(
        &pool.ep,
        "DeleteUserAttributes",
        json!({"AccessToken": access, "UserAttributeNames": names}),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn deletes_standard_and_custom_attributes() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    user(
        &pool,
        "ann",
        json!([{"Name": "email", "Value": "ann@example.com"},
               {"Name": "email_verified", "Value": "true"},
               {"Name": "phone_number", "Value": "+15555550100"},
               {"Name": "phone_number_verified", "Value": "true"},
               {"Name": "birthdate", "Value": "1990-01-01"},
               {"Name": "custom:team", "Value": "blue"}]),
    )
    .await;
    let access = access_token(&pool, "ann").await;

    let (status, v) = delete(&pool, &access, json!(["birthdate", "custom:team"])).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v, json!({}));
    let attrs = attributes(&pool, &access).await;
    assert!(!attrs.contains_key("birthdate"), "{attrs:?}");
    assert!(!attrs.contains_key("custom:team"), "{attrs:?}");
    assert_eq!(attrs["email"], "ann@example.com");

    // Deleting e-mail or phone takes its verified flag with it.
    let (status, v) = delete(&pool, &access, json!(["email", "phone_number"])).await;
    assert_eq!(status, 200, "{v}");
    let attrs = attributes(&pool, &access).await;
    for gone in [
        "email",
        "email_verified",
        "phone_number",
        "phone_number_verified",
    ] {
        assert!(!attrs.contains_key(gone), "{gone} in {attrs:?}");
    }
    assert!(attrs.contains_key("sub"));
    // The administrator sees the same, and the next ID token has no e-mail.
    let admin = ok(
        &pool.ep,
        "AdminGetUser",
        json!({"UserPoolId": pool.pool_id, "Username": "ann"}),
    )
    .await;
    assert!(!admin["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["Name"] == "email"));
    let v = ok(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"USERNAME": "ann", "PASSWORD": PASSWORD}}),
    )
    .await;
    let id = claims(&v["AuthenticationResult"]["IdToken"]);
    assert!(id.get("email").is_none(), "{id}");
    assert!(id.get("email_verified").is_none(), "{id}");

    // Names the user has no value for are ignored, and so is an empty list.
    let (status, v) = delete(
        &pool,
        &access,
        json!(["birthdate", "nickname", "custom:none"]),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = delete(&pool, &access, json!([])).await;
    assert_eq!(status, 200, "{v}");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_email_cannot_be_verified_with_an_old_code() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    user(
        &pool,
        "bo",
        json!([{"Name": "email", "Value": "bo@example.com"}]),
    )
    .await;
    let access = access_token(&pool, "bo").await;
    ok(
        &pool.ep,
        "GetUserAttributeVerificationCode",
        json!({"AccessToken": access, "AttributeName": "email"}),
    )
    .await;
    let code = last_code(&pool.ep, &pool.pool_id, "bo").await;
    let (status, v) = delete(&pool, &access, json!(["email"])).await;
    assert_eq!(status, 200, "{v}");
    let (t, _) = err(
        &pool.ep,
        "VerifyUserAttribute",
        json!({"AccessToken": access, "AttributeName": "email", "Code": code}),
    )
    .await;
    assert_eq!(t, "CodeMismatchException");
    let attrs = attributes(&pool, &access).await;
    assert!(!attrs.contains_key("email_verified"), "{attrs:?}");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refuses_sub_verified_flags_unknown_and_required_attributes() {
    let emu = emulator().await;
    let pool = setup(
        emu.endpoint(),
        json!({"Schema": [
            {"Name": "name", "AttributeDataType": "String", "Required": true, "Mutable": true},
            {"Name": "nickname", "AttributeDataType": "String", "Required": false}
        ]}),
        json!({}),
    )
    .await;
    user(
        &pool,
        "cy",
        json!([{"Name": "name", "Value": "Cy"},
               {"Name": "nickname", "Value": "cee"},
               {"Name": "email", "Value": "cy@example.com"},
               {"Name": "email_verified", "Value": "true"}]),
    )
    .await;
    let access = access_token(&pool, "cy").await;
    for (names, message) in [
        (json!(["sub"]), "user.sub: Attribute cannot be deleted."),
        (
            json!(["email_verified"]),
            "user.email_verified: Attribute cannot be deleted.",
        ),
        (
            json!(["favourite_colour"]),
            "user.favourite_colour: Attribute does not exist in the schema.",
        ),
        (json!(["name"]), "user.name: The attribute is required"),
        // One refused name refuses the whole request: nickname stays.
        (
            json!(["nickname", "name"]),
            "user.name: The attribute is required",
        ),
    ] {
        let (status, v) = delete(&pool, &access, names.clone()).await;
        assert_eq!(status, 400, "{names}: {v}");
        assert_eq!(v["__type"], "InvalidParameterException", "{names}: {v}");
        assert_eq!(v["message"], message, "{names}");
    }
    let attrs = attributes(&pool, &access).await;
    assert_eq!(attrs["name"], "Cy");
    assert_eq!(attrs["nickname"], "cee");
    assert_eq!(attrs["email_verified"], "true");
    // An attribute the schema does not require can go.
    let (status, v) = delete(&pool, &access, json!(["nickname"])).await;
    assert_eq!(status, 200, "{v}");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn validation_and_access_token_errors() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    user(
        &pool,
        "dee",
        json!([{"Name": "email", "Value": "dee@example.com"}]),
    )
    .await;
    let access = access_token(&pool, "dee").await;

    let (t, m) = err(
        &pool.ep,
        "DeleteUserAttributes",
        json!({"AccessToken": access}),
    )
    .await;
    assert_eq!(t, "InvalidParameterException");
    assert!(
        m.contains("Value null at 'userAttributeNames'") && m.contains("must not be null"),
        "{m}"
    );
    let (t, _) = err(
        &pool.ep,
        "DeleteUserAttributes",
        json!({"UserAttributeNames": ["email"]}),
    )
    .await;
    assert_eq!(t, "InvalidParameterException");
    for names in [json!([""]), json!(["a".repeat(33)]), json!(["two words"])] {
        let (status, v) = delete(&pool, &access, names.clone()).await;
        assert_eq!(status, 400, "{names}: {v}");
        assert_eq!(v["__type"], "InvalidParameterException");
        let m = v["message"].as_str().unwrap();
        assert!(
            m.starts_with("1 validation error detected") && m.contains("at 'userAttributeNames'"),
            "{m}"
        );
    }
    for bad in [json!("email"), json!([1])] {
        let (status, v) = delete(&pool, &access, bad).await;
        assert_eq!(status, 400, "{v}");
        assert_eq!(v["__type"], "SerializationException");
    }

    // Access token checks, as for the other access-token operations.
    let (status, v) = delete(&pool, &json!("not-a-token"), json!(["email"])).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "NotAuthorizedException");
    assert_eq!(v["message"], "Invalid Access Token");
    ok(&pool.ep, "GlobalSignOut", json!({"AccessToken": access})).await;
    let (_, v) = delete(&pool, &access, json!(["email"])).await;
    assert_eq!(v["__type"], "NotAuthorizedException");
    assert_eq!(v["message"], "Access Token has been revoked");
    let access = access_token(&pool, "dee").await;
    advance(&pool.ep, 3601).await;
    let (_, v) = delete(&pool, &access, json!(["email"])).await;
    assert_eq!(v["__type"], "NotAuthorizedException");
    assert_eq!(v["message"], "Access Token has expired");
    // Nothing was deleted by the refused calls.
    let admin = ok(
        &pool.ep,
        "AdminGetUser",
        json!({"UserPoolId": pool.pool_id, "Username": "dee"}),
    )
    .await;
    assert!(admin["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["Name"] == "email"));
    emu.shutdown().await;
}
