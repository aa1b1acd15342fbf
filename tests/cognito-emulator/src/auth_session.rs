//! An auth session (`Session` on the wire): where a sign-in stands across challenges and what
//! it waits for. Kept in [`crate::state::State`].

use serde::{Deserialize, Serialize};

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
    /// The passkey challenge of USER_AUTH (its `CREDENTIAL_REQUEST_OPTIONS` challenge).
    WebAuthn {
        challenge: String,
    },
    /// SignUp's `Session`: may be passed to ConfirmSignUp (never to RespondToAuthChallenge).
    SignUp,
    /// ConfirmSignUp's `Session`: InitiateAuth `USER_AUTH` signs the user in with it, the
    /// confirmation code standing for the first factor.
    SignUpConfirmed,
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
            SessionStep::WebAuthn { .. } => "WEB_AUTHN",
            // Not challenges: `take_session` refuses them (see `is_sign_up`).
            SessionStep::SignUp => "SIGN_UP",
            SessionStep::SignUpConfirmed => "SIGN_UP_CONFIRMED",
            SessionStep::DevicePasswordVerifier { .. } => "DEVICE_PASSWORD_VERIFIER",
        }
    }
}

impl SessionStep {
    /// A session of sign-up (SignUp's or ConfirmSignUp's), not of a sign-in challenge.
    pub fn is_sign_up(&self) -> bool {
        matches!(self, SessionStep::SignUp | SessionStep::SignUpConfirmed)
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
