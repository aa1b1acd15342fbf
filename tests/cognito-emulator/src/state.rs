//! The emulator's whole state (pools, clients, users, devices, sessions, tokens, outbox); its
//! file is written by `persist.rs`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize};

pub use crate::auth_session::{AuthContext, Session, SessionStep};
pub use crate::faults::{BrokenResponse, Fault};
use crate::lockout::Lockouts;

/// Region used for ids and ARNs.
pub const REGION: &str = "us-east-1";
/// Lifetime of an auth session (`Session`).
pub const SESSION_TTL: u64 = 180;
/// Lifetime of an MFA code (SMS / e-mail).
pub const MFA_CODE_TTL: u64 = 180;
/// Lifetime of ID and access tokens.
pub const TOKEN_TTL: u64 = 3600;
/// Lifetime of refresh tokens.
pub const REFRESH_TTL: u64 = 30 * 24 * 3600;
/// Lifetime of sign-up / attribute verification codes.
pub const CONFIRM_CODE_TTL: u64 = 24 * 3600;
/// Lifetime of forgot-password codes.
pub const FORGOT_CODE_TTL: u64 = 3600;
/// How often (emulator seconds) expired sessions and refresh tokens and idle phantom lockouts
/// are dropped, at the latest, while sign-ins go on.
pub const PURGE_INTERVAL: u64 = 60;

/// Everything the emulator knows.
#[derive(Default, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    /// Seconds added to the system clock (moved by `POST /_emulator/clock`).
    pub clock_offset: i64,
    /// While frozen (`POST /_emulator/clock {"freeze": true}`), the system time the clock
    /// stopped at: the emulator's time then moves only when advanced.
    pub clock_frozen_at: Option<i64>,
    /// The RSA key that signs ID tokens, PKCS#8 DER in base64, so tokens survive a restart.
    pub signing_key_pkcs8: Option<String>,
    /// The RSA key that signs access tokens (a second key, as in Cognito), likewise.
    pub access_signing_key_pkcs8: Option<String>,
    pub pools: BTreeMap<String, Pool>,
    pub clients: BTreeMap<String, AppClient>,
    pub sessions: HashMap<String, Session>,
    pub refresh_tokens: HashMap<String, RefreshRecord>,
    /// `origin_jti`s whose tokens were revoked (GlobalSignOut, RevokeToken, user deletion), each
    /// with the emulator time until which a token of it may still be presented: after that
    /// `purge` forgets it (it used to be kept for ever, ~100 bytes per sign-out). A state file
    /// of an older version has a plain list.
    #[serde(deserialize_with = "revoked_origins_any_version")]
    pub revoked_origins: BTreeMap<String, u64>,
    pub outbox: Vec<Message>,
    /// Key (hex) from which the fake SRP salt and verifier of unknown usernames are derived, so
    /// that with `PreventUserExistenceErrors = ENABLED` a name gets the same salt every time.
    pub phantom_key: String,
    /// Lockouts of unknown usernames (`"<pool id>/<name>"`), so that they lock out like users.
    pub phantom_lockouts: HashMap<String, Lockouts>,
    #[serde(skip)]
    pub faults: HashMap<String, Fault>,
    /// Emulator time of the last [`State::purge`] (not saved: a restarted emulator purges on
    /// its first sign-in).
    #[serde(skip)]
    pub purged_at: u64,
}

/// Counts only: the state holds keys, verifiers, codes and tokens.
impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("pools", &self.pools.len())
            .field("clients", &self.clients.len())
            .field("sessions", &self.sessions.len())
            .field("refresh_tokens", &self.refresh_tokens.len())
            .field("outbox", &self.outbox.len())
            .finish_non_exhaustive()
    }
}

impl State {
    /// The emulator clock in Unix seconds.
    pub fn now(&self) -> u64 {
        let sys = self.clock_frozen_at.unwrap_or_else(system_secs);
        // Saturating: the clock hook moves the offset as far as an i64 goes.
        sys.saturating_add(self.clock_offset).max(0) as u64
    }

    /// Stops (`true`) or restarts the emulator clock; time goes on from where it stood.
    pub fn freeze_clock(&mut self, freeze: bool) {
        match (freeze, self.clock_frozen_at) {
            (true, None) => self.clock_frozen_at = Some(system_secs()),
            (false, Some(at)) => {
                self.clock_offset = self.clock_offset.saturating_add(at - system_secs());
                self.clock_frozen_at = None;
            }
            _ => {}
        }
    }

