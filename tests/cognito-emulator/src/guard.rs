//! What keeps a local emulator from being used by others: a `Host` check against DNS rebinding,
//! JSON-only hook POSTs (no simple cross-site POST), and an optional token for the hooks and the
//! administrator operations.
//!
//! The Cognito endpoint (`POST /`) needs no content-type rule: without an `X-Amz-Target` header
//! (which a cross-site form cannot send) nothing runs.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;

use crate::ops::App;
use crate::protocol::ApiError;
use crate::server::json_response;

/// Who may call, as configured.
#[derive(Clone, Default)]
pub(crate) struct Guard {
    /// Extra `Host` names accepted (besides `localhost` and IP addresses); `*` accepts any.
    pub allowed_hosts: Vec<String>,
    /// Required by the hooks and the administrator operations when set.
    pub token: Option<String>,
}

impl std::fmt::Debug for Guard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guard")
            .field("allowed_hosts", &self.allowed_hosts)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Operations an app calls without AWS credentials (with a client id, a session or a user's
/// access token). Every other operation needs IAM credentials in Cognito, so the emulator's
/// token when one is set.
const PUBLIC_OPERATIONS: &[&str] = &[
    "SignUp",
    "ConfirmSignUp",
    "ResendConfirmationCode",
    "ForgotPassword",
    "ConfirmForgotPassword",
    "InitiateAuth",
    "RespondToAuthChallenge",
    "GetTokensFromRefreshToken",
    "RevokeToken",
    "AssociateSoftwareToken",
    "VerifySoftwareToken",
    "SetUserMFAPreference",
    "GetUser",
    "UpdateUserAttributes",
    "DeleteUserAttributes",
    "GetUserAttributeVerificationCode",
    "VerifyUserAttribute",
    "ChangePassword",
    "DeleteUser",
    "GlobalSignOut",
    "ConfirmDevice",
    "UpdateDeviceStatus",
    "ListDevices",
    "GetDevice",
    "ForgetDevice",
];

/// Whether `op` needs the token (when one is set).
pub(crate) fn is_admin_operation(op: &str) -> bool {
    !PUBLIC_OPERATIONS.contains(&op)
}

/// The host part of a `Host` header (`name`, `1.2.3.4`, `[::1]`, each with an optional port).
fn host_name(value: &str) -> &str {
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default();
    }
    match value.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => value,
    }
}

impl Guard {
    /// A `Host` a web page on another site cannot make a browser send: an IP address,
    /// `localhost` (or `*.localhost`), or a configured name. A missing `Host` (HTTP/1.0) is no
    /// browser's either.
    fn host_allowed(&self, headers: &HeaderMap) -> bool {
        let Some(value) = headers.get("host") else {
            return true;
        };
        let Ok(value) = value.to_str() else {
            return false;
        };
        let host = host_name(value.trim()).to_ascii_lowercase();
        host.parse::<std::net::IpAddr>().is_ok()
            || host == "localhost"
            || host.ends_with(".localhost")
            || self
                .allowed_hosts
                .iter()
                .any(|h| h == "*" || h.eq_ignore_ascii_case(&host))
    }

    /// Whether the request carries the token: `X-Emulator-Token: T`, `Authorization: Bearer T`,
    /// or a SigV4 `Authorization` whose access key id is `T` (so AWS SDKs can pass it as their
    /// access key). Compared in constant time.
    pub(crate) fn has_token(&self, headers: &HeaderMap) -> bool {
        let Some(token) = &self.token else {
            return true;
        };
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let mut offered = Vec::new();
        if let Some(t) = header("x-emulator-token") {
            offered.push(t.trim());
        }
        if let Some(auth) = header("authorization") {
            if let Some(t) = auth.strip_prefix("Bearer ") {
                offered.push(t.trim());
            }
            if let Some(cred) = auth.split("Credential=").nth(1) {
                offered.push(cred.split('/').next().unwrap_or_default());
            }
        }
        offered
            .iter()
            .fold(false, |ok, t| crate::util::ct_eq(t, token) | ok)
    }
}

fn refused(status: StatusCode, kind: &'static str, message: &str) -> Response {
    json_response(
        status,
        &json!({ "__type": kind, "message": message }),
        "application/json",
    )
}

/// Middleware for every route: the `Host` check, then, for `/_emulator/*`, the JSON content
/// type of POSTs and the token.
pub(crate) async fn check(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let guard = &app.guard;
    if !guard.host_allowed(req.headers()) {
        return refused(
            StatusCode::FORBIDDEN,
            "ForbiddenException",
            "Host header not allowed (DNS rebinding protection): use localhost or an IP address, or start the emulator with --allow-host NAME",
        );
    }
    let path = req.uri().path();
    if path.starts_with("/_emulator/") && path != "/_emulator/health" {
        if req.method() == Method::POST && !is_json(req.headers()) {
            return refused(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UnsupportedMediaTypeException",
                "Test hooks take Content-Type: application/json",
            );
        }
        if !guard.has_token(req.headers()) {
            return refused(
                StatusCode::FORBIDDEN,
                "ForbiddenException",
                "This emulator requires its token (X-Emulator-Token or Authorization: Bearer) for test hooks",
            );
        }
    }
    next.run(req).await
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

/// The refusal of an administrator operation called without the token.
pub(crate) fn admin_refusal(headers: &HeaderMap) -> ApiError {
    if headers.contains_key("authorization") || headers.contains_key("x-emulator-token") {
        ApiError::new(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )
    } else {
        ApiError {
            kind: "MissingAuthenticationTokenException",
            message: "Missing Authentication Token".into(),
            status: 403,
        }
    }
}
