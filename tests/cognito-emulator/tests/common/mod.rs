//! Shared helpers for the emulator's HTTP tests.
#![allow(dead_code)]

use cognito_auth_core::srp::{
    format_timestamp, secret_hash, ClientEphemeral, DeviceSecret, SrpIdentity,
};
use cognito_emulator::{client, start, EmulatorConfig, RunningEmulator};
use serde_json::{json, Value};

pub const PASSWORD: &str = "Passw0rd!";

pub async fn emulator() -> RunningEmulator {
    start(EmulatorConfig::default())
        .await
        .expect("emulator starts")
}

pub async fn call(ep: &str, op: &str, body: Value) -> (u16, Value) {
    client::call(ep, op, &body).await.expect("HTTP call")
}

/// Calls `op` and expects success.
pub async fn ok(ep: &str, op: &str, body: Value) -> Value {
    let (status, v) = call(ep, op, body).await;
    assert_eq!(status, 200, "{op} failed: {v}");
    v
}

/// Calls `op` and expects a 400; returns `__type`.
pub async fn err(ep: &str, op: &str, body: Value) -> (String, String) {
    let (status, v) = call(ep, op, body).await;
    assert_eq!(status, 400, "{op} should fail: {v}");
    (
        v["__type"].as_str().unwrap_or_default().to_owned(),
        v["message"].as_str().unwrap_or_default().to_owned(),
    )
}

#[derive(Debug, Clone)]
pub struct Pool {
    pub ep: String,
    pub pool_id: String,
    pub client_id: String,
    pub client_secret: Option<String>,
}

impl Pool {
    pub fn hash(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_ref()
            .map(|s| secret_hash(s, username, &self.client_id))
    }
}

