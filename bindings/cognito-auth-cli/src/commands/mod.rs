//! The commands, and the [`AuthClient`] they share, built from the global flags.

mod account;
#[cfg(feature = "admin")]
pub mod admin;
mod attributes;
mod devices;
mod emulator;
mod mfa;
mod session;
mod signin;

use std::sync::Arc;
use std::time::Duration;

use cognito_auth_core::api::http::HttpCognitoApi;
use cognito_auth_core::{AuthClient, AuthConfig, AuthError, Endpoint, SystemClock};

use crate::errors::CliError;
use crate::output::Report;
use crate::{AttributesCommand, Cli, Command, DevicesCommand, Global, MfaCommand};

/// Runs one command.
pub async fn run(cli: Cli) -> Result<Report, CliError> {
    let Cli { global, command } = cli;
    let name = command.name();
    if global.client_secret.is_some() {
        return Err(CliError::usage(
            "--client-secret is not accepted: a secret on the command line can be read by other \
             local users (ps, shell history). Set COGNITO_AUTH_CLIENT_SECRET, or pass \
             --client-secret-file PATH (or COGNITO_AUTH_CLIENT_SECRET_FILE).",
        ));
    }
    let ctx = |e: AuthError| CliError::from_auth(e, name);
    match command {
        Command::Demo { interactive } => crate::demo::run(interactive, global.json).await,
        Command::Emulator {
            host,
            port,
            state,
            lenient_device_session,
            allow_remote,
            allow_hosts,
            admin_token,
            cognito_issuer,
        } => {
            emulator::run(cognito_emulator::EmulatorConfig {
                host,
                port,
                state_file: state,
                lenient_device_session,
                allow_remote,
                allowed_hosts: allow_hosts,
                admin_token,
                cognito_issuer,
            })
            .await
        }
        Command::SignUp {
            username,
            email,
            phone,
            password_stdin,
            auto_sign_in,
        } => {
            let client = client(&global)?;
            let attributes = account::NewUser {
                username,
                email,
                phone,
            };
            account::sign_up(&client, attributes, password_stdin, auto_sign_in).await
        }
        Command::ConfirmSignUp { username, code } => {
            account::confirm_sign_up(&client(&global)?, &username, &code).await
        }
        Command::ResendSignUpCode { username } => {
            account::resend_sign_up_code(&client(&global)?, &username)
                .await
                .map_err(ctx)
        }
        Command::ResetPassword { username } => {
            account::reset_password(&client(&global)?, &username)
                .await
                .map_err(ctx)
        }
        Command::ConfirmResetPassword {
            username,
            code,
            password_stdin,
        } => {
            account::confirm_reset_password(&client(&global)?, &username, &code, password_stdin)
                .await
        }
        Command::UpdatePassword { password_stdin } => {
            account::update_password(&client(&global)?, password_stdin).await
        }
        Command::SignIn {
            username,
            password_stdin,
            flow,
            factor,
        } => {
            let flow = signin::auth_flow(flow, factor)?;
            let client = client(&global)?;
            signin::sign_in(&client, &username, password_stdin, flow).await
        }
        Command::ConfirmSignIn { value } => {
            signin::confirm_sign_in(&client(&global)?, &value).await
        }
        Command::PendingSignIn => signin::pending(&client(&global)?).await,
        Command::CancelSignIn => Ok(signin::cancel(&client(&global)?).await),
        Command::Session {
            show_tokens,
            force_refresh,
        } => session::show(&client(&global)?, show_tokens, force_refresh)
            .await
            .map_err(ctx),
        Command::CurrentUser => account::current_user(&client(&global)?).await.map_err(ctx),
        Command::SignOut { global: everywhere } => session::sign_out(&client(&global)?, everywhere)
            .await
            .map_err(ctx),
        Command::DeleteUser { yes } => {
            account::delete_user(&client(&global)?, yes, global.json).await
        }
        Command::ResetLocalState => session::reset_local_state(&client(&global)?)
            .await
            .map_err(ctx),
        Command::Attributes(sub) => {
            let client = client(&global)?;
            match sub {
                AttributesCommand::List => attributes::list(&client).await.map_err(ctx),
                AttributesCommand::Update { assignments } => {
                    attributes::update(&client, &assignments).await
                }
                AttributesCommand::Verify { name, code } => {
                    attributes::verify(&client, &name, &code).await
                }
                AttributesCommand::Delete { names } => {
                    attributes::delete(&client, &names).await.map_err(ctx)
                }
                AttributesCommand::SendCode { name } => {
                    attributes::send_code(&client, &name).await.map_err(ctx)
                }
            }
        }
        Command::Devices(sub) => {
            let client = client(&global)?;
            match sub {
                DevicesCommand::List => devices::list(&client).await,
                DevicesCommand::Remember => devices::remember(&client).await,
                DevicesCommand::StopRemembering => devices::stop_remembering(&client).await,
                DevicesCommand::Forget { device_id } => {
                    devices::forget(&client, device_id.as_deref()).await
                }
            }
            .map_err(ctx)
        }
        Command::Mfa(sub) => {
            let client = client(&global)?;
            match sub {
                MfaCommand::SetupTotp => mfa::setup_totp(&client).await,
                MfaCommand::VerifyTotp { code, device_name } => {
                    let code = crate::prompt::code(&code, "TOTP code")?;
                    mfa::verify_totp(&client, &code, device_name.as_deref()).await
                }
                MfaCommand::Preference { sms, totp, email } => {
                    mfa::preference(&client, sms, totp, email).await
                }
            }
            .map_err(ctx)
        }
        #[cfg(feature = "admin")]
        Command::Admin(sub) => admin::run(&global, sub).await,
    }
}

