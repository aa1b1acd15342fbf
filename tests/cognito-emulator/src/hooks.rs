//! Test hooks under `/_emulator/`: outbox, clock, fault injection, call log, custom auth,
//! passkeys, the secrets seen, health.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::ops::{find_username, App};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::protocol::{invalid_parameter, resource_not_found, user_not_found, ApiError, Req};
use crate::server::{error_response, exception, hook_body, json_response};
use crate::state::{BrokenResponse, CustomAuthConfig, Fault};
use crate::util::random_bytes;

fn ok(v: Value) -> Response {
    json_response(StatusCode::OK, &v, "application/json")
}

pub async fn health() -> Response {
    ok(json!({ "status": "ok" }))
}

pub async fn messages(
    State(app): State<Arc<App>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let st = app.lock();
    let pool_id = q.get("userPoolId");
    let wanted = q.get("username");
    let out: Vec<Value> = st
        .outbox
        .iter()
        .filter(|m| pool_id.is_none_or(|p| *p == m.pool_id))
        .filter(|m| {
            let Some(name) = wanted else { return true };
            if m.username == *name {
                return true;
            }
            st.pools
                .get(&m.pool_id)
                .and_then(|p| find_username(p, name))
                .is_some_and(|canonical| canonical == m.username)
        })
        .map(|m| {
            json!({
                "channel": m.channel,
                "destination": m.destination,
                "code": m.code,
                "purpose": m.purpose,
                "sentAt": m.sent_at,
                "userPoolId": m.pool_id,
                "username": m.username,
            })
        })
        .collect();
    ok(Value::Array(out))
}

fn clock_json(app: &App) -> Value {
    let st = app.lock();
    // offsetSeconds: emulator time minus system time (also while frozen).
    let offset = match st.clock_frozen_at {
        Some(at) => at
            .saturating_add(st.clock_offset)
            .saturating_sub(system_now()),
        None => st.clock_offset,
    };
    json!({
        "now": st.now(),
        "offsetSeconds": offset,
        "frozen": st.clock_frozen_at.is_some(),
    })
}

fn system_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

pub async fn clock_get(State(app): State<Arc<App>>) -> Response {
    ok(clock_json(&app))
}

pub async fn clock_post(State(app): State<Arc<App>>, body: Bytes) -> Response {
    let result = (|| -> Result<(Option<i64>, Option<bool>), ApiError> {
        let v = hook_body(&body)?;
        let r = Req::new(&v)?;
        let advance = r.opt_i64("advanceSeconds")?;
        let freeze = r.opt_bool("freeze")?;
        if advance.is_none() && freeze.is_none() {
            return Err(invalid_parameter("advanceSeconds or freeze is required"));
        }
        Ok((advance, freeze))
    })();
    match result {
        Ok((advance, freeze)) => {
            {
                let mut st = app.lock();
                if let Some(f) = freeze {
                    st.freeze_clock(f);
                }
                st.clock_offset = st.clock_offset.saturating_add(advance.unwrap_or(0));
                app.persist(&st);
            }
            ok(clock_json(&app))
        }
        Err(e) => error_response(&e),
    }
}

pub async fn faults(State(app): State<Arc<App>>, method: Method, body: Bytes) -> Response {
    if method == Method::DELETE {
        app.lock().faults.clear();
        return ok(json!({ "faults": 0 }));
    }
    if method == Method::GET {
        let st = app.lock();
        let list: Vec<Value> = st
            .faults
            .iter()
            .map(|(op, f)| json!({"operation": op, "error": f.error, "count": f.count, "delayMs": f.delay_ms, "skip": f.skip,
                "response": f.response.map(|r| match r {
                    BrokenResponse::Malformed => "malformed",
                    BrokenResponse::Truncated => "truncated",
                })}))
            .collect();
        return ok(Value::Array(list));
    }
    let result = (|| -> Result<(String, Fault), ApiError> {
        let v = hook_body(&body)?;
        let r = Req::new(&v)?;
        let op = r.str("operation")?.to_owned();
        let error = match r.opt_str("error")? {
            None => None,
            Some(e) => Some(
                exception(e).ok_or_else(|| invalid_parameter(format!("Unknown exception {e}")))?,
            ),
        };
        let count = r.opt_i64("count")?.unwrap_or(1).max(0) as u64;
        let delay_ms = r.opt_i64("delayMs")?.unwrap_or(0).clamp(0, 60_000) as u64;
        let skip = r.opt_i64("skip")?.unwrap_or(0).clamp(0, 1000) as u64;
        let response = match r.opt_str("response")? {
            None => None,
            Some("malformed") => Some(BrokenResponse::Malformed),
            Some("truncated") => Some(BrokenResponse::Truncated),
            Some(other) => {
                return Err(invalid_parameter(format!(
                    "Unknown response {other}: malformed or truncated"
                )))
            }
        };
        if response.is_some() && error.is_some() {
            return Err(invalid_parameter("Give error or response, not both"));
        }
        Ok((
            op,
            Fault {
                error,
                count,
                delay_ms,
                skip,
                response,
            },
        ))
    })();
    match result {
        Ok((op, f)) => {
            let mut st = app.lock();
            if f.count == 0 {
                st.faults.remove(&op);
            } else {
                st.faults.insert(op, f);
            }
            ok(json!({ "faults": st.faults.len() }))
        }
        Err(e) => error_response(&e),
    }
}

