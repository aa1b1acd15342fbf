//! HTTP front: the Cognito JSON endpoint, JWKS and the test hooks.

use crate::state::BrokenResponse;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::routing::{any, get};
use axum::Router;
use serde_json::{json, Value};

use crate::hooks;
use crate::ops::{self, App};
use crate::protocol::{known_exception, parse_target, serialization, ApiError, MAX_BODY};

/// The router of the emulator.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", any(api))
        .route("/{pool_id}/.well-known/jwks.json", get(jwks))
        .route(
            "/{pool_id}/.well-known/openid-configuration",
            get(openid_configuration),
        )
        .route("/_emulator/health", get(hooks::health))
        .route("/_emulator/messages", get(hooks::messages))
        .route(
            "/_emulator/clock",
            get(hooks::clock_get).post(hooks::clock_post),
        )
        // Only the methods each hook documents; any other gets 405 (found by fuzzing: a
        // `PNST /_emulator/faults` armed a fault as a POST would).
        .route(
            "/_emulator/faults",
            get(hooks::faults).post(hooks::faults).delete(hooks::faults),
        )
        .route(
            "/_emulator/custom-auth",
            get(hooks::custom_auth)
                .post(hooks::custom_auth)
                .delete(hooks::custom_auth),
        )
        .route("/_emulator/calls", get(hooks::calls).delete(hooks::calls))
        .route(
            "/_emulator/passkeys",
            get(hooks::passkeys)
                .post(hooks::passkeys)
                .delete(hooks::passkeys),
        )
        .route(
            "/_emulator/secrets",
            get(hooks::secrets).delete(hooks::secrets),
        )
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            crate::guard::check,
        ))
        .with_state(app)
}

/// A JSON response with Cognito's content type.
pub(crate) fn json_response(status: StatusCode, body: &Value, content_type: &str) -> Response {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    if let Ok(v) = content_type.parse() {
        h.insert("content-type", v);
    }
    if let Ok(v) = crate::util::uuid_v4().parse() {
        h.insert("x-amzn-requestid", v);
    }
    resp
}

pub(crate) fn error_response(e: &ApiError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut resp = json_response(status, &e.body(), "application/x-amz-json-1.1");
    if let Ok(v) = e.kind.parse() {
        resp.headers_mut().insert("x-amzn-errortype", v);
    }
    resp
}

async fn not_found() -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        &json!({"__type": "ResourceNotFoundException", "message": "Not found"}),
        "application/json",
    )
}

async fn api(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match handle(app.clone(), peer.ip(), method, headers, body).await {
        Ok(Reply::Json(v)) => {
            app.record_secrets(&v);
            json_response(StatusCode::OK, &v, "application/x-amz-json-1.1")
        }
        Ok(Reply::Raw(text)) => {
            let mut resp = Response::new(Body::from(text));
            resp.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/x-amz-json-1.1"),
            );
            resp
        }
        Err(e) => error_response(&e),
    }
}

/// A successful answer: Cognito's JSON, or a broken one injected by a fault.
enum Reply {
    Json(Value),
    Raw(String),
}

async fn handle(
    app: Arc<App>,
    peer: std::net::IpAddr,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Result<Reply, ApiError> {
    if method != Method::POST {
        return Err(ApiError::new(
            "UnknownOperationException",
            "Only POST is supported",
        ));
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| serialization("Request body is larger than 1 MiB or unreadable"))?;
    let op = parse_target(headers.get("x-amz-target").and_then(|v| v.to_str().ok()))?;
    app.count_call(&op);
    if crate::guard::is_admin_operation(&op) && !app.guard.has_token(&headers) {
        return Err(crate::guard::admin_refusal(&headers));
    }
    let value: Value = if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        json!({})
    } else {
        serde_json::from_slice(&bytes).map_err(|_| serialization("Malformed JSON request body"))?
    };
    if !value.is_object() {
        return Err(serialization("Request body must be a JSON object"));
    }
    app.record_secrets(&value);
    let broken = hooks::apply_fault(&app, &op).await?;
    if broken == Some(BrokenResponse::Malformed) {
        return Ok(Reply::Raw(
            "<html><body><h1>502 Bad Gateway</h1></body></html>".into(),
        ));
    }
    let permit = app.workers.clone().acquire_owned().await;
    let worker_app = app.clone();
    let task = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        ops::dispatch(&worker_app, &op, &value, peer)
    });
    let value = match task.await {
        Ok(result) => result?,
        Err(_) => {
            return Err(ApiError {
                kind: "InternalErrorException",
                message: "Internal error".into(),
                status: 500,
            })
        }
    };
    if broken == Some(BrokenResponse::Truncated) {
        // The call ran; its answer is cut in the middle (on a character boundary). Its secrets
        // count as sent (the leak scan looks for them too).
        app.record_secrets(&value);
        let text = value.to_string();
        let mut half = text.len() / 2;
        while !text.is_char_boundary(half) {
            half -= 1;
        }
        return Ok(Reply::Raw(text[..half].to_owned()));
    }
    Ok(Reply::Json(value))
}

async fn jwks(State(app): State<Arc<App>>, Path(pool_id): Path<String>) -> Response {
    let exists = app.lock().pools.contains_key(&pool_id);
    if !exists {
        return not_found().await;
    }
    json_response(StatusCode::OK, &app.keys.jwks(), "application/json")
}

async fn openid_configuration(
    State(app): State<Arc<App>>,
    Path(pool_id): Path<String>,
) -> Response {
    let exists = app.lock().pools.contains_key(&pool_id);
    if !exists {
        return not_found().await;
    }
    let iss = app.issuer(&pool_id);
    json_response(
        StatusCode::OK,
        &json!({
            "issuer": iss,
            // Always the emulator's own JWKS, also when `iss` looks like Cognito's.
            "jwks_uri": format!("{}/{pool_id}/.well-known/jwks.json", app.base_url()),
            "id_token_signing_alg_values_supported": ["RS256"],
            "subject_types_supported": ["public"],
            "response_types_supported": ["code", "token"],
        }),
        "application/json",
    )
}

/// Parses a hook body (empty = `{}`).
pub(crate) fn hook_body(bytes: &Bytes) -> Result<Value, ApiError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(json!({}));
    }
    let v: Value = serde_json::from_slice(bytes).map_err(|_| serialization("Malformed JSON"))?;
    if v.is_object() {
        Ok(v)
    } else {
        Err(serialization("Body must be a JSON object"))
    }
}

pub(crate) fn exception(name: &str) -> Option<&'static str> {
    known_exception(name)
}
