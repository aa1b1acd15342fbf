//! Every sign-in transition, in one function: [`step`].

use zeroize::Zeroizing;

use super::state::{Awaiting, DeviceCredentials, FlowContext, SignInState, UserChallenge};
use super::types::{
    AuthFactor, AuthFlow, CodeDeliveryDetails, ConfirmSignInOptions, MfaType, SignInNextStep,
    SignInOptions, TotpSetupDetails,
};
use crate::api::types::{
    AssociateSoftwareTokenRequest, AssociateSoftwareTokenResponse, AuthChallengeResponse,
    AuthenticationResult, InitiateAuthRequest, Params, RespondToAuthChallengeRequest,
    VerifySoftwareTokenRequest, VerifySoftwareTokenResponse,
};
use crate::api::ApiError;
use crate::error::{AuthError, CognitoException};
use crate::srp::{format_timestamp, secret_hash, ClientEphemeral, SrpError, SrpIdentity};

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

/// Randomness, time and the stored devices, supplied by the driver so transitions stay
/// deterministic in tests.
pub(crate) trait Env {
    fn now_unix(&self) -> u64;
    fn new_ephemeral(&self) -> Result<ClientEphemeral, SrpError>;
    /// The confirmed device stored for Cognito's canonical username, if any.
    fn device_for(&self, canonical_username: &str) -> Option<DeviceCredentials>;
}

/// What happens to the machine.
pub(crate) enum Event {
    /// `sign_in` was called.
    Start {
        username: String,
        password: Option<Zeroizing<String>>,
        options: SignInOptions,
        device: Option<DeviceCredentials>,
    },
    /// `confirm_sign_in` was called with the user's answer.
    Answer {
        value: Zeroizing<String>,
        options: ConfirmSignInOptions,
    },
    /// The call in flight succeeded.
    Reply(ApiReply),
    /// The call in flight failed.
    Failed(ApiError),
    /// The app abandons the sign-in.
    Cancel,
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
    /// Tell the app what it must answer.
    NextStep(SignInNextStep),
    /// Signed in.
    SignedIn {
        /// What the user typed.
        typed_username: String,
        /// Cognito's canonical username.
        username: String,
        tokens: AuthenticationResult,
        /// The stored device used in this sign-in, if any.
        device_key: Option<String>,
    },
    /// The sign-in, or this answer, failed with this error.
    Failed(AuthError),
    /// Cognito does not know the stored device, or refused its secret: forget it locally and
    /// start again without it.
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
    match (state, event) {
        (state @ SignInState::Waiting { .. }, Event::Start { .. }) => reject(
            state,
            "A sign-in call is still in flight; wait for it before starting another.",
        ),
        (
            _,
            Event::Start {
                username,
                password,
                options,
                device,
            },
        ) => start(username, password, options, device, config, env),
        (SignInState::Idle, Event::Cancel) => reject(SignInState::Idle, "No sign-in is under way."),
        (_, Event::Cancel) => Step::new(SignInState::Idle, vec![]),
        (
            SignInState::AwaitingUser {
                ctx,
                challenge,
                session,
                next_step,
            },
            Event::Answer { value, options },
        ) => answer(
            ctx, challenge, session, next_step, value, options, config, env,
        ),
        (SignInState::Waiting { ctx, awaiting }, Event::Reply(reply)) => {
            on_reply(ctx, awaiting, reply, config, env)
        }
        (SignInState::Waiting { ctx, awaiting }, Event::Failed(error)) => {
            on_failure(ctx, awaiting, error)
        }
        (state @ SignInState::Idle, Event::Answer { .. }) => reject(
            state,
            "No sign-in is waiting for an answer; call sign_in first.",
        ),
        (state @ SignInState::Waiting { .. }, Event::Answer { .. }) => reject(
            state,
            "The sign-in is waiting for Cognito, not for an answer.",
        ),
        (state, Event::Reply(_) | Event::Failed(_)) => reject(
            state,
            "A Cognito answer arrived while no call was in flight.",
        ),
    }
}

fn reject(state: SignInState, detail: &str) -> Step {
    let message = format!("{detail} (sign-in state: {})", state.name());
    Step::new(
        state,
        vec![Effect::Rejected(AuthError::invalid_state(message))],
    )
}

