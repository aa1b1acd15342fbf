//! MFA configuration: pool MFA config, user preferences, software token (TOTP) set-up.

use serde_json::{json, Map, Value};

use super::auth::{new_session, restore_session, take_session, totp_reused};
use super::tokens::authorize;
use super::{pool, pool_mut, user_mut, App};
use crate::protocol::{invalid_parameter, user_not_found, ApiError, ApiResult, Req};
use crate::state::{SessionStep, State, User};
use crate::totp::{base32_encode, TotpCheck};
use crate::util::random_bytes;

fn mfa_config_json(p: &crate::state::Pool) -> Value {
    let mut out = Map::new();
    if p.sms_mfa_enabled {
        out.insert("SmsMfaConfiguration".into(), json!({}));
    }
    out.insert(
        "SoftwareTokenMfaConfiguration".into(),
        json!({ "Enabled": p.totp_enabled }),
    );
    if p.email_mfa_enabled {
        out.insert("EmailMfaConfiguration".into(), json!({}));
    }
    if let Some(w) = &p.web_authn {
        let mut c = Map::new();
        if let Some(rp) = &w.relying_party_id {
            c.insert("RelyingPartyId".into(), json!(rp));
        }
        c.insert(
            "UserVerification".into(),
            json!(w.user_verification.as_deref().unwrap_or("preferred")),
        );
        out.insert("WebAuthnConfiguration".into(), Value::Object(c));
    }
    out.insert("MfaConfiguration".into(), json!(p.mfa_configuration));
    Value::Object(out)
}

pub fn set_user_pool_mfa_config(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let sms = req.opt_obj("SmsMfaConfiguration")?.is_some();
    let totp = match req.opt_obj("SoftwareTokenMfaConfiguration")? {
        Some(t) => Some(t.opt_bool("Enabled")?.unwrap_or(false)),
        None => None,
    };
    let email = req.opt_obj("EmailMfaConfiguration")?.is_some();
    let web_authn = match req.opt_obj("WebAuthnConfiguration")? {
        None => None,
        Some(w) => {
            let user_verification = match w.opt_str("UserVerification")? {
                None => None,
                Some(v @ ("required" | "preferred")) => Some(v.to_owned()),
                Some(_) => return Err(invalid_parameter(
                    "1 validation error detected: Value at 'webAuthnConfiguration.userVerification' failed to satisfy constraint: Member must satisfy enum value set: [required, preferred]",
                )),
            };
            Some(crate::state::WebAuthnConfig {
                relying_party_id: w.opt_str("RelyingPartyId")?.map(str::to_owned),
                user_verification,
            })
        }
    };
    let mfa = match req.opt_str("MfaConfiguration")? {
        None => None,
        Some(m @ ("OFF" | "ON" | "OPTIONAL")) => Some(m.to_owned()),
        Some(other) => {
            return Err(invalid_parameter(format!(
                "Invalid MfaConfiguration {other}"
            )))
        }
    };
    let mut st = app.lock();
    let now = st.now();
    let p = pool_mut(&mut st, pool_id)?;
    // Only the configurations sent change (documented difference).
    if sms {
        p.sms_mfa_enabled = true;
    }
    if let Some(t) = totp {
        p.totp_enabled = t;
    }
    if email {
        p.email_mfa_enabled = true;
    }
    if web_authn.is_some() {
        p.web_authn = web_authn;
    }
    if let Some(m) = mfa {
        if m != "OFF" && !p.sms_mfa_enabled && !p.totp_enabled && !p.email_mfa_enabled {
            return Err(ApiError::new(
                "InvalidParameterException",
                "At least one MFA method must be enabled to turn MFA on",
            ));
        }
        p.mfa_configuration = m;
    }
    p.modified = now;
    Ok(mfa_config_json(p))
}

pub fn get_user_pool_mfa_config(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let st = app.lock();
    Ok(mfa_config_json(pool(&st, pool_id)?))
}

/// Applies SMS / TOTP / e-mail MFA settings. `admin` picks the wording Cognito uses for a method
/// the user cannot have (AdminSetUserMFAPreference vs SetUserMFAPreference).
fn apply_preferences(u: &mut User, req: Req, admin: bool) -> ApiResult<()> {
    let settings = [
        ("SMSMfaSettings", "SMS_MFA"),
        ("SoftwareTokenMfaSettings", "SOFTWARE_TOKEN_MFA"),
        ("EmailMfaSettings", "EMAIL_OTP"),
    ];
    // Validate everything before changing anything.
    let mut changes = Vec::new();
    for (field, method) in settings {
        let Some(s) = req.opt_obj(field)? else {
            continue;
        };
        let enabled = s.opt_bool("Enabled")?.unwrap_or(false);
        let preferred = s.opt_bool("PreferredMfa")?.unwrap_or(false);
        if enabled || preferred {
            let ok = match method {
                "SMS_MFA" => u.attributes.contains_key("phone_number"),
                "SOFTWARE_TOKEN_MFA" => u.totp_secret.is_some(),
                _ => u.attributes.contains_key("email"),
            };
            if !ok {
                return Err(invalid_parameter(match (method, admin) {
                    ("SOFTWARE_TOKEN_MFA", false) => {
                        "User has not set up software token mfa".to_owned()
                    }
                    _ => format!("User does not have delivery config set to turn on {method}"),
                }));
            }
        }
        changes.push((method, enabled || preferred, preferred));
    }
    for (method, enabled, preferred) in changes {
        match method {
            "SMS_MFA" => u.sms_mfa_enabled = enabled,
            "SOFTWARE_TOKEN_MFA" => u.totp_mfa_enabled = enabled,
            _ => u.email_mfa_enabled = enabled,
        }
        if preferred {
            u.preferred_mfa = Some(method.to_owned());
        } else if u.preferred_mfa.as_deref() == Some(method) {
            u.preferred_mfa = None;
        }
    }
    Ok(())
}

