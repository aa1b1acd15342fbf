//! Password sign-in (SRP and USER_PASSWORD_AUTH), tokens, refresh, sign-out, sessions.

mod common;

use common::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn srp_sign_in_issues_verifiable_tokens() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    user(
        &pool,
        "alice",
        json!([{"Name": "email", "Value": "alice@example.com"}]),
    )
    .await;

    let (a, status, ch) = srp_start(&pool, "alice").await;
    assert_eq!(status, 200, "{ch}");
    let p = &ch["ChallengeParameters"];
    assert_eq!(p["USER_ID_FOR_SRP"], "alice");
    assert_eq!(p["USERNAME"], "alice");
    assert!(p["SALT"]
        .as_str()
        .unwrap()
        .chars()
        .all(|c| c.is_ascii_hexdigit()));
    let (status, v) = call(
        &pool.ep,
        "RespondToAuthChallenge",
        verifier_answer(&pool, &a, &ch, PASSWORD, None),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let auth = &v["AuthenticationResult"];
    assert_eq!(auth["TokenType"], "Bearer");
    assert_eq!(auth["ExpiresIn"], 3600);
    assert!(auth.get("NewDeviceMetadata").is_none(), "devices are off");
    let id = claims(&auth["IdToken"]);
    let access = claims(&auth["AccessToken"]);
    let iss = format!("{}/{}", pool.ep, pool.pool_id);
    assert_eq!(id["iss"], iss);
    assert_eq!(id["aud"], pool.client_id);
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["cognito:username"], "alice");
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["client_id"], pool.client_id);
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(access["username"], "alice");
    assert_eq!(access["sub"], id["sub"]);
    assert_eq!(access["origin_jti"], id["origin_jti"]);
    assert_eq!(
        access["exp"].as_u64().unwrap() - access["iat"].as_u64().unwrap(),
        3600
    );

    // The signature verifies against the JWKS.
    let r = cognito_emulator::client::request(
        &pool.ep,
        "GET",
        &format!("/{}/.well-known/jwks.json", pool.pool_id),
        &[],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200);
    // As in Cognito, two keys: ID tokens and access tokens are signed with different ones.
    let keys = r.json()["keys"].as_array().cloned().unwrap();
    assert_eq!(keys.len(), 2);
    assert_ne!(keys[0]["kid"], keys[1]["kid"]);
    let jwk_of = |token: &serde_json::Value| {
        let kid = header(token.as_str().unwrap())["kid"].clone();
        keys.iter().find(|k| k["kid"] == kid).cloned().unwrap()
    };
    let (access_jwk, id_jwk) = (jwk_of(&auth["AccessToken"]), jwk_of(&auth["IdToken"]));
    assert_ne!(access_jwk["kid"], id_jwk["kid"]);
    verify_rs256(auth["AccessToken"].as_str().unwrap(), &access_jwk);
    verify_rs256(auth["IdToken"].as_str().unwrap(), &id_jwk);

    // The access token works.
    let me = ok(
        &pool.ep,
        "GetUser",
        json!({"AccessToken": auth["AccessToken"]}),
    )
    .await;
    assert_eq!(me["Username"], "alice");
    emu.shutdown().await;
}

/// A JWT's header.
fn header(token: &str) -> serde_json::Value {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let h = URL_SAFE_NO_PAD
        .decode(token.split('.').next().unwrap())
        .unwrap();
    serde_json::from_slice(&h).unwrap()
}

