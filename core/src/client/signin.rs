//! Runs the sign-in machine: feeds it events, makes the calls it asks for, and finishes a
//! successful sign-in (tokens saved, device tracked).

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::devices::DeviceOutcome;
use super::AuthClient;
use crate::api::parse_response;
use crate::api::types::AuthenticationResult;
use crate::error::AuthError;
use crate::signin::{
    step, ApiCall, ApiReply, ConfirmSignInOptions, DeviceCredentials, Effect, Env, Event,
    PendingSignIn, SignInNextStep, SignInOptions, SignInState,
};
use crate::srp::{ClientEphemeral, SrpError};
use crate::store::{read_json, write_json};

/// A saved sign-in older than this cannot have a live Cognito session (at most 15 minutes).
const PENDING_SIGN_IN_LIFETIME_SECONDS: u64 = 15 * 60;

/// The outcome of [`AuthClient::sign_in`] and [`AuthClient::confirm_sign_in`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SignInResult {
    /// Whether the user is now signed in.
    pub is_signed_in: bool,
    /// What the app must do next ([`SignInNextStep::Done`] when signed in).
    pub next_step: SignInNextStep,
    /// What happened to this device (only when signed in and the pool tracks devices).
    pub device: Option<DeviceOutcome>,
}

/// How a sign-in run ended.
enum RunEnd {
    Result(SignInResult),
    DeviceRejected,
}

struct ClientEnv<'a> {
    client: &'a AuthClient,
}

impl Env for ClientEnv<'_> {
    fn now_unix(&self) -> u64 {
        self.client.clock.now_unix()
    }

    fn new_ephemeral(&self) -> Result<ClientEphemeral, SrpError> {
        ClientEphemeral::try_generate()
    }
}

impl AuthClient {
    /// Starts a sign-in. The result's `next_step` says what the app must do: often
    /// [`SignInNextStep::Done`], or a code to ask for, answered with
    /// [`AuthClient::confirm_sign_in`].
    ///
    /// `password` may be `None` for flows that start without one (custom auth, e-mail or SMS
    /// one-time codes). The SRP, `PASSWORD_VERIFIER` and device steps are answered
    /// automatically; a remembered device of this user skips MFA when the pool allows it.
    pub async fn sign_in(
        &self,
        username: &str,
        password: Option<&str>,
        options: SignInOptions,
    ) -> Result<SignInResult, AuthError> {
        let mut state = self.sign_in_state.lock().await;
        if matches!(*state, SignInState::Waiting { .. }) {
            // Holding the lock means no run is in progress: a Waiting state was left by a run
            // whose future was dropped. Start afresh.
            self.feed(&mut state, Event::Reset);
        }
        let result = self
            .sign_in_locked(&mut state, username, password, options)
            .await;
        self.save_pending(&state)?;
        result
    }

    /// `USER_AUTH` with the session `ConfirmSignUp` returned: the confirmation code was the
    /// first factor.
    pub(super) async fn sign_in_after_sign_up(
        &self,
        username: &str,
        session: String,
    ) -> Result<SignInResult, AuthError> {
        let mut state = self.sign_in_state.lock().await;
        if !matches!(*state, SignInState::Idle) {
            self.feed(&mut state, Event::Reset);
        }
        let device = self.device_for_sign_in(username)?;
        let start = Event::Start {
            username: username.to_owned(),
            password: None,
            options: SignInOptions {
                auth_flow: crate::signin::AuthFlow::UserAuth {
                    preferred_first_factor: None,
                },
                ..Default::default()
            },
            device,
            sign_up_session: Some(session),
        };
        let result = match self.run(&mut state, start).await {
            Ok(RunEnd::Result(result)) => Ok(result),
            Ok(RunEnd::DeviceRejected) => {
                self.forget_local_device_of(username)?;
                Err(AuthError::invalid_state(
                    "Cognito no longer knows the stored device; it was forgotten locally. Sign \
                     in with the password.",
                ))
            }
            Err(error) => Err(error),
        };
        self.save_pending(&state)?;
        result
    }

