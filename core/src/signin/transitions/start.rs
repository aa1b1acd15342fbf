//! `sign_in`: the `InitiateAuth` request of each flow.

use zeroize::Zeroizing;

use super::{ApiCall, Effect, Env, MachineConfig, Step};
use crate::api::types::{InitiateAuthRequest, Params};
use crate::error::AuthError;
use crate::signin::state::{Awaiting, DeviceCredentials, FlowContext, SignInState};
use crate::signin::types::{AuthFactor, AuthFlow, SignInOptions};

pub(super) fn start(
    username: String,
    password: Option<Zeroizing<String>>,
    options: SignInOptions,
    device: Option<DeviceCredentials>,
    sign_up_session: Option<String>,
    config: &MachineConfig,
    env: &dyn Env,
) -> Step {
    let username = username.trim().to_owned();
    if username.is_empty() {
        return Step::failed(AuthError::invalid_input("The username is empty."));
    }
    let after_sign_up = sign_up_session.is_some();
    if after_sign_up && !matches!(options.auth_flow, AuthFlow::UserAuth { .. }) {
        return Step::failed(AuthError::invalid_input(
            "Signing in with the sign-up session needs the USER_AUTH flow.",
        ));
    }
    let needs_password = !after_sign_up
        && matches!(
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
    let client_metadata: Params = options.client_metadata.into_iter().collect();
    let request = InitiateAuthRequest {
        auth_flow: flow_name.into(),
        client_id: config.client_id.clone(),
        auth_parameters: params,
        client_metadata: client_metadata.clone(),
        session: sign_up_session,
    };
    let ctx = FlowContext {
        username,
        canonical_username: None,
        password,
        device,
        client_metadata,
    };
    Step::new(
        SignInState::Waiting {
            ctx,
            awaiting: Awaiting::Start { ephemeral },
        },
        vec![Effect::Call(ApiCall::InitiateAuth(request))],
    )
}

/// The password as sent by the flows that send it (`USER_PASSWORD_AUTH`, `PASSWORD`).
pub(super) fn password_text(password: &Option<Zeroizing<String>>) -> String {
    password.as_ref().map(|p| p.to_string()).unwrap_or_default()
}
