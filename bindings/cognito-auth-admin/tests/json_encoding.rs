//! `bindings/JSON.md`'s administration examples (`<!-- admin-json: Type -->`) are the encoding of
//! this crate's types: each, decoded into the named type and encoded again, comes out exactly as
//! written; every result type has an example; errors are encoded as the examples show.

use std::collections::BTreeSet;

use cognito_auth_admin::{AdminDevice, AdminError, AdminUser, DeviceLimitReport, MfaRecovery};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

const MARK: &str = "<!-- admin-json: ";

/// `(type name, example)` for every `admin-json` block of the document.
fn examples() -> Vec<(String, Value)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../JSON.md");
    let text = std::fs::read_to_string(path).expect("bindings/JSON.md");
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find(MARK) {
        rest = &rest[at + MARK.len()..];
        let name = rest[..rest.find(" -->").expect("-->")].trim().to_owned();
        let start = rest.find("```json\n").expect("a json block follows") + "```json\n".len();
        let end = start + rest[start..].find("```").expect("the block ends");
        let value: Value = serde_json::from_str(&rest[start..end])
            .unwrap_or_else(|e| panic!("{name}: the example is not JSON: {e}"));
        out.push((name, value));
        rest = &rest[end..];
    }
    out
}

fn round_trip<T: Serialize + DeserializeOwned>(name: &str, example: &Value) -> Value {
    let typed: T = serde_json::from_value(example.clone())
        .unwrap_or_else(|e| panic!("{name}: {example} does not decode: {e}"));
    serde_json::to_value(typed).unwrap()
}

#[test]
fn every_admin_example_is_the_encoding_of_its_type() {
    let mut seen = BTreeSet::new();
    for (name, example) in examples() {
        let encoded = match name.as_str() {
            "AdminDevice" => round_trip::<AdminDevice>(&name, &example),
            "DeviceLimitReport" => round_trip::<DeviceLimitReport>(&name, &example),
            "MfaRecovery" => round_trip::<MfaRecovery>(&name, &example),
            "AdminUser" => round_trip::<AdminUser>(&name, &example),
            "AdminError" => {
                seen.insert(name);
                continue; // checked below: errors are encoded, never decoded
            }
            other => panic!("bindings/JSON.md names an unknown admin type {other}"),
        };
        assert_eq!(encoded, example, "{name} is not encoded as documented");
        seen.insert(name);
    }
    let all = [
        "AdminDevice",
        "DeviceLimitReport",
        "MfaRecovery",
        "AdminUser",
        "AdminError",
    ];
    assert_eq!(seen, all.iter().map(|s| s.to_string()).collect());
}

#[test]
fn admin_errors_are_encoded_as_documented() {
    let documented: Vec<Value> = examples()
        .into_iter()
        .filter(|(name, _)| name == "AdminError")
        .map(|(_, v)| v)
        .collect();
    let errors = [
        AdminError::service("UserNotFoundException", "User does not exist."),
        AdminError::Credentials {
            detail: "no credentials found in chain".into(),
        },
    ];
    let encoded: Vec<Value> = errors
        .iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .collect();
    assert_eq!(encoded, documented);
}
