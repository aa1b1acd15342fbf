//! `confirm_sign_in`: the user's answer to the step they were shown — a code, a choice, a new
//! password, an e-mail address or a custom answer — becomes the matching Cognito request.

use zeroize::Zeroizing;

use super::challenge::{associate_token, to_user};
use super::start::password_text;
use super::{respond, ApiCall, Effect, Env, MachineConfig, Step};
use crate::api::types::{Params, VerifySoftwareTokenRequest};
use crate::error::AuthError;
use crate::signin::state::{Awaiting, FlowContext, SignInState, UserChallenge};
use crate::signin::types::{AuthFactor, ConfirmSignInOptions, MfaType, SignInNextStep};

#[allow(clippy::too_many_arguments)]
pub(super) fn answer(
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
    let metadata: Params = options
        .client_metadata
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
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
                        &metadata,
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
        &metadata,
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
