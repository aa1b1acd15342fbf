//! The C ABI's JSON: the configuration `cognito_client_new` reads (`decode_config`) and the
//! request of every operation, through `dispatch`, the function `cognito_call` runs for an
//! operation number. The client answers with canned successes, so a request that decodes goes
//! all the way through its operation. Everything ends in a result JSON or an error JSON with
//! its code, never a panic; and a secret the caller passed (a password, a code, the client
//! secret) never shows in a result, an error or a log line.
//!
//! Input: records separated by `\n---\n`: the configuration JSON (empty: a default one), then
//! up to 8 operations, each `CODE` (decimal, as `cognito_call` takes it) on its first line and
//! the request JSON after it. `$SECRET` anywhere is replaced by a secret the fuzzer cannot know.
#![no_main]

use std::sync::Arc;

use cognito_auth_c::operations::dispatch;
use cognito_auth_c::{decode_config, CognitoErrorCode, CognitoOperation};
use cognito_auth_core::{AuthClient, InMemoryStore};
use cognito_auth_fuzz::{
    assert_hidden, block_on, contains_by_hash, records, secret, take_logs, text, CannedApi,
    FixedClock,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const DEFAULT_CONFIG: &str = r#"{"endpoint": {"url": "http://127.0.0.1:9229"},
    "userPoolId": "us-east-1_Fuzz12345", "clientId": "fuzzclient"}"#;

/// Fields whose value is a secret (passwords, codes, the client secret).
const SECRET_FIELDS: &[&str] = &[
    "password",
    "challengeResponse",
    "code",
    "confirmationCode",
    "newPassword",
    "oldPassword",
    "clientSecret",
];

/// Whether `text` contains `secret` (compared by hash, so the fuzzer does not learn it).
fn has(text: &str, secret: &str) -> bool {
    contains_by_hash(text.as_bytes(), secret.as_bytes())
}

/// Whether `secret` occurs in the request object `value` only as the whole value of its secret
/// fields (so any other appearance in an output is a leak, not an echo of a name or an
/// attribute).
fn only_in_secret_fields(value: &Value, secret: &str) -> bool {
    let Value::Object(map) = value else {
        return !has(&value.to_string(), secret);
    };
    map.iter().all(|(key, v)| match v {
        Value::String(s) if SECRET_FIELDS.contains(&key.as_str()) => s == secret || !has(s, secret),
        other => !has(key, secret) && !has(&other.to_string(), secret),
    })
}

/// Whether `json_text` places `secret` anywhere but as the value of a secret field (a name, an
/// attribute, text that is not JSON): outputs may then show it rightly, from then on.
fn exposes(json_text: &str, secret: &str) -> bool {
    has(json_text, secret)
        && !serde_json::from_str::<Value>(json_text)
            .is_ok_and(|value| only_in_secret_fields(&value, secret))
}

fn check_error_json(code: i32, json: &Value) {
    assert!(json.is_object(), "{json}");
    assert_eq!(json["code"], Value::from(code), "{json}");
    assert!(json["message"].is_string(), "{json}");
    assert!(json["kind"].is_string(), "{json}");
    assert_ne!(code, CognitoErrorCode::Panic as i32, "{json}");
}

fuzz_target!(|data: &[u8]| {
    let secret_value = secret("c request");
    let records: Vec<String> = records(data, 9)
        .into_iter()
        .map(|r| text(r).replace("$SECRET", &secret_value))
        .collect();
    let (config_text, operations) = records.split_first().expect("at least one record");
    let config_text = if config_text.trim().is_empty() {
        DEFAULT_CONFIG
    } else {
        config_text.as_str()
    };
    // Whether outputs must not show the secret: it was given only as secrets are.
    let mut guarded = !exposes(config_text, &secret_value);

    take_logs();
    let config = match decode_config(config_text) {
        Ok(config) => config,
        Err(error) => {
            assert_eq!(error.code, CognitoErrorCode::InvalidJson as i32);
            check_error_json(error.code, &error.json);
            if guarded {
                assert_hidden(
                    &secret_value,
                    &error.json.to_string(),
                    "the configuration error",
                );
            }
            return;
        }
    };
    if guarded {
        let printed = format!("{config:?} {config}");
        assert_hidden(&secret_value, &printed, "the configuration's printed forms");
    }
    let client = Arc::new(AuthClient::with_api(
        config,
        Arc::new(CannedApi),
        Arc::new(InMemoryStore::new()),
        Arc::new(FixedClock),
    ));

    for record in operations {
        let (code_line, request) = record.split_once('\n').unwrap_or((record, ""));
        let Ok(code) = code_line.trim().parse::<i32>() else {
            continue;
        };
        let Some(operation) = CognitoOperation::from_code(code) else {
            continue;
        };
        let printed = match block_on(dispatch(operation, Arc::clone(&client), request)) {
            Ok(result) => serde_json::to_string(&result).expect("results encode"),
            Err(error) => {
                check_error_json(error.code, &error.json);
                error.json.to_string()
            }
        };
        let logs = take_logs();
        guarded &= !exposes(request, &secret_value);
        if guarded {
            assert_hidden(
                &secret_value,
                &printed,
                &format!("the outcome of {operation:?}"),
            );
            assert_hidden(&secret_value, &logs, "the log");
        }
    }
});