/// `POST /_emulator/custom-auth {"userPoolId", "challengeParameters", "answer"}` configures the
/// pool's built-in CUSTOM_AUTH challenge; `GET ?userPoolId=` shows it; `DELETE ?userPoolId=`
/// removes it (CUSTOM_AUTH is then refused again).
pub async fn custom_auth(
    State(app): State<Arc<App>>,
    method: Method,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let shown = |pool_id: &str, cfg: Option<&CustomAuthConfig>| match cfg {
        Some(c) => json!({
            "userPoolId": pool_id,
            "configured": true,
            "challengeParameters": c.challenge_parameters,
            "answer": c.answer,
        }),
        None => json!({ "userPoolId": pool_id, "configured": false }),
    };
    if method == Method::GET || method == Method::DELETE {
        let Some(pool_id) = q.get("userPoolId") else {
            return error_response(&invalid_parameter("userPoolId is required"));
        };
        let mut st = app.lock();
        let Some(p) = st.pools.get_mut(pool_id) else {
            return error_response(&resource_not_found(format!(
                "User pool {pool_id} does not exist."
            )));
        };
        if method == Method::DELETE {
            p.custom_auth = None;
            let out = shown(pool_id, None);
            app.persist(&st);
            return ok(out);
        }
        return ok(shown(pool_id, p.custom_auth.as_ref()));
    }
    let result = (|| -> Result<(String, CustomAuthConfig), ApiError> {
        let v = hook_body(&body)?;
        let r = Req::new(&v)?;
        let pool_id = r.str("userPoolId")?.to_owned();
        let answer = r
            .opt_str("answer")?
            .ok_or_else(|| invalid_parameter("answer is required"))?
            .to_owned();
        let challenge_parameters = r.str_map("challengeParameters")?;
        Ok((
            pool_id,
            CustomAuthConfig {
                challenge_parameters,
                answer,
            },
        ))
    })();
    match result {
        Ok((pool_id, cfg)) => {
            let mut st = app.lock();
            let Some(p) = st.pools.get_mut(&pool_id) else {
                return error_response(&resource_not_found(format!(
                    "User pool {pool_id} does not exist."
                )));
            };
            let out = shown(&pool_id, Some(&cfg));
            p.custom_auth = Some(cfg);
            app.persist(&st);
            ok(out)
        }
        Err(e) => error_response(&e),
    }
}

/// Most passkeys a user can have (Cognito's limit is 20 per user).
const MAX_PASSKEYS: usize = 20;