fn start(
    username: String,
    password: Option<Zeroizing<String>>,
    options: SignInOptions,
    device: Option<DeviceCredentials>,
    config: &MachineConfig,
    env: &dyn Env,
) -> Step {
    let username = username.trim().to_owned();
    if username.is_empty() {
        return Step::failed(AuthError::invalid_input("The username is empty."));
    }
    let needs_password = matches!(
        options.auth_flow,
        AuthFlow::UserSrp
            | AuthFlow::UserPassword
            | AuthFlow::CustomWithSrp
            | AuthFlow::UserAuth {
                preferred_first_factor: Some(AuthFactor::Password | AuthFactor::PasswordSrp)
            }
    );
    let password = password.filter(|p| !p.is_empty());
    if needs_password && password.is_none() {
        return Step::failed(AuthError::invalid_input(
            "This sign-in flow needs a password, and none was given.",
        ));
    }

    let mut params = Params::new();
    params.insert("USERNAME".into(), username.clone());
    let mut ephemeral = None;
    let mut new_ephemeral = |params: &mut Params| -> Result<(), AuthError> {
        let e = env.new_ephemeral()?;
        params.insert("SRP_A".into(), e.public_hex());
        ephemeral = Some(e);
        Ok(())
    };
    let flow_name = match &options.auth_flow {
        AuthFlow::UserSrp => {
            if let Err(e) = new_ephemeral(&mut params) {
                return Step::failed(e);
            }
            "USER_SRP_AUTH"
        }
        AuthFlow::UserPassword => {
            params.insert("PASSWORD".into(), password_text(&password));
            "USER_PASSWORD_AUTH"
        }
        AuthFlow::CustomWithSrp => {
            if let Err(e) = new_ephemeral(&mut params) {
                return Step::failed(e);
            }
            params.insert("CHALLENGE_NAME".into(), "SRP_A".into());
            "CUSTOM_AUTH"
        }
        AuthFlow::CustomWithoutSrp => "CUSTOM_AUTH",
        AuthFlow::UserAuth {
            preferred_first_factor,
        } => {
            if let Some(factor) = preferred_first_factor {
                params.insert("PREFERRED_CHALLENGE".into(), factor.wire_name().into());
                match factor {
                    AuthFactor::PasswordSrp => {
                        if let Err(e) = new_ephemeral(&mut params) {
                            return Step::failed(e);
                        }
                    }
                    AuthFactor::Password => {
                        params.insert("PASSWORD".into(), password_text(&password));
                    }
                    AuthFactor::EmailOtp | AuthFactor::SmsOtp => {}
                }
            }
            "USER_AUTH"
        }
    };
    if let Some(device) = &device {
        params.insert("DEVICE_KEY".into(), device.device_key.clone());
    }
    if let Some(hash) = config.secret_hash(&username) {
        params.insert("SECRET_HASH".into(), hash);
    }
    let request = InitiateAuthRequest {
        auth_flow: flow_name.into(),
        client_id: config.client_id.clone(),
        auth_parameters: params,
        client_metadata: options.client_metadata.clone(),
    };
    let ctx = FlowContext {
        username,
        canonical_username: None,
        password,
        device,
        client_metadata: options.client_metadata,
    };
    Step::new(
        SignInState::Waiting {
            ctx,
            awaiting: Awaiting::Start { ephemeral },
        },
        vec![Effect::Call(ApiCall::InitiateAuth(request))],
    )
}

fn password_text(password: &Option<Zeroizing<String>>) -> String {
    password.as_ref().map(|p| p.to_string()).unwrap_or_default()
}

