//! Strings across the ABI, panic guards, and the completion of async operations: every
//! operation's callback is called exactly once, also when the operation panics.

use std::ffi::{c_char, c_void, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use serde_json::Value;
use zeroize::Zeroizing;

use crate::clients::{self, UserData};
use crate::error::{CognitoErrorCode, FfiError};
use crate::operations::{dispatch, CognitoOperation};
use crate::runtime;

/// Completion callback of every async operation: `code` is `COGNITO_ERROR_CODE_OK` or an
/// error (see `CognitoErrorCode` and the exception codes), `json` the result or the error JSON.
pub type Callback = unsafe extern "C" fn(user_data: *mut c_void, code: i32, json: *mut c_char);

/// Runs `f`, turning a panic into `COGNITO_ERROR_CODE_PANIC`.
pub fn guard(f: impl FnOnce() -> CognitoErrorCode) -> CognitoErrorCode {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(CognitoErrorCode::Panic)
}

/// A string handed to C: ownership goes to the receiver (`cognito_string_free`).
pub fn into_c_string(text: String) -> *mut c_char {
    // serde_json escapes NUL, so JSON never contains one; other texts are filtered.
    let bytes: Vec<u8> = text.into_bytes().into_iter().filter(|b| *b != 0).collect();
    CString::new(bytes).map_or(std::ptr::null_mut(), CString::into_raw)
}

/// Reads an optional C string argument.
///
/// # Safety
/// `ptr` is NULL or a readable NUL-terminated string.
pub unsafe fn read_str(ptr: *const c_char, what: &str) -> Result<Option<String>, FfiError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's contract.
    let bytes = unsafe { CStr::from_ptr(ptr) }.to_bytes();
    std::str::from_utf8(bytes)
        .map(|s| Some(s.to_owned()))
        .map_err(|_| {
            FfiError::usage(
                CognitoErrorCode::InvalidUtf8,
                format!("{what} is not UTF-8"),
            )
        })
}

/// Delivers the outcome of one operation to its callback exactly once — also if the operation
/// panics (the drop during unwinding reports `PANIC`).
struct Completion {
    callback: Callback,
    user_data: UserData,
    done: bool,
}

impl Completion {
    fn finish(mut self, result: Result<Value, FfiError>) {
        self.done = true;
        let (code, value) = match result {
            Ok(value) => (CognitoErrorCode::Ok as i32, value),
            Err(error) => (error.code, error.json),
        };
        self.deliver(code, value);
    }

    fn deliver(&self, code: i32, value: Value) {
        let text = into_c_string(value.to_string());
        let (callback, user_data) = (self.callback, self.user_data);
        // SAFETY: the caller registered this callback for this call; the string is handed over.
        let _ = catch_unwind(|| unsafe { callback(user_data.0, code, text) });
    }
}

impl Drop for Completion {
    fn drop(&mut self) {
        if !self.done {
            self.done = true;
            let error = FfiError::usage(
                CognitoErrorCode::Panic,
                "the operation ended without a result (a panic in the library, or \
                 cognito_runtime_shutdown before it finished)",
            );
            self.deliver(error.code, error.json);
        }
    }
}

/// Starts one async operation: returns OK when started (the callback will be called exactly
/// once), or an error code and the callback is never called.
///
/// # Safety
/// `request_json` is NULL or a readable NUL-terminated string; `callback` and `user_data`
/// follow [`Callback`]'s contract.
pub unsafe fn start(
    client: u64,
    operation: i32,
    request_json: *const c_char,
    callback: Option<Callback>,
    user_data: *mut c_void,
) -> CognitoErrorCode {
    guard(|| {
        let Some(callback) = callback else {
            return CognitoErrorCode::NullArgument;
        };
        let Some(operation) = CognitoOperation::from_code(operation) else {
            return CognitoErrorCode::UnknownOperation;
        };
        let runtime = match runtime::handle() {
            Ok(runtime) => runtime,
            Err(error) => return error.usage_code(),
        };
        // Copied now: the caller may free its request as soon as this returns.
        // SAFETY: the caller's contract.
        let request = unsafe { read_str(request_json, "the request") }
            .map(|text| Zeroizing::new(text.unwrap_or_default()));
        let entry = clients::get(client);
        let completion = Completion {
            callback,
            user_data: UserData(user_data),
            done: false,
        };
        runtime.spawn(async move {
            let result = async {
                let request = request?;
                dispatch(operation, entry?, &request).await
            }
            .await;
            completion.finish(result);
        });
        CognitoErrorCode::Ok
    })
}