    async fn sign_in_locked(
        &self,
        state: &mut SignInState,
        username: &str,
        password: Option<&str>,
        options: SignInOptions,
    ) -> Result<SignInResult, AuthError> {
        let device = self.device_for_sign_in(username)?;
        let had_device = device.is_some();
        let start = |device| Event::Start {
            username: username.to_owned(),
            password: password.map(|p| Zeroizing::new(p.to_owned())),
            options: options.clone(),
            device,
            sign_up_session: None,
        };
        match self.run(state, start(device)).await? {
            RunEnd::Result(result) => Ok(result),
            RunEnd::DeviceRejected if had_device => {
                tracing::info!("Cognito no longer knows the stored device; signing in without it");
                self.forget_local_device_of(username)?;
                match self.run(state, start(None)).await? {
                    RunEnd::Result(result) => Ok(result),
                    RunEnd::DeviceRejected => Err(AuthError::invalid_response(
                        "Cognito rejected a device although none was sent",
                    )),
                }
            }
            RunEnd::DeviceRejected => Err(AuthError::invalid_response(
                "Cognito rejected a device although none was sent",
            )),
        }
    }

    /// Answers the current next step: a code, an MFA type (`SMS`, `TOTP`, `EMAIL`), a new
    /// password, an e-mail address, a custom challenge answer or a first factor.
    ///
    /// A wrong code leaves the sign-in at the same step, so the user can try again.
    pub async fn confirm_sign_in(
        &self,
        value: &str,
        options: ConfirmSignInOptions,
    ) -> Result<SignInResult, AuthError> {
        let mut state = self.sign_in_state.lock().await;
        if matches!(*state, SignInState::Idle) {
            if let Some((pending, device)) = self.load_pending()? {
                tracing::info!("resuming a saved sign-in");
                self.feed(&mut state, Event::Resume { pending, device });
            }
        }
        let result = self.confirm_locked(&mut state, value, options).await;
        self.save_pending(&state)?;
        result
    }

    async fn confirm_locked(
        &self,
        state: &mut SignInState,
        value: &str,
        options: ConfirmSignInOptions,
    ) -> Result<SignInResult, AuthError> {
        let answer = || Event::Answer {
            value: Zeroizing::new(value.to_owned()),
            options: options.clone(),
        };
        match self.run(state, answer()).await? {
            RunEnd::Result(result) => Ok(result),
            RunEnd::DeviceRejected => {
                if let Some(username) = state.username().map(str::to_owned) {
                    self.forget_local_device_of(&username)?;
                }
                if state.next_step().is_none() {
                    return Err(AuthError::invalid_state(
                        "Cognito no longer knows this device; it was forgotten locally. Sign in again.",
                    ));
                }
                // The step waits again without the device: the same answer, once more.
                tracing::info!(
                    "Cognito no longer knows the stored device; answering again without it"
                );
                match self.run(state, answer()).await? {
                    RunEnd::Result(result) => Ok(result),
                    RunEnd::DeviceRejected => Err(AuthError::invalid_response(
                        "Cognito rejected a device although none was sent",
                    )),
                }
            }
        }
    }

    /// The step the current sign-in waits for, if one is under way (in this process, or saved
    /// by an earlier one).
    pub async fn pending_sign_in_step(&self) -> Result<Option<SignInNextStep>, AuthError> {
        let state = self.sign_in_state.lock().await;
        if let Some(step) = state.next_step() {
            return Ok(Some(step.clone()));
        }
        Ok(self.load_pending()?.map(|(pending, _)| pending.next_step))
    }

    /// Abandons the sign-in under way, if any.
    pub async fn cancel_sign_in(&self) {
        let mut state = self.sign_in_state.lock().await;
        // Cancelling when nothing is under way is not an error for the app: the machine's
        // rejection is not reported.
        self.feed(&mut state, Event::Cancel);
        if let Err(error) = self.store.delete(&self.keys.pending_sign_in()) {
            tracing::warn!(%error, "could not delete the saved sign-in");
        }
    }

    /// Saves a sign-in that waits for the user (so another process can resume it), or deletes
    /// the saved one when none waits.
    fn save_pending(&self, state: &SignInState) -> Result<(), AuthError> {
        let key = self.keys.pending_sign_in();
        match state.pending(self.clock.now_unix()) {
            Some(pending) => write_json(self.store.as_ref(), &key, &pending),
            None => self.store.delete(&key).map_err(AuthError::from),
        }
    }