fn on_reply(
    ctx: FlowContext,
    awaiting: Awaiting,
    reply: ApiReply,
    config: &MachineConfig,
    env: &dyn Env,
) -> Step {
    match (awaiting, reply) {
        (Awaiting::Start { ephemeral }, ApiReply::Challenge(response)) => {
            on_challenge(ctx, response, ephemeral, config, env)
        }
        (Awaiting::DeviceSrp { ephemeral }, ApiReply::Challenge(response)) => {
            on_challenge(ctx, response, Some(ephemeral), config, env)
        }
        (
            Awaiting::PasswordVerifier
            | Awaiting::DevicePasswordVerifier
            | Awaiting::UserAnswer { .. },
            ApiReply::Challenge(response),
        ) => on_challenge(ctx, response, None, config, env),
        (Awaiting::AssociateToken, ApiReply::TokenAssociated(response)) => {
            let details = TotpSetupDetails {
                shared_secret: response.secret_code,
                username: ctx.responding_username().to_owned(),
            };
            let next_step = SignInNextStep::ContinueSignInWithTotpSetup {
                totp_setup_details: details.clone(),
            };
            Step::new(
                SignInState::AwaitingUser {
                    ctx,
                    challenge: UserChallenge::TotpSetup(details),
                    session: response.session,
                    next_step: next_step.clone(),
                },
                vec![Effect::NextStep(next_step)],
            )
        }
        (
            Awaiting::VerifyToken {
                details,
                session,
                next_step,
            },
            ApiReply::TokenVerified(response),
        ) => {
            if response.status.as_deref() != Some("SUCCESS") {
                let error = AuthError::Service {
                    exception: CognitoException::EnableSoftwareTokenMfa,
                    message: "The authenticator code did not verify; try a fresh code.".into(),
                    service_message: format!("status {:?}", response.status),
                };
                return Step::new(
                    SignInState::AwaitingUser {
                        ctx,
                        challenge: UserChallenge::TotpSetup(details),
                        session,
                        next_step,
                    },
                    vec![Effect::Failed(error)],
                );
            }
            let request = respond(
                &ctx,
                config,
                "MFA_SETUP",
                Params::new(),
                response.session.or(session.clone()),
                &Params::new(),
            );
            Step::new(
                SignInState::Waiting {
                    ctx,
                    awaiting: Awaiting::UserAnswer {
                        challenge: UserChallenge::TotpSetup(details),
                        session,
                        next_step,
                    },
                },
                vec![Effect::Call(ApiCall::RespondToAuthChallenge(request))],
            )
        }
        (_, _) => Step::failed(AuthError::invalid_response(
            "Cognito answered a different operation than the one in flight",
        )),
    }
}

/// Reads the challenge Cognito sent and answers it, or hands it to the user.
fn on_challenge(
    mut ctx: FlowContext,
    response: AuthChallengeResponse,
    ephemeral: Option<ClientEphemeral>,
    config: &MachineConfig,
    env: &dyn Env,
) -> Step {
    let params = &response.challenge_parameters;
    if let Some(name) = params
        .get("USER_ID_FOR_SRP")
        .or_else(|| params.get("USERNAME"))
        .filter(|n| !n.is_empty())
    {
        ctx.canonical_username = Some(name.clone());
    }
    if let Some(tokens) = response.authentication_result {
        return Step::idle(Effect::SignedIn {
            typed_username: ctx.username.clone(),
            username: ctx.responding_username().to_owned(),
            device_key: ctx.device.as_ref().map(|d| d.device_key.clone()),
            tokens,
        });
    }
    let Some(challenge) = response.challenge_name.as_deref() else {
        return Step::failed(AuthError::invalid_response(
            "Cognito answered with neither tokens nor a challenge",
        ));
    };
    let session = response.session.clone();
    let delivery = || {
        CodeDeliveryDetails::new(
            params.get("CODE_DELIVERY_DESTINATION").cloned(),
            params
                .get("CODE_DELIVERY_DELIVERY_MEDIUM")
                .map(String::as_str),
            None,
        )
    };
    match challenge {
        "PASSWORD_VERIFIER" => password_verifier(ctx, params, session, ephemeral, config, env),
        "DEVICE_SRP_AUTH" => device_srp(ctx, session, config, env),
        "DEVICE_PASSWORD_VERIFIER" => {
            device_password_verifier(ctx, params, session, ephemeral, config, env)
        }
        "SMS_MFA" => to_user(
            ctx,
            UserChallenge::SmsMfa,
            session,
            SignInNextStep::ConfirmSignInWithSmsMfaCode {
                code_delivery_details: delivery(),
            },
        ),
        "SOFTWARE_TOKEN_MFA" => to_user(
            ctx,
            UserChallenge::Totp,
            session,
            SignInNextStep::ConfirmSignInWithTotpCode,
        ),
        "EMAIL_OTP" => to_user(
            ctx,
            UserChallenge::EmailOtp,
            session,
            SignInNextStep::ConfirmSignInWithOtp {
                code_delivery_details: delivery(),
            },
        ),
        "SMS_OTP" => to_user(
            ctx,
            UserChallenge::SmsOtp,
            session,
            SignInNextStep::ConfirmSignInWithOtp {
                code_delivery_details: delivery(),
            },
        ),
        "SELECT_MFA_TYPE" => {
            let allowed = mfa_list(params.get("MFAS_CAN_CHOOSE"));
            to_user(
                ctx,
                UserChallenge::MfaSelection(allowed.clone()),
                session,
                SignInNextStep::ContinueSignInWithMfaSelection {
                    allowed_mfa_types: allowed,
                },
            )
        }
        "MFA_SETUP" => {
            let allowed: Vec<MfaType> = mfa_list(params.get("MFAS_CAN_SETUP"))
                .into_iter()
                .filter(|m| matches!(m, MfaType::Totp | MfaType::Email))
                .collect();
            match allowed.as_slice() {
                [] => Step::failed(AuthError::Service {
                    exception: CognitoException::MfaMethodNotFound,
                    message: "MFA must be set up, but the pool offers no method that can be set up during sign-in (TOTP or e-mail).".into(),
                    service_message: String::new(),
                }),
                [MfaType::Totp] => associate_token(ctx, session),
                [MfaType::Email] => to_user(
                    ctx,
                    UserChallenge::EmailMfaSetup,
                    session,
                    SignInNextStep::ContinueSignInWithEmailMfaSetup,
                ),
                _ => to_user(
                    ctx,
                    UserChallenge::MfaSetupSelection(allowed.clone()),
                    session,
                    SignInNextStep::ContinueSignInWithMfaSetupSelection {
                        allowed_mfa_types: allowed,
                    },
                ),
            }
        }
        "NEW_PASSWORD_REQUIRED" => {
            let missing = missing_attributes(params);
            to_user(
                ctx,
                UserChallenge::NewPassword,
                session,
                SignInNextStep::ConfirmSignInWithNewPassword {
                    missing_attributes: missing,
                },
            )
        }
        "CUSTOM_CHALLENGE" => to_user(
            ctx,
            UserChallenge::Custom,
            session,
            SignInNextStep::ConfirmSignInWithCustomChallenge {
                additional_info: params.clone(),
            },
        ),
        "SELECT_CHALLENGE" => {
            let available: Vec<AuthFactor> = response
                .available_challenges
                .iter()
                .filter_map(|c| AuthFactor::from_wire_name(c))
                .collect();
            to_user(
                ctx,
                UserChallenge::FirstFactorSelection(available.clone()),
                session,
                SignInNextStep::ContinueSignInWithFirstFactorSelection {
                    available_factors: available,
                },
            )
        }
        other => Step::failed(AuthError::invalid_response(format!(
            "Cognito sent the challenge {other}, which this library does not support"
        ))),
    }
}

