//! JWT claims: the core reads `sub`, `username`, `cognito:username`, `exp` and `device_key` from
//! the ID and access tokens Cognito returns (to name the user, to know when to refresh, to
//! report the session); the emulator decodes and verifies the tokens clients send back. Any
//! token gives claims or nothing, never a panic; claims the payload states are read as stated.
//!
//! Input: a mode letter, then
//! * `t` — a whole token, as text.
//! * `p` — a JSON payload, sent as `header.base64url(payload).signature`: the claims read must
//!   be the payload's, and a client signed in with that access token (and `ExpiresIn`, the
//!   first line of the record after `\n---\n`) must report a session that agrees.
//! * `e` — a JSON payload signed by the emulator's key: verification returns exactly it.
#![no_main]

use std::sync::{Arc, OnceLock};

use cognito_auth_core::fuzzing::jwt_claims;
use cognito_auth_core::{AuthClient, AuthConfig, Endpoint, InMemoryStore, SignInOptions};
use cognito_auth_fuzz::{block_on, jwt, records, text, FixedClock, ScriptedApi};
use cognito_emulator::tokens::{decode_claims_unverified, SigningKey};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate().expect("an RSA key"))
}

/// The string claim `name`, if the payload has one.
fn string_claim(payload: &Value, name: &str) -> Option<String> {
    payload.get(name).and_then(Value::as_str).map(str::to_owned)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode {
        b't' => {
            let token = text(rest);
            let _ = jwt_claims(&token);
            let _ = decode_claims_unverified(&token);
            assert!(key().verify(&token).is_none(), "an unsigned token verified");
        }
        b'p' => {
            let parts = records(rest, 2);
            let Ok(payload) = serde_json::from_slice::<Value>(parts[0]) else {
                return;
            };
            let token = jwt(&payload);
            let claims = jwt_claims(&token);
            let Some(object) = payload.as_object() else {
                assert!(
                    claims.is_none(),
                    "a payload that is not an object gave claims"
                );
                return;
            };
            // Claims of the wrong type make the whole token unreadable (no claim is guessed).
            let Some(claims) = claims else { return };
            assert_eq!(claims.sub, string_claim(&payload, "sub"));
            assert_eq!(claims.username, string_claim(&payload, "username"));
            assert_eq!(
                claims.cognito_username,
                string_claim(&payload, "cognito:username")
            );
            assert_eq!(claims.device_key, string_claim(&payload, "device_key"));
            assert_eq!(claims.exp, object.get("exp").and_then(Value::as_u64));

            // The session of a client signed in with this access token.
            let expires_in = parts
                .get(1)
                .and_then(|line| text(line).trim().parse::<i64>().ok())
                .unwrap_or(3600);
            let answer = json!({"AuthenticationResult": {
                "AccessToken": token, "IdToken": token, "RefreshToken": "r",
                "ExpiresIn": expires_in, "TokenType": "Bearer"}});
            let answer = answer.to_string();
            let api = Arc::new(ScriptedApi::new(&[answer.as_bytes()]));
            let config = AuthConfig::new(
                Endpoint::Url("http://127.0.0.1:9229".into()),
                "us-east-1_Fuzz12345",
                "fuzzclient",
            );
            let client = AuthClient::with_api(
                config,
                api,
                Arc::new(InMemoryStore::new()),
                Arc::new(FixedClock),
            );
            let options = SignInOptions {
                auth_flow: cognito_auth_core::AuthFlow::UserPassword,
                ..SignInOptions::default()
            };
            let signed_in = block_on(client.sign_in("typed", Some("Password1!"), options));
            let Ok(result) = signed_in else { return };
            assert!(result.is_signed_in);
            let user = block_on(client.get_current_user());
            let username = claims
                .username
                .clone()
                .unwrap_or_else(|| "typed".to_owned());
            match user {
                Ok(user) => {
                    assert_eq!(user.username, username);
                    assert_eq!(user.user_id, claims.sub);
                }
                // An expired session cannot be refreshed here (no answers left).
                Err(_) => {
                    let session = block_on(client.fetch_auth_session(false));
                    assert!(session.is_err(), "a session without a user: {session:?}");
                }
            }
        }
        b'e' => {
            let Ok(payload) = serde_json::from_slice::<Value>(rest) else {
                return;
            };
            let token = key().sign(&payload);
            // What the token carries, read back once: serde_json (without `float_roundtrip`)
            // may read a long decimal one unit off, so equality is with the payload as read.
            let carried: Value = serde_json::from_str(&payload.to_string()).expect("JSON");
            match key().verify(&token) {
                Some(verified) => assert_eq!(verified, carried),
                None => assert!(!payload.is_object(), "a signed object did not verify"),
            }
            if payload.is_object() {
                assert_eq!(decode_claims_unverified(&token), Some(carried));
            }
        }
        _ => {}
    }
});