    /// Drops expired sessions (called opportunistically).
    pub fn purge(&mut self) {
        let now = self.now();
        self.purged_at = now;
        self.sessions.retain(|_, s| s.expires_at + 60 > now);
        self.refresh_tokens.retain(|_, r| r.expires_at > now);
        self.revoked_origins.retain(|_, until| *until > now);
        let idle = crate::lockout::MAX_LOCKOUT_SECS;
        self.phantom_lockouts.retain(|_, l| {
            l.password.last_attempt + idle > now || l.code.last_attempt + idle > now
        });
    }

    /// Whether the tokens of `origin` were revoked.
    pub fn is_revoked(&self, origin: &str) -> bool {
        self.revoked_origins.contains_key(origin)
    }

    /// Revokes the tokens of `origin`, whose refresh token (if any) was just deleted: only its
    /// ID and access tokens remain, and they expire within [`TOKEN_TTL`].
    pub fn revoke_origin(&mut self, origin: String) {
        let until = self.now() + TOKEN_TTL;
        let entry = self.revoked_origins.entry(origin).or_insert(until);
        *entry = (*entry).max(until);
    }

    /// Revokes the tokens of `origins` whose refresh tokens stay (refused as revoked until they
    /// expire): each is remembered until its last token has expired.
    pub fn revoke_origins(&mut self, origins: Vec<String>) {
        if origins.is_empty() {
            return;
        }
        let now = self.now();
        let wanted: HashSet<&str> = origins.iter().map(String::as_str).collect();
        let mut last: HashMap<&str, u64> = HashMap::new();
        for r in self.refresh_tokens.values() {
            if let Some(origin) = wanted.get(r.origin_jti.as_str()) {
                let t = last.entry(*origin).or_insert(0);
                *t = (*t).max(r.expires_at);
            }
        }
        let untils: Vec<(String, u64)> = origins
            .iter()
            .map(|o| {
                let refresh = last.get(o.as_str()).copied().unwrap_or(0);
                (o.clone(), (now + TOKEN_TTL).max(refresh))
            })
            .collect();
        for (origin, until) in untils {
            let entry = self.revoked_origins.entry(origin).or_insert(until);
            *entry = (*entry).max(until);
        }
    }

    /// Purges when the last purge is [`PURGE_INTERVAL`] away (either way: the clock can be
    /// moved back). Called whenever a session is made, so that an emulator without a state file
    /// drops expired sessions as it goes instead of keeping them until there are 100 000.
    pub fn purge_if_due(&mut self) {
        if self.now().abs_diff(self.purged_at) >= PURGE_INTERVAL {
            self.purge();
        }
    }
}

/// Reads `revoked_origins` as this version writes it (origin → until) or as older ones did (a
/// list): those are kept as long as a refresh token could live, counted from now.
fn revoked_origins_any_version<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum AnyVersion {
        Until(BTreeMap<String, u64>),
        List(Vec<String>),
    }
    Ok(match AnyVersion::deserialize(deserializer)? {
        AnyVersion::Until(map) => map,
        AnyVersion::List(list) => {
            let until = system_secs().max(0) as u64 + REFRESH_TTL;
            list.into_iter().map(|o| (o, until)).collect()
        }
    })
}

fn system_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A user pool.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Pool {
    pub id: String,
    pub name: String,
    pub created: u64,
    pub modified: u64,
    /// `OFF`, `ON` or `OPTIONAL`.
    pub mfa_configuration: String,
    pub sms_mfa_enabled: bool,
    pub totp_enabled: bool,
    pub email_mfa_enabled: bool,
    pub device_configuration: Option<DeviceConfiguration>,
    pub password_policy: PasswordPolicy,
    pub username_attributes: Vec<String>,
    pub alias_attributes: Vec<String>,
    pub auto_verified_attributes: Vec<String>,
    /// `Policies.SignInPolicy.AllowedFirstAuthFactors`; `None` is Cognito's default `[PASSWORD]`.
    pub allowed_first_auth_factors: Option<Vec<String>>,
    /// The built-in stand-in for the custom-auth Lambda triggers (`POST /_emulator/custom-auth`).
    pub custom_auth: Option<CustomAuthConfig>,
    /// `WebAuthnConfiguration` of SetUserPoolMfaConfig (passkeys' relying party, verification).
    pub web_authn: Option<WebAuthnConfig>,
    /// Extra request fields echoed by DescribeUserPool.
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub users: BTreeMap<String, User>,
}

impl Pool {
    /// The first factors USER_AUTH may offer (Cognito's default is `[PASSWORD]`).
    pub fn first_auth_factors(&self) -> Vec<String> {
        match &self.allowed_first_auth_factors {
            Some(v) if !v.is_empty() => v.clone(),
            _ => vec!["PASSWORD".to_owned()],
        }
    }
}

