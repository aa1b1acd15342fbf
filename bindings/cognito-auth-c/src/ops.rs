//! One function per `AuthClient` operation: read the request, call the core, encode the result.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use cognito_auth_core::AuthClient;
use serde_json::{json, Value};
use zeroize::Zeroizing;

use crate::error::FfiError;
use crate::json::{self, Request};

/// What an operation returns: the result JSON or an error.
pub type OpFuture = Pin<Box<dyn Future<Output = Result<Value, FfiError>> + Send>>;
/// An operation: the client and the parsed request in, a future of the result out.
pub type Op = fn(Arc<AuthClient>, Request) -> OpFuture;

fn done() -> Value {
    json!({})
}

fn secret(r: &Request, name: &str) -> Result<Zeroizing<String>, FfiError> {
    r.string(name).map(Zeroizing::new)
}

pub fn sign_in(c: Arc<AuthClient>, r: Request) -> OpFuture {
    Box::pin(async move {
        let username = r.string("username")?;
        let password = r.opt_string("password")?.map(Zeroizing::new);
        let options = r.object("options")?.sign_in_options()?;
        let result = c
            .sign_in(&username, password.as_deref().map(String::as_str), options)
            .await?;
        Ok(json::sign_in_result(&result))
    })
}

pub fn confirm_sign_in(c: Arc<AuthClient>, r: Request) -> OpFuture {
    Box::pin(async move {
        let response = secret(&r, "challengeResponse")?;
        let options = r.object("options")?.confirm_sign_in_options()?;
        let result = c.confirm_sign_in(&response, options).await?;
        Ok(json::sign_in_result(&result))
    })
}

pub fn pending_sign_in_step(c: Arc<AuthClient>, _r: Request) -> OpFuture {
    Box::pin(async move { Ok(json::pending_step(&c.pending_sign_in_step().await?)) })
}

pub fn cancel_sign_in(c: Arc<AuthClient>, _r: Request) -> OpFuture {
    Box::pin(async move {
        c.cancel_sign_in().await;
        Ok(done())
    })
}

pub fn fetch_auth_session(c: Arc<AuthClient>, r: Request) -> OpFuture {
    Box::pin(async move {
        let force = r.bool_or("forceRefresh", false)?;
        Ok(json::session(&c.fetch_auth_session(force).await?))
    })
}

pub fn sign_out(c: Arc<AuthClient>, r: Request) -> OpFuture {
    Box::pin(async move {
        let global = r.bool_or("globalSignOut", false)?;
        c.sign_out(global).await?;
        Ok(done())
    })
}

pub fn get_current_user(c: Arc<AuthClient>, _r: Request) -> OpFuture {
    Box::pin(async move { Ok(json::user(&c.get_current_user().await?)) })
}

pub fn remember_device(c: Arc<AuthClient>, _r: Request) -> OpFuture {
    Box::pin(async move {
        c.remember_device().await?;
        Ok(done())
    })
}

pub fn stop_remembering_device(c: Arc<AuthClient>, _r: Request) -> OpFuture {
    Box::pin(async move {
        c.stop_remembering_device().await?;
        Ok(done())
    })
}

pub fn forget_device(c: Arc<AuthClient>, r: Request) -> OpFuture {
    Box::pin(async move {
        let device_id = r.opt_string("deviceId")?;
        c.forget_device(device_id.as_deref()).await?;
        Ok(done())
    })
}

pub fn fetch_devices(c: Arc<AuthClient>, _r: Request) -> OpFuture {
    Box::pin(async move { Ok(json::devices(&c.fetch_devices().await?)) })
}

pub fn current_device_status(c: Arc<AuthClient>, _r: Request) -> OpFuture {
    Box::pin(async move { Ok(json::current_device_status(c.current_device_status()?)) })
}

pub fn set_up_totp(c: Arc<AuthClient>, _r: Request) -> OpFuture {
    Box::pin(async move { Ok(json::totp_details(&c.set_up_totp().await?)) })
}

