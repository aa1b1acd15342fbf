//! `InitiateAuth` and `RespondToAuthChallenge`: this file reads the request, finds the session and
//! routes the challenge; each flow lives in its own file:
//!
//! | file | what |
//! | --- | --- |
//! | `session.rs` | sessions: issue, take (once), restore after a wrong code |
//! | `password.rs` | `USER_SRP_AUTH` / `PASSWORD_VERIFIER`, `USER_PASSWORD_AUTH`, `NEW_PASSWORD_REQUIRED` |
//! | `user_auth.rs` | `USER_AUTH`, `SELECT_CHALLENGE`, `WEB_AUTHN`, sign-in after sign-up |
//! | `custom.rs` | `CUSTOM_AUTH` |
//! | `mfa.rs` | MFA: choice, code challenges, answers, e-mail MFA set-up |
//! | `device.rs` | `DEVICE_SRP_AUTH`, `DEVICE_PASSWORD_VERIFIER` |

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cognito_auth_core::srp::{
    check_client_public, parse_timestamp, ServerChallenge, SrpIdentity, Verifier,
};
use serde_json::{json, Map, Value};

use super::{
    check_password_policy, check_secret_hash, client, find_username, make_verifier, pool,
    user_names, user_ref, App,
};
use crate::protocol::{
    code_mismatch, expired_code, incorrect_password, invalid_parameter, not_authorized,
    resource_not_found, user_not_found, ApiError, ApiResult, Req,
};
use crate::state::{
    AuthContext, Pool, Session, SessionStep, State, User, MFA_CODE_TTL, SESSION_TTL,
};
use crate::totp::TotpCheck;
use crate::util::{mask_email, mask_phone, opaque, random_bytes, random_code};

mod attempts;
mod custom;
mod device;
mod mfa;
mod password;
mod phantom;
mod session;
mod user_auth;

use attempts::*;
use custom::*;
use device::*;
use mfa::*;
use password::*;
use phantom::*;
use user_auth::*;

pub(crate) use attempts::totp_reused;
pub(crate) use mfa::mfa_methods;
pub(crate) use phantom::phantom_destination;
use session::{device_gone, take_session_by_block, DEVICE_GONE};
pub(crate) use session::{new_session, restore_session, sign_up_session, take_session};

pub(super) fn param<'a>(m: &'a BTreeMap<String, String>, k: &str) -> ApiResult<&'a str> {
    m.get(k)
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid_parameter(format!("Missing required parameter {k}")))
}

/// How far the `TIMESTAMP` of a PASSWORD_VERIFIER / DEVICE_PASSWORD_VERIFIER answer may be from
/// the emulator's clock (either way). Cognito does not document its window; five minutes is the
/// skew AWS allows for request signatures.
pub(crate) const TIMESTAMP_SKEW_SECS: u64 = 300;

