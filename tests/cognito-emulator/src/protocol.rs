//! The wire protocol: `X-Amz-Target` parsing, request field access and Cognito-shaped errors.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The `X-Amz-Target` prefix of every Cognito user-pool operation.
pub const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

/// Largest accepted request body.
pub const MAX_BODY: usize = 1024 * 1024;

/// An error answered as `{"__type": kind, "message": message}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// Cognito's exception name, e.g. `NotAuthorizedException`.
    pub kind: &'static str,
    /// Human-readable message (never contains secrets).
    pub message: String,
    /// HTTP status (400 for client errors).
    pub status: u16,
}

/// Result of an operation.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// A 400 error of the given Cognito exception name.
    pub fn new(kind: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            kind,
            message: message.into(),
            status: 400,
        }
    }

    /// The JSON body of the error.
    pub fn body(&self) -> Value {
        serde_json::json!({ "__type": self.kind, "message": self.message })
    }
}

/// Maps an exception name given by a test (fault injection) to a static name: any exception of
/// the core's table (`cognito_auth_core::CognitoException`, the project's one list), or one of
/// the protocol's own (`UnknownOperationException`, `SerializationException`).
pub fn known_exception(name: &str) -> Option<&'static str> {
    const PROTOCOL: &[&str] = &["UnknownOperationException", "SerializationException"];
    cognito_auth_core::CognitoException::from_wire_name(name)
        .wire_name()
        .filter(|known| *known == name)
        .or_else(|| PROTOCOL.iter().copied().find(|n| *n == name))
}

pub fn not_authorized(m: impl Into<String>) -> ApiError {
    ApiError::new("NotAuthorizedException", m)
}
pub fn invalid_parameter(m: impl Into<String>) -> ApiError {
    ApiError::new("InvalidParameterException", m)
}
pub fn resource_not_found(m: impl Into<String>) -> ApiError {
    ApiError::new("ResourceNotFoundException", m)
}
pub fn user_not_found() -> ApiError {
    ApiError::new("UserNotFoundException", "User does not exist.")
}
pub fn code_mismatch() -> ApiError {
    ApiError::new("CodeMismatchException", "Invalid code received for user")
}
pub fn expired_code() -> ApiError {
    ApiError::new(
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
    )
}
pub fn serialization(m: impl Into<String>) -> ApiError {
    ApiError::new("SerializationException", m)
}
pub fn incorrect_password() -> ApiError {
    not_authorized("Incorrect username or password.")
}

/// Parses `X-Amz-Target` into the operation name.
pub fn parse_target(header: Option<&str>) -> ApiResult<String> {
    let unknown = || ApiError::new("UnknownOperationException", "");
    let h = header.ok_or_else(unknown)?;
    let op = h.strip_prefix(TARGET_PREFIX).ok_or_else(unknown)?;
    if op.is_empty() || !op.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(unknown());
    }
    Ok(op.to_owned())
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn missing(field: &str) -> ApiError {
    invalid_parameter(format!(
        "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
        lower_first(field)
    ))
}

fn wrong_type(field: &str, expected: &str) -> ApiError {
    serialization(format!("Expected {expected} for field {field}"))
}

/// Read access to a JSON object request with Cognito-like errors.
#[derive(Clone, Copy)]
pub struct Req<'a> {
    map: &'a Map<String, Value>,
}

impl<'a> Req<'a> {
    /// Wraps a JSON value, which must be an object.
    pub fn new(v: &'a Value) -> ApiResult<Req<'a>> {
        match v {
            Value::Object(map) => Ok(Req { map }),
            _ => Err(serialization("Request body must be a JSON object")),
        }
    }

    fn get(&self, k: &str) -> Option<&'a Value> {
        match self.map.get(k) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    /// An optional string.
    pub fn opt_str(&self, k: &str) -> ApiResult<Option<&'a str>> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(_) => Err(wrong_type(k, "a string")),
        }
    }

    /// A required, non-empty string.
    pub fn str(&self, k: &str) -> ApiResult<&'a str> {
        match self.opt_str(k)? {
            Some(s) if !s.is_empty() => Ok(s),
            Some(_) => Err(invalid_parameter(format!(
                "1 validation error detected: Value at '{}' failed to satisfy constraint: Member must have length greater than or equal to 1",
                lower_first(k)
            ))),
            None => Err(missing(k)),
        }
    }

    /// An optional boolean.
    pub fn opt_bool(&self, k: &str) -> ApiResult<Option<bool>> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(wrong_type(k, "a boolean")),
        }
    }

    /// An optional integer.
    pub fn opt_i64(&self, k: &str) -> ApiResult<Option<i64>> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| wrong_type(k, "an integer")),
            Some(_) => Err(wrong_type(k, "an integer")),
        }
    }

    /// An optional nested object.
    pub fn opt_obj(&self, k: &str) -> ApiResult<Option<Req<'a>>> {
        match self.get(k) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Req { map })),
            Some(_) => Err(wrong_type(k, "an object")),
        }
    }

    /// An optional map of string to string (`AuthParameters`, `ChallengeResponses`, ...).
    pub fn str_map(&self, k: &str) -> ApiResult<BTreeMap<String, String>> {
        let mut out = BTreeMap::new();
        match self.get(k) {
            None => {}
            Some(Value::Object(map)) => {
                for (name, v) in map {
                    match v {
                        Value::String(s) => {
                            out.insert(name.clone(), s.clone());
                        }
                        Value::Null => {}
                        _ => return Err(wrong_type(k, "a map of strings")),
                    }
                }
            }
            Some(_) => return Err(wrong_type(k, "a map of strings")),
        }
        Ok(out)
    }

    /// An optional list of strings.
    pub fn str_list(&self, k: &str) -> ApiResult<Vec<String>> {
        match self.get(k) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(wrong_type(k, "a list of strings")),
                })
                .collect(),
            Some(_) => Err(wrong_type(k, "a list of strings")),
        }
    }

    /// An optional `[{"Name": .., "Value": ..}]` attribute list.
    pub fn attributes(&self, k: &str) -> ApiResult<Vec<(String, String)>> {
        match self.get(k) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for item in items {
                    let r = Req::new(item).map_err(|_| wrong_type(k, "a list of attributes"))?;
                    let name = r.str("Name")?;
                    let value = r.opt_str("Value")?.unwrap_or("");
                    out.push((name.to_owned(), value.to_owned()));
                }
                Ok(out)
            }
            Some(_) => Err(wrong_type(k, "a list of attributes")),
        }
    }

    /// An optional list of nested objects.
    pub fn obj_list(&self, k: &str) -> ApiResult<Vec<Req<'a>>> {
        match self.get(k) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| Req::new(v).map_err(|_| wrong_type(k, "a list of objects")))
                .collect(),
            Some(_) => Err(wrong_type(k, "a list of objects")),
        }
    }

    /// The raw value of a field.
    pub fn raw(&self, k: &str) -> Option<&'a Value> {
        self.get(k)
    }
}
