//! Every sign-in transition goes through one function, [`step`]: one flat match on
//! `(state, event)`, grouped by event, with the pairs that do not fit in the last arms. The work
//! of each phase lives in its own file:
//!
//! | file | phase |
//! | --- | --- |
//! | [`start`] | `sign_in`: the `InitiateAuth` request of each flow |
//! | [`challenge`] | a Cognito answer: tokens, or the challenge it names → the user or an automatic answer |
//! | [`srp`] | the automatic answers: `PASSWORD_VERIFIER`, `DEVICE_SRP_AUTH`, `DEVICE_PASSWORD_VERIFIER` |
//! | [`answer`] | `confirm_sign_in`: the user's answer to the step they were shown |
//! | [`failure`] | a failed call: retry the same step, drop a stale device, or end the sign-in |

mod answer;
mod challenge;
mod failure;
mod srp;
mod start;

use zeroize::Zeroizing;

use super::state::{Awaiting, DeviceCredentials, FlowContext, PendingSignIn, SignInState};
use super::types::{ConfirmSignInOptions, SignInNextStep, SignInOptions};
use crate::api::types::{
    AssociateSoftwareTokenRequest, AssociateSoftwareTokenResponse, AuthChallengeResponse,
    AuthenticationResult, InitiateAuthRequest, Params, RespondToAuthChallengeRequest,
    VerifySoftwareTokenRequest, VerifySoftwareTokenResponse,
};
use crate::error::AuthError;
use crate::srp::{secret_hash, ClientEphemeral, SrpError};

/// The app client the machine signs in to.
pub(crate) struct MachineConfig {
    pub user_pool_id: String,
    pub client_id: String,
    pub client_secret: Option<Zeroizing<String>>,
}

impl MachineConfig {
    fn secret_hash(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_ref()
            .map(|secret| secret_hash(secret, username, &self.client_id))
    }
}

/// Randomness and time, supplied by the driver so transitions stay deterministic in tests.
pub(crate) trait Env {
    fn now_unix(&self) -> u64;
    fn new_ephemeral(&self) -> Result<ClientEphemeral, SrpError>;
}

/// What happens to the machine: the app's calls, the outcomes of the effects it asked for, and
/// the driver's own bookkeeping. Nothing else changes its state.
pub(crate) enum Event {
    /// `sign_in` was called (with the device stored for what the user typed, if any).
    Start {
        username: String,
        password: Option<Zeroizing<String>>,
        options: SignInOptions,
        device: Option<DeviceCredentials>,
        /// The session `ConfirmSignUp` returned, to sign in right after sign-up (`USER_AUTH`
        /// without a first factor: the confirmation code was it).
        sign_up_session: Option<String>,
    },
    /// `confirm_sign_in` was called with the user's answer.
    Answer {
        value: Zeroizing<String>,
        options: ConfirmSignInOptions,
    },
    /// A sign-in saved by an earlier process (with its device read from the store again)
    /// continues here.
    Resume {
        pending: PendingSignIn,
        device: Option<DeviceCredentials>,
    },
    /// The call in flight succeeded.
    Reply(ApiReply),
    /// The call in flight failed.
    Failed(AuthError),
    /// The answer to [`Effect::LoadDevice`].
    DeviceLoaded(Option<DeviceCredentials>),
    /// The app abandons the sign-in.
    Cancel,
    /// The driver found a call that will never be answered (its future was dropped): start
    /// afresh.
    Reset,
}

/// A successful answer to an [`ApiCall`].
pub(crate) enum ApiReply {
    Challenge(AuthChallengeResponse),
    TokenAssociated(AssociateSoftwareTokenResponse),
    TokenVerified(VerifySoftwareTokenResponse),
}

/// A call for the driver to make.
pub(crate) enum ApiCall {
    InitiateAuth(InitiateAuthRequest),
    RespondToAuthChallenge(RespondToAuthChallengeRequest),
    AssociateSoftwareToken(AssociateSoftwareTokenRequest),
    VerifySoftwareToken(VerifySoftwareTokenRequest),
}

/// What the driver must do after a transition.
pub(crate) enum Effect {
    /// Make this call and feed its outcome back as [`Event::Reply`] or [`Event::Failed`].
    Call(ApiCall),
    /// Read the confirmed device stored for Cognito's canonical username and feed it back as
    /// [`Event::DeviceLoaded`].
    LoadDevice { canonical_username: String },
    /// Tell the app what it must answer.
    NextStep(SignInNextStep),
    /// Signed in.
    SignedIn {
        /// What the user typed.
        typed_username: String,
        /// Cognito's canonical username.
        username: String,
        tokens: AuthenticationResult,
    },
    /// The sign-in, or this answer, failed with this error.
    Failed(AuthError),
    /// Cognito does not know the stored device, or refused its secret: forget it locally. If
    /// the state waits for the user again (the device was refused with an answer, whose step
    /// now waits without the device), send the same answer again; otherwise start again
    /// without the device.
    DeviceRejected,
    /// The event does not fit the state, which is unchanged.
    Rejected(AuthError),
}

/// The new state and the effects of one transition.
pub(crate) struct Step {
    pub state: SignInState,
    pub effects: Vec<Effect>,
}