fn to_user(
    ctx: FlowContext,
    challenge: UserChallenge,
    session: Option<String>,
    next_step: SignInNextStep,
) -> Step {
    Step::new(
        SignInState::AwaitingUser {
            ctx,
            challenge,
            session,
            next_step: next_step.clone(),
        },
        vec![Effect::NextStep(next_step)],
    )
}

fn associate_token(ctx: FlowContext, session: Option<String>) -> Step {
    Step::new(
        SignInState::Waiting {
            ctx,
            awaiting: Awaiting::AssociateToken,
        },
        vec![Effect::Call(ApiCall::AssociateSoftwareToken(
            AssociateSoftwareTokenRequest {
                access_token: None,
                session,
            },
        ))],
    )
}

fn required<'a>(params: &'a Params, name: &'static str) -> Result<&'a str, AuthError> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AuthError::invalid_response(format!("the challenge lacks {name}")))
}

fn password_verifier(
    mut ctx: FlowContext,
    params: &Params,
    session: Option<String>,
    ephemeral: Option<ClientEphemeral>,
    config: &MachineConfig,
    env: &dyn Env,
) -> Step {
    let result = (|| {
        let ephemeral = ephemeral.ok_or_else(|| {
            AuthError::invalid_response("PASSWORD_VERIFIER arrived without an SRP exchange")
        })?;
        let user_id = required(params, "USER_ID_FOR_SRP")?.to_owned();
        let password = ctx
            .password
            .as_ref()
            .ok_or_else(|| AuthError::invalid_state("PASSWORD_VERIFIER needs the password"))?;
        let identity = SrpIdentity::user(&config.user_pool_id, &user_id);
        let timestamp = format_timestamp(env.now_unix());
        let secret_block = required(params, "SECRET_BLOCK")?;
        let signature = ephemeral.password_claim(
            &identity,
            password,
            required(params, "SALT")?,
            required(params, "SRP_B")?,
            secret_block,
            &timestamp,
        )?;
        let mut answers = Params::new();
        answers.insert(
            "PASSWORD_CLAIM_SECRET_BLOCK".into(),
            secret_block.to_owned(),
        );
        answers.insert("PASSWORD_CLAIM_SIGNATURE".into(), signature);
        answers.insert("TIMESTAMP".into(), timestamp);
        Ok::<_, AuthError>((user_id, answers))
    })();
    match result {
        Ok((user_id, answers)) => {
            // The canonical username is known now, whatever alias was typed: a device
            // remembered under it answers the device challenge even if this alias is new here.
            if ctx.device.is_none() {
                ctx.device = env.device_for(&user_id);
            }
            ctx.canonical_username = Some(user_id);
            let request = respond(
                &ctx,
                config,
                "PASSWORD_VERIFIER",
                answers,
                session,
                &Params::new(),
            );
            Step::new(
                SignInState::Waiting {
                    ctx,
                    awaiting: Awaiting::PasswordVerifier,
                },
                vec![Effect::Call(ApiCall::RespondToAuthChallenge(request))],
            )
        }
        Err(error) => Step::failed(error),
    }
}

