//! CUSTOM_AUTH with the emulator's built-in challenge (`POST /_emulator/custom-auth`), with and
//! without SRP first.

mod common;

use cognito_auth_core::srp::ClientEphemeral;
use cognito_emulator::client;
use common::*;
use serde_json::{json, Value};

fn custom_client() -> Value {
    json!({ "ExplicitAuthFlows": ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] })
}

async fn hook(ep: &str, method: &str, path: &str, body: Value) -> (u16, Value) {
    let bytes = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    // Hook POSTs must say they are JSON.
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

async fn configure(pool: &Pool) {
    let (status, v) = hook(
        &pool.ep,
        "POST",
        "/_emulator/custom-auth",
        json!({"userPoolId": pool.pool_id,
               "challengeParameters": {"question": "What is 6 x 7?", "hint": "a number"},
               "answer": "42"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["configured"], true);
}

async fn custom_start(pool: &Pool, params: Value) -> (u16, Value) {
    call(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "CUSTOM_AUTH", "ClientId": pool.client_id, "AuthParameters": params}),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn custom_auth_needs_configuration_and_the_client_flow() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), custom_client()).await;
    user(&pool, "cal", json!([])).await;

    // Not configured: refused as before.
    let (status, v) = custom_start(&pool, json!({"USERNAME": "cal"})).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "InvalidParameterException");

    // Hook validation.
    let (status, v) = hook(
        &pool.ep,
        "POST",
        "/_emulator/custom-auth",
        json!({"userPoolId": "us-east-1_missing00", "answer": "x"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "ResourceNotFoundException");
    let (status, v) = hook(
        &pool.ep,
        "POST",
        "/_emulator/custom-auth",
        json!({"userPoolId": pool.pool_id}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "InvalidParameterException");
    let (status, v) = hook(
        &pool.ep,
        "POST",
        "/_emulator/custom-auth",
        json!({"userPoolId": pool.pool_id, "answer": "x", "challengeParameters": {"n": 1}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "SerializationException");

    configure(&pool).await;
    let path = format!("/_emulator/custom-auth?userPoolId={}", pool.pool_id);
    let (status, v) = hook(&pool.ep, "GET", &path, Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(v["answer"], "42");
    assert_eq!(v["challengeParameters"]["question"], "What is 6 x 7?");

    // The client must allow CUSTOM_AUTH.
    let other = ok(
        &pool.ep,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool.pool_id, "ClientName": "srp",
               "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH"]}),
    )
    .await["UserPoolClient"]["ClientId"]
        .clone();
    let (t, m) = err(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "CUSTOM_AUTH", "ClientId": other,
               "AuthParameters": {"USERNAME": "cal"}}),
    )
    .await;
    assert_eq!(t, "InvalidParameterException");
    assert!(m.contains("CUSTOM_AUTH"), "{m}");

    let (status, v) = custom_start(&pool, json!({"USERNAME": "cal"})).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["ChallengeName"], "CUSTOM_CHALLENGE");
    let (status, v) = custom_start(&pool, json!({"USERNAME": "nobody"})).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "UserNotFoundException");
    let (status, v) = custom_start(
        &pool,
        json!({"USERNAME": "cal", "CHALLENGE_NAME": "PASSWORD_VERIFIER"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "InvalidParameterException");

    // DELETE removes the configuration again.
    let (status, v) = hook(&pool.ep, "DELETE", &path, Value::Null).await;
    assert_eq!(status, 200);
    assert_eq!(v["configured"], false);
    let (status, v) = custom_start(&pool, json!({"USERNAME": "cal"})).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "InvalidParameterException");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn custom_challenge_right_and_wrong_answers() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), custom_client()).await;
    // MFA required: a passed custom challenge still ends with tokens.
    ok(
        &pool.ep,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool.pool_id, "MfaConfiguration": "ON",
               "SmsMfaConfiguration": {"SmsAuthenticationMessage": "{####}"}}),
    )
    .await;
    user(
        &pool,
        "cal",
        json!([{"Name": "phone_number", "Value": "+15555550199"}]),
    )
    .await;
    configure(&pool).await;

    let (status, ch) = custom_start(&pool, json!({"USERNAME": "cal"})).await;
    assert_eq!(status, 200, "{ch}");
    assert_eq!(ch["ChallengeName"], "CUSTOM_CHALLENGE");
    assert_eq!(
        ch["ChallengeParameters"],
        json!({"USERNAME": "cal", "question": "What is 6 x 7?", "hint": "a number"})
    );

    // A missing answer is a parameter error.
    let (status, v) = answer(&pool, &ch, "CUSTOM_CHALLENGE", json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "InvalidParameterException");
    // A wrong answer ends the flow: the session is consumed.
    let (_, ch) = custom_start(&pool, json!({"USERNAME": "cal"})).await;
    let (status, v) = answer(&pool, &ch, "CUSTOM_CHALLENGE", json!({"ANSWER": "41"})).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "NotAuthorizedException");
    assert_eq!(v["message"], "Incorrect answer.");
    let (status, v) = answer(&pool, &ch, "CUSTOM_CHALLENGE", json!({"ANSWER": "42"})).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "NotAuthorizedException");
    assert_eq!(
        v["message"],
        "Invalid session for the user, session can only be used once."
    );
    // The answer is compared exactly.
    let (_, ch) = custom_start(&pool, json!({"USERNAME": "cal"})).await;
    let (status, _) = answer(&pool, &ch, "CUSTOM_CHALLENGE", json!({"ANSWER": " 42"})).await;
    assert_eq!(status, 400);

    // The right answer: tokens, no MFA.
    let (_, ch) = custom_start(&pool, json!({"USERNAME": "cal"})).await;
    let (status, v) = answer(&pool, &ch, "CUSTOM_CHALLENGE", json!({"ANSWER": "42"})).await;
    assert_eq!(status, 200, "{v}");
    let auth = &v["AuthenticationResult"];
    assert_eq!(claims(&auth["AccessToken"])["username"], "cal");
    // The refresh token works.
    let v = ok(
        &pool.ep,
        "InitiateAuth",
        json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": pool.client_id,
               "AuthParameters": {"REFRESH_TOKEN": auth["RefreshToken"]}}),
    )
    .await;
    assert!(v["AuthenticationResult"]["AccessToken"].is_string());

    // Sessions expire.
    let (_, ch) = custom_start(&pool, json!({"USERNAME": "cal"})).await;
    advance(&pool.ep, 181).await;
    let (status, v) = answer(&pool, &ch, "CUSTOM_CHALLENGE", json!({"ANSWER": "42"})).await;
    assert_eq!(status, 400);
    assert_eq!(
        v["message"],
        "Invalid session for the user, session is expired."
    );

    // An unconfirmed user is refused once the answer is right.
    ok(
        &pool.ep,
        "SignUp",
        json!({"ClientId": pool.client_id, "Username": "una", "Password": PASSWORD,
               "UserAttributes": [{"Name": "email", "Value": "una@example.com"}]}),
    )
    .await;
    let (_, ch) = custom_start(&pool, json!({"USERNAME": "una"})).await;
    let (status, v) = answer(&pool, &ch, "CUSTOM_CHALLENGE", json!({"ANSWER": "42"})).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "UserNotConfirmedException");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn custom_auth_with_srp_first() {
    let emu = emulator().await;
    let pool = setup(emu.endpoint(), json!({}), custom_client()).await;
    user(&pool, "sam", json!([])).await;
    configure(&pool).await;

    let (status, v) =
        custom_start(&pool, json!({"USERNAME": "sam", "CHALLENGE_NAME": "SRP_A"})).await;
    assert_eq!(status, 400);
    assert_eq!(v["__type"], "InvalidParameterException", "SRP_A missing");

    let a = ClientEphemeral::generate();
    let (status, ch) = custom_start(
        &pool,
        json!({"USERNAME": "sam", "CHALLENGE_NAME": "SRP_A", "SRP_A": a.public_hex()}),
    )
    .await;
    assert_eq!(status, 200, "{ch}");
    assert_eq!(ch["ChallengeName"], "PASSWORD_VERIFIER");
    let (status, ch) = call(
        &pool.ep,
        "RespondToAuthChallenge",
        verifier_answer(&pool, &a, &ch, PASSWORD, None),
    )
    .await;
    assert_eq!(status, 200, "{ch}");
    assert_eq!(ch["ChallengeName"], "CUSTOM_CHALLENGE");
    assert_eq!(ch["ChallengeParameters"]["question"], "What is 6 x 7?");
    let (status, v) = answer(&pool, &ch, "CUSTOM_CHALLENGE", json!({"ANSWER": "42"})).await;
    assert_eq!(status, 200, "{v}");
    assert!(v["AuthenticationResult"]["IdToken"].is_string());

    // A wrong password stops before the custom challenge.
    let a = ClientEphemeral::generate();
    let (_, ch) = custom_start(
        &pool,
        json!({"USERNAME": "sam", "CHALLENGE_NAME": "SRP_A", "SRP_A": a.public_hex()}),
    )
    .await;
    let (status, v) = call(
        &pool.ep,
        "RespondToAuthChallenge",
        verifier_answer(&pool, &a, &ch, "Wr0ng-passw0rd!", None),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(v["message"], "Incorrect username or password.");
    emu.shutdown().await;
}
