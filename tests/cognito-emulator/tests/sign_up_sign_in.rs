//! Sign-in right after sign-up: SignUp's and ConfirmSignUp's `Session`, and InitiateAuth
//! `USER_AUTH` with ConfirmSignUp's session, where the confirmation code is the first factor.

mod common;

use common::*;
use serde_json::{json, Value};

fn user_auth_client() -> Value {
    json!({ "ExplicitAuthFlows": ["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] })
}

/// SignUp with an e-mail; returns the response (with its `Session`).
async fn sign_up(pool: &Pool, username: &str, email: &str) -> Value {
    let mut body = json!({
        "ClientId": pool.client_id, "Username": username, "Password": PASSWORD,
        "UserAttributes": [{"Name": "email", "Value": email}],
    });
    if let Some(h) = pool.hash(username) {
        body["SecretHash"] = json!(h);
    }
    ok(&pool.ep, "SignUp", body).await
}

/// ConfirmSignUp with the code from the outbox and, optionally, SignUp's session.
async fn confirm(pool: &Pool, username: &str, session: Option<&Value>) -> (u16, Value) {
    let code = last_code(&pool.ep, &pool.pool_id, username).await;
    let mut body =
        json!({"ClientId": pool.client_id, "Username": username, "ConfirmationCode": code});
    if let Some(s) = session {
        body["Session"] = s.clone();
    }
    if let Some(h) = pool.hash(username) {
        body["SecretHash"] = json!(h);
    }
    call(&pool.ep, "ConfirmSignUp", body).await
}

/// InitiateAuth USER_AUTH with a session (and extra AuthParameters).
async fn sign_in(pool: &Pool, username: &str, session: &Value, extra: Value) -> (u16, Value) {
    let mut params = json!({ "USERNAME": username });
    merge(&mut params, extra);
    if let Some(h) = pool.hash(username) {
        params["SECRET_HASH"] = json!(h);
    }
    call(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_AUTH", "ClientId": pool.client_id,
               "AuthParameters": params, "Session": session}),
    )
    .await
}

async fn user_status(pool: &Pool, username: &str) -> String {
    let v = ok(
        &pool.ep,
        "AdminGetUser",
        json!({"UserPoolId": pool.pool_id, "Username": username}),
    )
    .await;
    v["UserStatus"].as_str().unwrap().to_owned()
}

fn assert_refused(status: u16, v: &Value, kind: &str, message: &str) {
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["__type"], kind, "{v}");
    assert_eq!(v["message"], message, "{v}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_confirmation_code_is_the_first_factor() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), user_auth_client()).await;
    let signed_up = sign_up(&pool, "ann", "ann@example.com").await;
    assert!(signed_up["Session"].is_string(), "{signed_up}");
    let (status, confirmed) = confirm(&pool, "ann", Some(&signed_up["Session"])).await;
    assert_eq!(status, 200, "{confirmed}");
    let session = confirmed["Session"].clone();
    assert!(session.is_string(), "{confirmed}");
    assert_eq!(user_status(&pool, "ann").await, "CONFIRMED");

    // No password, no challenge: tokens at once, and the refresh token works.
    let (status, v) = sign_in(&pool, "ann", &session, json!({})).await;
    assert_eq!(status, 200, "{v}");
    assert!(v.get("ChallengeName").is_none(), "{v}");
    let auth = &v["AuthenticationResult"];
    let id = claims(&auth["IdToken"]);
    assert_eq!(id["cognito:username"], "ann");
    assert_eq!(id["email_verified"], true);
    ok(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"REFRESH_TOKEN": auth["RefreshToken"]}}),
    )
    .await;
    let me = ok(
        &pool.ep,
        "GetUser",
        json!({"AccessToken": auth["AccessToken"]}),
    )
    .await;
    assert_eq!(me["Username"], "ann");

    // Single use.
    let (status, v) = sign_in(&pool, "ann", &session, json!({})).await;
    assert_refused(
        status,
        &v,
        "NotAuthorizedException",
        "Invalid session for the user, session can only be used once.",
    );

    // ConfirmSignUp without SignUp's session still returns one (Amplify's confirmSignUp sends
    // none and signs in with the one it gets back), and a preference is not looked at.
    sign_up(&pool, "bo", "bo@example.com").await;
    let (status, confirmed) = confirm(&pool, "bo", None).await;
    assert_eq!(status, 200, "{confirmed}");
    let (status, v) = sign_in(
        &pool,
        "bo",
        &confirmed["Session"],
        json!({"PREFERRED_CHALLENGE": "PASSWORD"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert!(v["AuthenticationResult"]["AccessToken"].is_string(), "{v}");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_session_is_bound_to_the_user_the_client_and_user_auth() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), user_auth_client()).await;
    let other = ok(
        &pool.ep,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool.pool_id, "ClientName": "other",
               "ExplicitAuthFlows": ["ALLOW_USER_AUTH", "ALLOW_USER_SRP_AUTH"]}),
    )
    .await;
    let other = Pool {
        client_id: other["UserPoolClient"]["ClientId"]
            .as_str()
            .unwrap()
            .to_owned(),
        ..pool.clone()
    };
    sign_up(&pool, "cy", "cy@example.com").await;
    sign_up(&pool, "di", "di@example.com").await;
    let (_, cy) = confirm(&pool, "cy", None).await;
    let (_, di) = confirm(&pool, "di", None).await;
    let invalid = "Invalid session for the user.";

    // Another user's session, another client, SignUp's session instead of ConfirmSignUp's, a
    // made-up one: refused, and the right session is not used up by them.
    let (status, v) = sign_in(&pool, "di", &cy["Session"], json!({})).await;
    assert_refused(status, &v, "NotAuthorizedException", invalid);
    let (status, v) = sign_in(&other, "cy", &cy["Session"], json!({})).await;
    assert_refused(status, &v, "NotAuthorizedException", invalid);
    let (status, v) = sign_in(&pool, "cy", &json!("made-up"), json!({})).await;
    assert_refused(status, &v, "NotAuthorizedException", invalid);
    let fresh = sign_up(&pool, "ed", "ed@example.com").await;
    let (status, v) = sign_in(&pool, "ed", &fresh["Session"], json!({})).await;
    assert_refused(status, &v, "NotAuthorizedException", invalid);
    // Only with USER_AUTH.
    let (status, v) = call(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"USERNAME": "cy", "PASSWORD": PASSWORD}, "Session": cy["Session"]}),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["__type"], "InvalidParameterException");
    // A sign-up session does not answer a challenge either.
    let (status, v) = call(
        &pool.ep,
        "RespondToAuthChallenge",
        json!({"ClientId": pool.client_id, "ChallengeName": "EMAIL_OTP", "Session": cy["Session"],
               "ChallengeResponses": {"USERNAME": "cy", "EMAIL_OTP_CODE": "123456"}}),
    )
    .await;
    assert_refused(status, &v, "NotAuthorizedException", invalid);

    let (status, v) = sign_in(&pool, "cy", &cy["Session"], json!({})).await;
    assert_eq!(status, 200, "{v}");
    assert!(v["AuthenticationResult"]["IdToken"].is_string());

    // A client without ALLOW_USER_AUTH cannot use it.
    let plain = setup(emu.endpoint(), json!({}), json!({})).await;
    sign_up(&plain, "fay", "fay@example.com").await;
    let (_, fay) = confirm(&plain, "fay", None).await;
    let (status, v) = sign_in(&plain, "fay", &fay["Session"], json!({})).await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["__type"], "InvalidParameterException");

    // The session expires with the client's AuthSessionValidity (3 minutes by default).
    let (status, v) = sign_in(&pool, "di", &di["Session"], json!({})).await;
    assert_eq!(status, 200, "{v}");
    sign_up(&pool, "gil", "gil@example.com").await;
    let (_, gil) = confirm(&pool, "gil", None).await;
    advance(&pool.ep, 181).await;
    let (status, v) = sign_in(&pool, "gil", &gil["Session"], json!({})).await;
    assert_refused(
        status,
        &v,
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn confirm_sign_up_checks_the_sign_up_session_before_the_code() {
    let emu = emulator().await;
    let pool = setup(
        emu.endpoint(),
        json!({}),
        json!({ "ExplicitAuthFlows": ["ALLOW_USER_AUTH"], "AuthSessionValidity": 5 }),
    )
    .await;
    let hal = sign_up(&pool, "hal", "hal@example.com").await;
    let ida = sign_up(&pool, "ida", "ida@example.com").await;
    // Another user's SignUp session: refused, the user stays unconfirmed, the code stays good.
    let (status, v) = confirm(&pool, "hal", Some(&ida["Session"])).await;
    assert_refused(
        status,
        &v,
        "NotAuthorizedException",
        "Invalid session for the user.",
    );
    assert_eq!(user_status(&pool, "hal").await, "UNCONFIRMED");
    // A wrong code does not use SignUp's session up.
    let (status, v) = call(
        &pool.ep,
        "ConfirmSignUp",
        json!({"ClientId": pool.client_id, "Username": "hal", "ConfirmationCode": "000000",
               "Session": hal["Session"]}),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    let (status, v) = confirm(&pool, "hal", Some(&hal["Session"])).await;
    assert_eq!(status, 200, "{v}");
    assert!(v["Session"].is_string());

    // AuthSessionValidity 5: alive after 4 minutes, expired after 5.
    advance(&pool.ep, 240).await;
    let (status, v) = confirm(&pool, "ida", Some(&ida["Session"])).await;
    assert_eq!(status, 200, "{v}");
    let session = v["Session"].clone();
    advance(&pool.ep, 240).await;
    let (status, v) = sign_in(&pool, "ida", &session, json!({})).await;
    assert_eq!(status, 200, "{v}");
    let jo = sign_up(&pool, "jo", "jo@example.com").await;
    advance(&pool.ep, 301).await;
    let (status, v) = confirm(&pool, "jo", Some(&jo["Session"])).await;
    assert_refused(
        status,
        &v,
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
    );
    // Without the stale session the code confirms, and a new session comes back.
    let (status, v) = confirm(&pool, "jo", None).await;
    assert_eq!(status, 200, "{v}");
    assert!(v["Session"].is_string());
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn after_the_first_factor_as_after_a_one_time_password() {
    let emu = emulator().await;
    // MFA required, devices tracked, e-mail as username, a client with a secret.
    let pool = setup(
        emu.endpoint(),
        json!({"MfaConfiguration": "ON", "UsernameAttributes": ["email"],
               "DeviceConfiguration": {"ChallengeRequiredOnNewDevice": true,
                                       "DeviceOnlyRememberedOnUserPrompt": false}}),
        json!({ "ExplicitAuthFlows": ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                "GenerateSecret": true }),
    )
    .await;
    assert!(pool.client_secret.is_some());
    let email = "kim@example.com";
    let signed_up = sign_up(&pool, email, email).await;
    let sub = signed_up["UserSub"].as_str().unwrap().to_owned();
    let (status, confirmed) = confirm(&pool, email, Some(&signed_up["Session"])).await;
    assert_eq!(status, 200, "{confirmed}");
    let session = confirmed["Session"].clone();

    // Without SECRET_HASH: refused before the session is looked at.
    let (status, v) = call(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"USERNAME": email}, "Session": session}),
    )
    .await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["__type"], "NotAuthorizedException");

    // The e-mail signs in (an alias of the sub); no MFA after it; a new device is issued.
    let (status, v) = sign_in(&pool, email, &session, json!({})).await;
    assert_eq!(status, 200, "{v}");
    let auth = &v["AuthenticationResult"];
    assert_eq!(claims(&auth["AccessToken"])["username"], sub.as_str());
    assert!(auth["NewDeviceMetadata"]["DeviceKey"].is_string(), "{auth}");

    // A user disabled between confirmation and sign-in is refused.
    let lee = "lee@example.com";
    sign_up(&pool, lee, lee).await;
    let (_, confirmed) = confirm(&pool, lee, None).await;
    ok(
        &pool.ep,
        "AdminDisableUser",
        json!({"UserPoolId": pool.pool_id, "Username": lee}),
    )
    .await;
    let (status, v) = sign_in(&pool, lee, &confirmed["Session"], json!({})).await;
    assert_refused(status, &v, "NotAuthorizedException", "User is disabled.");
    emu.shutdown().await;
}
