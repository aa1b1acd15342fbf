//! Outcome codes and the error JSON: the one place where an [`AuthError`] becomes a C error.
//!
//! The codes of Cognito's exceptions are not listed here: they come from the core's exception
//! table (`CognitoException::c_code`), and the header's block of `COGNITO_ERROR_CODE_*`
//! exception constants is generated from that table too (see `tests/header.rs`).

use cognito_auth_core::{AuthError, CognitoException, ErrorKind};
use serde_json::{json, Value};

/// The outcomes of the C API that are not Cognito exceptions, as an `int32_t`. `0` is success;
/// `1..=9` are misuse of the C API (a bug in the caller or the binding, never sent to Cognito);
/// `10..=18` are the core's error kinds; `100` is a Cognito exception the library does not
/// name (read `exceptionName`), and the named exceptions follow it (`101` and up: the
/// `COGNITO_ERROR_CODE_*` constants at the top of this header, from the core's exception table).
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CognitoErrorCode {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// A string argument was not UTF-8.
    InvalidUtf8 = 2,
    /// The request or configuration JSON did not parse or had the wrong shape.
    InvalidJson = 3,
    /// No client has this handle (never created, or already freed).
    InvalidHandle = 4,
    /// No secret-store request has this id (never issued, or already completed).
    UnknownStoreRequest = 5,
    /// The library panicked; the operation did not complete. Please report it.
    Panic = 6,
    /// The library's async runtime could not be started.
    RuntimeUnavailable = 7,
    /// `cognito_call` was given an operation this library does not have.
    UnknownOperation = 8,
    /// Cognito could not be reached (retryable).
    Network = 10,
    /// Cognito did not answer in time (retryable).
    Timeout = 11,
    /// Cognito's answer could not be understood.
    InvalidResponse = 12,
    /// The secret store failed.
    Storage = 13,
    /// The call does not fit the current state (e.g. `confirm_sign_in` with no sign-in).
    InvalidState = 14,
    /// An argument is invalid; nothing was sent.
    InvalidInput = 15,
    /// No user is signed in, or the session has ended.
    SignedOut = 16,
    /// Sign-in data stored on this device can never be read (its key is gone, or it was
    /// damaged): call `COGNITO_OPERATION_RESET_LOCAL_STATE`, then sign in again.
    LocalStateUnreadable = 17,
    /// Cognito asks for something this library cannot do (a passkey, `WEB_AUTHN`, or an
    /// unknown challenge): offer the user another way to sign in.
    Unsupported = 18,
    /// A Cognito exception not named by the library: see `exceptionName`.
    Service = 100,
}

impl CognitoErrorCode {
    /// Every code of this enum.
    pub const ALL: [CognitoErrorCode; 19] = {
        use CognitoErrorCode::*;
        [
            Ok,
            NullArgument,
            InvalidUtf8,
            InvalidJson,
            InvalidHandle,
            UnknownStoreRequest,
            Panic,
            RuntimeUnavailable,
            UnknownOperation,
            Network,
            Timeout,
            InvalidResponse,
            Storage,
            InvalidState,
            InvalidInput,
            SignedOut,
            LocalStateUnreadable,
            Unsupported,
            Service,
        ]
    };

    /// The C name without prefix (`"INVALID_JSON"`).
    pub fn c_name(self) -> &'static str {
        use CognitoErrorCode::*;
        match self {
            Ok => "OK",
            NullArgument => "NULL_ARGUMENT",
            InvalidUtf8 => "INVALID_UTF8",
            InvalidJson => "INVALID_JSON",
            InvalidHandle => "INVALID_HANDLE",
            UnknownStoreRequest => "UNKNOWN_STORE_REQUEST",
            Panic => "PANIC",
            RuntimeUnavailable => "RUNTIME_UNAVAILABLE",
            UnknownOperation => "UNKNOWN_OPERATION",
            Network => "NETWORK",
            Timeout => "TIMEOUT",
            InvalidResponse => "INVALID_RESPONSE",
            Storage => "STORAGE",
            InvalidState => "INVALID_STATE",
            InvalidInput => "INVALID_INPUT",
            SignedOut => "SIGNED_OUT",
            LocalStateUnreadable => "LOCAL_STATE_UNREADABLE",
            Unsupported => "UNSUPPORTED",
            Service => "SERVICE",
        }
    }

    /// The error kind of the usage codes (`"USAGE"`, `"INTERNAL"`).
    fn usage_kind(self) -> &'static str {
        match self {
            CognitoErrorCode::Panic | CognitoErrorCode::RuntimeUnavailable => "INTERNAL",
            _ => "USAGE",
        }
    }

    /// The code of a core error kind.
    fn of_kind(kind: ErrorKind) -> CognitoErrorCode {
        match kind {
            ErrorKind::Service => CognitoErrorCode::Service,
            ErrorKind::Network => CognitoErrorCode::Network,
            ErrorKind::Timeout => CognitoErrorCode::Timeout,
            ErrorKind::InvalidResponse => CognitoErrorCode::InvalidResponse,
            ErrorKind::Storage => CognitoErrorCode::Storage,
            ErrorKind::InvalidState => CognitoErrorCode::InvalidState,
            ErrorKind::InvalidInput => CognitoErrorCode::InvalidInput,
            ErrorKind::SignedOut => CognitoErrorCode::SignedOut,
            ErrorKind::LocalStateUnreadable => CognitoErrorCode::LocalStateUnreadable,
            ErrorKind::Unsupported => CognitoErrorCode::Unsupported,
        }
    }
}

