//! The Dart package's copies of the C tables — `CognitoErrorCode` (exceptions.dart) and
//! `CognitoOperation` (native.dart) — must list exactly the C ABI's codes and operations, with
//! the same values. (No Dart SDK runs here; this is what keeps the Dart enums honest.)

use std::collections::BTreeMap;
use std::path::Path;

use cognito_auth_c::{CognitoErrorCode, CognitoOperation};
use cognito_auth_core::CognitoException;

fn dart_source(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../flutter/lib/src")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `name(value)` entries of `enum NAME { ... }` in a Dart source.
fn dart_enum(source: &str, name: &str) -> BTreeMap<String, i32> {
    let start = source
        .find(&format!("enum {name} {{"))
        .unwrap_or_else(|| panic!("no enum {name}"));
    let body = &source[start..];
    let body = &body[..body.find(';').expect("the enum's entries end with ;")];
    body.split(['{', ','])
        .skip(1)
        .filter_map(|entry| {
            let entry = entry.trim();
            let (ident, rest) = entry.split_once('(')?;
            let value = rest.trim_end_matches(')').trim().parse().ok()?;
            Some((ident.trim().to_owned(), value))
        })
        .collect()
}

/// `CODE_MISMATCH` → `codeMismatch`.
fn camel(screaming: &str) -> String {
    let mut out = String::new();
    for (i, word) in screaming.split('_').enumerate() {
        let word = word.to_ascii_lowercase();
        if i == 0 {
            out.push_str(&word);
        } else {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.extend(chars);
            }
        }
    }
    out
}

#[test]
fn the_dart_error_codes_are_the_c_codes() {
    let dart = dart_enum(&dart_source("exceptions.dart"), "CognitoErrorCode");
    let mut c: BTreeMap<String, i32> = CognitoErrorCode::ALL
        .iter()
        .map(|code| (camel(code.c_name()), *code as i32))
        .collect();
    c.extend(
        CognitoException::ALL
            .iter()
            .map(|e| (camel(e.c_name()), e.c_code())),
    );
    assert_eq!(dart, c);
}

#[test]
fn the_dart_operations_are_the_c_operations() {
    let dart = dart_enum(&dart_source("native.dart"), "CognitoOperation");
    let c: BTreeMap<String, i32> = CognitoOperation::ALL
        .iter()
        .map(|op| {
            let name = format!("{op:?}");
            let mut chars = name.chars();
            let first = chars.next().unwrap().to_ascii_lowercase();
            (std::iter::once(first).chain(chars).collect(), *op as i32)
        })
        .collect();
    assert_eq!(dart, c);
}