pub fn set_user_mfa_preference(app: &App, req: Req) -> ApiResult<Value> {
    let token = req.str("AccessToken")?;
    let mut st = app.lock();
    let now = st.now();
    let (pool_id, username, _) = authorize(app, &st, token)?;
    let u = pool_mut(&mut st, &pool_id)?
        .users
        .get_mut(&username)
        .ok_or_else(user_not_found)?;
    apply_preferences(u, req, false)?;
    u.modified = now;
    Ok(json!({}))
}

pub fn admin_set_user_mfa_preference(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let mut st = app.lock();
    let now = st.now();
    let u = user_mut(pool_mut(&mut st, pool_id)?, username)?;
    apply_preferences(u, req, true)?;
    u.modified = now;
    Ok(json!({}))
}

/// AdminDeleteSoftwareToken: deletes the user's TOTP factor (a verified token and one being
/// set up) and any preference for it; SMS and e-mail MFA stay as they are. With MFA required
/// and no other method left, the next sign-in gets MFA_SETUP. A user without a token: success
/// (nothing to delete; the API reference does not name an error for it).
pub fn admin_delete_software_token(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let mut st = app.lock();
    let now = st.now();
    let u = user_mut(pool_mut(&mut st, pool_id)?, username)?;
    u.totp_secret = None;
    u.pending_totp_secret = None;
    u.totp_mfa_enabled = false;
    if u.preferred_mfa.as_deref() == Some("SOFTWARE_TOKEN_MFA") {
        u.preferred_mfa = None;
    }
    u.modified = now;
    Ok(json!({}))
}

fn session_user<'a>(st: &'a mut State, pool_id: &str, username: &str) -> ApiResult<&'a mut User> {
    pool_mut(st, pool_id)?
        .users
        .get_mut(username)
        .ok_or_else(user_not_found)
}

/// Resolves AccessToken or Session; with a session, returns the (consumed) session.
fn who(
    app: &App,
    st: &mut State,
    req: Req,
) -> ApiResult<(String, String, Option<crate::state::Session>)> {
    if let Some(token) = req.opt_str("AccessToken")? {
        let (p, u, _) = authorize(app, st, token)?;
        return Ok((p, u, None));
    }
    let Some(id) = req.opt_str("Session")? else {
        return Err(invalid_parameter(
            "Either AccessToken or Session must be provided",
        ));
    };
    let client_id = st
        .sessions
        .get(id)
        .map(|s| s.ctx.client_id.clone())
        .unwrap_or_default();
    let s = take_session(st, id, "MFA_SETUP", &client_id)?;
    Ok((s.ctx.pool_id.clone(), s.ctx.username.clone(), Some(s)))
}

pub fn associate_software_token(app: &App, req: Req) -> ApiResult<Value> {
    let mut st = app.lock();
    let (pool_id, username, session) = who(app, &mut st, req)?;
    let secret = base32_encode(&random_bytes(20));
    session_user(&mut st, &pool_id, &username)?.pending_totp_secret = Some(secret.clone());
    let mut out = json!({ "SecretCode": secret });
    if let (Some(s), Value::Object(m)) = (session, &mut out) {
        let id = new_session(
            &mut st,
            s.ctx,
            SessionStep::MfaSetup {
                totp_verified: false,
            },
        );
        m.insert("Session".into(), json!(id));
    }
    Ok(out)
}

pub fn verify_software_token(app: &App, req: Req) -> ApiResult<Value> {
    let code = req.str("UserCode")?;
    let mut st = app.lock();
    let now = st.now();
    let session_id = req.opt_str("Session")?;
    let (pool_id, username, session) = who(app, &mut st, req)?;
    let u = session_user(&mut st, &pool_id, &username)?;
    // A new secret being verified has no used code yet; the verified one remembers its last.
    let (secret, last_used) = match (&u.pending_totp_secret, &u.totp_secret) {
        (Some(pending), _) => (pending.clone(), None),
        (None, Some(current)) => (current.clone(), u.totp_last_step),
        (None, None) => {
            return Err(ApiError::new(
                "SoftwareTokenMFANotFoundException",
                "Software Token MFA has not been enabled by the user.",
            ))
        }
    };
    let step = match crate::totp::check(&secret, now, code, last_used) {
        TotpCheck::Valid(step) => step,
        refused => {
            if let (Some(id), Some(_)) = (session_id, &session) {
                restore_session(&mut st, id);
            }
            return Err(if refused == TotpCheck::Reused {
                totp_reused()
            } else {
                ApiError::new(
                    "EnableSoftwareTokenMFAException",
                    "Code mismatch and fail enable Software Token MFA",
                )
            });
        }
    };
    u.totp_secret = Some(secret);
    u.totp_last_step = Some(step);
    u.pending_totp_secret = None;
    u.totp_mfa_enabled = true;
    if session.is_some() && u.preferred_mfa.is_none() {
        u.preferred_mfa = Some("SOFTWARE_TOKEN_MFA".into());
    }
    u.modified = now;
    let mut out = json!({ "Status": "SUCCESS" });
    if let (Some(s), Value::Object(m)) = (session, &mut out) {
        let id = new_session(
            &mut st,
            s.ctx,
            SessionStep::MfaSetup {
                totp_verified: true,
            },
        );
        m.insert("Session".into(), json!(id));
    }
    Ok(out)
}
