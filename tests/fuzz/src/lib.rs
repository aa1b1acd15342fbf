//! What the fuzz targets share: splitting an input into records, a per-process secret the
//! fuzzer cannot guess (to check that no output or log line ever shows it), a log capture,
//! Cognito transports answered by the fuzzer or with canned answers, and a runtime.
//!
//! The input formats are text, so that the seeds in `seeds/` can be read and written by hand.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt::Write as _;
use std::future::Future;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, OnceLock};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use cognito_auth_core::api::{decode_response, ApiError, ApiFuture, CognitoApi};
use cognito_auth_core::Clock;
use serde_json::{json, Value};

/// Separates the records of an input (a request, a response, a field).
pub const SEPARATOR: &[u8] = b"\n---\n";

/// The records of an input, at most `max`; the last one takes the rest.
pub fn records(data: &[u8], max: usize) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while out.len() + 1 < max {
        match find(rest, SEPARATOR) {
            Some(at) => {
                out.push(&rest[..at]);
                rest = &rest[at + SEPARATOR.len()..];
            }
            None => break,
        }
    }
    out.push(rest);
    out
}

/// The first position of `needle` in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Text of a record (invalid UTF-8 replaced, as a caller's string would never be invalid).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A secret made at random once per process: the fuzzer cannot put it into an answer, so if it
/// shows up in an output, the code under test leaked it.
pub fn secret(tag: &str) -> String {
    static SEED: OnceLock<(u64, u64)> = OnceLock::new();
    let (a, b) = *SEED.get_or_init(|| {
        let state = std::collections::hash_map::RandomState::new();
        (state.hash_one("a"), state.hash_one("b"))
    });
    let state =
        std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default();
    let mix = state.hash_one((a, b, tag));
    format!("Zq{a:016x}{mix:016x}9!")
}

/// Panics if `haystack` contains `secret`, naming where.
///
/// The search compares rolling hashes, never the secret's bytes: libFuzzer records the operands
/// of byte comparisons and would learn the secret from a plain `contains`, then write it into an
/// answer itself.
pub fn assert_hidden(secret: &str, haystack: &str, what: &str) {
    assert!(
        !contains_by_hash(haystack.as_bytes(), secret.as_bytes()),
        "a secret appears in {what}: {haystack}"
    );
}

/// Whether `needle` occurs in `haystack`, by a polynomial rolling hash (mod 2^64); a match of the
/// hashes is a match (a collision is as likely as guessing a 64-bit value).
pub fn contains_by_hash(haystack: &[u8], needle: &[u8]) -> bool {
    const BASE: u64 = 1_000_003;
    let n = needle.len();
    if n == 0 || haystack.len() < n {
        return n == 0;
    }
    let hash = |bytes: &[u8]| {
        bytes.iter().fold(0u64, |h, &b| {
            h.wrapping_mul(BASE).wrapping_add(u64::from(b) + 1)
        })
    };
    let target = hash(needle);
    let top = (1..n).fold(1u64, |p, _| p.wrapping_mul(BASE)); // BASE^(n-1)
    let mut rolling = hash(&haystack[..n]);
    let mut found = rolling == target;
    for i in n..haystack.len() {
        let out = u64::from(haystack[i - n]) + 1;
        rolling = rolling
            .wrapping_sub(out.wrapping_mul(top))
            .wrapping_mul(BASE)
            .wrapping_add(u64::from(haystack[i]) + 1);
        found |= rolling == target;
    }
    found
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_hash_search_finds_what_contains_finds() {
        let hay = b"abc Zq0123secret9! xyz";
        assert!(super::contains_by_hash(hay, b"Zq0123secret9!"));
        assert!(super::contains_by_hash(hay, b"abc"));
        assert!(super::contains_by_hash(hay, b"xyz"));
        assert!(!super::contains_by_hash(hay, b"Zq0123secret9?"));
        assert!(!super::contains_by_hash(b"ab", b"abc"));
    }
}

/// Whether `FUZZ_TRACE` is set: the targets then print what they do (to check a seed).
pub fn tracing_enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("FUZZ_TRACE").is_some())
}

// ---- log capture ------------------------------------------------------------------------------

thread_local! {
    static LOG: RefCell<String> = const { RefCell::new(String::new()) };
}

struct Capture;

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        LOG.with(|log| span.record(&mut Fields(&mut log.borrow_mut())));
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        LOG.with(|log| values.record(&mut Fields(&mut log.borrow_mut())));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        LOG.with(|log| {
            let mut log = log.borrow_mut();
            event.record(&mut Fields(&mut log));
            log.push('\n');
        });
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// Starts capturing every log event (all levels) of this thread; returns what was captured
/// since the last call.
pub fn take_logs() -> String {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let _ = tracing::subscriber::set_global_default(Capture);
    });
    LOG.with(|log| std::mem::take(&mut *log.borrow_mut()))
}

// ---- runtime ----------------------------------------------------------------------------------

/// Runs a future to completion on a current-thread runtime (one per thread).
pub fn block_on<F: Future>(future: F) -> F::Output {
    thread_local! {
        static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .expect("a current-thread runtime");
    }
    RUNTIME.with(|rt| rt.block_on(future))
}

// ---- transports -------------------------------------------------------------------------------

/// A fixed clock: 2023-11-14T22:13:20Z.
pub struct FixedClock;

/// What [`FixedClock`] says.
pub const NOW: u64 = 1_700_000_000;

impl Clock for FixedClock {
    fn now_unix(&self) -> u64 {
        NOW
    }
}

