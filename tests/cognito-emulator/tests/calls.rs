//! The call log hook (`/_emulator/calls`): requests counted per operation, read and reset.

mod common;

use cognito_emulator::client::request;
use common::*;
use serde_json::{json, Value};

async fn hook(ep: &str, method: &str, path: &str) -> Value {
    let r = request(
        ep,
        method,
        path,
        &[("content-type", "application/json")],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200, "{method} {path}: {:?}", r.json());
    r.json()
}

async fn count(ep: &str, operation: &str) -> u64 {
    let v = hook(
        ep,
        "GET",
        &format!("/_emulator/calls?operation={operation}"),
    )
    .await;
    assert_eq!(v["operation"], operation);
    v["count"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_are_counted_per_operation_and_reset() {
    let emu = emulator().await;
    let ep = emu.endpoint();
    assert_eq!(count(ep, "InitiateAuth").await, 0);

    let pool = setup(ep, json!({}), json!({})).await;
    user(&pool, "alice", json!([])).await;
    for _ in 0..3 {
        let (_, status, _) = srp_start(&pool, "alice").await;
        assert_eq!(status, 200);
    }
    // A failed call (unknown user) counts too: the log records requests received.
    let (_, status, _) = srp_start(&pool, "nobody").await;
    assert_eq!(status, 400);
    assert_eq!(count(ep, "InitiateAuth").await, 4);
    assert_eq!(count(ep, "CreateUserPool").await, 1);
    assert_eq!(count(ep, "GetTokensFromRefreshToken").await, 0);

    let all = hook(ep, "GET", "/_emulator/calls").await;
    assert_eq!(all["calls"]["InitiateAuth"], 4);
    assert_eq!(all["calls"]["AdminCreateUser"], 1);
    assert_eq!(all["calls"]["AdminSetUserPassword"], 1);
    assert!(all["calls"].get("RespondToAuthChallenge").is_none());

    // Reset one operation, then all.
    let v = hook(ep, "DELETE", "/_emulator/calls?operation=InitiateAuth").await;
    assert_eq!(v, json!({"operation": "InitiateAuth", "count": 0}));
    assert_eq!(count(ep, "CreateUserPool").await, 1);
    srp_start(&pool, "alice").await;
    assert_eq!(count(ep, "InitiateAuth").await, 1);
    let v = hook(ep, "DELETE", "/_emulator/calls").await;
    assert_eq!(v, json!({"calls": {}}));
    assert_eq!(count(ep, "CreateUserPool").await, 0);

    // Hooks are not Cognito operations and are not counted.
    assert_eq!(
        hook(ep, "GET", "/_emulator/calls").await,
        json!({"calls": {}})
    );
    let r = request(
        ep,
        "POST",
        "/_emulator/calls",
        &[("content-type", "application/json")],
        b"{}",
    )
    .await
    .unwrap();
    assert_eq!(
        r.status, 405,
        "the call log is read (GET) and reset (DELETE) only"
    );
    emu.shutdown().await;
}
