//! The steps the machine answers by itself: `PASSWORD_VERIFIER` (after reading the device
//! stored for the user Cognito names), `DEVICE_SRP_AUTH` and `DEVICE_PASSWORD_VERIFIER`.

use super::{respond_and_wait, Effect, Env, MachineConfig, Step};
use crate::api::types::Params;
use crate::error::AuthError;
use crate::signin::state::{Awaiting, DeviceCredentials, FlowContext, HeldVerifier, SignInState};
use crate::srp::{format_timestamp, ClientEphemeral, SrpIdentity};

/// `PASSWORD_VERIFIER`. Cognito names the canonical user here (`USER_ID_FOR_SRP`), whatever
/// alias was typed: when no device came with the start, the driver first reads the device
/// remembered under that name, so it answers the device challenge even for a new alias.
pub(super) fn password_verifier(
    mut ctx: FlowContext,
    params: Params,
    session: Option<String>,
    ephemeral: Option<ClientEphemeral>,
    config: &MachineConfig,
    env: &dyn Env,
) -> Step {
    let Some(ephemeral) = ephemeral else {
        return Step::failed(AuthError::invalid_response(
            "PASSWORD_VERIFIER arrived without an SRP exchange",
        ));
    };
    let user_id = match required(&params, "USER_ID_FOR_SRP") {
        Ok(id) => id.to_owned(),
        Err(e) => return Step::failed(e),
    };
    ctx.canonical_username = Some(user_id.clone());
    let verifier = HeldVerifier {
        ephemeral,
        params,
        session,
    };
    if ctx.device.is_some() {
        return answer_password_verifier(ctx, verifier, config, env);
    }
    Step::new(
        SignInState::Waiting {
            ctx,
            awaiting: Awaiting::StoredDevice { verifier },
        },
        vec![Effect::LoadDevice {
            canonical_username: user_id,
        }],
    )
}

/// The stored device (if any) arrived: answer the held `PASSWORD_VERIFIER`.
pub(super) fn with_stored_device(
    mut ctx: FlowContext,
    verifier: HeldVerifier,
    device: Option<DeviceCredentials>,
    config: &MachineConfig,
    env: &dyn Env,
) -> Step {
    if ctx.device.is_none() {
        ctx.device = device;
    }
    answer_password_verifier(ctx, verifier, config, env)
}

fn answer_password_verifier(
    ctx: FlowContext,
    verifier: HeldVerifier,
    config: &MachineConfig,
    env: &dyn Env,
) -> Step {
    let HeldVerifier {
        ephemeral,
        params,
        session,
    } = verifier;
    let result = (|| {
        let user_id = required(&params, "USER_ID_FOR_SRP")?;
        let password = ctx
            .password
            .as_ref()
            .ok_or_else(|| AuthError::invalid_state("PASSWORD_VERIFIER needs the password"))?;
        let identity = SrpIdentity::user(&config.user_pool_id, user_id);
        claim(&ephemeral, &identity, password, &params, env)
    })();
    match result {
        Ok(answers) => respond_and_wait(
            ctx,
            config,
            "PASSWORD_VERIFIER",
            answers,
            session,
            Awaiting::PasswordVerifier,
        ),
        Err(error) => Step::failed(error),
    }
}

pub(super) fn device_srp(
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
    respond_and_wait(
        ctx,
        config,
        "DEVICE_SRP_AUTH",
        answers,
        session,
        Awaiting::DeviceSrp { ephemeral },
    )
}

pub(super) fn device_password_verifier(
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
        claim(&ephemeral, &identity, &device.device_secret, params, env)
    })();
    match result {
        Ok(answers) => respond_and_wait(
            ctx,
            config,
            "DEVICE_PASSWORD_VERIFIER",
            answers,
            session,
            Awaiting::DevicePasswordVerifier,
        ),
        Err(error) => Step::failed(error),
    }
}

/// The password claim answering a verifier challenge (`SALT`, `SRP_B`, `SECRET_BLOCK`), signed
/// with `secret` (the password, or the device secret) at the environment's time.
fn claim(
    ephemeral: &ClientEphemeral,
    identity: &SrpIdentity,
    secret: &str,
    params: &Params,
    env: &dyn Env,
) -> Result<Params, AuthError> {
    let timestamp = format_timestamp(env.now_unix());
    let secret_block = required(params, "SECRET_BLOCK")?;
    let signature = ephemeral.password_claim(
        identity,
        secret,
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
    Ok(answers)
}

fn required<'a>(params: &'a Params, name: &'static str) -> Result<&'a str, AuthError> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AuthError::invalid_response(format!("the challenge lacks {name}")))
}