fn device_srp(
    ctx: FlowContext,
    session: Option<String>,
    config: &MachineConfig,
    env: &dyn Env,
) -> Step {
    if ctx.device.is_none() {
        return Step::failed(AuthError::invalid_response(
            "Cognito asked for device authentication, but no device is stored",
        ));
    }
    let ephemeral = match env.new_ephemeral() {
        Ok(e) => e,
        Err(e) => return Step::failed(e.into()),
    };
    let mut answers = Params::new();
    answers.insert("SRP_A".into(), ephemeral.public_hex());
    let request = respond(
        &ctx,
        config,
        "DEVICE_SRP_AUTH",
        answers,
        session,
        &Params::new(),
    );
    Step::new(
        SignInState::Waiting {
            ctx,
            awaiting: Awaiting::DeviceSrp { ephemeral },
        },
        vec![Effect::Call(ApiCall::RespondToAuthChallenge(request))],
    )
}

fn device_password_verifier(
    ctx: FlowContext,
    params: &Params,
    session: Option<String>,
    ephemeral: Option<ClientEphemeral>,
    config: &MachineConfig,
    env: &dyn Env,
) -> Step {
    let result = (|| {
        let ephemeral = ephemeral.ok_or_else(|| {
            AuthError::invalid_response("DEVICE_PASSWORD_VERIFIER arrived out of order")
        })?;
        let device = ctx.device.as_ref().ok_or_else(|| {
            AuthError::invalid_response("DEVICE_PASSWORD_VERIFIER arrived, but no device is stored")
        })?;
        let identity = SrpIdentity::device(&device.device_group_key, &device.device_key);
        let timestamp = format_timestamp(env.now_unix());
        let secret_block = required(params, "SECRET_BLOCK")?;
        let signature = ephemeral.password_claim(
            &identity,
            &device.device_secret,
            required(params, "SALT")?,
            required(params, "SRP_B")?,
            secret_block,
            &timestamp,
        )?;
        let mut answers = Params::new();
        answers.insert(
            "PASSWORD_CLAIM_SECRET_BLOCK".into(),
            secret_block.to_owned(),
        );
        answers.insert("PASSWORD_CLAIM_SIGNATURE".into(), signature);
        answers.insert("TIMESTAMP".into(), timestamp);
        Ok::<_, AuthError>(answers)
    })();
    match result {
        Ok(answers) => {
            let request = respond(
                &ctx,
                config,
                "DEVICE_PASSWORD_VERIFIER",
                answers,
                session,
                &Params::new(),
            );
            Step::new(
                SignInState::Waiting {
                    ctx,
                    awaiting: Awaiting::DevicePasswordVerifier,
                },
                vec![Effect::Call(ApiCall::RespondToAuthChallenge(request))],
            )
        }
        Err(error) => Step::failed(error),
    }
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

#[allow(clippy::too_many_arguments)]
fn answer(
    ctx: FlowContext,
    challenge: UserChallenge,
    session: Option<String>,
    next_step: SignInNextStep,
    value: Zeroizing<String>,
    options: ConfirmSignInOptions,
    config: &MachineConfig,
    env: &dyn Env,
) -> Step {
    let code = value.trim().to_owned();
    let back_to_user = |ctx, challenge, session, next_step, detail: String| {
        Step::new(
            SignInState::AwaitingUser {
                ctx,
                challenge,
                session,
                next_step,
            },
            vec![Effect::Rejected(AuthError::invalid_input(detail))],
        )
    };
    if code.is_empty() {
        return back_to_user(
            ctx,
            challenge,
            session,
            next_step,
            "The answer is empty.".into(),
        );
    }
    let mut answers = Params::new();
    let challenge_name = match &challenge {
        UserChallenge::SmsMfa => {
            answers.insert("SMS_MFA_CODE".into(), code);
            "SMS_MFA"
        }
        UserChallenge::Totp => {
            answers.insert("SOFTWARE_TOKEN_MFA_CODE".into(), code);
            "SOFTWARE_TOKEN_MFA"
        }
        UserChallenge::EmailOtp => {
            answers.insert("EMAIL_OTP_CODE".into(), code);
            "EMAIL_OTP"
        }
        UserChallenge::SmsOtp => {
            answers.insert("SMS_OTP_CODE".into(), code);
            "SMS_OTP"
        }
        UserChallenge::MfaSelection(allowed) => match MfaType::parse(&code) {
            Some(choice) if allowed.contains(&choice) => {
                answers.insert("ANSWER".into(), choice.challenge_name().into());
                "SELECT_MFA_TYPE"
            }
            _ => {
                let detail = format!("Answer with one of {allowed:?} (e.g. SMS, TOTP, EMAIL).");
                return back_to_user(ctx, challenge, session, next_step, detail);
            }
        },
        UserChallenge::MfaSetupSelection(allowed) => match MfaType::parse(&code) {
            Some(MfaType::Totp) if allowed.contains(&MfaType::Totp) => {
                return associate_token(ctx, session);
            }
            Some(MfaType::Email) if allowed.contains(&MfaType::Email) => {
                return to_user(
                    ctx,
                    UserChallenge::EmailMfaSetup,
                    session,
                    SignInNextStep::ContinueSignInWithEmailMfaSetup,
                );
            }
            _ => {
                let detail = format!("Answer with one of {allowed:?} (TOTP or EMAIL).");
                return back_to_user(ctx, challenge, session, next_step, detail);
            }
        },
        UserChallenge::TotpSetup(details) => {
            let request = VerifySoftwareTokenRequest {
                access_token: None,
                session: session.clone(),
                user_code: code,
                friendly_device_name: options.friendly_device_name.clone(),
            };
            let details = details.clone();
            return Step::new(
                SignInState::Waiting {
                    ctx,
                    awaiting: Awaiting::VerifyToken {
                        details,
                        session,
                        next_step,
                    },
                },
                vec![Effect::Call(ApiCall::VerifySoftwareToken(request))],
            );
        }
        UserChallenge::EmailMfaSetup => {
            answers.insert("EMAIL".into(), code);
            "MFA_SETUP"
        }
        UserChallenge::NewPassword => {
            answers.insert("NEW_PASSWORD".into(), value.to_string());
            for (name, attribute) in &options.user_attributes {
                answers.insert(format!("userAttributes.{name}"), attribute.clone());
            }
            "NEW_PASSWORD_REQUIRED"
        }
        UserChallenge::Custom => {
            answers.insert("ANSWER".into(), value.to_string());
            "CUSTOM_CHALLENGE"
        }
        UserChallenge::FirstFactorSelection(available) => {
            let Some(factor) = AuthFactor::from_wire_name(&code).filter(|f| available.contains(f))
            else {
                let detail =
                    format!("Answer with one of {available:?} (e.g. PASSWORD, EMAIL_OTP).");
                return back_to_user(ctx, challenge, session, next_step, detail);
            };
            answers.insert("ANSWER".into(), factor.wire_name().into());
            match factor {
                AuthFactor::Password | AuthFactor::PasswordSrp if ctx.password.is_none() => {
                    let detail = "This factor needs the password: call sign_in with the password.";
                    return back_to_user(ctx, challenge, session, next_step, detail.into());
                }
                AuthFactor::Password => {
                    answers.insert("PASSWORD".into(), password_text(&ctx.password));
                }
                AuthFactor::PasswordSrp => {
                    let ephemeral = match env.new_ephemeral() {
                        Ok(e) => e,
                        Err(e) => return Step::failed(e.into()),
                    };
                    answers.insert("SRP_A".into(), ephemeral.public_hex());
                    let request = respond(
                        &ctx,
                        config,
                        "SELECT_CHALLENGE",
                        answers,
                        session,
                        &options.client_metadata,
                    );
                    return Step::new(
                        SignInState::Waiting {
                            ctx,
                            awaiting: Awaiting::Start {
                                ephemeral: Some(ephemeral),
                            },
                        },
                        vec![Effect::Call(ApiCall::RespondToAuthChallenge(request))],
                    );
                }
                AuthFactor::EmailOtp | AuthFactor::SmsOtp => {}
            }
            "SELECT_CHALLENGE"
        }
    };
    let request = respond(
        &ctx,
        config,
        challenge_name,
        answers,
        session.clone(),
        &options.client_metadata,
    );
    Step::new(
        SignInState::Waiting {
            ctx,
            awaiting: Awaiting::UserAnswer {
                challenge,
                session,
                next_step,
            },
        },
        vec![Effect::Call(ApiCall::RespondToAuthChallenge(request))],
    )
}

/// Exceptions after which the user may answer the same challenge again.
fn user_may_retry(error: &ApiError) -> bool {
    matches!(
        error.code(),
        Some(
            "CodeMismatchException"
                | "InvalidPasswordException"
                | "InvalidParameterException"
                | "EnableSoftwareTokenMFAException"
        )
    )
}

fn on_failure(ctx: FlowContext, awaiting: Awaiting, error: ApiError) -> Step {
    // Cognito no longer knows the device, or its secret no longer matches (a corrupted or
    // restored store): the device cannot be used, but the user must not be locked out.
    let device_step = matches!(
        awaiting,
        Awaiting::DeviceSrp { .. } | Awaiting::DevicePasswordVerifier
    );
    let device_unusable = error.code() == Some("ResourceNotFoundException")
        || (device_step && error.code() == Some("NotAuthorizedException"));
    if device_unusable && ctx.device.is_some() {
        return Step::idle(Effect::DeviceRejected);
    }
    match awaiting {
        Awaiting::UserAnswer {
            challenge,
            session,
            next_step,
        } if user_may_retry(&error) => Step::new(
            SignInState::AwaitingUser {
                ctx,
                challenge,
                session,
                next_step,
            },
            vec![Effect::Failed(error.into())],
        ),
        Awaiting::VerifyToken {
            details,
            session,
            next_step,
        } if user_may_retry(&error) => Step::new(
            SignInState::AwaitingUser {
                ctx,
                challenge: UserChallenge::TotpSetup(details),
                session,
                next_step,
            },
            vec![Effect::Failed(error.into())],
        ),
        // Cognito reports these once the password is proven: on InitiateAuth for
        // USER_PASSWORD_AUTH, on the PASSWORD_VERIFIER answer for SRP.
        Awaiting::Start { .. } | Awaiting::PasswordVerifier
            if error.code() == Some("UserNotConfirmedException") =>
        {
            Step::idle(Effect::NextStep(SignInNextStep::ConfirmSignUp))
        }
        Awaiting::Start { .. } | Awaiting::PasswordVerifier
            if error.code() == Some("PasswordResetRequiredException") =>
        {
            Step::idle(Effect::NextStep(SignInNextStep::ResetPassword))
        }
        _ => Step::failed(error.into()),
    }
}

/// Parses a JSON array of MFA names (`["SMS_MFA","SOFTWARE_TOKEN_MFA"]`), ignoring unknown ones.
fn mfa_list(text: Option<&String>) -> Vec<MfaType> {
    let names: Vec<String> = text
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default();
    let mut list: Vec<MfaType> = names.iter().filter_map(|n| MfaType::parse(n)).collect();
    list.dedup();
    list
}

/// `requiredAttributes` (`["userAttributes.email"]`) that `userAttributes` does not hold.
fn missing_attributes(params: &Params) -> Vec<String> {
    let required: Vec<String> = params
        .get("requiredAttributes")
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default();
    let present: serde_json::Map<String, serde_json::Value> = params
        .get("userAttributes")
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or_default();
    required
        .iter()
        .map(|r| r.strip_prefix("userAttributes.").unwrap_or(r).to_owned())
        .filter(|name| {
            present
                .get(name)
                .and_then(|v| v.as_str())
                .is_none_or(str::is_empty)
        })
        .collect()
}