/// What CUSTOM_AUTH asks and expects, set by `POST /_emulator/custom-auth`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CustomAuthConfig {
    /// Public `ChallengeParameters` of the `CUSTOM_CHALLENGE` (USERNAME is added).
    pub challenge_parameters: BTreeMap<String, String>,
    /// The expected `ANSWER`, compared exactly.
    pub answer: String,
}

/// `WebAuthnConfiguration` of a pool (SetUserPoolMfaConfig).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct WebAuthnConfig {
    /// `RelyingPartyId`; the passkey challenge names `localhost` when unset.
    pub relying_party_id: Option<String>,
    /// `UserVerification`: `preferred` (Cognito's default) or `required`.
    pub user_verification: Option<String>,
}

/// `DeviceConfiguration` of a pool.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DeviceConfiguration {
    pub challenge_required_on_new_device: bool,
    pub device_only_remembered_on_user_prompt: bool,
}

/// `Policies.PasswordPolicy` of a pool.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct PasswordPolicy {
    pub minimum_length: i64,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub require_numbers: bool,
    pub require_symbols: bool,
    pub temporary_password_validity_days: i64,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            minimum_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            temporary_password_validity_days: 7,
        }
    }
}

/// An app client.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AppClient {
    pub id: String,
    pub pool_id: String,
    pub name: String,
    pub secret: Option<String>,
    pub explicit_auth_flows: Vec<String>,
    pub created: u64,
    pub modified: u64,
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl AppClient {
    /// Whether the client allows `flow` (`USER_SRP_AUTH`, ...), accepting legacy names.
    pub fn allows(&self, flow: &str) -> bool {
        let allow = format!("ALLOW_{flow}");
        let legacy = match flow {
            "USER_PASSWORD_AUTH" => "USER_PASSWORD_AUTH",
            "CUSTOM_AUTH" => "CUSTOM_AUTH_FLOW_ONLY",
            _ => "",
        };
        self.explicit_auth_flows
            .iter()
            .any(|f| *f == allow || (!legacy.is_empty() && f == legacy))
    }

    /// `PreventUserExistenceErrors = ENABLED` (the API's default is `LEGACY`).
    pub fn prevents_user_existence_errors(&self) -> bool {
        self.extra
            .get("PreventUserExistenceErrors")
            .and_then(serde_json::Value::as_str)
            == Some("ENABLED")
    }

    /// Lifetime of the sign-in sessions of this client: `AuthSessionValidity` minutes (3-15,
    /// default 3).
    pub fn session_ttl(&self) -> u64 {
        self.extra
            .get("AuthSessionValidity")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(3)
            .clamp(3, 15)
            * 60
    }

    /// `EnableTokenRevocation` (default true).
    pub fn token_revocation_enabled(&self) -> bool {
        self.extra
            .get("EnableTokenRevocation")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(true)
    }
}

/// A user.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct User {
    /// Canonical username (the sub when the pool signs in with e-mail / phone as username).
    pub username: String,
    pub sub: String,
    pub attributes: BTreeMap<String, String>,
    /// `UNCONFIRMED`, `CONFIRMED`, `FORCE_CHANGE_PASSWORD`, `RESET_REQUIRED`.
    pub status: String,
    pub enabled: bool,
    pub created: u64,
    pub modified: u64,
    pub salt_hex: String,
    pub verifier_hex: String,
    pub sms_mfa_enabled: bool,
    pub totp_mfa_enabled: bool,
    pub email_mfa_enabled: bool,
    /// `SMS_MFA`, `SOFTWARE_TOKEN_MFA` or `EMAIL_OTP`.
    pub preferred_mfa: Option<String>,
    pub totp_secret: Option<String>,
    /// The 30-second step of the last TOTP code accepted for `totp_secret`: that code and older
    /// ones are refused (a code is good once).
    pub totp_last_step: Option<u64>,
    pub pending_totp_secret: Option<String>,
    pub devices: BTreeMap<String, Device>,
    pub codes: Vec<PendingCode>,
    /// Failed passwords and sign-in codes (Cognito's exponential lockout).
    pub lockouts: Lockouts,
    /// origin_jti of every sign-in that is still live, revoked by GlobalSignOut.
    pub origins: Vec<String>,
    /// Credential ids (base64url) of the passkeys a test registered for the user
    /// (`POST /_emulator/passkeys`): USER_AUTH then offers `WEB_AUTHN`.
    pub passkeys: Vec<String>,
}

