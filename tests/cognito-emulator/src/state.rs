//! The emulator's whole state (pools, clients, users, devices, sessions, tokens, outbox); its
//! file is written by `persist.rs`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

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
    /// `origin_jti`s whose tokens were revoked (GlobalSignOut, RevokeToken).
    pub revoked_origins: BTreeSet<String>,
    pub outbox: Vec<Message>,
    /// Key (hex) from which the fake SRP salt and verifier of unknown usernames are derived, so
    /// that with `PreventUserExistenceErrors = ENABLED` a name gets the same salt every time.
    pub phantom_key: String,
    /// Lockouts of unknown usernames (`"<pool id>/<name>"`), so that they lock out like users.
    pub phantom_lockouts: HashMap<String, Lockouts>,
    #[serde(skip)]
    pub faults: HashMap<String, Fault>,
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
        self.sessions.retain(|_, s| s.expires_at + 60 > now);
        self.refresh_tokens.retain(|_, r| r.expires_at > now);
        let idle = crate::lockout::MAX_LOCKOUT_SECS;
        self.phantom_lockouts.retain(|_, l| {
            l.password.last_attempt + idle > now || l.code.last_attempt + idle > now
        });
    }
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

/// Where a sign-in stands across challenges.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthContext {
    pub pool_id: String,
    pub client_id: String,
    pub username: String,
    /// A valid, confirmed device key presented in this flow.
    pub device_key: Option<String>,
    /// The device was proven by DEVICE_PASSWORD_VERIFIER.
    pub device_authenticated: bool,
    /// A passwordless first factor (EMAIL_OTP / SMS_OTP) or a custom challenge was passed: no MFA.
    pub mfa_satisfied: bool,
    /// CUSTOM_AUTH with SRP first: the password step leads to CUSTOM_CHALLENGE.
    pub custom_after_password: bool,
    /// `username` is a name that does not exist, played along with because the client has
    /// `PreventUserExistenceErrors = ENABLED`: every secret is wrong for it.
    pub phantom: bool,
}

/// What a session waits for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum SessionStep {
    PasswordVerifier {
        b_hex: String,
        secret_block: Vec<u8>,
        srp_a: String,
    },
    NewPasswordRequired,
    SelectMfaType,
    Mfa {
        challenge: String,
        code: Option<String>,
        code_expires: u64,
        /// A USER_AUTH first factor (EMAIL_OTP / SMS_OTP), not a second one.
        #[serde(default)]
        first_factor: bool,
        /// E-mail MFA being set up in MFA_SETUP: the address the code went to, which becomes
        /// the user's verified e-mail (with e-mail MFA enabled) once the code is right.
        #[serde(default)]
        setup_email: Option<String>,
    },
    /// USER_AUTH without PREFERRED_CHALLENGE: the first factors on offer.
    SelectChallenge {
        available: Vec<String>,
    },
    /// CUSTOM_AUTH's built-in challenge.
    CustomChallenge,
    MfaSetup {
        totp_verified: bool,
    },
    DeviceSrpAuth,
    DevicePasswordVerifier {
        device_key: String,
        b_hex: String,
        secret_block: Vec<u8>,
        srp_a: String,
    },
}

impl SessionStep {
    /// The challenge name this step answers.
    pub fn challenge_name(&self) -> &str {
        match self {
            SessionStep::PasswordVerifier { .. } => "PASSWORD_VERIFIER",
            SessionStep::NewPasswordRequired => "NEW_PASSWORD_REQUIRED",
            SessionStep::SelectMfaType => "SELECT_MFA_TYPE",
            SessionStep::Mfa { challenge, .. } => challenge,
            SessionStep::SelectChallenge { .. } => "SELECT_CHALLENGE",
            SessionStep::CustomChallenge => "CUSTOM_CHALLENGE",
            SessionStep::MfaSetup { .. } => "MFA_SETUP",
            SessionStep::DeviceSrpAuth => "DEVICE_SRP_AUTH",
            SessionStep::DevicePasswordVerifier { .. } => "DEVICE_PASSWORD_VERIFIER",
        }
    }
}

/// An auth session handed to the client as `Session`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub ctx: AuthContext,
    pub step: SessionStep,
    pub expires_at: u64,
    pub used: bool,
    /// Wrong codes answered so far (a session survives a few typos).
    #[serde(default)]
    pub attempts: u32,
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

/// An injected fault for the next `count` calls of an operation.
#[derive(Debug, Clone, Default)]
pub struct Fault {
    pub error: Option<&'static str>,
    pub count: u64,
    pub delay_ms: u64,
}