pub fn verify_totp_setup(c: Arc<AuthClient>, r: Request) -> OpFuture {
    Box::pin(async move {
        let code = secret(&r, "code")?;
        let name = r.opt_string("friendlyDeviceName")?;
        c.verify_totp_setup(&code, name.as_deref()).await?;
        Ok(done())
    })
}

pub fn fetch_mfa_preference(c: Arc<AuthClient>, _r: Request) -> OpFuture {
    Box::pin(async move { Ok(json::mfa_preferences(&c.fetch_mfa_preference().await?)) })
}

pub fn update_mfa_preference(c: Arc<AuthClient>, r: Request) -> OpFuture {
    Box::pin(async move {
        let sms = r.mfa_preference("sms")?;
        let totp = r.mfa_preference("totp")?;
        let email = r.mfa_preference("email")?;
        c.update_mfa_preference(sms, totp, email).await?;
        Ok(done())
    })
}

pub fn sign_up(c: Arc<AuthClient>, r: Request) -> OpFuture {
    Box::pin(async move {
        let username = r.string("username")?;
        let password = secret(&r, "password")?;
        let options = r.object("options")?.sign_up_options()?;
        Ok(json::sign_up_result(
            &c.sign_up(&username, &password, options).await?,
        ))
    })
}

pub fn confirm_sign_up(c: Arc<AuthClient>, r: Request) -> OpFuture {
    Box::pin(async move {
        let username = r.string("username")?;
        let code = secret(&r, "confirmationCode")?;
        Ok(json::sign_up_result(
            &c.confirm_sign_up(&username, &code).await?,
        ))
    })
}

pub fn resend_sign_up_code(c: Arc<AuthClient>, r: Request) -> OpFuture {
    Box::pin(async move {
        let username = r.string("username")?;
        Ok(json::code_delivery(
            &c.resend_sign_up_code(&username).await?,
        ))
    })
}

pub fn reset_password(c: Arc<AuthClient>, r: Request) -> OpFuture {
    Box::pin(async move {
        let username = r.string("username")?;
        Ok(json::code_delivery(&c.reset_password(&username).await?))
    })
}

pub fn confirm_reset_password(c: Arc<AuthClient>, r: Request) -> OpFuture {
    Box::pin(async move {
        let username = r.string("username")?;
        let new_password = secret(&r, "newPassword")?;
        let code = secret(&r, "confirmationCode")?;
        c.confirm_reset_password(&username, &new_password, &code)
            .await?;
        Ok(done())
    })
}

pub fn update_password(c: Arc<AuthClient>, r: Request) -> OpFuture {
    Box::pin(async move {
        let old = secret(&r, "oldPassword")?;
        let new = secret(&r, "newPassword")?;
        c.update_password(&old, &new).await?;
        Ok(done())
    })
}

pub fn fetch_user_attributes(c: Arc<AuthClient>, _r: Request) -> OpFuture {
    Box::pin(async move { Ok(json::attributes(&c.fetch_user_attributes().await?)) })
}

pub fn update_user_attributes(c: Arc<AuthClient>, r: Request) -> OpFuture {
    Box::pin(async move {
        let attributes = r.string_map("attributes")?;
        Ok(json::code_delivery_list(
            &c.update_user_attributes(&attributes).await?,
        ))
    })
}

pub fn send_user_attribute_verification_code(c: Arc<AuthClient>, r: Request) -> OpFuture {
    Box::pin(async move {
        let name = r.string("attributeName")?;
        Ok(json::code_delivery(
            &c.send_user_attribute_verification_code(&name).await?,
        ))
    })
}

pub fn confirm_user_attribute(c: Arc<AuthClient>, r: Request) -> OpFuture {
    Box::pin(async move {
        let name = r.string("attributeName")?;
        let code = secret(&r, "confirmationCode")?;
        c.confirm_user_attribute(&name, &code).await?;
        Ok(done())
    })
}

pub fn delete_user(c: Arc<AuthClient>, _r: Request) -> OpFuture {
    Box::pin(async move {
        c.delete_user().await?;
        Ok(done())
    })
}