/// A one-time code waiting to be confirmed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PendingCode {
    /// `SIGN_UP`, `FORGOT_PASSWORD`, `VERIFY_ATTRIBUTE`.
    pub purpose: String,
    pub attribute: Option<String>,
    pub code: String,
    pub expires_at: u64,
    /// Wrong codes typed against this code; past the limit it is refused even when right.
    pub failed_attempts: u32,
}

/// A tracked device of a user.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Device {
    pub key: String,
    pub group_key: String,
    /// Set by ConfirmDevice; a device without a verifier is only "issued".
    pub confirmed: bool,
    pub salt_hex: String,
    pub verifier_hex: String,
    pub name: Option<String>,
    pub remembered: bool,
    pub created: u64,
    pub modified: u64,
    pub last_authenticated: u64,
    /// The client address of the last sign-in with this device (`last_ip_used`).
    pub last_ip: String,
}

/// A message the emulator "sent" (visible through `GET /_emulator/messages`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Message {
    pub pool_id: String,
    pub username: String,
    pub channel: String,
    pub destination: String,
    pub code: String,
    pub purpose: String,
    pub sent_at: u64,
}

/// A live refresh token.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RefreshRecord {
    pub pool_id: String,
    pub client_id: String,
    pub username: String,
    pub device_key: Option<String>,
    pub origin_jti: String,
    pub auth_time: u64,
    pub expires_at: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(expires_at: u64) -> Session {
        Session {
            ctx: AuthContext::default(),
            step: SessionStep::NewPasswordRequired,
            expires_at,
            used: true,
            attempts: 0,
        }
    }

    fn refresh_record(origin: &str, expires_at: u64) -> RefreshRecord {
        RefreshRecord {
            origin_jti: origin.into(),
            expires_at,
            ..Default::default()
        }
    }

    #[test]
    fn revoked_origins_are_forgotten_once_their_tokens_have_expired() {
        let mut st = State::default();
        st.freeze_clock(true);
        let now = st.now();
        // RevokeToken: the refresh token is gone, ID and access tokens live an hour at most.
        st.revoke_origin("signed-out".into());
        // GlobalSignOut: "kept" still has a refresh token, refused until it expires.
        st.refresh_tokens
            .insert("rt".into(), refresh_record("kept", now + 3 * TOKEN_TTL));
        st.revoke_origins(vec!["kept".into(), "no-refresh-token".into()]);
        for origin in ["signed-out", "kept", "no-refresh-token"] {
            assert!(st.is_revoked(origin), "{origin}");
        }
        st.clock_offset += TOKEN_TTL as i64 - 1;
        st.purge();
        assert_eq!(st.revoked_origins.len(), 3, "nothing has expired yet");
        st.clock_offset += 1;
        st.purge();
        assert!(!st.is_revoked("signed-out"));
        assert!(!st.is_revoked("no-refresh-token"));
        assert!(st.is_revoked("kept"), "its refresh token is still there");
        st.clock_offset += 2 * TOKEN_TTL as i64;
        st.purge();
        assert!(st.revoked_origins.is_empty() && st.refresh_tokens.is_empty());
    }

    #[test]
    fn revoked_origins_load_from_both_state_versions() {
        let old: State = serde_json::from_str(r#"{"revoked_origins": ["a", "b"]}"#).unwrap();
        assert!(old.is_revoked("a") && old.is_revoked("b"));
        assert!(old.revoked_origins["a"] >= old.now() + REFRESH_TTL - 5);
        let saved = serde_json::to_string(&old).unwrap();
        let new: State = serde_json::from_str(&saved).unwrap();
        assert_eq!(new.revoked_origins, old.revoked_origins);
    }

    #[test]
    fn expired_sessions_go_at_the_next_due_purge() {
        let mut st = State::default();
        st.freeze_clock(true);
        st.purge();
        let now = st.now();
        st.sessions.insert("expired".into(), session(now - 61));
        st.sessions.insert("live".into(), session(now + 100));
        st.purge_if_due();
        assert_eq!(st.sessions.len(), 2, "not due yet");
        st.clock_offset += PURGE_INTERVAL as i64;
        st.purge_if_due();
        assert!(!st.sessions.contains_key("expired"));
        assert!(st.sessions.contains_key("live"));
        // Moving the clock back makes a purge due as well.
        st.sessions
            .insert("expired again".into(), session(now - 200));
        st.clock_offset -= 2 * PURGE_INTERVAL as i64;
        st.purge_if_due();
        assert!(!st.sessions.contains_key("expired again"));
    }
}
