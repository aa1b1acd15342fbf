//! Reads the claims of Cognito's tokens. Signatures are not checked here: the tokens come
//! straight from Cognito over TLS, and services that accept them must verify them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;

/// The claims the client uses.
#[derive(Deserialize, Default, Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// `sub`: the user's id.
    pub sub: Option<String>,
    /// `username` (access tokens).
    pub username: Option<String>,
    /// `cognito:username` (ID tokens).
    #[serde(rename = "cognito:username")]
    pub cognito_username: Option<String>,
    /// `exp`: expiry, seconds since the epoch.
    pub exp: Option<u64>,
    /// `device_key` (access tokens of a tracked device).
    pub device_key: Option<String>,
}

/// The claims of a JWT, or `None` if it is not a readable JWT.
pub fn claims(token: &str) -> Option<Claims> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_claims_and_refuses_garbage() {
        let payload =
            URL_SAFE_NO_PAD.encode(br#"{"sub":"s","username":"u","exp":5,"device_key":"d"}"#);
        let c = claims(&format!("h.{payload}.sig")).unwrap();
        assert_eq!(c.username.as_deref(), Some("u"));
        assert_eq!(c.exp, Some(5));
        assert!(claims("nope").is_none());
        assert!(claims("a.!!!.c").is_none());
    }
}