/// The [`AuthClient`] the global flags describe, over the encrypted store.
fn client(global: &Global) -> Result<AuthClient, CliError> {
    let user_pool_id = global.user_pool_id.as_deref().ok_or_else(|| {
        CliError::usage("no user pool: pass --user-pool-id or set COGNITO_AUTH_USER_POOL_ID")
    })?;
    let client_id = global.client_id.as_deref().ok_or_else(|| {
        CliError::usage("no app client: pass --client-id or set COGNITO_AUTH_CLIENT_ID")
    })?;
    let endpoint = match (&global.endpoint, &global.region) {
        (Some(url), _) => Endpoint::Url(url.clone()),
        (None, Some(region)) => Endpoint::Region(region.clone()),
        (None, None) => match user_pool_id.split_once('_') {
            Some((region, _)) if !region.is_empty() => Endpoint::Region(region.to_owned()),
            _ => {
                return Err(CliError::usage(
                    "no endpoint: pass --region or --endpoint (or set COGNITO_AUTH_ENDPOINT)",
                ))
            }
        },
    };
    let api = match &endpoint {
        Endpoint::Region(region) => HttpCognitoApi::for_region(region),
        Endpoint::Url(url) => HttpCognitoApi::with_endpoint(url),
    }
    .map_err(|e| CliError::usage(format!("bad endpoint: {}", AuthError::from(e))))?
    .with_timeout(Duration::from_secs(global.timeout.max(1)));
    let mut config = AuthConfig::new(endpoint, user_pool_id, client_id);
    config.client_secret = client_secret(global)?;
    let store = crate::store::open(global.store.as_deref())?;
    Ok(AuthClient::with_api(
        config,
        Arc::new(api),
        store,
        Arc::new(SystemClock),
    ))
}

/// The app client secret: from `COGNITO_AUTH_CLIENT_SECRET`, or the file named by
/// `--client-secret-file` / `COGNITO_AUTH_CLIENT_SECRET_FILE` (surrounding white space dropped).
fn client_secret(global: &Global) -> Result<Option<String>, CliError> {
    let from_env = match std::env::var("COGNITO_AUTH_CLIENT_SECRET") {
        Ok(secret) if !secret.trim().is_empty() => Some(secret.trim().to_owned()),
        Ok(_) | Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(CliError::usage(
                "COGNITO_AUTH_CLIENT_SECRET is not valid UTF-8",
            ))
        }
    };
    let Some(path) = &global.client_secret_file else {
        return Ok(from_env);
    };
    if from_env.is_some() {
        return Err(CliError::usage(
            "both COGNITO_AUTH_CLIENT_SECRET and --client-secret-file (or \
             COGNITO_AUTH_CLIENT_SECRET_FILE) are set: use one",
        ));
    }
    let text = zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
        CliError::usage(format!(
            "cannot read the client secret from {}: {e}",
            path.display()
        ))
    })?);
    let secret = text.trim();
    if secret.is_empty() {
        return Err(CliError::usage(format!(
            "the client secret file {} is empty",
            path.display()
        )));
    }
    Ok(Some(secret.to_owned()))
}