impl Step {
    fn new(state: SignInState, effects: Vec<Effect>) -> Step {
        Step { state, effects }
    }

    fn idle(effect: Effect) -> Step {
        Step::new(SignInState::Idle, vec![effect])
    }

    fn failed(error: AuthError) -> Step {
        Step::idle(Effect::Failed(error))
    }
}

/// The transition function. Never panics; an event that does not fit leaves the state as it
/// was and yields [`Effect::Rejected`].
pub(crate) fn step(
    state: SignInState,
    event: Event,
    config: &MachineConfig,
    env: &dyn Env,
) -> Step {
    use SignInState::{AwaitingUser, Idle, Waiting};
    match (state, event) {
        // The app's calls.
        (state @ Waiting { .. }, Event::Start { .. }) => reject(
            state,
            "A sign-in call is still in flight; wait for it before starting another.",
        ),
        (
            Idle | AwaitingUser { .. },
            Event::Start {
                username,
                password,
                options,
                device,
                sign_up_session,
            },
        ) => start::start(
            username,
            password,
            options,
            device,
            sign_up_session,
            config,
            env,
        ),
        (
            AwaitingUser {
                ctx,
                challenge,
                session,
                next_step,
            },
            Event::Answer { value, options },
        ) => answer::answer(
            ctx, challenge, session, next_step, value, options, config, env,
        ),
        (Idle, Event::Resume { pending, device }) => {
            let state = SignInState::resume(pending, device);
            Step::new(state, vec![])
        }
        (Idle, Event::Cancel) => reject(Idle, "No sign-in is under way."),
        (Waiting { .. } | AwaitingUser { .. }, Event::Cancel) => Step::new(Idle, vec![]),
        (_, Event::Reset) => Step::new(Idle, vec![]),

        // The outcomes of effects.
        (
            state @ Waiting {
                awaiting: Awaiting::StoredDevice { .. },
                ..
            },
            Event::Reply(_) | Event::Failed(_),
        ) => reject(
            state,
            "A Cognito answer arrived while the stored device was read.",
        ),
        (Waiting { ctx, awaiting }, Event::Reply(reply)) => {
            challenge::on_reply(ctx, awaiting, reply, config, env)
        }
        (Waiting { ctx, awaiting }, Event::Failed(error)) => {
            failure::on_failure(ctx, awaiting, error)
        }
        (
            Waiting {
                ctx,
                awaiting: Awaiting::StoredDevice { verifier },
            },
            Event::DeviceLoaded(device),
        ) => srp::with_stored_device(ctx, verifier, device, config, env),

        // Everything else does not fit.
        (state @ Idle, Event::Answer { .. }) => reject(
            state,
            "No sign-in is waiting for an answer; call sign_in first.",
        ),
        (state @ Waiting { .. }, Event::Answer { .. }) => reject(
            state,
            "The sign-in is waiting for Cognito, not for an answer.",
        ),
        (state @ (Waiting { .. } | AwaitingUser { .. }), Event::Resume { .. }) => reject(
            state,
            "A sign-in is already under way; cancel it before resuming a saved one.",
        ),
        (state, Event::Reply(_) | Event::Failed(_) | Event::DeviceLoaded(_)) => {
            reject(state, "An answer arrived for a call that is not in flight.")
        }
    }
}

fn reject(state: SignInState, detail: &str) -> Step {
    let message = format!("{detail} (sign-in state: {})", state.name());
    Step::new(
        state,
        vec![Effect::Rejected(AuthError::invalid_state(message))],
    )
}

/// Answers `challenge` automatically and waits for Cognito's reply in `awaiting`.
fn respond_and_wait(
    ctx: FlowContext,
    config: &MachineConfig,
    challenge: &str,
    answers: Params,
    session: Option<String>,
    awaiting: Awaiting,
) -> Step {
    let request = respond(&ctx, config, challenge, answers, session, &Params::new());
    Step::new(
        SignInState::Waiting { ctx, awaiting },
        vec![Effect::Call(ApiCall::RespondToAuthChallenge(request))],
    )
}

/// A `RespondToAuthChallenge` with `USERNAME`, `DEVICE_KEY` and `SECRET_HASH` added.
fn respond(
    ctx: &FlowContext,
    config: &MachineConfig,
    challenge: &str,
    mut answers: Params,
    session: Option<String>,
    extra_metadata: &Params,
) -> RespondToAuthChallengeRequest {
    let username = ctx.responding_username().to_owned();
    if let Some(device) = &ctx.device {
        answers.insert("DEVICE_KEY".into(), device.device_key.clone());
    }
    if let Some(hash) = config.secret_hash(&username) {
        answers.insert("SECRET_HASH".into(), hash);
    }
    answers.insert("USERNAME".into(), username);
    let mut client_metadata = ctx.client_metadata.clone();
    client_metadata.extend(extra_metadata.iter().map(|(k, v)| (k.clone(), v.clone())));
    RespondToAuthChallengeRequest {
        client_id: config.client_id.clone(),
        challenge_name: challenge.into(),
        challenge_responses: answers,
        session,
        client_metadata,
    }
}