/// Checks the format of a claim's `TIMESTAMP` and that it is within [`TIMESTAMP_SKEW_SECS`] of
/// the emulator's clock: a claim is answered promptly, not replayed later.
pub(super) fn check_timestamp(app: &App, timestamp: &str) -> ApiResult<()> {
    let t = parse_timestamp(timestamp).map_err(|_| {
        invalid_parameter("TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
    })?;
    let now = app.lock().now();
    if t.abs_diff(now) > TIMESTAMP_SKEW_SECS {
        return Err(not_authorized(format!(
            "TIMESTAMP is more than {} minutes away from the server time.",
            TIMESTAMP_SKEW_SECS / 60
        )));
    }
    Ok(())
}

pub(super) fn srp_error(e: cognito_auth_core::srp::SrpError) -> ApiError {
    invalid_parameter(e.to_string())
}

pub(super) fn flow_allowed(st: &State, client_id: &str, flow: &str) -> ApiResult<()> {
    let c = client(st, client_id)?;
    if c.allows(flow) {
        Ok(())
    } else {
        Err(invalid_parameter(format!(
            "{flow} flow not enabled for this client"
        )))
    }
}

/// Status checks done once the password has been proven.
pub(super) fn check_user_can_sign_in(u: &User) -> ApiResult<()> {
    if !u.enabled {
        return Err(not_authorized("User is disabled."));
    }
    match u.status.as_str() {
        "UNCONFIRMED" => Err(ApiError::new(
            "UserNotConfirmedException",
            "User is not confirmed.",
        )),
        "RESET_REQUIRED" => Err(ApiError::new(
            "PasswordResetRequiredException",
            "Password reset required for the user",
        )),
        _ => Ok(()),
    }
}

pub(super) fn challenge(name: &str, session: &str, params: Value) -> Value {
    json!({ "ChallengeName": name, "Session": session, "ChallengeParameters": params })
}

pub fn initiate_auth(app: &App, req: Req) -> ApiResult<Value> {
    let flow = req.str("AuthFlow")?;
    let client_id = req.str("ClientId")?;
    let params = req.str_map("AuthParameters")?;
    // `Session` in InitiateAuth is ConfirmSignUp's, for USER_AUTH only.
    let session = req.opt_str("Session")?.filter(|s| !s.is_empty());
    if session.is_some() && flow != "USER_AUTH" {
        return Err(invalid_parameter(format!(
            "Session is only accepted with AuthFlow USER_AUTH (a session from ConfirmSignUp), not {flow}"
        )));
    }
    match flow {
        "USER_SRP_AUTH" => user_srp_auth(app, client_id, &params),
        "USER_PASSWORD_AUTH" => user_password_auth(app, client_id, &params),
        "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => {
            {
                let st = app.lock();
                flow_allowed(&st, client_id, "REFRESH_TOKEN_AUTH")?;
            }
            let token = param(&params, "REFRESH_TOKEN")?;
            let out = super::tokens::refresh(
                app,
                client_id,
                token,
                params.get("DEVICE_KEY").map(String::as_str),
                super::tokens::ClientProof::SecretHash(
                    params.get("SECRET_HASH").map(String::as_str),
                ),
            )?;
            Ok(json!({ "AuthenticationResult": out, "ChallengeParameters": {} }))
        }
        "USER_AUTH" => match session {
            Some(id) => user_auth_after_sign_up(app, client_id, id, &params),
            None => user_auth(app, client_id, &params),
        },
        "CUSTOM_AUTH" => custom_auth(app, client_id, &params),
        "ADMIN_NO_SRP_AUTH" | "ADMIN_USER_PASSWORD_AUTH" => Err(
            invalid_parameter(format!("The emulator does not support AuthFlow {flow}")),
        ),
        _ => Err(invalid_parameter(format!(
            "1 validation error detected: Value '{flow}' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]"
        ))),
    }
}

/// The client's pool and the user an InitiateAuth names (`USERNAME`), checking `SECRET_HASH`.
/// An unknown name is `UserNotFoundException`, unless the client has
/// `PreventUserExistenceErrors = ENABLED`: then the user is `None` and the sign-in plays along
/// with a phantom that no secret opens (see `phantom.rs`).
pub(super) fn initiating_user<'a>(
    st: &'a State,
    client_id: &str,
    params: &BTreeMap<String, String>,
) -> ApiResult<(&'a Pool, Option<&'a User>)> {
    let name = param(params, "USERNAME")?;
    let c = client(st, client_id)?;
    let p = pool(st, &c.pool_id)?;
    let u = match user_ref(p, name) {
        Ok(u) => Some(u),
        Err(_) if c.prevents_user_existence_errors() => None,
        Err(e) => return Err(e),
    };
    let mut names: Vec<String> = u.map(user_names).unwrap_or_default();
    names.push(name.to_owned());
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    check_secret_hash(c, params.get("SECRET_HASH").map(String::as_str), &refs)?;
    Ok((p, u))
}

