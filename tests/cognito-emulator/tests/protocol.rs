//! Wire-level behaviour: errors for bad input, hooks, faults.

mod common;

use cognito_emulator::client::request;
use common::*;
use serde_json::json;

const TARGET: &str = "AWSCognitoIdentityProviderService.";

async fn raw(
    ep: &str,
    target: Option<&str>,
    body: &[u8],
) -> cognito_emulator::client::HttpResponse {
    let t = target.map(|t| format!("{TARGET}{t}"));
    let mut headers = vec![("Content-Type", "application/x-amz-json-1.1")];
    if let Some(t) = &t {
        headers.push(("X-Amz-Target", t.as_str()));
    }
    request(ep, "POST", "/", &headers, body).await.unwrap()
}

fn assert_error(r: &cognito_emulator::client::HttpResponse, kind: &str) {
    assert_eq!(r.status, 400, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.json()["__type"], kind);
    assert!(r.json()["message"].is_string());
    assert_eq!(r.header("x-amzn-errortype"), Some(kind));
    assert_eq!(r.header("content-type"), Some("application/x-amz-json-1.1"));
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_get_json_errors() {
    let emu = emulator().await;
    let ep = emu.endpoint();
    assert_error(
        &raw(ep, Some("CreateUserPool"), b"{not json").await,
        "SerializationException",
    );
    assert_error(
        &raw(ep, Some("CreateUserPool"), b"[1,2]").await,
        "SerializationException",
    );
    assert_error(
        &raw(ep, Some("NoSuchOperation"), b"{}").await,
        "UnknownOperationException",
    );
    assert_error(&raw(ep, None, b"{}").await, "UnknownOperationException");
    assert_error(
        &raw(ep, Some("CreateUserPool"), br#"{"PoolName": 42}"#).await,
        "SerializationException",
    );
    assert_error(
        &raw(
            ep,
            Some("InitiateAuth"),
            br#"{"AuthFlow":"USER_SRP_AUTH","ClientId":"x","AuthParameters":"nope"}"#,
        )
        .await,
        "SerializationException",
    );
    assert_error(
        &raw(ep, Some("CreateUserPool"), b"{}").await,
        "InvalidParameterException",
    );
    assert_error(
        &raw(
            ep,
            Some("DescribeUserPool"),
            br#"{"UserPoolId":"us-east-1_nothere12"}"#,
        )
        .await,
        "ResourceNotFoundException",
    );
    assert_error(
        &raw(
            ep,
            Some("InitiateAuth"),
            br#"{"AuthFlow":"USER_SRP_AUTH","ClientId":"nope","AuthParameters":{}}"#,
        )
        .await,
        "ResourceNotFoundException",
    );
    let mut big = b"{\"PoolName\":\"".to_vec();
    big.extend(std::iter::repeat_n(b'a', 1024 * 1024 + 10));
    big.extend(b"\"}");
    assert_error(
        &raw(ep, Some("CreateUserPool"), &big).await,
        "SerializationException",
    );
    // application/json is accepted too, and SigV4 headers are ignored.
    let r = request(
        ep,
        "POST",
        "/",
        &[
            ("Content-Type", "application/json"),
            ("X-Amz-Target", "AWSCognitoIdentityProviderService.CreateUserPool"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=abc"),
        ],
        br#"{"PoolName":"p"}"#,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200);
    assert!(r.json()["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .starts_with("us-east-1_"));
    assert_eq!(r.json()["UserPool"]["Id"].as_str().unwrap().len(), 19);
    emu.shutdown().await;
}

/// The content type hook POSTs must carry.
const JSON: &[(&str, &str)] = &[("content-type", "application/json")];

#[tokio::test(flavor = "multi_thread")]
async fn hooks_health_clock_and_faults() {
    let emu = emulator().await;
    let ep = emu.endpoint();
    let r = request(ep, "GET", "/_emulator/health", &[], b"")
        .await
        .unwrap();
    assert_eq!(r.json(), json!({"status": "ok"}));

    let t0 = now(ep).await;
    let t1 = advance(ep, 1000).await;
    assert!(t1 >= t0 + 1000);

    let pool = setup(ep, json!({}), json!({})).await;
    let fault =
        json!({"operation": "InitiateAuth", "error": "TooManyRequestsException", "count": 2})
            .to_string();
    let r = request(ep, "POST", "/_emulator/faults", JSON, fault.as_bytes())
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    user(&pool, "fay", json!([])).await;
    for _ in 0..2 {
        let (_, status, v) = srp_start(&pool, "fay").await;
        assert_eq!(status, 400);
        assert_eq!(v["__type"], "TooManyRequestsException");
    }
    let (_, status, _) = srp_start(&pool, "fay").await;
    assert_eq!(status, 200);

    // A delay-only fault.
    let fault = json!({"operation": "DescribeUserPool", "delayMs": 300}).to_string();
    request(ep, "POST", "/_emulator/faults", JSON, fault.as_bytes())
        .await
        .unwrap();
    let start = std::time::Instant::now();
    ok(ep, "DescribeUserPool", json!({"UserPoolId": pool.pool_id})).await;
    assert!(start.elapsed() >= std::time::Duration::from_millis(300));

    let bad = json!({"operation": "InitiateAuth", "error": "NoSuchException"}).to_string();
    let r = request(ep, "POST", "/_emulator/faults", JSON, bad.as_bytes())
        .await
        .unwrap();
    assert_eq!(r.status, 400);

    let r = request(ep, "GET", "/nothing-here", &[], b"").await.unwrap();
    assert_eq!(r.status, 404);
    assert!(r.json().is_object());
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pool_and_client_descriptions() {
    let emu = emulator().await;
    let ep = emu.endpoint();
    let pool = setup(
        ep,
        json!({"MfaConfiguration": "OFF", "AutoVerifiedAttributes": ["email"],
               "DeviceConfiguration": {"ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": true},
               "Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireNumbers": true}}}),
        json!({"GenerateSecret": true}),
    )
    .await;
    let d = ok(ep, "DescribeUserPool", json!({"UserPoolId": pool.pool_id})).await;
    assert_eq!(
        d["UserPool"]["DeviceConfiguration"]["ChallengeRequiredOnNewDevice"],
        true
    );
    assert_eq!(
        d["UserPool"]["Policies"]["PasswordPolicy"]["MinimumLength"],
        12
    );
    assert!(d["UserPool"]["Arn"]
        .as_str()
        .unwrap()
        .ends_with(&pool.pool_id));
    let c = ok(
        ep,
        "DescribeUserPoolClient",
        json!({"UserPoolId": pool.pool_id, "ClientId": pool.client_id}),
    )
    .await;
    assert_eq!(
        c["UserPoolClient"]["ClientSecret"],
        pool.client_secret.clone().unwrap().as_str()
    );
    let defaults = ok(
        ep,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool.pool_id, "ClientName": "d"}),
    )
    .await;
    assert_eq!(
        defaults["UserPoolClient"]["ExplicitAuthFlows"],
        json!([
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
            "ALLOW_CUSTOM_AUTH"
        ])
    );
    // Password policy enforced on SignUp.
    let (t, _) = err(
        ep,
        "SignUp",
        json!({"ClientId": pool.client_id, "Username": "x", "Password": "Short1",
               "SecretHash": pool.hash("x")}),
    )
    .await;
    assert_eq!(t, "InvalidPasswordException");
    let s = ok(
        ep,
        "SignUp",
        json!({"ClientId": pool.client_id, "Username": "x", "Password": "longenough12",
               "SecretHash": pool.hash("x"),
               "UserAttributes": [{"Name": "email", "Value": "x@example.com"}]}),
    )
    .await;
    assert_eq!(s["UserConfirmed"], false);
    assert_eq!(s["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    assert_eq!(s["UserSub"].as_str().unwrap().len(), 36);
    let (t, _) = err(
        ep,
        "SignUp",
        json!({"ClientId": pool.client_id, "Username": "x", "Password": "longenough12",
               "SecretHash": pool.hash("x")}),
    )
    .await;
    assert_eq!(t, "UsernameExistsException");
    emu.shutdown().await;
}
