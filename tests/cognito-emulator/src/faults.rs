//! Faults injected by the `/_emulator/faults` hook (see `hooks.rs`), kept in
//! [`crate::state::State`].

/// An injected fault for the next `count` calls of an operation.
#[derive(Debug, Clone, Default)]
pub struct Fault {
    pub error: Option<&'static str>,
    pub count: u64,
    pub delay_ms: u64,
    /// Calls of the operation that pass untouched before the fault applies.
    pub skip: u64,
    /// A broken answer instead of Cognito's (`error` is then not used).
    pub response: Option<BrokenResponse>,
}

/// A broken answer, as a faulty network or proxy could deliver it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokenResponse {
    /// HTTP 200 with a body that is not JSON (an HTML error page); the call is not run.
    Malformed,
    /// The call runs, then HTTP 200 with only the first half of its JSON answer.
    Truncated,
}
