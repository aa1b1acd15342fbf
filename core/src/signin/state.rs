//! The states of a sign-in and what each one remembers.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::types::{AuthFactor, MfaType, SignInNextStep, TotpSetupDetails};
use crate::api::types::Params;
use crate::srp::ClientEphemeral;

/// A tracked device's credentials, read from the secret store before the sign-in.
#[derive(Clone)]
pub(crate) struct DeviceCredentials {
    pub device_key: String,
    pub device_group_key: String,
    pub device_secret: Zeroizing<String>,
}

impl std::fmt::Debug for DeviceCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceCredentials")
            .field("device_key", &self.device_key)
            .field("device_group_key", &self.device_group_key)
            .field("device_secret", &"<redacted>")
            .finish()
    }
}

/// What a sign-in carries from step to step.
pub(crate) struct FlowContext {
    /// What the user typed (username or alias).
    pub username: String,
    /// Cognito's canonical username once known (`USER_ID_FOR_SRP` or the challenge's `USERNAME`).
    pub canonical_username: Option<String>,
    pub password: Option<Zeroizing<String>>,
    pub device: Option<DeviceCredentials>,
    pub client_metadata: Params,
}

impl FlowContext {
    /// The name to send as `USERNAME` in challenge responses.
    pub fn responding_username(&self) -> &str {
        self.canonical_username.as_deref().unwrap_or(&self.username)
    }
}

/// A challenge waiting for the user's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum UserChallenge {
    SmsMfa,
    Totp,
    EmailOtp,
    SmsOtp,
    MfaSelection(Vec<MfaType>),
    MfaSetupSelection(Vec<MfaType>),
    TotpSetup(TotpSetupDetails),
    EmailMfaSetup,
    NewPassword,
    Custom,
    FirstFactorSelection(Vec<AuthFactor>),
}

/// A `PASSWORD_VERIFIER` challenge held while the stored device is read.
pub(crate) struct HeldVerifier {
    pub ephemeral: ClientEphemeral,
    pub params: Params,
    pub session: Option<String>,
}

/// What the machine is waiting for: a Cognito answer, or the stored device.
pub(crate) enum Awaiting {
    /// `InitiateAuth`, or `SELECT_CHALLENGE` answered with `PASSWORD_SRP` (both may lead to
    /// `PASSWORD_VERIFIER`, which needs the ephemeral).
    Start { ephemeral: Option<ClientEphemeral> },
    /// The driver reads the device stored for the user Cognito named in `PASSWORD_VERIFIER`
    /// ([`Effect::LoadDevice`](super::transitions::Effect::LoadDevice)); the challenge waits.
    StoredDevice { verifier: HeldVerifier },
    /// Our automatic answer to `PASSWORD_VERIFIER`.
    PasswordVerifier,
    /// Our automatic answer to `DEVICE_SRP_AUTH` (`DEVICE_PASSWORD_VERIFIER` comes next).
    DeviceSrp { ephemeral: ClientEphemeral },
    /// Our automatic answer to `DEVICE_PASSWORD_VERIFIER`.
    DevicePasswordVerifier,
    /// The answer to the user's response to `challenge`; on a wrong code the user may retry.
    UserAnswer {
        challenge: UserChallenge,
        session: Option<String>,
        next_step: SignInNextStep,
    },
    /// `AssociateSoftwareToken` with the sign-in session (TOTP setup inside sign-in).
    AssociateToken,
    /// `VerifySoftwareToken` with the sign-in session.
    VerifyToken {
        details: TotpSetupDetails,
        session: Option<String>,
        next_step: SignInNextStep,
    },
}

/// The state of the sign-in machine.
// One per client, moved rarely: boxing the large variants would buy nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum SignInState {
    /// No sign-in under way.
    Idle,
    /// A call to Cognito is in flight.
    Waiting {
        ctx: FlowContext,
        awaiting: Awaiting,
    },
    /// The app must answer `next_step` with `confirm_sign_in`.
    AwaitingUser {
        ctx: FlowContext,
        challenge: UserChallenge,
        session: Option<String>,
        next_step: SignInNextStep,
    },
}

impl SignInState {
    /// A short name for logs and errors (no secrets).
    pub fn name(&self) -> &'static str {
        match self {
            SignInState::Idle => "Idle",
            SignInState::Waiting { awaiting, .. } => match awaiting {
                Awaiting::Start { .. } => "Waiting(InitiateAuth)",
                Awaiting::StoredDevice { .. } => "Waiting(stored device)",
                Awaiting::PasswordVerifier => "Waiting(PASSWORD_VERIFIER)",
                Awaiting::DeviceSrp { .. } => "Waiting(DEVICE_SRP_AUTH)",
                Awaiting::DevicePasswordVerifier => "Waiting(DEVICE_PASSWORD_VERIFIER)",
                Awaiting::UserAnswer { .. } => "Waiting(challenge answer)",
                Awaiting::AssociateToken => "Waiting(AssociateSoftwareToken)",
                Awaiting::VerifyToken { .. } => "Waiting(VerifySoftwareToken)",
            },
            SignInState::AwaitingUser { .. } => "AwaitingUser",
        }
    }

    /// The next step the app is asked to answer, if any.
    pub fn next_step(&self) -> Option<&SignInNextStep> {
        match self {
            SignInState::AwaitingUser { next_step, .. } => Some(next_step),
            _ => None,
        }
    }

    /// The username the sign-in was started with.
    pub fn username(&self) -> Option<&str> {
        match self {
            SignInState::Idle => None,
            SignInState::Waiting { ctx, .. } | SignInState::AwaitingUser { ctx, .. } => {
                Some(&ctx.username)
            }
        }
    }
}

/// A sign-in waiting for the user, as saved between processes (an app killed while the user
/// fetches a code resumes it). It holds no password: steps that need the password again
/// (choosing the PASSWORD first factor) ask the app to sign in again.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct PendingSignIn {
    pub username: String,
    pub canonical_username: Option<String>,
    pub challenge: UserChallenge,
    pub session: Option<String>,
    pub next_step: SignInNextStep,
    pub client_metadata: Params,
    /// When it was saved (client clock), to drop it once no Cognito session can be alive.
    pub saved_at: u64,
}

impl SignInState {
    /// The state to save, when the sign-in waits for the user.
    pub fn pending(&self, now: u64) -> Option<PendingSignIn> {
        match self {
            SignInState::AwaitingUser {
                ctx,
                challenge,
                session,
                next_step,
            } => Some(PendingSignIn {
                username: ctx.username.clone(),
                canonical_username: ctx.canonical_username.clone(),
                challenge: challenge.clone(),
                session: session.clone(),
                next_step: next_step.clone(),
                client_metadata: ctx.client_metadata.clone(),
                saved_at: now,
            }),
            _ => None,
        }
    }

    /// Restores a saved sign-in, with the device read from the store again.
    pub fn resume(pending: PendingSignIn, device: Option<DeviceCredentials>) -> SignInState {
        SignInState::AwaitingUser {
            ctx: FlowContext {
                username: pending.username,
                canonical_username: pending.canonical_username,
                password: None,
                device,
                client_metadata: pending.client_metadata,
            },
            challenge: pending.challenge,
            session: pending.session,
            next_step: pending.next_step,
        }
    }
}