/// `POST /_emulator/passkeys {"userPoolId", "username", "credentialId"?}` marks the user as having
/// registered a passkey (the emulator cannot run WebAuthn registration), so that USER_AUTH offers
/// `WEB_AUTHN` in pools that allow it; `credentialId` (base64url) is made up when absent.
/// `GET ?userPoolId=&username=` lists the user's passkeys; `DELETE ?userPoolId=&username=`
/// removes them all, `&credentialId=` one. Each answers `{"userPoolId", "username", "passkeys"}`
/// (the canonical username; POST adds `credentialId`). `username` may be an alias.
pub async fn passkeys(
    State(app): State<Arc<App>>,
    method: Method,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let request = (|| -> Result<(String, String, Option<String>), ApiError> {
        if method == Method::POST {
            let v = hook_body(&body)?;
            let r = Req::new(&v)?;
            let id = r.opt_str("credentialId")?.map(str::to_owned);
            return Ok((
                r.str("userPoolId")?.to_owned(),
                r.str("username")?.to_owned(),
                id,
            ));
        }
        let field = |k: &str| {
            q.get(k)
                .filter(|v| !v.is_empty())
                .cloned()
                .ok_or_else(|| invalid_parameter(format!("{k} is required")))
        };
        Ok((
            field("userPoolId")?,
            field("username")?,
            q.get("credentialId").cloned(),
        ))
    })();
    let (pool_id, name, credential_id) = match request {
        Ok(x) => x,
        Err(e) => return error_response(&e),
    };
    let valid_id = |id: &str| {
        (1..=1024).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if let Some(id) = credential_id.as_deref().filter(|id| !valid_id(id)) {
        return error_response(&invalid_parameter(format!(
            "credentialId must be 1 to 1024 base64url characters, not {id:?}"
        )));
    }
    let mut st = app.lock();
    let Some(p) = st.pools.get_mut(&pool_id) else {
        return error_response(&resource_not_found(format!(
            "User pool {pool_id} does not exist."
        )));
    };
    let Some(u) = find_username(p, &name).and_then(|n| p.users.get_mut(&n)) else {
        return error_response(&user_not_found());
    };
    let mut out = json!({ "userPoolId": pool_id, "username": u.username });
    if method == Method::POST {
        let id = credential_id.unwrap_or_else(|| URL_SAFE_NO_PAD.encode(random_bytes(32)));
        if !u.passkeys.contains(&id) {
            if u.passkeys.len() >= MAX_PASSKEYS {
                return error_response(&ApiError::new(
                    "LimitExceededException",
                    format!("A user can have at most {MAX_PASSKEYS} passkeys."),
                ));
            }
            u.passkeys.push(id.clone());
        }
        out["credentialId"] = json!(id);
    } else if method == Method::DELETE {
        match &credential_id {
            Some(id) => u.passkeys.retain(|k| k != id),
            None => u.passkeys.clear(),
        }
    }
    out["passkeys"] = json!(u.passkeys);
    if method != Method::GET {
        app.persist(&st);
    }
    ok(out)
}

/// The call log. `GET /_emulator/calls?operation=NAME` → `{"operation", "count"}` (requests of
/// NAME received since start or the last reset); `GET` without `operation` →
/// `{"calls": {NAME: count, ...}}`; `DELETE` (optionally `?operation=NAME`) resets the counts
/// and answers as `GET` would afterwards.
pub async fn calls(
    State(app): State<Arc<App>>,
    method: Method,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut calls = app.calls.lock().unwrap_or_else(|e| e.into_inner());
    match q.get("operation") {
        Some(op) => {
            if method == Method::DELETE {
                calls.remove(op);
            }
            let count = calls.get(op).copied().unwrap_or(0);
            ok(json!({ "operation": op, "count": count }))
        }
        None => {
            if method == Method::DELETE {
                calls.clear();
            }
            ok(json!({ "calls": &*calls }))
        }
    }
}

/// The secrets that crossed the Cognito API (see [`crate::secrets`]): `GET /_emulator/secrets`
/// → `{"secrets": [...], "truncated": false}`; `DELETE` forgets them and answers as `GET` would
/// afterwards.
pub async fn secrets(State(app): State<Arc<App>>, method: Method) -> Response {
    let mut seen = app.secrets.lock().unwrap_or_else(|e| e.into_inner());
    if method == Method::DELETE {
        seen.clear();
    }
    ok(json!({ "secrets": seen.values(), "truncated": seen.truncated() }))
}

/// Applies an injected fault to a call of `op`, if one is armed: waits, fails, or says which
/// broken answer to give.
pub(crate) async fn apply_fault(app: &App, op: &str) -> Result<Option<BrokenResponse>, ApiError> {
    let fault = {
        let mut st = app.lock();
        match st.faults.get_mut(op) {
            Some(f) if f.skip > 0 => {
                f.skip -= 1;
                None
            }
            Some(f) if f.count > 0 => {
                f.count -= 1;
                let out = f.clone();
                if f.count == 0 {
                    st.faults.remove(op);
                }
                Some(out)
            }
            _ => None,
        }
    };
    let Some(f) = fault else { return Ok(None) };
    if f.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(f.delay_ms)).await;
    }
    if f.response.is_some() {
        return Ok(f.response);
    }
    match f.error {
        Some(kind) => Err(ApiError {
            kind,
            message: format!("Injected fault for {op}"),
            status: if kind == "InternalErrorException" {
                500
            } else {
                400
            },
        }),
        None => Ok(None),
    }
}
