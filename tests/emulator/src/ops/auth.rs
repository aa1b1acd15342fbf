//! InitiateAuth and RespondToAuthChallenge: SRP, password, MFA, new password and device SRP.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cognito_auth_core::srp::{
    check_client_public, parse_timestamp, ServerChallenge, SrpIdentity, Verifier,
};
use serde_json::{json, Map, Value};

use super::{
    check_password_policy, check_secret_hash, client, find_username, make_verifier,
    password_matches, pool, user_names, user_ref, App,
};
use crate::protocol::{
    code_mismatch, expired_code, incorrect_password, invalid_parameter, not_authorized,
    resource_not_found, user_not_found, ApiError, ApiResult, Req,
};
use crate::state::{
    AuthContext, Pool, Session, SessionStep, State, User, MFA_CODE_TTL, SESSION_TTL,
};
use crate::util::{mask_email, mask_phone, opaque, random_bytes, random_code};

const MAX_CODE_ATTEMPTS: u32 = 3;

fn param<'a>(m: &'a BTreeMap<String, String>, k: &str) -> ApiResult<&'a str> {
    m.get(k)
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid_parameter(format!("Missing required parameter {k}")))
}

fn srp_error(e: cognito_auth_core::srp::SrpError) -> ApiError {
    invalid_parameter(e.to_string())
}

