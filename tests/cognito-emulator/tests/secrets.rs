//! The secrets hook (`/_emulator/secrets`): the passwords, codes, tokens and client secrets that
//! crossed the API, as client test suites read them to scan their logs.

mod common;

use cognito_emulator::client::request;
use common::*;
use serde_json::{json, Value};

async fn hook(ep: &str, method: &str) -> Value {
    let r = request(
        ep,
        method,
        "/_emulator/secrets",
        &[("content-type", "application/json")],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200, "{method}: {:?}", r.json());
    r.json()
}

fn listed(v: &Value) -> Vec<String> {
    v["secrets"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| s.as_str().expect("strings").to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_and_responses_are_kept_and_forgotten_on_delete() {
    let emu = emulator().await;
    let ep = emu.endpoint();
    assert!(listed(&hook(ep, "GET").await).is_empty());

    let pool = setup(ep, json!({}), json!({ "GenerateSecret": true })).await;
    user(&pool, "alice", json!([])).await;
    let hash = pool.hash("alice").unwrap();
    let signed_in = ok(
        ep,
        "InitiateAuth",
        json!({
            "ClientId": pool.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": { "USERNAME": "alice", "PASSWORD": PASSWORD, "SECRET_HASH": hash },
        }),
    )
    .await;
    let tokens = &signed_in["AuthenticationResult"];
    // A refused request is kept too: a wrong password is a secret a client must not log.
    let (kind, _) = err(
        ep,
        "InitiateAuth",
        json!({
            "ClientId": pool.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": { "USERNAME": "alice", "PASSWORD": "Wrong-Pass-1!", "SECRET_HASH": hash },
        }),
    )
    .await;
    assert_eq!(kind, "NotAuthorizedException");

    let seen = hook(ep, "GET").await;
    assert_eq!(seen["truncated"], false);
    let secrets = listed(&seen);
    for expected in [
        PASSWORD,
        "Wrong-Pass-1!",
        &hash,
        pool.client_secret.as_deref().unwrap(),
        tokens["AccessToken"].as_str().unwrap(),
        tokens["IdToken"].as_str().unwrap(),
        tokens["RefreshToken"].as_str().unwrap(),
    ] {
        assert!(secrets.iter().any(|s| s == expected), "{expected} missing");
    }
    for public in ["alice", pool.client_id.as_str(), pool.pool_id.as_str()] {
        assert!(!secrets.iter().any(|s| s == public), "{public} listed");
    }
    assert_eq!(emu.secrets(), secrets, "the in-process view is the same");

    assert!(listed(&hook(ep, "DELETE").await).is_empty());
    assert!(emu.secrets().is_empty());
}