    /// A saved sign-in young enough for its Cognito session to be alive, with the device stored
    /// for its user. A record this version cannot read (saved by another version, or damaged)
    /// is a sign-in that cannot continue: it is deleted and reported in the log.
    fn load_pending(
        &self,
    ) -> Result<Option<(PendingSignIn, Option<DeviceCredentials>)>, AuthError> {
        let key = self.keys.pending_sign_in();
        let pending = match read_json::<PendingSignIn>(self.store.as_ref(), &key) {
            Ok(Some(pending)) => pending,
            Ok(None) => return Ok(None),
            Err(AuthError::Storage { .. }) if self.store.get(&key).is_ok() => {
                tracing::warn!("a saved sign-in could not be read; it was dropped");
                self.store.delete(&key)?;
                return Ok(None);
            }
            Err(error) => return Err(error),
        };
        if pending.saved_at + PENDING_SIGN_IN_LIFETIME_SECONDS < self.clock.now_unix() {
            self.store.delete(&key)?;
            return Ok(None);
        }
        let device = self.device_for_sign_in(&pending.username)?;
        Ok(Some((pending, device)))
    }

    /// One transition whose effects need no IO (reset, resume, cancel).
    fn feed(&self, state: &mut SignInState, event: Event) {
        let env = ClientEnv { client: self };
        let current = std::mem::replace(state, SignInState::Idle);
        *state = step(current, event, &self.machine, &env).state;
    }

    async fn run(&self, state: &mut SignInState, first: Event) -> Result<RunEnd, AuthError> {
        let env = ClientEnv { client: self };
        let mut event = first;
        loop {
            let current = std::mem::replace(state, SignInState::Idle);
            let stepped = step(current, event, &self.machine, &env);
            *state = stepped.state;
            let mut next = None;
            let mut end = None;
            for effect in stepped.effects {
                match effect {
                    Effect::Call(call) => next = Some(self.execute(call).await),
                    Effect::LoadDevice { canonical_username } => {
                        next = Some(Event::DeviceLoaded(
                            self.device_for_verifier(&canonical_username),
                        ))
                    }
                    Effect::NextStep(next_step) => {
                        end = Some(Ok(RunEnd::Result(SignInResult {
                            is_signed_in: false,
                            next_step,
                            device: None,
                        })))
                    }
                    Effect::SignedIn {
                        typed_username,
                        username,
                        tokens,
                    } => {
                        end = Some(
                            self.finish_sign_in(&typed_username, &username, tokens)
                                .await
                                .map(RunEnd::Result),
                        )
                    }
                    Effect::Failed(error) | Effect::Rejected(error) => end = Some(Err(error)),
                    Effect::DeviceRejected => end = Some(Ok(RunEnd::DeviceRejected)),
                }
            }
            match (next, end) {
                (Some(next_event), None) => event = next_event,
                (None, Some(end)) => return end,
                (None, None) => {
                    return Err(AuthError::invalid_state(
                        "the sign-in stopped without a result",
                    ))
                }
                (Some(_), Some(end)) => return end,
            }
        }
    }

    async fn execute(&self, call: ApiCall) -> Event {
        let (operation, body) = match &call {
            ApiCall::InitiateAuth(r) => ("InitiateAuth", serde_json::to_value(r)),
            ApiCall::RespondToAuthChallenge(r) => {
                ("RespondToAuthChallenge", serde_json::to_value(r))
            }
            ApiCall::AssociateSoftwareToken(r) => {
                ("AssociateSoftwareToken", serde_json::to_value(r))
            }
            ApiCall::VerifySoftwareToken(r) => ("VerifySoftwareToken", serde_json::to_value(r)),
        };
        let body = match body {
            Ok(body) => body,
            Err(e) => return Event::Failed(AuthError::invalid_response(e.to_string())),
        };
        tracing::debug!(operation, "sign-in call");
        let value = match self.api.call(operation, body).await {
            Ok(value) => value,
            Err(error) => {
                tracing::debug!(operation, code = ?error.code(), "sign-in call failed");
                return Event::Failed(error.into());
            }
        };
        let reply = match call {
            ApiCall::InitiateAuth(_) | ApiCall::RespondToAuthChallenge(_) => {
                parse_response(operation, value).map(ApiReply::Challenge)
            }
            ApiCall::AssociateSoftwareToken(_) => {
                parse_response(operation, value).map(ApiReply::TokenAssociated)
            }
            ApiCall::VerifySoftwareToken(_) => {
                parse_response(operation, value).map(ApiReply::TokenVerified)
            }
        };
        match reply {
            Ok(reply) => Event::Reply(reply),
            Err(error) => Event::Failed(error.into()),
        }
    }