/// The name of any outcome code (`"CODE_MISMATCH"` for 105), with a NUL; `None` if unknown.
pub fn code_name(code: i32) -> Option<&'static str> {
    let own = CognitoErrorCode::ALL
        .iter()
        .find(|c| **c as i32 == code)
        .map(|c| c.c_name());
    own.or_else(|| {
        CognitoException::ALL
            .iter()
            .find(|e| e.c_code() == code)
            .map(|e| e.c_name())
    })
}

/// An error on its way to C: its code and its JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct FfiError {
    /// The code passed to the callback / returned.
    pub code: i32,
    /// The error JSON: the core's `ErrorReport` (`kind`, `exception`, `exceptionName`,
    /// `message`, `serviceMessage`, `retryable`) with the `code` added.
    pub json: Value,
}

impl FfiError {
    /// An error that did not come from the core (C API misuse, panics).
    pub fn usage(code: CognitoErrorCode, message: impl Into<String>) -> FfiError {
        FfiError {
            code: code as i32,
            json: json!({
                "code": code as i32,
                "kind": code.usage_kind(),
                "exception": null,
                "exceptionName": null,
                "message": message.into(),
                "serviceMessage": null,
                "retryable": false,
            }),
        }
    }

    /// A malformed request JSON.
    pub fn invalid_json(message: impl Into<String>) -> FfiError {
        FfiError::usage(CognitoErrorCode::InvalidJson, message)
    }

    /// The usage code, when this is one (never for core errors).
    pub fn usage_code(&self) -> CognitoErrorCode {
        CognitoErrorCode::ALL
            .into_iter()
            .find(|c| *c as i32 == self.code && (*c as i32) < 10)
            .unwrap_or(CognitoErrorCode::Panic)
    }
}

impl From<AuthError> for FfiError {
    fn from(error: AuthError) -> FfiError {
        let code = match error.exception() {
            Some(exception) => exception.c_code(),
            None => CognitoErrorCode::of_kind(error.kind()) as i32,
        };
        let mut json = serde_json::to_value(error.report()).unwrap_or_else(|_| json!({}));
        json["code"] = json!(code);
        FfiError { code, json }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_errors_carry_the_table_code_name_and_messages() {
        let error = AuthError::service("CodeMismatchException", "Invalid code provided");
        let ffi = FfiError::from(error);
        assert_eq!(ffi.code, 105);
        assert_eq!(ffi.json["code"], 105);
        assert_eq!(ffi.json["kind"], "SERVICE");
        assert_eq!(ffi.json["exception"], "CODE_MISMATCH");
        assert_eq!(ffi.json["exceptionName"], "CodeMismatchException");
        assert_eq!(ffi.json["serviceMessage"], "Invalid code provided");
        assert_eq!(ffi.json["retryable"], false);
        let unknown = FfiError::from(AuthError::service("BrandNewException", "m"));
        assert_eq!(unknown.code, CognitoErrorCode::Service as i32);
        assert_eq!(unknown.json["exceptionName"], "BrandNewException");
    }

    #[test]
    fn other_kinds_map_to_their_codes() {
        let network = FfiError::from(AuthError::Network {
            detail: "refused".into(),
        });
        assert_eq!(network.code, CognitoErrorCode::Network as i32);
        assert_eq!(network.json["retryable"], true);
        assert_eq!(network.json["exceptionName"], Value::Null);
        assert_eq!(
            FfiError::from(AuthError::SignedOut).code,
            CognitoErrorCode::SignedOut as i32
        );
    }

    #[test]
    fn every_code_has_one_distinct_name() {
        let mut names = std::collections::BTreeSet::new();
        for code in CognitoErrorCode::ALL {
            assert_eq!(code_name(code as i32), Some(code.c_name()));
            assert!(names.insert(code.c_name()));
        }
        for exception in CognitoException::ALL {
            assert_eq!(code_name(exception.c_code()), Some(exception.c_name()));
            assert!(names.insert(exception.c_name()));
        }
        assert_eq!(code_name(99), None);
    }
}
