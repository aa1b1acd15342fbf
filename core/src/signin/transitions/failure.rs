//! A failed call: the user may answer the same step again, a stale device is dropped, or the
//! sign-in ends (with a next step where Cognito's exception calls for one).

use super::{Effect, Step};
use crate::error::{AuthError, CognitoException};
use crate::signin::state::{Awaiting, FlowContext, SignInState, UserChallenge};
use crate::signin::types::SignInNextStep;

/// Whether the user may answer `challenge` again after `exception`.
fn user_may_retry(challenge: &UserChallenge, exception: CognitoException) -> bool {
    use CognitoException::*;
    match exception {
        CodeMismatch | InvalidPassword | InvalidParameter | EnableSoftwareTokenMfa => true,
        // A TOTP code used twice: the next code from the authenticator works.
        ExpiredCode => matches!(challenge, UserChallenge::Totp | UserChallenge::TotpSetup(_)),
        _ => false,
    }
}

/// Whether the answer may be sent again as it is: the call failed on the way (no connection,
/// no answer in time, throttled, a server error, an answer that could not be read), so the
/// session may still be good. If Cognito did use it, it says so at the retry.
fn answer_may_be_resent(error: &AuthError) -> bool {
    error.is_retryable() || matches!(error, AuthError::InvalidResponse { .. })
}

pub(super) fn on_failure(ctx: FlowContext, awaiting: Awaiting, error: AuthError) -> Step {
    let exception = error.exception();
    // Cognito no longer knows the device, or its secret no longer matches (a corrupted or
    // restored store): the device cannot be used, but the user must not be locked out.
    let device_step = matches!(
        awaiting,
        Awaiting::DeviceSrp { .. } | Awaiting::DevicePasswordVerifier
    );
    let device_unusable = exception == Some(CognitoException::ResourceNotFound)
        || (device_step && exception == Some(CognitoException::NotAuthorized));
    if device_unusable && ctx.device.is_some() {
        return match awaiting {
            // Refused only for its DEVICE_KEY, the answer did not use the session up: the step
            // waits again without the device, for the driver to send the same answer again.
            Awaiting::UserAnswer {
                challenge,
                session,
                next_step,
            } => Step::new(
                SignInState::AwaitingUser {
                    ctx: FlowContext {
                        device: None,
                        ..ctx
                    },
                    challenge,
                    session,
                    next_step,
                },
                vec![Effect::DeviceRejected],
            ),
            _ => Step::idle(Effect::DeviceRejected),
        };
    }
    let resendable = answer_may_be_resent(&error);
    match (awaiting, exception) {
        (
            Awaiting::UserAnswer {
                challenge,
                session,
                next_step,
            },
            exception,
        ) if resendable || exception.is_some_and(|e| user_may_retry(&challenge, e)) => Step::new(
            SignInState::AwaitingUser {
                ctx,
                challenge,
                session,
                next_step,
            },
            vec![Effect::Failed(error)],
        ),
        (
            Awaiting::VerifyToken {
                details,
                session,
                next_step,
            },
            exception,
        ) if resendable
            || exception
                .is_some_and(|e| user_may_retry(&UserChallenge::TotpSetup(details.clone()), e)) =>
        {
            Step::new(
                SignInState::AwaitingUser {
                    ctx,
                    challenge: UserChallenge::TotpSetup(details),
                    session,
                    next_step,
                },
                vec![Effect::Failed(error)],
            )
        }
        // Cognito reports these once the password is proven: on InitiateAuth for
        // USER_PASSWORD_AUTH, on the PASSWORD_VERIFIER answer for SRP.
        (
            Awaiting::Start { .. } | Awaiting::PasswordVerifier,
            Some(CognitoException::UserNotConfirmed),
        ) => Step::idle(Effect::NextStep(SignInNextStep::ConfirmSignUp)),
        (
            Awaiting::Start { .. } | Awaiting::PasswordVerifier,
            Some(CognitoException::PasswordResetRequired),
        ) => Step::idle(Effect::NextStep(SignInNextStep::ResetPassword)),
        _ => Step::failed(error),
    }
}
