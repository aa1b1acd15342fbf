//! A Cognito answer: tokens end the sign-in; a challenge is answered automatically (the SRP and
//! device steps) or becomes the next step the app shows the user.

use super::{respond_and_wait, srp, ApiCall, ApiReply, Effect, Env, MachineConfig, Step};
use crate::api::types::{AssociateSoftwareTokenRequest, AuthChallengeResponse, Params};
use crate::error::AuthError;
use crate::signin::state::{Awaiting, FlowContext, SignInState, UserChallenge};
use crate::signin::types::{
    AuthFactor, CodeDeliveryDetails, MfaType, SignInNextStep, TotpSetupDetails,
};
use crate::srp::ClientEphemeral;

pub(super) fn on_reply(
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
            to_user(
                ctx,
                UserChallenge::TotpSetup(details),
                response.session,
                next_step,
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
                let error = AuthError::service(
                    "EnableSoftwareTokenMFAException",
                    &format!("VerifySoftwareToken status {:?}", response.status),
                );
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
            let setup_session = response.session.or(session.clone());
            respond_and_wait(
                ctx,
                config,
                "MFA_SETUP",
                Params::new(),
                setup_session,
                Awaiting::UserAnswer {
                    challenge: UserChallenge::TotpSetup(details),
                    session,
                    next_step,
                },
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
    let params = response.challenge_parameters;
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
            tokens,
        });
    }
    let Some(challenge) = response.challenge_name.as_deref() else {
        return Step::failed(AuthError::invalid_response(
            "Cognito answered with neither tokens nor a challenge",
        ));
    };
    let session = response.session;
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
        "PASSWORD_VERIFIER" => srp::password_verifier(ctx, params, session, ephemeral, config, env),
        "DEVICE_SRP_AUTH" => srp::device_srp(ctx, session, config, env),
        "DEVICE_PASSWORD_VERIFIER" => {
            srp::device_password_verifier(ctx, &params, session, ephemeral, config, env)
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
        "MFA_SETUP" => mfa_setup(ctx, &params, session),
        "NEW_PASSWORD_REQUIRED" => {
            let missing = missing_attributes(&params);
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
                additional_info: params.into_iter().collect(),
            },
        ),
        "SELECT_CHALLENGE" => {
            let (available, unsupported): (Vec<_>, Vec<_>) = response
                .available_challenges
                .iter()
                .map(|c| (AuthFactor::from_wire_name(c), c))
                .partition(|(factor, _)| factor.is_some());
            let available: Vec<AuthFactor> = available.into_iter().filter_map(|(f, _)| f).collect();
            let unsupported: Vec<String> =
                unsupported.into_iter().map(|(_, c)| c.clone()).collect();
            if available.is_empty() {
                return Step::failed(AuthError::unsupported(format!(
                    "Cognito offers only {unsupported:?} to sign this user in, which this \
                     library cannot do (WEB_AUTHN is a passkey). The user must sign in another \
                     way, or the pool must allow a password or one-time code."
                )));
            }
            to_user(
                ctx,
                UserChallenge::FirstFactorSelection(available.clone()),
                session,
                SignInNextStep::ContinueSignInWithFirstFactorSelection {
                    available_factors: available,
                    unsupported_factors: unsupported,
                },
            )
        }
        "WEB_AUTHN" => Step::failed(AuthError::unsupported(
            "Cognito asks for a passkey (WEB_AUTHN), which this library cannot do. Sign in \
             with another first factor (preferredFirstFactor PASSWORD_SRP, EMAIL_OTP, SMS_OTP) \
             if the pool allows one.",
        )),
        other => Step::failed(AuthError::unsupported(format!(
            "Cognito sent the challenge {other}, which this library does not support"
        ))),
    }
}

/// `MFA_SETUP`: TOTP alone goes straight to `AssociateSoftwareToken`; e-mail alone asks for the
/// address; both let the user choose.
fn mfa_setup(ctx: FlowContext, params: &Params, session: Option<String>) -> Step {
    let allowed: Vec<MfaType> = mfa_list(params.get("MFAS_CAN_SETUP"))
        .into_iter()
        .filter(|m| matches!(m, MfaType::Totp | MfaType::Email))
        .collect();
    match allowed.as_slice() {
        [] => Step::failed(AuthError::Service {
            exception: crate::CognitoException::MfaMethodNotFound,
            exception_name: "MFAMethodNotFoundException".into(),
            message: "MFA must be set up, but the pool offers no method that can be set up \
                      during sign-in (TOTP or e-mail)."
                .into(),
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

/// Waits for the user to answer `next_step`.
pub(super) fn to_user(
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

/// TOTP setup inside sign-in: `AssociateSoftwareToken` with the sign-in session.
pub(super) fn associate_token(ctx: FlowContext, session: Option<String>) -> Step {
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
