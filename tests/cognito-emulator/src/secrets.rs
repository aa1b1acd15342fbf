//! The secrets that crossed the emulator's Cognito API: every password, code, token, TOTP secret,
//! client secret and secret hash in a request or a successful response, kept per process for
//! `GET /_emulator/secrets` and [`RunningEmulator::secrets`](crate::RunningEmulator::secrets).
//!
//! Client test suites scan their logs, errors and printed values for these: the emulator sees
//! every secret a test uses (the passwords it sets, the codes typed — right or wrong —, the
//! tokens it issues), so a suite needs no list of its own.

use std::collections::BTreeSet;

use serde_json::Value;

/// At most this many distinct values are kept, later ones are dropped and the list says it was
/// truncated. A token is ~1 KB, so this bounds the list at ~10 MB: a long-running emulator (a
/// soak signs in thousands of times a minute) must not carry hundreds of megabytes for a test
/// feature. A client suite's run sees a few hundred secrets; one that needs more can
/// `DELETE /_emulator/secrets` between parts.
pub const MAX_SECRETS: usize = 10_000;

/// Whether a JSON field of this name holds a secret: Cognito's wire names (`PASSWORD`,
/// `NEW_PASSWORD`, `Password`, `ProposedPassword`, `SMS_MFA_CODE`, `ConfirmationCode`, `Code`,
/// `UserCode`, `SecretCode`, `AccessToken`, `IdToken`, `RefreshToken`, `REFRESH_TOKEN`, `Token`,
/// `ClientSecret`, `SECRET_HASH`, `SecretHash`, `ANSWER`) and the snake_case names of records a
/// client stores (`device_secret`, `access_token`, ...). Pagination tokens are not secrets.
pub fn is_secret_field(name: &str) -> bool {
    let key: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    if matches!(key.as_str(), "paginationtoken" | "nexttoken") {
        return false;
    }
    [
        "password",
        "code",
        "token",
        "secret",
        "secrethash",
        "answer",
    ]
    .iter()
    .any(|suffix| key.ends_with(suffix))
}

/// Adds the string values of the secret fields anywhere in `value` to `out`. The `ANSWER` to a
/// `SELECT_CHALLENGE` or `SELECT_MFA_TYPE` challenge is the name of a factor (`EMAIL_OTP`,
/// `SMS_MFA`), not a secret; a custom challenge's answer is one.
pub fn collect(value: &Value, out: &mut BTreeSet<String>) {
    collect_in(value, false, out);
}

fn collect_in(value: &Value, choice: bool, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            let choice = choice
                || matches!(
                    map.get("ChallengeName").and_then(Value::as_str),
                    Some("SELECT_CHALLENGE" | "SELECT_MFA_TYPE")
                );
            for (name, field) in map {
                match field {
                    Value::String(_) if choice && name == "ANSWER" => {}
                    Value::String(text) if is_secret_field(name) && !text.is_empty() => {
                        out.insert(text.clone());
                    }
                    other => collect_in(other, choice, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_in(item, choice, out)),
        _ => {}
    }
}

/// The secrets seen so far.
pub(crate) struct Seen {
    values: BTreeSet<String>,
    truncated: bool,
    limit: usize,
}

impl Default for Seen {
    fn default() -> Self {
        Seen::with_limit(MAX_SECRETS)
    }
}

impl Seen {
    fn with_limit(limit: usize) -> Seen {
        Seen {
            values: BTreeSet::new(),
            truncated: false,
            limit,
        }
    }

    pub(crate) fn record(&mut self, value: &Value) {
        let mut found = BTreeSet::new();
        collect(value, &mut found);
        for secret in found {
            if self.values.len() >= self.limit {
                self.truncated |= !self.values.contains(&secret);
            } else {
                self.values.insert(secret);
            }
        }
    }

    pub(crate) fn values(&self) -> Vec<String> {
        self.values.iter().cloned().collect()
    }

    pub(crate) fn truncated(&self) -> bool {
        self.truncated
    }

    pub(crate) fn clear(&mut self) {
        self.values.clear();
        self.truncated = false;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn secret_fields_by_name() {
        for name in [
            "PASSWORD",
            "NEW_PASSWORD",
            "Password",
            "ProposedPassword",
            "PreviousPassword",
            "TemporaryPassword",
            "SMS_MFA_CODE",
            "SOFTWARE_TOKEN_MFA_CODE",
            "EMAIL_OTP_CODE",
            "ConfirmationCode",
            "Code",
            "UserCode",
            "SecretCode",
            "AccessToken",
            "IdToken",
            "RefreshToken",
            "REFRESH_TOKEN",
            "Token",
            "ClientSecret",
            "SECRET_HASH",
            "SecretHash",
            "ANSWER",
            "device_secret",
            "access_token",
        ] {
            assert!(is_secret_field(name), "{name}");
        }
        for name in [
            "USERNAME",
            "Username",
            "SRP_A",
            "SECRET_BLOCK",
            "PASSWORD_CLAIM_SIGNATURE",
            "DEVICE_KEY",
            "Session",
            "TokenType",
            "PaginationToken",
            "NextToken",
            "ClientId",
            "CodeDeliveryDetails",
            "PasswordVerifier",
        ] {
            assert!(!is_secret_field(name), "{name}");
        }
    }

    #[test]
    fn nested_string_values_are_collected() {
        let mut out = BTreeSet::new();
        collect(
            &json!({
                "AuthenticationResult": { "AccessToken": "a.b.c", "TokenType": "Bearer", "ExpiresIn": 3600 },
                "ChallengeResponses": { "USERNAME": "ann", "SMS_MFA_CODE": "123456" },
                "Items": [{ "Password": "pw-1" }, { "Password": "" }],
                "ClientSecret": null,
            }),
            &mut out,
        );
        assert_eq!(
            out.into_iter().collect::<Vec<_>>(),
            ["123456", "a.b.c", "pw-1"]
        );
    }

    #[test]
    fn an_answer_is_a_secret_unless_it_names_a_factor() {
        let answer = |challenge: &str, answer: &str| {
            let mut out = BTreeSet::new();
            collect(
                &json!({ "ChallengeName": challenge, "ChallengeResponses": { "ANSWER": answer } }),
                &mut out,
            );
            out.into_iter().collect::<Vec<_>>()
        };
        assert_eq!(answer("CUSTOM_CHALLENGE", "swordfish"), ["swordfish"]);
        assert!(answer("SELECT_CHALLENGE", "EMAIL_OTP").is_empty());
        assert!(answer("SELECT_MFA_TYPE", "SMS_MFA").is_empty());
    }

    #[test]
    fn the_list_is_bounded() {
        let mut seen = Seen::with_limit(3);
        for i in 0..3 {
            seen.record(&json!({ "Code": format!("{i:06}") }));
        }
        seen.record(&json!({ "Code": "000001" }));
        assert!(!seen.truncated(), "a value already kept is not a loss");
        seen.record(&json!({ "Code": "000009" }));
        assert_eq!(seen.values(), ["000000", "000001", "000002"]);
        assert!(seen.truncated());
        seen.clear();
        assert!(seen.values().is_empty() && !seen.truncated());
    }
}
