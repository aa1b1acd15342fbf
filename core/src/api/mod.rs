//! The Cognito user-pool API as the core sees it: a JSON call per operation behind the
//! [`CognitoApi`] trait, typed requests and responses in [`types`], and an HTTPS transport in
//! [`http`].
//!
//! The sign-in machine never calls the network itself; the [`AuthClient`](crate::AuthClient)
//! driver runs its effects through a `CognitoApi`. Tests use the project's emulator over real
//! HTTP; apps use [`http::HttpCognitoApi`] against `https://cognito-idp.<region>.amazonaws.com/`.

#[cfg(feature = "https")]
pub mod http;
pub mod types;

use std::future::Future;
use std::pin::Pin;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// What a [`CognitoApi`] call returns.
pub type ApiFuture<'a> = Pin<Box<dyn Future<Output = Result<Value, ApiError>> + Send + 'a>>;

/// One Cognito user-pool API operation: `operation` is the name in `X-Amz-Target`
/// (`InitiateAuth`, `ConfirmDevice`, ...), `body` the request JSON; the answer is the response
/// JSON or an [`ApiError`].
pub trait CognitoApi: Send + Sync {
    /// Calls `operation` with `body`.
    fn call(&self, operation: &'static str, body: Value) -> ApiFuture<'_>;
}

/// Why a call failed, before it is mapped to the public [`AuthError`](crate::AuthError).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// Cognito answered with an exception (`__type`), e.g. `NotAuthorizedException`.
    Service {
        /// The exception name without any namespace prefix.
        code: String,
        /// Cognito's message.
        message: String,
    },
    /// The request did not reach Cognito, or the connection broke.
    Network(String),
    /// No answer within the configured time.
    Timeout,
    /// The answer could not be understood.
    InvalidResponse(String),
    /// The configured endpoint cannot be used (not a URL, not HTTP(S), plain HTTP to a host
    /// that is not this machine); nothing was sent.
    InvalidEndpoint(String),
}

impl ApiError {
    /// The Cognito exception name, for service errors.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Service { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// Calls `operation` with a typed request and parses the typed response.
pub(crate) async fn invoke<Req: Serialize, Resp: DeserializeOwned>(
    api: &dyn CognitoApi,
    operation: &'static str,
    request: &Req,
) -> Result<Resp, ApiError> {
    let body = serde_json::to_value(request)
        .map_err(|e| ApiError::InvalidResponse(format!("cannot encode {operation}: {e}")))?;
    let value = api.call(operation, body).await?;
    parse_response(operation, value)
}

pub(crate) fn parse_response<Resp: DeserializeOwned>(
    operation: &'static str,
    value: Value,
) -> Result<Resp, ApiError> {
    serde_json::from_value(value).map_err(|e| {
        ApiError::InvalidResponse(format!(
            "unexpected {operation} response: {}",
            crate::error::describe_json_error(&e)
        ))
    })
}
