//! The library's tokio runtime: started on first use, stopped by `cognito_runtime_shutdown`.

use std::sync::{Mutex, MutexGuard};

use crate::error::{CognitoErrorCode, FfiError};

enum RuntimeState {
    NotStarted,
    Running(tokio::runtime::Runtime),
    ShutDown,
}

static RUNTIME: Mutex<RuntimeState> = Mutex::new(RuntimeState::NotStarted);

fn state() -> MutexGuard<'static, RuntimeState> {
    RUNTIME.lock().unwrap_or_else(|p| p.into_inner())
}

/// The library's runtime (started on first use), or `RUNTIME_UNAVAILABLE` after
/// `cognito_runtime_shutdown` or when it cannot start.
pub fn handle() -> Result<tokio::runtime::Handle, FfiError> {
    let mut state = state();
    if let RuntimeState::NotStarted = *state {
        let built = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("cognito-auth")
            .enable_all()
            .build()
            .map_err(|e| {
                FfiError::usage(
                    CognitoErrorCode::RuntimeUnavailable,
                    format!("cannot start the async runtime: {e}"),
                )
            })?;
        *state = RuntimeState::Running(built);
    }
    match &*state {
        RuntimeState::Running(runtime) => Ok(runtime.handle().clone()),
        _ => Err(FfiError::usage(
            CognitoErrorCode::RuntimeUnavailable,
            "the library was shut down (cognito_runtime_shutdown)",
        )),
    }
}

/// Stops the runtime for good, cancelling what runs and joining its threads (at most 5 s for a
/// thread blocked in a secret-store request). `InvalidState` when called from a library thread.
pub fn shut_down() -> CognitoErrorCode {
    if tokio::runtime::Handle::try_current().is_ok() {
        return CognitoErrorCode::InvalidState;
    }
    let previous = std::mem::replace(&mut *state(), RuntimeState::ShutDown);
    if let RuntimeState::Running(runtime) = previous {
        runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    }
    CognitoErrorCode::Ok
}
