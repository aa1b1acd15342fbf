//! The demo's side of the emulator: the user pool, the outbox, the clock, and a transport that
//! logs every call (so the demo can prove, e.g., that MFA was skipped).

use std::sync::{Arc, Mutex};

use cognito_auth_core::api::http::HttpCognitoApi;
use cognito_auth_core::api::{ApiFuture, CognitoApi};
use cognito_emulator::client;
use serde_json::{json, Value};

/// The demo's pool and app client.
pub struct Pool {
    pub pool_id: String,
    pub client_id: String,
}

async fn call(endpoint: &str, operation: &str, body: Value) -> Result<Value, String> {
    let (status, value) = client::call(endpoint, operation, &body)
        .await
        .map_err(|e| format!("{operation}: {e}"))?;
    if status != 200 {
        return Err(format!("{operation} failed: {value}"));
    }
    Ok(value)
}

/// A pool with MFA required (SMS or TOTP), sign-up codes by e-mail, and devices remembered when
/// the user asks (a remembered device replaces MFA); an app client without a secret.
pub async fn create_pool(endpoint: &str) -> Result<Pool, String> {
    let created = call(
        endpoint,
        "CreateUserPool",
        json!({
            "PoolName": "cognito-auth-demo",
            "MfaConfiguration": "ON",
            "AutoVerifiedAttributes": ["email"],
            "DeviceConfiguration": {
                "ChallengeRequiredOnNewDevice": true,
                "DeviceOnlyRememberedOnUserPrompt": true,
            },
        }),
    )
    .await?;
    let pool_id = created["UserPool"]["Id"]
        .as_str()
        .ok_or("CreateUserPool returned no Id")?
        .to_owned();
    call(
        endpoint,
        "SetUserPoolMfaConfig",
        json!({
            "UserPoolId": pool_id,
            "MfaConfiguration": "ON",
            "SmsMfaConfiguration": { "SmsConfiguration": { "SnsCallerArn": "arn:aws:iam::123456789012:role/sns" } },
            "SoftwareTokenMfaConfiguration": { "Enabled": true },
        }),
    )
    .await?;
    let created = call(
        endpoint,
        "CreateUserPoolClient",
        json!({
            "UserPoolId": pool_id,
            "ClientName": "cognito-auth-demo",
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        }),
    )
    .await?;
    let client_id = created["UserPoolClient"]["ClientId"]
        .as_str()
        .ok_or("CreateUserPoolClient returned no ClientId")?
        .to_owned();
    Ok(Pool { pool_id, client_id })
}

/// The messages in the emulator's outbox for `username` with this `purpose` (`SIGN_UP`, `MFA`).
pub async fn outbox(
    endpoint: &str,
    pool: &Pool,
    username: &str,
    purpose: &str,
) -> Result<Vec<Value>, String> {
    let path = format!(
        "/_emulator/messages?userPoolId={}&username={}",
        pool.pool_id, username
    );
    let response = client::request(endpoint, "GET", &path, &[], b"")
        .await
        .map_err(|e| format!("reading the outbox: {e}"))?;
    Ok(response
        .json()
        .as_array()
        .map(|all| {
            all.iter()
                .filter(|m| m["purpose"] == purpose)
                .cloned()
                .collect()
        })
        .unwrap_or_default())
}

/// The newest code in the outbox for `username` with this `purpose`.
pub async fn last_code(
    endpoint: &str,
    pool: &Pool,
    username: &str,
    purpose: &str,
) -> Result<String, String> {
    outbox(endpoint, pool, username, purpose)
        .await?
        .last()
        .and_then(|m| m["code"].as_str().map(str::to_owned))
        .ok_or_else(|| format!("no {purpose} code in the outbox for {username}"))
}

/// The emulator's clock (seconds since the epoch), which TOTP codes follow.
pub async fn now(endpoint: &str) -> Result<u64, String> {
    let response = client::request(endpoint, "GET", "/_emulator/clock", &[], b"")
        .await
        .map_err(|e| format!("reading the emulator clock: {e}"))?;
    response.json()["now"]
        .as_u64()
        .ok_or_else(|| "the emulator clock answered without `now`".to_owned())
}

/// Moves the emulator's clock forward; returns its new time.
pub async fn advance(endpoint: &str, seconds: u64) -> Result<u64, String> {
    let body = format!("{{\"advanceSeconds\": {seconds}}}");
    let response = client::request(
        endpoint,
        "POST",
        "/_emulator/clock",
        &[("content-type", "application/json")],
        body.as_bytes(),
    )
    .await
    .map_err(|e| format!("moving the emulator clock: {e}"))?;
    response.json()["now"]
        .as_u64()
        .ok_or_else(|| "the emulator clock answered without `now`".to_owned())
}

/// A [`CognitoApi`] over HTTP that logs each call: the operation, or for
/// `RespondToAuthChallenge` the challenge answered (`DEVICE_SRP_AUTH`, `SMS_MFA`, ...).
pub struct LoggingApi {
    inner: HttpCognitoApi,
    log: Mutex<Vec<String>>,
}

impl LoggingApi {
    pub fn new(endpoint: &str) -> Result<Arc<LoggingApi>, String> {
        let inner = HttpCognitoApi::with_endpoint(endpoint).map_err(|e| format!("{e:?}"))?;
        Ok(Arc::new(LoggingApi {
            inner,
            log: Mutex::new(Vec::new()),
        }))
    }

    /// How many calls so far (a mark for [`LoggingApi::since`]).
    pub fn mark(&self) -> usize {
        self.lock().len()
    }

    /// The calls made since `mark`.
    pub fn since(&self, mark: usize) -> Vec<String> {
        self.lock()[mark..].to_vec()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        self.log.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl CognitoApi for LoggingApi {
    fn call(&self, operation: &'static str, body: Value) -> ApiFuture<'_> {
        let entry = match (operation, body["ChallengeName"].as_str()) {
            ("RespondToAuthChallenge", Some(challenge)) => challenge.to_owned(),
            ("InitiateAuth", _) => {
                format!("InitiateAuth({})", body["AuthFlow"].as_str().unwrap_or("?"))
            }
            _ => operation.to_owned(),
        };
        self.lock().push(entry);
        self.inner.call(operation, body)
    }
}