fn flow_allowed(st: &State, client_id: &str, flow: &str) -> ApiResult<()> {
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
fn check_user_can_sign_in(u: &User) -> ApiResult<()> {
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

pub(crate) fn new_session(st: &mut State, ctx: AuthContext, step: SessionStep) -> String {
    let id = opaque(96);
    let expires_at = st.now() + SESSION_TTL;
    if st.sessions.len() > 100_000 {
        st.purge();
    }
    st.sessions.insert(
        id.clone(),
        Session {
            ctx,
            step,
            expires_at,
            used: false,
            attempts: 0,
        },
    );
    id
}

fn challenge(name: &str, session: &str, params: Value) -> Value {
    json!({ "ChallengeName": name, "Session": session, "ChallengeParameters": params })
}

/// Takes (marks used) the session `id`, which must wait for `challenge_name`.
pub(crate) fn take_session(
    st: &mut State,
    id: &str,
    challenge_name: &str,
    client_id: &str,
) -> ApiResult<Session> {
    let now = st.now();
    let s = st
        .sessions
        .get_mut(id)
        .ok_or_else(|| not_authorized("Invalid session for the user."))?;
    if s.ctx.client_id != client_id {
        return Err(not_authorized("Invalid session for the user."));
    }
    if s.used {
        return Err(not_authorized(
            "Invalid session for the user, session can only be used once.",
        ));
    }
    if s.expires_at <= now {
        if let SessionStep::Mfa { code: Some(_), .. } = &s.step {
            return Err(expired_code());
        }
        return Err(not_authorized(
            "Invalid session for the user, session is expired.",
        ));
    }
    if s.step.challenge_name() != challenge_name {
        return Err(invalid_parameter(format!(
            "Invalid ChallengeName {challenge_name}: the session expects {}",
            s.step.challenge_name()
        )));
    }
    s.used = true;
    Ok(s.clone())
}

/// Takes the unused session waiting for `challenge_name` whose SECRET_BLOCK is `block`; returns
/// its id too.
fn take_session_by_block(
    st: &mut State,
    client_id: &str,
    challenge_name: &str,
    block: &[u8],
) -> ApiResult<(String, Session)> {
    let now = st.now();
    let found = st.sessions.iter_mut().find(|(_, x)| {
        let issued = match &x.step {
            SessionStep::PasswordVerifier { secret_block, .. }
            | SessionStep::DevicePasswordVerifier { secret_block, .. } => secret_block,
            _ => return false,
        };
        issued.as_slice() == block
            && x.step.challenge_name() == challenge_name
            && x.ctx.client_id == client_id
    });
    let Some((id, x)) = found else {
        return Err(not_authorized("Invalid session for the user."));
    };
    if x.used {
        return Err(not_authorized(
            "Invalid session for the user, session can only be used once.",
        ));
    }
    if x.expires_at <= now {
        return Err(not_authorized(
            "Invalid session for the user, session is expired.",
        ));
    }
    x.used = true;
    Ok((id.clone(), x.clone()))
}

/// The error for a `DEVICE_KEY` that is not a confirmed device of the user.
const DEVICE_GONE: &str = "Device does not exist.";

fn device_gone() -> ApiError {
    resource_not_found(DEVICE_GONE)
}

/// Lets a session be answered again (after a mistyped code, or an answer refused only because of
/// its `DEVICE_KEY`), at most `MAX_CODE_ATTEMPTS` times in all.
pub(crate) fn restore_session(st: &mut State, id: &str) {
    if let Some(s) = st.sessions.get_mut(id) {
        s.attempts += 1;
        if s.attempts < MAX_CODE_ATTEMPTS {
            s.used = false;
        }
    }
}

pub fn initiate_auth(app: &App, req: Req) -> ApiResult<Value> {
    let flow = req.str("AuthFlow")?;
    let client_id = req.str("ClientId")?;
    let params = req.str_map("AuthParameters")?;
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
        "USER_AUTH" => user_auth(app, client_id, &params),
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
fn initiating_user<'a>(
    st: &'a State,
    client_id: &str,
    params: &BTreeMap<String, String>,
) -> ApiResult<(&'a Pool, &'a User)> {
    let name = param(params, "USERNAME")?;
    let c = client(st, client_id)?;
    let p = pool(st, &c.pool_id)?;
    let u = user_ref(p, name)?;
    let mut names: Vec<String> = user_names(u);
    names.push(name.to_owned());
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    check_secret_hash(c, params.get("SECRET_HASH").map(String::as_str), &refs)?;
    Ok((p, u))
}

/// A fresh sign-in context for `u` through `client_id`.
fn sign_in_context(client_id: &str, p: &Pool, u: &User) -> AuthContext {
    AuthContext {
        pool_id: p.id.clone(),
        client_id: client_id.to_owned(),
        username: u.username.clone(),
        ..AuthContext::default()
    }
}

fn user_srp_auth(
    app: &App,
    client_id: &str,
    params: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    let ctx = {
        let st = app.lock();
        flow_allowed(&st, client_id, "USER_SRP_AUTH")?;
        let srp_a = param(params, "SRP_A")?;
        check_client_public(srp_a).map_err(srp_error)?;
        let (p, u) = initiating_user(&st, client_id, params)?;
        sign_in_context(client_id, p, u)
    };
    password_verifier_challenge(app, ctx, param(params, "SRP_A")?)
}

/// Issues PASSWORD_VERIFIER (SALT, SRP_B, SECRET_BLOCK) for the client's `srp_a`.
fn password_verifier_challenge(app: &App, ctx: AuthContext, srp_a: &str) -> ApiResult<Value> {
    check_client_public(srp_a).map_err(srp_error)?;
    let (salt_hex, verifier_hex) = {
        let st = app.lock();
        let u = pool(&st, &ctx.pool_id)?
            .users
            .get(&ctx.username)
            .ok_or_else(user_not_found)?;
        (u.salt_hex.clone(), u.verifier_hex.clone())
    };
    let verifier = Verifier::from_hex(&salt_hex, &verifier_hex)
        .map_err(|_| not_authorized("Incorrect username or password."))?;
    let server = ServerChallenge::new(&verifier);
    let secret_block = random_bytes(128);
    let params_out = json!({
        "SALT": verifier.salt_hex(),
        "SRP_B": server.public_hex(),
        "SECRET_BLOCK": STANDARD.encode(&secret_block),
        "USERNAME": ctx.username,
        "USER_ID_FOR_SRP": ctx.username,
    });
    let step = SessionStep::PasswordVerifier {
        b_hex: server.to_secret_hex(),
        secret_block,
        srp_a: srp_a.to_owned(),
    };
    let mut st = app.lock();
    let session = new_session(&mut st, ctx, step);
    Ok(challenge("PASSWORD_VERIFIER", &session, params_out))
}

fn user_password_auth(
    app: &App,
    client_id: &str,
    params: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    let ctx = {
        let st = app.lock();
        flow_allowed(&st, client_id, "USER_PASSWORD_AUTH")?;
        param(params, "PASSWORD")?;
        let (p, u) = initiating_user(&st, client_id, params)?;
        sign_in_context(client_id, p, u)
    };
    password_first_factor(
        app,
        ctx,
        param(params, "PASSWORD")?,
        params.get("DEVICE_KEY").map(String::as_str),
    )
}

/// Checks a plain password, then continues as after any proven password.
fn password_first_factor(
    app: &App,
    ctx: AuthContext,
    password: &str,
    device_key: Option<&str>,
) -> ApiResult<Value> {
    let user = {
        let st = app.lock();
        pool(&st, &ctx.pool_id)?
            .users
            .get(&ctx.username)
            .ok_or_else(user_not_found)?
            .clone()
    };
    if !password_matches(&ctx.pool_id, &user, password) {
        return Err(incorrect_password());
    }
    let mut st = app.lock();
    after_password(app, &mut st, ctx, device_key)
}

// ---- USER_AUTH (choice-based sign-in) ------------------------------------------------------

/// Every first factor USER_AUTH knows (WEB_AUTHN is accepted in requests, never offered).
const FIRST_FACTORS: &[&str] = &[
    "PASSWORD",
    "PASSWORD_SRP",
    "EMAIL_OTP",
    "SMS_OTP",
    "WEB_AUTHN",
];

/// The first factors a user can pick: the pool's `AllowedFirstAuthFactors` (PASSWORD stands for
/// PASSWORD and PASSWORD_SRP), EMAIL_OTP only with an e-mail, SMS_OTP only with a phone number.
pub(crate) fn available_first_factors(p: &Pool, u: &User) -> Vec<&'static str> {
    let allowed = p.first_auth_factors();
    let has = |f: &str| allowed.iter().any(|a| a == f);
    let mut v = Vec::new();
    if has("PASSWORD") {
        v.push("PASSWORD");
        v.push("PASSWORD_SRP");
    }
    if has("EMAIL_OTP") && u.attributes.contains_key("email") {
        v.push("EMAIL_OTP");
    }
    if has("SMS_OTP") && u.attributes.contains_key("phone_number") {
        v.push("SMS_OTP");
    }
    v
}

fn user_auth(app: &App, client_id: &str, params: &BTreeMap<String, String>) -> ApiResult<Value> {
    let (ctx, available) = {
        let st = app.lock();
        flow_allowed(&st, client_id, "USER_AUTH")?;
        let (p, u) = initiating_user(&st, client_id, params)?;
        let ctx = sign_in_context(client_id, p, u);
        (ctx, available_first_factors(p, u))
    };
    let preferred = params
        .get("PREFERRED_CHALLENGE")
        .map(String::as_str)
        .filter(|s| !s.is_empty());
    if let Some(f) = preferred {
        if !FIRST_FACTORS.contains(&f) {
            return Err(invalid_parameter(format!(
                "Invalid PREFERRED_CHALLENGE {f}: must be one of PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN"
            )));
        }
    }
    if available.is_empty() {
        return Err(not_authorized(
            "No sign-in method of the user pool is available for the user.",
        ));
    }
    match preferred {
        // A preference the user can't use falls back to the choice, as in Cognito.
        Some(f) if available.contains(&f) => start_first_factor(app, ctx, f, params),
        _ => {
            let mut st = app.lock();
            let session = new_session(
                &mut st,
                ctx,
                SessionStep::SelectChallenge {
                    available: available.iter().map(|s| (*s).to_owned()).collect(),
                },
            );
            Ok(json!({
                "ChallengeName": "SELECT_CHALLENGE",
                "Session": session,
                "ChallengeParameters": {},
                "AvailableChallenges": available,
            }))
        }
    }
}

/// Starts `factor` with the parameters in `src` (AuthParameters or ChallengeResponses).
fn start_first_factor(
    app: &App,
    ctx: AuthContext,
    factor: &str,
    src: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    match factor {
        "PASSWORD" => password_first_factor(
            app,
            ctx,
            param(src, "PASSWORD")?,
            src.get("DEVICE_KEY").map(String::as_str),
        ),
        "PASSWORD_SRP" => password_verifier_challenge(app, ctx, param(src, "SRP_A")?),
        "EMAIL_OTP" | "SMS_OTP" => {
            let mut st = app.lock();
            code_challenge(&mut st, ctx, factor, true)
        }
        _ => Err(invalid_parameter(format!(
            "The sign-in method {factor} is not available for the user"
        ))),
    }
}

// ---- CUSTOM_AUTH (built-in stand-in for the challenge Lambda triggers) ---------------------

fn custom_auth(app: &App, client_id: &str, params: &BTreeMap<String, String>) -> ApiResult<Value> {
    let ctx = {
        let st = app.lock();
        let c = client(&st, client_id)?;
        if pool(&st, &c.pool_id)?.custom_auth.is_none() {
            return Err(invalid_parameter(
                "The emulator does not support AuthFlow CUSTOM_AUTH until POST /_emulator/custom-auth configures the pool",
            ));
        }
        flow_allowed(&st, client_id, "CUSTOM_AUTH")?;
        let (p, u) = initiating_user(&st, client_id, params)?;
        sign_in_context(client_id, p, u)
    };
    match params.get("CHALLENGE_NAME").map(String::as_str) {
        Some("SRP_A") => {
            let mut ctx = ctx;
            ctx.custom_after_password = true;
            password_verifier_challenge(app, ctx, param(params, "SRP_A")?)
        }
        None | Some("") | Some("CUSTOM_CHALLENGE") => {
            let mut st = app.lock();
            custom_challenge(&mut st, ctx)
        }
        Some(other) => Err(invalid_parameter(format!(
            "Invalid CHALLENGE_NAME {other}: the emulator's CUSTOM_AUTH starts with SRP_A or CUSTOM_CHALLENGE"
        ))),
    }
}

/// Issues the pool's configured CUSTOM_CHALLENGE.
fn custom_challenge(st: &mut State, ctx: AuthContext) -> ApiResult<Value> {
    let cfg = pool(st, &ctx.pool_id)?.custom_auth.clone().ok_or_else(|| {
        invalid_parameter("Custom auth is no longer configured for this user pool")
    })?;
    let mut params = Map::new();
    for (k, v) in &cfg.challenge_parameters {
        params.insert(k.clone(), json!(v));
    }
    params.insert("USERNAME".into(), json!(ctx.username));
    let session = new_session(st, ctx, SessionStep::CustomChallenge);
    Ok(challenge(
        "CUSTOM_CHALLENGE",
        &session,
        Value::Object(params),
    ))
}

fn custom_answer(app: &App, s: Session, resp: &BTreeMap<String, String>) -> ApiResult<Value> {
    let answer = param(resp, "ANSWER")?;
    let mut st = app.lock();
    let expected = pool(&st, &s.ctx.pool_id)?
        .custom_auth
        .as_ref()
        .map(|c| c.answer.clone())
        .ok_or_else(|| not_authorized("Incorrect answer."))?;
    if !crate::util::ct_eq(&expected, answer) {
        // The session stays consumed: the flow ends, as when Cognito's define-auth-challenge
        // trigger fails the authentication. Start again with InitiateAuth.
        return Err(not_authorized("Incorrect answer."));
    }
    let mut ctx = s.ctx;
    ctx.mfa_satisfied = true;
    after_password(
        app,
        &mut st,
        ctx,
        resp.get("DEVICE_KEY").map(String::as_str),
    )
}

/// After the password is proven: status checks, device key validation, then the next step.
fn after_password(
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

/// The MFA methods a user can be asked for in this pool.
pub(crate) fn mfa_methods(p: &Pool, u: &User) -> Vec<&'static str> {
    let mut v = Vec::new();
    let has_phone = u.attributes.contains_key("phone_number");
    let none_configured = !u.sms_mfa_enabled && !u.totp_mfa_enabled && !u.email_mfa_enabled;
    // Cognito's legacy behaviour: with MFA required and nothing configured, a user with a phone
    // number gets SMS MFA.
    if p.sms_mfa_enabled
        && has_phone
        && (u.sms_mfa_enabled || (p.mfa_configuration == "ON" && none_configured))
    {
        v.push("SMS_MFA");
    }
    if p.totp_enabled && u.totp_mfa_enabled && u.totp_secret.is_some() {
        v.push("SOFTWARE_TOKEN_MFA");
    }
    if p.email_mfa_enabled && u.email_mfa_enabled && u.attributes.contains_key("email") {
        v.push("EMAIL_OTP");
    }
    v
}

fn mfa_or_device(app: &App, st: &mut State, ctx: AuthContext) -> ApiResult<Value> {
    let p = pool(st, &ctx.pool_id)?;
    let u = p.users.get(&ctx.username).ok_or_else(user_not_found)?;
    let methods = mfa_methods(p, u);
    // Passwordless first factors and custom challenges stand in for MFA.
    let required = !ctx.mfa_satisfied
        && (p.mfa_configuration == "ON"
            || (p.mfa_configuration == "OPTIONAL" && !methods.is_empty()));
    if let (Some(dc), Some(key)) = (&p.device_configuration, &ctx.device_key) {
        let remembered = u.devices.get(key).is_some_and(|d| d.remembered);
        // A remembered device replaces MFA when the pool says so; without MFA any tracked
        // (confirmed) device signs in with device SRP.
        if !required || (remembered && dc.challenge_required_on_new_device) {
            let params = json!({ "USERNAME": ctx.username });
            let session = new_session(st, ctx, SessionStep::DeviceSrpAuth);
            return Ok(challenge("DEVICE_SRP_AUTH", &session, params));
        }
    }
    if !required {
        return super::tokens::sign_in_result(app, st, ctx);
    }
    let methods: Vec<&'static str> = methods;
    if methods.is_empty() {
        let mut can_setup = Vec::new();
        if p.sms_mfa_enabled {
            can_setup.push("SMS_MFA");
        }
        if p.totp_enabled {
            can_setup.push("SOFTWARE_TOKEN_MFA");
        }
        if p.email_mfa_enabled {
            can_setup.push("EMAIL_OTP");
        }
        let params = json!({ "MFAS_CAN_SETUP": json!(can_setup).to_string() });
        let session = new_session(
            st,
            ctx,
            SessionStep::MfaSetup {
                totp_verified: false,
            },
        );
        return Ok(challenge("MFA_SETUP", &session, params));
    }
    let chosen = match &u.preferred_mfa {
        Some(pref) => methods.iter().copied().find(|m| m == pref),
        None => None,
    }
    .or_else(|| (methods.len() == 1).then(|| methods[0]));
    match chosen {
        Some(m) => mfa_challenge(st, ctx, m),
        None => {
            let params = json!({ "MFAS_CAN_CHOOSE": json!(methods).to_string() });
            let session = new_session(st, ctx, SessionStep::SelectMfaType);
            Ok(challenge("SELECT_MFA_TYPE", &session, params))
        }
    }
}

fn mfa_challenge(st: &mut State, ctx: AuthContext, method: &'static str) -> ApiResult<Value> {
    code_challenge(st, ctx, method, false)
}

/// Issues a code challenge: an MFA method, or (`first_factor`) a USER_AUTH EMAIL_OTP / SMS_OTP.
fn code_challenge(
    st: &mut State,
    ctx: AuthContext,
    method: &str,
    first_factor: bool,
) -> ApiResult<Value> {
    let now = st.now();
    let u = pool(st, &ctx.pool_id)?
        .users
        .get(&ctx.username)
        .ok_or_else(user_not_found)?
        .clone();
    let (params, code) = match method {
        "SMS_MFA" | "EMAIL_OTP" | "SMS_OTP" => {
            let (attr, channel) = if method != "EMAIL_OTP" {
                ("phone_number", "SMS")
            } else {
                ("email", "EMAIL")
            };
            let dest = u.attributes.get(attr).cloned().unwrap_or_default();
            let masked = if channel == "SMS" {
                mask_phone(&dest)
            } else {
                mask_email(&dest)
            };
            let code = random_code();
            super::send(
                st,
                &ctx.pool_id,
                &ctx.username,
                channel,
                &dest,
                &code,
                if first_factor { "SIGN_IN" } else { "MFA" },
            );
            (
                json!({
                    "CODE_DELIVERY_DELIVERY_MEDIUM": channel,
                    "CODE_DELIVERY_DESTINATION": masked,
                }),
                Some(code),
            )
        }
        _ => (json!({}), None),
    };
    let step = SessionStep::Mfa {
        challenge: method.to_owned(),
        code,
        code_expires: now + MFA_CODE_TTL,
        first_factor,
        setup_email: None,
    };
    let session = new_session(st, ctx, step);
    Ok(challenge(method, &session, params))
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

fn answer_challenge(
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

fn check_challenge_secret_hash(
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

fn password_verifier(app: &App, s: Session, resp: &BTreeMap<String, String>) -> ApiResult<Value> {
    let SessionStep::PasswordVerifier {
        b_hex,
        secret_block,
        srp_a,
    } = &s.step
    else {
        return Err(not_authorized("Invalid session for the user."));
    };
    let signature = param(resp, "PASSWORD_CLAIM_SIGNATURE")?;
    let block_b64 = param(resp, "PASSWORD_CLAIM_SECRET_BLOCK")?;
    let timestamp = param(resp, "TIMESTAMP")?;
    parse_timestamp(timestamp).map_err(srp_error)?;
    if STANDARD.decode(block_b64).ok().as_deref() != Some(secret_block.as_slice()) {
        return Err(not_authorized("Invalid secret block for the session."));
    }
    let user = {
        let st = app.lock();
        pool(&st, &s.ctx.pool_id)?
            .users
            .get(&s.ctx.username)
            .ok_or_else(user_not_found)?
            .clone()
    };
    let verifier =
        Verifier::from_hex(&user.salt_hex, &user.verifier_hex).map_err(|_| incorrect_password())?;
    let server = ServerChallenge::from_secret_hex(&verifier, b_hex).map_err(srp_error)?;
    let identity = SrpIdentity::user(&s.ctx.pool_id, &user.username);
    server
        .verify(
            &verifier,
            &identity,
            srp_a,
            secret_block,
            timestamp,
            signature,
        )
        .map_err(|_| incorrect_password())?;
    let mut st = app.lock();
    after_password(
        app,
        &mut st,
        s.ctx,
        resp.get("DEVICE_KEY").map(String::as_str),
    )
}

fn new_password(app: &App, s: Session, resp: &BTreeMap<String, String>) -> ApiResult<Value> {
    let password = param(resp, "NEW_PASSWORD")?;
    let mut attrs = Vec::new();
    for (k, v) in resp {
        if let Some(name) = k.strip_prefix("userAttributes.") {
            attrs.push((name.to_owned(), v.clone()));
        }
    }
    super::check_attributes(&attrs)?;
    {
        let st = app.lock();
        check_password_policy(pool(&st, &s.ctx.pool_id)?, password)?;
    }
    let (salt, verifier) = make_verifier(&s.ctx.pool_id, &s.ctx.username, password);
    let mut st = app.lock();
    let now = st.now();
    let p = super::pool_mut(&mut st, &s.ctx.pool_id)?;
    let u = p
        .users
        .get_mut(&s.ctx.username)
        .ok_or_else(user_not_found)?;
    u.salt_hex = salt;
    u.verifier_hex = verifier;
    u.status = "CONFIRMED".into();
    u.modified = now;
    for (k, v) in attrs {
        u.attributes.insert(k, v);
    }
    mfa_or_device(app, &mut st, s.ctx)
}

fn mfa_answer(
    app: &App,
    id: &str,
    s: Session,
    name: &str,
    resp: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    let SessionStep::Mfa {
        code,
        code_expires,
        first_factor,
        setup_email,
        ..
    } = &s.step
    else {
        return Err(not_authorized("Invalid session for the user."));
    };
    let key = match name {
        "SMS_MFA" => "SMS_MFA_CODE",
        "SMS_OTP" => "SMS_OTP_CODE",
        "EMAIL_OTP" => "EMAIL_OTP_CODE",
        _ => "SOFTWARE_TOKEN_MFA_CODE",
    };
    // amazon-cognito-identity-js sends SMS_MFA_CODE for TOTP as well.
    let given = resp
        .get(key)
        .or_else(|| resp.get("SMS_MFA_CODE"))
        .filter(|c| !c.is_empty())
        .ok_or_else(|| invalid_parameter(format!("Missing required parameter {key}")))?;
    let mut st = app.lock();
    let now = st.now();
    let ok = match code {
        Some(expected) => {
            if now >= *code_expires {
                return Err(expired_code());
            }
            crate::util::ct_eq(expected, given.trim())
        }
        None => {
            let u = pool(&st, &s.ctx.pool_id)?
                .users
                .get(&s.ctx.username)
                .ok_or_else(user_not_found)?;
            let secret = u.totp_secret.as_deref().ok_or_else(|| {
                ApiError::new(
                    "SoftwareTokenMFANotFoundException",
                    "Software Token MFA has not been enabled by the user.",
                )
            })?;
            crate::totp::verify(secret, now, given)
        }
    };
    if !ok {
        restore_session(&mut st, id);
        return Err(code_mismatch());
    }
    if *first_factor {
        // A passwordless first factor: status checks, device, new password; no MFA after it.
        let mut ctx = s.ctx.clone();
        ctx.mfa_satisfied = true;
        return after_password(
            app,
            &mut st,
            ctx,
            resp.get("DEVICE_KEY").map(String::as_str),
        );
    }
    if let Some(email) = setup_email {
        // E-mail MFA set up in MFA_SETUP: the proven address becomes the verified e-mail.
        let u = super::pool_mut(&mut st, &s.ctx.pool_id)?
            .users
            .get_mut(&s.ctx.username)
            .ok_or_else(user_not_found)?;
        u.attributes.insert("email".into(), email.clone());
        u.attributes.insert("email_verified".into(), "true".into());
        u.email_mfa_enabled = true;
        if u.preferred_mfa.is_none() {
            u.preferred_mfa = Some("EMAIL_OTP".into());
        }
    }
    mfa_done(app, &mut st, s.ctx)
}

/// MFA_SETUP answered with `EMAIL` (Cognito's e-mail MFA setup during sign-in): a code goes to
/// that address and the `EMAIL_OTP` challenge follows; the right code enables e-mail MFA.
fn email_mfa_setup(app: &App, s: Session, resp: &BTreeMap<String, String>) -> ApiResult<Value> {
    let email = param(resp, "EMAIL")?.trim().to_owned();
    if !email.contains('@') || email.starts_with('@') || email.ends_with('@') {
        return Err(invalid_parameter("Invalid email address format."));
    }
    let mut st = app.lock();
    if !pool(&st, &s.ctx.pool_id)?.email_mfa_enabled {
        return Err(invalid_parameter(
            "MFA_SETUP: e-mail MFA is not enabled for this user pool",
        ));
    }
    let now = st.now();
    let code = random_code();
    super::send(
        &mut st,
        &s.ctx.pool_id,
        &s.ctx.username,
        "EMAIL",
        &email,
        &code,
        "MFA",
    );
    let params = json!({
        "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
        "CODE_DELIVERY_DESTINATION": mask_email(&email),
    });
    let step = SessionStep::Mfa {
        challenge: "EMAIL_OTP".to_owned(),
        code: Some(code),
        code_expires: now + MFA_CODE_TTL,
        first_factor: false,
        setup_email: Some(email),
    };
    let session = new_session(&mut st, s.ctx, step);
    Ok(challenge("EMAIL_OTP", &session, params))
}

/// MFA passed: tokens (a device presented in the flow stays bound to them).
fn mfa_done(app: &App, st: &mut State, ctx: AuthContext) -> ApiResult<Value> {
    super::tokens::sign_in_result(app, st, ctx)
}

/// The context for a device challenge without a session (lenient mode only).
fn lenient_context(
    st: &State,
    client_id: &str,
    resp: &BTreeMap<String, String>,
) -> ApiResult<AuthContext> {
    let name = param(resp, "USERNAME")?;
    let c = client(st, client_id)?;
    let p = pool(st, &c.pool_id)?;
    let username = find_username(p, name).ok_or_else(user_not_found)?;
    check_challenge_secret_hash(st, client_id, &username, resp)?;
    Ok(AuthContext {
        pool_id: p.id.clone(),
        client_id: client_id.to_owned(),
        username,
        ..AuthContext::default()
    })
}

fn device_srp_auth(
    app: &App,
    client_id: &str,
    s: Option<Session>,
    resp: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    let device_key = param(resp, "DEVICE_KEY")?.to_owned();
    let srp_a = param(resp, "SRP_A")?.to_owned();
    check_client_public(&srp_a).map_err(srp_error)?;
    let (ctx, device) = {
        let st = app.lock();
        let ctx = match s {
            Some(s) => s.ctx,
            None => lenient_context(&st, client_id, resp)?,
        };
        if ctx.device_key.as_deref().is_some_and(|k| k != device_key) {
            return Err(not_authorized("Invalid device key for the session."));
        }
        let p = pool(&st, &ctx.pool_id)?;
        let u = p.users.get(&ctx.username).ok_or_else(user_not_found)?;
        let device = match u.devices.get(&device_key) {
            Some(d) if d.confirmed => d.clone(),
            _ => return Err(device_gone()),
        };
        (ctx, device)
    };
    let verifier = Verifier::from_hex(&device.salt_hex, &device.verifier_hex)
        .map_err(|_| incorrect_password())?;
    let server = ServerChallenge::new(&verifier);
    let secret_block = random_bytes(128);
    let params = json!({
        "SALT": verifier.salt_hex(),
        "SRP_B": server.public_hex(),
        "SECRET_BLOCK": STANDARD.encode(&secret_block),
        "USERNAME": ctx.username,
        "DEVICE_KEY": device_key,
    });
    let step = SessionStep::DevicePasswordVerifier {
        device_key,
        b_hex: server.to_secret_hex(),
        secret_block,
        srp_a,
    };
    let mut st = app.lock();
    let session = new_session(&mut st, ctx, step);
    Ok(challenge("DEVICE_PASSWORD_VERIFIER", &session, params))
}

fn device_password_verifier(
    app: &App,
    client_id: &str,
    s: Option<Session>,
    resp: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    let signature = param(resp, "PASSWORD_CLAIM_SIGNATURE")?;
    let block_b64 = param(resp, "PASSWORD_CLAIM_SECRET_BLOCK")?;
    let timestamp = param(resp, "TIMESTAMP")?;
    parse_timestamp(timestamp).map_err(srp_error)?;
    let block = STANDARD
        .decode(block_b64)
        .map_err(|_| not_authorized("Invalid secret block for the session."))?;
    let s = match s {
        Some(s) => s,
        None => {
            // Lenient mode: find the session by the secret block the client echoes.
            let mut st = app.lock();
            let (_, s) =
                take_session_by_block(&mut st, client_id, "DEVICE_PASSWORD_VERIFIER", &block)?;
            check_challenge_secret_hash(&st, client_id, &s.ctx.username, resp)?;
            s
        }
    };
    let SessionStep::DevicePasswordVerifier {
        device_key,
        b_hex,
        secret_block,
        srp_a,
    } = &s.step
    else {
        return Err(not_authorized("Invalid session for the user."));
    };
    if *secret_block != block {
        return Err(not_authorized("Invalid secret block for the session."));
    }
    if resp.get("DEVICE_KEY").is_some_and(|k| k != device_key) {
        return Err(not_authorized("Invalid device key for the session."));
    }
    let device = {
        let st = app.lock();
        let u = pool(&st, &s.ctx.pool_id)?
            .users
            .get(&s.ctx.username)
            .ok_or_else(user_not_found)?;
        match u.devices.get(device_key) {
            Some(d) if d.confirmed => d.clone(),
            _ => return Err(device_gone()),
        }
    };
    let verifier = Verifier::from_hex(&device.salt_hex, &device.verifier_hex)
        .map_err(|_| incorrect_password())?;
    let server = ServerChallenge::from_secret_hex(&verifier, b_hex).map_err(srp_error)?;
    let identity = SrpIdentity::device(&device.group_key, &device.key);
    server
        .verify(
            &verifier,
            &identity,
            srp_a,
            secret_block,
            timestamp,
            signature,
        )
        .map_err(|_| incorrect_password())?;
    let mut st = app.lock();
    let now = st.now();
    let mut ctx = s.ctx.clone();
    ctx.device_key = Some(device_key.clone());
    ctx.device_authenticated = true;
    if let Some(d) = super::pool_mut(&mut st, &ctx.pool_id)?
        .users
        .get_mut(&ctx.username)
        .and_then(|u| u.devices.get_mut(device_key))
    {
        d.last_authenticated = now;
    }
    super::tokens::sign_in_result(app, &mut st, ctx)
}