/// Creates a pool (extra CreateUserPool fields merged in) and a client.
pub async fn setup(ep: &str, pool_extra: Value, client_extra: Value) -> Pool {
    let mut body = json!({ "PoolName": "test" });
    merge(&mut body, pool_extra);
    let p = ok(ep, "CreateUserPool", body).await;
    let pool_id = p["UserPool"]["Id"].as_str().unwrap().to_owned();
    let mut body = json!({
        "UserPoolId": pool_id,
        "ClientName": "app",
        "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    });
    merge(&mut body, client_extra);
    let c = ok(ep, "CreateUserPoolClient", body).await;
    Pool {
        ep: ep.to_owned(),
        pool_id,
        client_id: c["UserPoolClient"]["ClientId"].as_str().unwrap().to_owned(),
        client_secret: c["UserPoolClient"]["ClientSecret"]
            .as_str()
            .map(str::to_owned),
    }
}

pub fn merge(target: &mut Value, extra: Value) {
    if let (Value::Object(t), Value::Object(e)) = (target, extra) {
        t.extend(e);
    }
}

/// A confirmed user with a permanent password.
pub async fn user(pool: &Pool, username: &str, attrs: Value) -> String {
    let v = ok(
        &pool.ep,
        "AdminCreateUser",
        json!({
            "UserPoolId": pool.pool_id, "Username": username, "MessageAction": "SUPPRESS",
            "UserAttributes": attrs,
        }),
    )
    .await;
    ok(
        &pool.ep,
        "AdminSetUserPassword",
        json!({ "UserPoolId": pool.pool_id, "Username": username, "Password": PASSWORD, "Permanent": true }),
    )
    .await;
    v["User"]["Username"].as_str().unwrap().to_owned()
}

/// InitiateAuth USER_SRP_AUTH; returns the client ephemeral and the raw response.
pub async fn srp_start(pool: &Pool, username: &str) -> (ClientEphemeral, u16, Value) {
    let a = ClientEphemeral::generate();
    let mut params = json!({ "USERNAME": username, "SRP_A": a.public_hex() });
    if let Some(h) = pool.hash(username) {
        params["SECRET_HASH"] = json!(h);
    }
    let (status, v) = call(
        &pool.ep,
        "InitiateAuth",
        json!({ "AuthFlow": "USER_SRP_AUTH", "ClientId": pool.client_id, "AuthParameters": params }),
    )
    .await;
    (a, status, v)
}

/// The PASSWORD_VERIFIER answer for a challenge.
pub fn verifier_answer(
    pool: &Pool,
    a: &ClientEphemeral,
    challenge: &Value,
    password: &str,
    device_key: Option<&str>,
) -> Value {
    let p = &challenge["ChallengeParameters"];
    let user_id = p["USER_ID_FOR_SRP"].as_str().unwrap();
    let ts = format_timestamp(emulator_now(&pool.ep));
    let sig = a
        .password_claim(
            &SrpIdentity::user(&pool.pool_id, user_id),
            password,
            p["SALT"].as_str().unwrap(),
            p["SRP_B"].as_str().unwrap(),
            p["SECRET_BLOCK"].as_str().unwrap(),
            &ts,
        )
        .unwrap();
    let mut resp = json!({
        "USERNAME": p["USERNAME"],
        "PASSWORD_CLAIM_SIGNATURE": sig,
        "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
        "TIMESTAMP": ts,
    });
    if let Some(k) = device_key {
        resp["DEVICE_KEY"] = json!(k);
    }
    if let Some(h) = pool.hash(p["USERNAME"].as_str().unwrap()) {
        resp["SECRET_HASH"] = json!(h);
    }
    json!({
        "ClientId": pool.client_id,
        "ChallengeName": "PASSWORD_VERIFIER",
        "Session": challenge["Session"],
        "ChallengeResponses": resp,
    })
}

/// Full SRP password step; returns (status, response) of RespondToAuthChallenge.
pub async fn srp_sign_in(
    pool: &Pool,
    username: &str,
    password: &str,
    device_key: Option<&str>,
) -> (u16, Value) {
    let (a, status, ch) = srp_start(pool, username).await;
    assert_eq!(status, 200, "InitiateAuth: {ch}");
    assert_eq!(ch["ChallengeName"], "PASSWORD_VERIFIER");
    call(
        &pool.ep,
        "RespondToAuthChallenge",
        verifier_answer(pool, &a, &ch, password, device_key),
    )
    .await
}

/// Answers a challenge with the given responses (USERNAME added).
pub async fn answer(pool: &Pool, prev: &Value, name: &str, mut responses: Value) -> (u16, Value) {
    let username = prev["ChallengeParameters"]["USERNAME"]
        .as_str()
        .or_else(|| prev["ChallengeParameters"]["USER_ID_FOR_SRP"].as_str())
        .unwrap_or("unused")
        .to_owned();
    if responses.get("USERNAME").is_none() {
        responses["USERNAME"] = json!(username);
    }
    call(
        &pool.ep,
        "RespondToAuthChallenge",
        json!({
            "ClientId": pool.client_id,
            "ChallengeName": name,
            "Session": prev["Session"],
            "ChallengeResponses": responses,
        }),
    )
    .await
}

/// A remembered device's credentials as an app keeps them.
#[derive(Debug)]
pub struct DeviceCreds {
    pub key: String,
    pub group: String,
    pub secret: DeviceSecret,
}

/// ConfirmDevice for the NewDeviceMetadata of `auth` (an AuthenticationResult).
pub async fn confirm_device(pool: &Pool, auth: &Value) -> (DeviceCreds, Value) {
    let meta = &auth["NewDeviceMetadata"];
    let key = meta["DeviceKey"]
        .as_str()
        .expect("NewDeviceMetadata")
        .to_owned();
    let group = meta["DeviceGroupKey"].as_str().unwrap().to_owned();
    let secret = DeviceSecret::generate(&group, &key);
    let v = ok(
        &pool.ep,
        "ConfirmDevice",
        json!({
            "AccessToken": auth["AccessToken"],
            "DeviceKey": key,
            "DeviceName": "test phone",
            "DeviceSecretVerifierConfig": { "Salt": secret.salt_b64(), "PasswordVerifier": secret.verifier_b64() },
        }),
    )
    .await;
    (DeviceCreds { key, group, secret }, v)
}

/// DEVICE_SRP_AUTH + DEVICE_PASSWORD_VERIFIER with `device_secret`; returns the final response.
pub async fn device_srp(
    pool: &Pool,
    prev: &Value,
    device: &DeviceCreds,
    device_secret: &str,
    with_session: bool,
) -> (u16, Value) {
    let username = prev["ChallengeParameters"]["USERNAME"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let a = ClientEphemeral::generate();
    let mut body = json!({
        "ClientId": pool.client_id,
        "ChallengeName": "DEVICE_SRP_AUTH",
        "ChallengeResponses": { "USERNAME": username, "DEVICE_KEY": device.key, "SRP_A": a.public_hex() },
    });
    if with_session {
        body["Session"] = prev["Session"].clone();
    }
    let (status, ch) = call(&pool.ep, "RespondToAuthChallenge", body).await;
    if status != 200 {
        return (status, ch);
    }
    assert_eq!(ch["ChallengeName"], "DEVICE_PASSWORD_VERIFIER", "{ch}");
    let p = &ch["ChallengeParameters"];
    let ts = format_timestamp(emulator_now(&pool.ep));
    let sig = a
        .password_claim(
            &SrpIdentity::device(&device.group, &device.key),
            device_secret,
            p["SALT"].as_str().unwrap(),
            p["SRP_B"].as_str().unwrap(),
            p["SECRET_BLOCK"].as_str().unwrap(),
            &ts,
        )
        .unwrap();
    let mut body = json!({
        "ClientId": pool.client_id,
        "ChallengeName": "DEVICE_PASSWORD_VERIFIER",
        "ChallengeResponses": {
            "USERNAME": p["USERNAME"], "DEVICE_KEY": device.key, "TIMESTAMP": ts,
            "PASSWORD_CLAIM_SIGNATURE": sig, "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
        },
    });
    if with_session {
        body["Session"] = ch["Session"].clone();
    }
    call(&pool.ep, "RespondToAuthChallenge", body).await
}

/// Messages of the outbox for a user.
pub async fn messages(ep: &str, pool_id: &str, username: &str) -> Vec<Value> {
    let path = format!(
        "/_emulator/messages?userPoolId={pool_id}&username={}",
        urlencode(username)
    );
    let r = client::request(ep, "GET", &path, &[], b"").await.unwrap();
    assert_eq!(r.status, 200);
    r.json().as_array().cloned().unwrap_or_default()
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub async fn last_code(ep: &str, pool_id: &str, username: &str) -> String {
    let m = messages(ep, pool_id, username).await;
    m.last().expect("a message")["code"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// How far each emulator's clock was moved (by endpoint), so that the `TIMESTAMP`s the helpers
/// sign follow the emulator's clock as a client's would follow the real time.
static OFFSETS: std::sync::Mutex<Vec<(String, i64)>> = std::sync::Mutex::new(Vec::new());

/// The emulator's clock as the tests have moved it (no HTTP call).
pub fn emulator_now(ep: &str) -> u64 {
    let offset = OFFSETS
        .lock()
        .unwrap()
        .iter()
        .find(|(e, _)| e == ep)
        .map_or(0, |(_, o)| *o);
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    (wall + offset) as u64
}

/// Moves the emulator clock; returns the new time.
pub async fn advance(ep: &str, seconds: i64) -> u64 {
    clock(ep, json!({ "advanceSeconds": seconds })).await
}

/// Stops the emulator clock (it then moves only with [`advance`]), for second-exact tests.
pub async fn freeze(ep: &str) -> u64 {
    clock(ep, json!({ "freeze": true })).await
}

async fn clock(ep: &str, body: Value) -> u64 {
    let body = body.to_string();
    let r = client::request(
        ep,
        "POST",
        "/_emulator/clock",
        &[("content-type", "application/json")],
        body.as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200);
    let offset = r.json()["offsetSeconds"].as_i64().unwrap();
    let mut offsets = OFFSETS.lock().unwrap();
    offsets.retain(|(e, _)| e != ep);
    offsets.push((ep.to_owned(), offset));
    r.json()["now"].as_u64().unwrap()
}

pub async fn now(ep: &str) -> u64 {
    let r = client::request(ep, "GET", "/_emulator/clock", &[], b"")
        .await
        .unwrap();
    r.json()["now"].as_u64().unwrap()
}

/// JWT claims (unverified).
pub fn claims(token: &Value) -> Value {
    cognito_emulator::tokens::decode_claims_unverified(token.as_str().unwrap()).unwrap()
}