/// A fresh sign-in context for `u` (or the phantom named in `params`) through `client_id`.
pub(super) fn sign_in_context(
    client_id: &str,
    p: &Pool,
    u: Option<&User>,
    params: &BTreeMap<String, String>,
) -> AuthContext {
    let (username, phantom) = match u {
        Some(u) => (u.username.clone(), false),
        None => (params.get("USERNAME").cloned().unwrap_or_default(), true),
    };
    AuthContext {
        pool_id: p.id.clone(),
        client_id: client_id.to_owned(),
        username,
        phantom,
        ..AuthContext::default()
    }
}

/// After the password is proven: status checks, device key validation, then the next step.
pub(super) fn after_password(
    app: &App,
    st: &mut State,
    mut ctx: AuthContext,
    device_key: Option<&str>,
) -> ApiResult<Value> {
    let p = pool(st, &ctx.pool_id)?;
    let u = p.users.get(&ctx.username).ok_or_else(user_not_found)?;
    check_user_can_sign_in(u)?;
    if p.device_configuration.is_some() {
        if let Some(key) = device_key.filter(|k| !k.is_empty()) {
            match u.devices.get(key) {
                Some(d) if d.confirmed => ctx.device_key = Some(key.to_owned()),
                _ => return Err(device_gone()),
            }
        }
    }
    if ctx.custom_after_password {
        ctx.custom_after_password = false;
        return custom_challenge(st, ctx);
    }
    if u.status == "FORCE_CHANGE_PASSWORD" {
        let mut attrs = Map::new();
        for (k, v) in &u.attributes {
            if !k.ends_with("_verified") {
                attrs.insert(k.clone(), json!(v));
            }
        }
        let params = json!({
            "USER_ID_FOR_SRP": u.username,
            "requiredAttributes": "[]",
            "userAttributes": Value::Object(attrs).to_string(),
        });
        let session = new_session(st, ctx, SessionStep::NewPasswordRequired);
        return Ok(challenge("NEW_PASSWORD_REQUIRED", &session, params));
    }
    mfa_or_device(app, st, ctx)
}

pub fn respond_to_auth_challenge(app: &App, req: Req) -> ApiResult<Value> {
    let client_id = req.str("ClientId")?;
    let name = req.str("ChallengeName")?;
    let resp = req.str_map("ChallengeResponses")?;
    let session_id = req.opt_str("Session")?.filter(|s| !s.is_empty());
    {
        let st = app.lock();
        client(&st, client_id)?;
    }
    const KNOWN: &[&str] = &[
        "PASSWORD_VERIFIER",
        "SMS_MFA",
        "SOFTWARE_TOKEN_MFA",
        "EMAIL_OTP",
        "SELECT_MFA_TYPE",
        "MFA_SETUP",
        "NEW_PASSWORD_REQUIRED",
        "DEVICE_SRP_AUTH",
        "DEVICE_PASSWORD_VERIFIER",
        "SELECT_CHALLENGE",
        "SMS_OTP",
        "CUSTOM_CHALLENGE",
        "WEB_AUTHN",
    ];
    if !KNOWN.contains(&name) {
        return Err(invalid_parameter(format!(
            "The emulator does not support ChallengeName {name}"
        )));
    }
    let lenient_device = app.lenient_device_session
        && (name == "DEVICE_SRP_AUTH" || name == "DEVICE_PASSWORD_VERIFIER");
    let session = match session_id {
        Some(id) => {
            let mut st = app.lock();
            Some((id.to_owned(), take_session(&mut st, id, name, client_id)?))
        }
        // Cognito carries the SRP state in SECRET_BLOCK, so PASSWORD_VERIFIER works without a
        // Session (pycognito relies on it): find the session by the echoed block.
        None if name == "PASSWORD_VERIFIER" => {
            let block = STANDARD
                .decode(param(&resp, "PASSWORD_CLAIM_SECRET_BLOCK")?)
                .map_err(|_| not_authorized("Invalid session for the user."))?;
            let mut st = app.lock();
            Some(take_session_by_block(&mut st, client_id, name, &block)?)
        }
        None if lenient_device => None,
        None => return Err(invalid_parameter("Missing required parameter Session")),
    };
    if let Some((_, s)) = &session {
        let st = app.lock();
        check_challenge_secret_hash(&st, client_id, &s.ctx.username, &resp)?;
    }
    let taken = session.as_ref().map(|(id, _)| id.clone());
    let result = answer_challenge(app, client_id, name, session, &resp);
    // An answer refused only because its DEVICE_KEY is unknown or forgotten does not use the
    // session up: amazon-cognito-identity-js (and the Amplify SDKs) then drop the stored device
    // and send the same answer again without DEVICE_KEY, which works against Cognito.
    if let (Err(e), Some(id)) = (&result, taken) {
        if e.kind == "ResourceNotFoundException" && e.message == DEVICE_GONE {
            restore_session(&mut app.lock(), &id);
        }
    }
    result
}