/// One HTTP answer as the fuzzer writes it: an optional first line `STATUS [ERROR-TYPE]`
/// (`400 NotAuthorizedException:http://...`, `200 -`), then the body. Without that line the
/// whole record is the body of a `200`.
pub fn http_answer(record: &[u8]) -> (u16, Option<String>, &[u8]) {
    let line_end = record.iter().position(|&b| b == b'\n');
    let line = &record[..line_end.unwrap_or(record.len())];
    let status = line
        .get(..3)
        .filter(|d| d.iter().all(u8::is_ascii_digit))
        .filter(|_| line.len() == 3 || line[3] == b' ');
    match status {
        Some(digits) => {
            let status = digits
                .iter()
                .fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
            let header = line
                .get(4..)
                .map(|h| text(h).trim().to_owned())
                .filter(|h| !h.is_empty() && h != "-");
            let body = line_end.map_or(&[][..], |at| &record[at + 1..]);
            (status, header, body)
        }
        None => (200, None, record),
    }
}

/// A transport whose answers are the fuzzer's: each call takes the next answer, decoded by
/// the core's own [`decode_response`]; when they run out, calls fail as unreachable.
pub struct ScriptedApi {
    answers: Mutex<VecDeque<Result<Value, ApiError>>>,
    /// The operations called, in order.
    pub calls: Mutex<Vec<String>>,
}

impl ScriptedApi {
    /// Answers decoded from `records` (see [`http_answer`]), in order.
    pub fn new(records: &[&[u8]]) -> ScriptedApi {
        let answers = records
            .iter()
            .map(|record| {
                let (status, header, body) = http_answer(record);
                decode_response("Fuzzed", status, header.as_deref(), body)
            })
            .collect();
        ScriptedApi {
            answers: Mutex::new(answers),
            calls: Mutex::new(Vec::new()),
        }
    }
}

impl CognitoApi for ScriptedApi {
    fn call(&self, operation: &'static str, _body: Value) -> ApiFuture<'_> {
        let answer = self
            .answers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
            .unwrap_or_else(|| Err(ApiError::Network("the script has ended".into())));
        self.calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(operation.to_owned());
        Box::pin(async move { answer })
    }
}

/// An unsigned JWT with these claims (the core reads claims; it never checks signatures).
pub fn jwt(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","kid":"fuzz"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.c2lnbmF0dXJl")
}

/// Tokens as Cognito issues them for `alice`, valid for an hour after [`NOW`].
pub fn authentication_result() -> Value {
    let claims = json!({"sub": "0f8fad5b-d9cb-469f-a165-70867728950e", "username": "alice",
        "exp": NOW + 3600, "token_use": "access", "device_key": "us-east-1_dev"});
    let id_claims = json!({"sub": "0f8fad5b-d9cb-469f-a165-70867728950e",
        "cognito:username": "alice", "exp": NOW + 3600, "token_use": "id",
        "email": "alice@example.com"});
    json!({
        "AccessToken": jwt(&claims),
        "IdToken": jwt(&id_claims),
        "RefreshToken": "refresh-token",
        "ExpiresIn": 3600,
        "TokenType": "Bearer",
    })
}

/// A transport that answers every operation with a plausible success, so that what a caller
/// passed goes all the way through an operation.
pub struct CannedApi;

/// The canned success of `operation`.
pub fn canned_answer(operation: &str) -> Value {
    let delivery = json!({"Destination": "a***@e***", "DeliveryMedium": "EMAIL",
        "AttributeName": "email"});
    match operation {
        "InitiateAuth" | "RespondToAuthChallenge" | "GetTokensFromRefreshToken" => json!({
            "AuthenticationResult": authentication_result(),
            "ChallengeParameters": {},
        }),
        "GetUser" => json!({
            "Username": "alice",
            "UserAttributes": [{"Name": "sub", "Value": "0f8fad5b"},
                {"Name": "email", "Value": "alice@example.com"}],
            "UserMFASettingList": ["SOFTWARE_TOKEN_MFA"],
            "PreferredMfaSetting": "SOFTWARE_TOKEN_MFA",
        }),
        "ListDevices" => json!({"Devices": [{"DeviceKey": "us-east-1_dev",
            "DeviceAttributes": [{"Name": "device_name", "Value": "phone"},
                {"Name": "dev:device_remembered_status", "Value": "remembered"}],
            "DeviceCreateDate": 1.7e9, "DeviceLastModifiedDate": 1.7e9,
            "DeviceLastAuthenticatedDate": 1.7e9}]}),
        "AssociateSoftwareToken" => json!({"SecretCode": "JBSWY3DPEHPK3PXP"}),
        "VerifySoftwareToken" => json!({"Status": "SUCCESS"}),
        "SignUp" => json!({"UserConfirmed": false, "UserSub": "0f8fad5b",
            "CodeDeliveryDetails": delivery}),
        "ForgotPassword" | "ResendConfirmationCode" | "GetUserAttributeVerificationCode" => {
            json!({"CodeDeliveryDetails": delivery})
        }
        "UpdateUserAttributes" => json!({"CodeDeliveryDetailsList": [delivery]}),
        "ConfirmDevice" => json!({"UserConfirmationNecessary": true}),
        _ => json!({}),
    }
}

impl CognitoApi for CannedApi {
    fn call(&self, operation: &'static str, _body: Value) -> ApiFuture<'_> {
        Box::pin(async move { Ok(canned_answer(operation)) })
    }
}

/// An `Arc` of a transport, as `AuthClient::with_api` takes it.
pub fn shared<T: CognitoApi + 'static>(api: T) -> Arc<dyn CognitoApi> {
    Arc::new(api)
}