fn verify_rs256(token: &str, jwk: &serde_json::Value) {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use rsa::{BigUint, Pkcs1v15Sign, RsaPublicKey};
    use sha2_10::{Digest, Sha256};
    let n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
    let e = URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap()).unwrap();
    let key = RsaPublicKey::new(BigUint::from_bytes_be(&n), BigUint::from_bytes_be(&e)).unwrap();
    let (input, sig) = token.rsplit_once('.').unwrap();
    let header: serde_json::Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(input.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["kid"], jwk["kid"]);
    key.verify(
        Pkcs1v15Sign::new::<Sha256>(),
        &Sha256::digest(input.as_bytes()),
        &URL_SAFE_NO_PAD.decode(sig).unwrap(),
    )
    .expect("RS256 signature verifies");
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_unknown_and_unconfirmed_users() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    user(&pool, "bob", json!([])).await;

    let (status, v) = srp_sign_in(&pool, "bob", "Wrong-passw0rd", None).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "NotAuthorizedException");
    assert_eq!(v["message"], "Incorrect username or password.");

    let (_, status, v) = srp_start(&pool, "nobody").await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "UserNotFoundException");

    ok(
        &pool.ep,
        "SignUp",
        json!({"ClientId": pool.client_id, "Username": "carol", "Password": PASSWORD,
               "UserAttributes": [{"Name": "email", "Value": "carol@example.com"}]}),
    )
    .await;
    let (status, v) = srp_sign_in(&pool, "carol", PASSWORD, None).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "UserNotConfirmedException");

    // Confirm with the code from the outbox, then sign in.
    let code = last_code(&pool.ep, &pool.pool_id, "carol").await;
    let (t, _) = err(
        &pool.ep,
        "ConfirmSignUp",
        json!({"ClientId": pool.client_id, "Username": "carol", "ConfirmationCode": "000000x"}),
    )
    .await;
    assert_eq!(t, "CodeMismatchException");
    ok(
        &pool.ep,
        "ConfirmSignUp",
        json!({"ClientId": pool.client_id, "Username": "carol", "ConfirmationCode": code}),
    )
    .await;
    let (status, v) = srp_sign_in(&pool, "carol", PASSWORD, None).await;
    assert_eq!(status, 200, "{v}");

    // Bad SRP_A and bad TIMESTAMP.
    let (t, _) = err(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"USERNAME": "bob", "SRP_A": "0"}}),
    )
    .await;
    assert_eq!(t, "InvalidParameterException");
    let (a, _, ch) = srp_start(&pool, "bob").await;
    let mut body = verifier_answer(&pool, &a, &ch, PASSWORD, None);
    body["ChallengeResponses"]["TIMESTAMP"] = json!("2024-01-01T00:00:00Z");
    let (t, _) = err(&pool.ep, "RespondToAuthChallenge", body).await;
    assert_eq!(t, "InvalidParameterException");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn email_username_pool_uses_sub_as_user_id_for_srp() {
    let emu = emulator().await;
    let pool = setup(
        emu.endpoint(),
        json!({"UsernameAttributes": ["email"]}),
        json!({}),
    )
    .await;
    let canonical = user(&pool, "dave@example.com", json!([])).await;
    assert_eq!(canonical.len(), 36, "canonical username is the sub");
    let (a, status, ch) = srp_start(&pool, "dave@example.com").await;
    assert_eq!(status, 200);
    assert_eq!(
        ch["ChallengeParameters"]["USER_ID_FOR_SRP"],
        canonical.as_str()
    );
    let (status, v) = call(
        &pool.ep,
        "RespondToAuthChallenge",
        verifier_answer(&pool, &a, &ch, PASSWORD, None),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let id = claims(&v["AuthenticationResult"]["IdToken"]);
    assert_eq!(id["email"], "dave@example.com");
    assert_eq!(id["cognito:username"], canonical.as_str());
    // The outbox hook resolves the alias too.
    ok(
        &pool.ep,
        "ForgotPassword",
        json!({"ClientId": pool.client_id, "Username": "dave@example.com"}),
    )
    .await;
    let m = messages(&pool.ep, &pool.pool_id, "dave@example.com").await;
    assert_eq!(m.last().unwrap()["purpose"], "FORGOT_PASSWORD");
    assert_eq!(m.last().unwrap()["channel"], "EMAIL");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn client_secret_requires_secret_hash() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({"GenerateSecret": true})).await;
    assert!(pool.client_secret.is_some());
    user(&pool, "erin", json!([])).await;
    let (status, v) = srp_sign_in(&pool, "erin", PASSWORD, None).await;
    assert_eq!(status, 200, "{v}");
    let (t, m) = err(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"USERNAME": "erin", "SRP_A": cognito_auth_core::srp::ClientEphemeral::generate().public_hex()}}),
    )
    .await;
    assert_eq!(t, "NotAuthorizedException");
    assert!(m.contains("SECRET_HASH"), "{m}");
    let (t, _) = err(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"USERNAME": "erin", "PASSWORD": PASSWORD, "SECRET_HASH": "AAAA"}}),
    )
    .await;
    assert_eq!(t, "NotAuthorizedException");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn password_auth_flow_enforcement_and_new_password_required() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    let srp_only = ok(
        &pool.ep,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool.pool_id, "ClientName": "srp-only"}),
    )
    .await["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(
        &pool.ep,
        "AdminCreateUser",
        json!({"UserPoolId": pool.pool_id, "Username": "frank", "TemporaryPassword": "Temp0rary!",
               "MessageAction": "SUPPRESS"}),
    )
    .await;
    let (t, _) = err(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": srp_only,
               "AuthParameters": {"USERNAME": "frank", "PASSWORD": "Temp0rary!"}}),
    )
    .await;
    assert_eq!(t, "InvalidParameterException");

    let ch = ok(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"USERNAME": "frank", "PASSWORD": "Temp0rary!"}}),
    )
    .await;
    assert_eq!(ch["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let (status, v) = answer(
        &pool,
        &ch,
        "NEW_PASSWORD_REQUIRED",
        json!({"NEW_PASSWORD": "short"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "InvalidPasswordException");
    // A failed answer consumed the session.
    let (t, _) = err(
        &pool.ep,
        "RespondToAuthChallenge",
        json!({"ClientId": pool.client_id, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": ch["Session"],
               "ChallengeResponses": {"USERNAME": "frank", "NEW_PASSWORD": PASSWORD}}),
    )
    .await;
    assert_eq!(t, "NotAuthorizedException");
    let (a, _, ch) = srp_start(&pool, "frank").await;
    let v = ok(
        &pool.ep,
        "RespondToAuthChallenge",
        verifier_answer(&pool, &a, &ch, "Temp0rary!", None),
    )
    .await;
    assert_eq!(v["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let (status, v) = answer(
        &pool,
        &v,
        "NEW_PASSWORD_REQUIRED",
        json!({"NEW_PASSWORD": PASSWORD}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert!(v["AuthenticationResult"]["AccessToken"].is_string());
    let u = ok(
        &pool.ep,
        "AdminGetUser",
        json!({"UserPoolId": pool.pool_id, "Username": "frank"}),
    )
    .await;
    assert_eq!(u["UserStatus"], "CONFIRMED");
    let (status, _) = srp_sign_in(&pool, "frank", PASSWORD, None).await;
    assert_eq!(status, 200);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_expire_and_are_single_use() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    user(&pool, "gina", json!([])).await;

    let (a, _, ch) = srp_start(&pool, "gina").await;
    advance(&pool.ep, 181).await;
    let (t, m) = err(
        &pool.ep,
        "RespondToAuthChallenge",
        verifier_answer(&pool, &a, &ch, PASSWORD, None),
    )
    .await;
    assert_eq!(t, "NotAuthorizedException");
    assert_eq!(m, "Invalid session for the user, session is expired.");

    let (a, _, ch) = srp_start(&pool, "gina").await;
    let body = verifier_answer(&pool, &a, &ch, PASSWORD, None);
    ok(&pool.ep, "RespondToAuthChallenge", body.clone()).await;
    let (t, _) = err(&pool.ep, "RespondToAuthChallenge", body).await;
    assert_eq!(t, "NotAuthorizedException");

    let (t, _) = err(
        &pool.ep,
        "RespondToAuthChallenge",
        json!({"ClientId": pool.client_id, "ChallengeName": "PASSWORD_VERIFIER", "Session": "bogus",
               "ChallengeResponses": {"USERNAME": "gina"}}),
    )
    .await;
    assert_eq!(t, "NotAuthorizedException");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_sign_out_and_revocation() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    user(&pool, "hank", json!([])).await;
    let (_, v) = srp_sign_in(&pool, "hank", PASSWORD, None).await;
    let auth = v["AuthenticationResult"].clone();
    let refresh = auth["RefreshToken"].as_str().unwrap();

    let r = ok(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"REFRESH_TOKEN": refresh}}),
    )
    .await;
    let new_access = r["AuthenticationResult"]["AccessToken"].clone();
    assert!(r["AuthenticationResult"].get("RefreshToken").is_none());
    assert_eq!(
        claims(&new_access)["origin_jti"],
        claims(&auth["AccessToken"])["origin_jti"]
    );
    let r = ok(
        &pool.ep,
        "GetTokensFromRefreshToken",
        json!({"ClientId": pool.client_id, "RefreshToken": refresh}),
    )
    .await;
    assert!(r["AuthenticationResult"]["IdToken"].is_string());

    // Access tokens expire with the emulator clock.
    advance(&pool.ep, 3601).await;
    let (t, m) = err(&pool.ep, "GetUser", json!({"AccessToken": new_access})).await;
    assert_eq!(t, "NotAuthorizedException");
    assert_eq!(m, "Access Token has expired");
    let r = ok(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"REFRESH_TOKEN": refresh}}),
    )
    .await;
    let fresh = r["AuthenticationResult"]["AccessToken"].clone();
    ok(&pool.ep, "GetUser", json!({"AccessToken": fresh})).await;

    ok(&pool.ep, "GlobalSignOut", json!({"AccessToken": fresh})).await;
    let (t, m) = err(&pool.ep, "GetUser", json!({"AccessToken": fresh})).await;
    assert_eq!(t, "NotAuthorizedException");
    assert_eq!(m, "Access Token has been revoked");
    let (t, _) = err(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"REFRESH_TOKEN": refresh}}),
    )
    .await;
    assert_eq!(t, "NotAuthorizedException");

    // A new sign-in works; RevokeToken kills its refresh token and access tokens.
    let (_, v) = srp_sign_in(&pool, "hank", PASSWORD, None).await;
    let auth = v["AuthenticationResult"].clone();
    ok(
        &pool.ep,
        "RevokeToken",
        json!({"ClientId": pool.client_id, "Token": auth["RefreshToken"]}),
    )
    .await;
    let (t, _) = err(
        &pool.ep,
        "GetUser",
        json!({"AccessToken": auth["AccessToken"]}),
    )
    .await;
    assert_eq!(t, "NotAuthorizedException");
    let (t, _) = err(&pool.ep, "GetUser", json!({"AccessToken": "not.a.jwt"})).await;
    assert_eq!(t, "NotAuthorizedException");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn password_management() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    user(
        &pool,
        "ivy",
        json!([{"Name": "email", "Value": "ivy@example.com"}]),
    )
    .await;
    let (_, v) = srp_sign_in(&pool, "ivy", PASSWORD, None).await;
    let access = v["AuthenticationResult"]["AccessToken"].clone();
    let (t, _) = err(
        &pool.ep,
        "ChangePassword",
        json!({"AccessToken": access, "PreviousPassword": "Wr0ng-pass!", "ProposedPassword": "N3w-Passw0rd!"}),
    )
    .await;
    assert_eq!(t, "NotAuthorizedException");
    ok(
        &pool.ep,
        "ChangePassword",
        json!({"AccessToken": access, "PreviousPassword": PASSWORD, "ProposedPassword": "N3w-Passw0rd!"}),
    )
    .await;
    let (status, _) = srp_sign_in(&pool, "ivy", PASSWORD, None).await;
    assert_eq!(status, 400);
    let (status, _) = srp_sign_in(&pool, "ivy", "N3w-Passw0rd!", None).await;
    assert_eq!(status, 200);

    ok(
        &pool.ep,
        "ForgotPassword",
        json!({"ClientId": pool.client_id, "Username": "ivy"}),
    )
    .await;
    let code = last_code(&pool.ep, &pool.pool_id, "ivy").await;
    ok(
        &pool.ep,
        "ConfirmForgotPassword",
        json!({"ClientId": pool.client_id, "Username": "ivy", "ConfirmationCode": code, "Password": PASSWORD}),
    )
    .await;
    let (status, _) = srp_sign_in(&pool, "ivy", PASSWORD, None).await;
    assert_eq!(status, 200);

    // Attribute verification.
    let (_, v) = srp_sign_in(&pool, "ivy", PASSWORD, None).await;
    let access = v["AuthenticationResult"]["AccessToken"].clone();
    ok(
        &pool.ep,
        "GetUserAttributeVerificationCode",
        json!({"AccessToken": access, "AttributeName": "email"}),
    )
    .await;
    let m = messages(&pool.ep, &pool.pool_id, "ivy").await;
    let last = m.last().unwrap();
    assert_eq!(last["purpose"], "VERIFY_ATTRIBUTE");
    ok(
        &pool.ep,
        "VerifyUserAttribute",
        json!({"AccessToken": access, "AttributeName": "email", "Code": last["code"]}),
    )
    .await;
    let me = ok(&pool.ep, "GetUser", json!({"AccessToken": access})).await;
    assert!(me["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["Name"] == "email_verified" && a["Value"] == "true"));
    ok(&pool.ep, "DeleteUser", json!({"AccessToken": access})).await;
    let (t, _) = err(
        &pool.ep,
        "AdminGetUser",
        json!({"UserPoolId": pool.pool_id, "Username": "ivy"}),
    )
    .await;
    assert_eq!(t, "UserNotFoundException");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn password_verifier_without_session_uses_the_secret_block() {
    // pycognito answers PASSWORD_VERIFIER without the Session; Cognito keeps the SRP state in
    // SECRET_BLOCK, so that works.
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), json!({})).await;
    user(&pool, "pyco", json!([])).await;
    let (a, _, ch) = srp_start(&pool, "pyco").await;
    let mut body = verifier_answer(&pool, &a, &ch, PASSWORD, None);
    body.as_object_mut().unwrap().remove("Session");
    let v = ok(&pool.ep, "RespondToAuthChallenge", body.clone()).await;
    assert!(v["AuthenticationResult"]["AccessToken"].is_string());
    let (t, _) = err(&pool.ep, "RespondToAuthChallenge", body.clone()).await;
    assert_eq!(t, "NotAuthorizedException");
    body["ChallengeResponses"]["PASSWORD_CLAIM_SECRET_BLOCK"] = json!("AAAA");
    let (t, _) = err(&pool.ep, "RespondToAuthChallenge", body).await;
    assert_eq!(t, "NotAuthorizedException");
}