pub(super) fn answer_challenge(
    app: &App,
    client_id: &str,
    name: &str,
    session: Option<(String, Session)>,
    resp: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    match (name, session) {
        ("PASSWORD_VERIFIER", Some((_, s))) => password_verifier(app, s, resp),
        ("NEW_PASSWORD_REQUIRED", Some((_, s))) => new_password(app, s, resp),
        ("SELECT_MFA_TYPE", Some((_, s))) => {
            let answer = param(resp, "ANSWER")?;
            let mut st = app.lock();
            let p = pool(&st, &s.ctx.pool_id)?;
            let u = p.users.get(&s.ctx.username).ok_or_else(user_not_found)?;
            let m = mfa_methods(p, u)
                .into_iter()
                .find(|m| *m == answer)
                .ok_or_else(|| invalid_parameter(format!("Invalid MFA type {answer}")))?;
            mfa_challenge(&mut st, s.ctx, m)
        }
        ("SELECT_CHALLENGE", Some((_, s))) => {
            let answer = param(resp, "ANSWER")?;
            let SessionStep::SelectChallenge { available } = &s.step else {
                return Err(not_authorized("Invalid session for the user."));
            };
            if !available.iter().any(|a| a == answer) {
                return Err(invalid_parameter(format!(
                    "Invalid ANSWER {answer}: not one of the AvailableChallenges"
                )));
            }
            start_first_factor(app, s.ctx, answer, resp)
        }
        ("CUSTOM_CHALLENGE", Some((_, s))) => custom_answer(app, s, resp),
        ("WEB_AUTHN", Some(_)) => web_authn_answer(resp),
        ("SMS_MFA" | "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP" | "SMS_OTP", Some((id, s))) => {
            mfa_answer(app, &id, s, name, resp)
        }
        ("MFA_SETUP", Some((_, s))) => match s.step {
            SessionStep::MfaSetup {
                totp_verified: true,
            } => {
                let mut st = app.lock();
                mfa_done(app, &mut st, s.ctx)
            }
            SessionStep::MfaSetup {
                totp_verified: false,
            } if resp.contains_key("EMAIL") => email_mfa_setup(app, s, resp),
            _ => Err(invalid_parameter(
                "MFA_SETUP: the software token has not been verified (VerifySoftwareToken)",
            )),
        },
        ("DEVICE_SRP_AUTH", s) => device_srp_auth(app, client_id, s.map(|x| x.1), resp),
        ("DEVICE_PASSWORD_VERIFIER", s) => {
            device_password_verifier(app, client_id, s.map(|x| x.1), resp)
        }
        _ => Err(invalid_parameter("Missing required parameter Session")),
    }
}

pub(super) fn check_challenge_secret_hash(
    st: &State,
    client_id: &str,
    username: &str,
    resp: &BTreeMap<String, String>,
) -> ApiResult<()> {
    let c = client(st, client_id)?;
    if c.secret.is_none() {
        return Ok(());
    }
    let p = pool(st, &c.pool_id)?;
    let mut names = p.users.get(username).map(user_names).unwrap_or_default();
    if let Some(n) = resp.get("USERNAME") {
        names.push(n.clone());
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    check_secret_hash(c, resp.get("SECRET_HASH").map(String::as_str), &refs)
}