    /// The stored device of the user who typed `username`, if it is confirmed.
    ///
    /// A sign-in proves the user again, so a record it cannot ever read (the alias or the
    /// device, [`AuthError::LocalStateUnreadable`]) does not lock the user out: it is deleted
    /// (reported in the log) and the sign-in goes on without it — the device is then tracked
    /// anew. A store that is unavailable fails the sign-in.
    fn device_for_sign_in(&self, username: &str) -> Result<Option<DeviceCredentials>, AuthError> {
        let alias = self.keys.alias(username);
        let canonical = self.dropping_unreadable(&alias, self.canonical_username(username))?;
        match canonical {
            Some(canonical) => {
                let device = self.confirmed_device(&canonical);
                self.dropping_unreadable(&self.keys.device(&canonical), device)
            }
            None => Ok(None),
        }
    }

    /// `result` of reading `key`; if the record can never be read, it is deleted and counts as
    /// absent.
    fn dropping_unreadable<T>(
        &self,
        key: &str,
        result: Result<Option<T>, AuthError>,
    ) -> Result<Option<T>, AuthError> {
        match result {
            Err(AuthError::LocalStateUnreadable { detail }) => {
                tracing::warn!(%detail, "an unreadable stored record was deleted; the sign-in goes on without it");
                self.store.delete(key)?;
                Ok(None)
            }
            other => other,
        }
    }

    /// The device for `PASSWORD_VERIFIER`'s canonical user. A store failure is reported in the
    /// log and the sign-in goes on without the device (MFA is asked): the user is not locked
    /// out by a store that fails only for this record.
    fn device_for_verifier(&self, canonical: &str) -> Option<DeviceCredentials> {
        let device = self.confirmed_device(canonical);
        match self.dropping_unreadable(&self.keys.device(canonical), device) {
            Ok(device) => device,
            Err(error) => {
                tracing::warn!(%error, "could not read the stored device");
                None
            }
        }
    }

    /// The confirmed device stored for a canonical username.
    fn confirmed_device(&self, canonical: &str) -> Result<Option<DeviceCredentials>, AuthError> {
        Ok(self
            .usable_device(canonical)?
            .map(|device| DeviceCredentials {
                device_key: device.device_key.clone(),
                device_group_key: device.device_group_key.clone(),
                device_secret: Zeroizing::new(device.device_secret.clone()),
            }))
    }

    async fn finish_sign_in(
        &self,
        typed_username: &str,
        machine_username: &str,
        tokens: AuthenticationResult,
    ) -> Result<SignInResult, AuthError> {
        let claims = super::jwt::claims(&tokens.access_token).unwrap_or_default();
        let username = claims
            .username
            .clone()
            .unwrap_or_else(|| machine_username.to_owned());
        self.save_tokens(&username, &tokens, None)?;
        self.remember_alias(typed_username, &username)?;
        self.remember_alias(&username, &username)?;
        tracing::info!("signed in");
        self.listeners.emit(super::AuthEvent::SignedIn {
            username: username.clone(),
        });
        // The user is signed in (the tokens are saved): nothing about the device may fail the
        // sign-in from here on.
        let device = match self
            .reconcile_pending_device(&username, &tokens.access_token)
            .await
        {
            Some(outcome) => Some(outcome),
            None => match &tokens.new_device_metadata {
                Some(metadata) => Some(
                    self.track_new_device(&username, &tokens.access_token, metadata)
                        .await,
                ),
                None => None,
            },
        };
        Ok(SignInResult {
            is_signed_in: true,
            next_step: SignInNextStep::Done,
            device,
        })
    }

    /// Records that `typed` (what the user entered) means `canonical`.
    pub(super) fn remember_alias(&self, typed: &str, canonical: &str) -> Result<(), AuthError> {
        self.store
            .set(&self.keys.alias(typed), canonical)
            .map_err(AuthError::from)
    }

    /// The canonical username for what the user typed, if this store has seen it.
    pub(super) fn canonical_username(&self, typed: &str) -> Result<Option<String>, AuthError> {
        Ok(self.store.get(&self.keys.alias(typed))?)
    }
}
