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

/// Reads an HTTP answer of Cognito's JSON protocol: a 2xx status with a JSON body (an empty
/// body is `{}`) is the response; any other status is an [`ApiError::Service`] named by
/// `__type` (`com.amazonaws...#NotAuthorizedException`) or, failing that, by the
/// `x-amzn-ErrorType` header (`error_type`, `NotAuthorizedException:http://...`).
///
/// Pure: what the HTTPS transport (`HttpCognitoApi`) does with the bytes it read, for custom
/// transports too.
/// Any body gives a value or an error, never a panic.
pub fn decode_response(
    operation: &str,
    status: u16,
    error_type: Option<&str>,
    body: &[u8],
) -> Result<Value, ApiError> {
    let json: Option<Value> = if body.is_empty() {
        Some(Value::Object(Default::default()))
    } else {
        serde_json::from_slice(body).ok()
    };
    if (200..300).contains(&status) {
        return json.ok_or_else(|| {
            ApiError::InvalidResponse(format!("{operation} answered with non-JSON"))
        });
    }
    Err(service_error(status, error_type, json))
}

/// The exception name from `__type` (`...#NotAuthorizedException`) or `x-amzn-ErrorType`
/// (`NotAuthorizedException:http://...`).
fn service_error(status: u16, header_code: Option<&str>, json: Option<Value>) -> ApiError {
    let field = |name: &str| {
        json.as_ref()
            .and_then(|v| v.get(name).or_else(|| v.get(name.to_ascii_lowercase())))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let code = field("__type")
        .map(|t| t.rsplit('#').next().unwrap_or_default().to_owned())
        .or_else(|| header_code.map(|h| h.split(':').next().unwrap_or_default().to_owned()))
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| {
            if status >= 500 {
                "InternalErrorException".to_owned()
            } else {
                format!("HTTP{status}")
            }
        });
    let message = field("message")
        .or_else(|| field("Message"))
        .unwrap_or_default();
    ApiError::Service { code, message }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exception_names_lose_their_namespace() {
        let e = service_error(
            400,
            None,
            Some(json!({"__type": "com.amazonaws.cognito#CodeMismatchException", "message": "m"})),
        );
        assert_eq!(
            e,
            ApiError::Service {
                code: "CodeMismatchException".into(),
                message: "m".into()
            }
        );
        let e = service_error(400, Some("NotAuthorizedException:http://x/"), None);
        assert_eq!(e.code(), Some("NotAuthorizedException"));
        assert_eq!(
            service_error(503, None, None).code(),
            Some("InternalErrorException")
        );
    }

    #[test]
    fn answers_are_values_or_typed_errors() {
        assert_eq!(decode_response("GetUser", 200, None, b""), Ok(json!({})));
        assert_eq!(
            decode_response("GetUser", 200, None, br#"{"Username":"u"}"#),
            Ok(json!({"Username": "u"}))
        );
        assert!(matches!(
            decode_response("GetUser", 200, None, b"<html>"),
            Err(ApiError::InvalidResponse(_))
        ));
        let e = decode_response(
            "GetUser",
            400,
            Some("UserNotFoundException:http://internal"),
            b"not json",
        );
        assert_eq!(e.unwrap_err().code(), Some("UserNotFoundException"));
        assert_eq!(
            decode_response("GetUser", 404, None, b"[]")
                .unwrap_err()
                .code(),
            Some("HTTP404")
        );
    }
}
