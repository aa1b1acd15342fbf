//! Self-service sign-up, confirmation codes and forgotten passwords.

use serde_json::{json, Value};

use super::{
    check_password_policy, check_secret_hash, client, code_delivery, delivery_target,
    make_verifier, pool, pool_mut, send, user_mut, user_names, user_ref, App,
};
use crate::protocol::{invalid_parameter, not_authorized, ApiError, ApiResult, Req};
use crate::state::{
    AuthContext, PendingCode, SessionStep, State, User, CONFIRM_CODE_TTL, FORGOT_CODE_TTL,
};
use crate::util::random_code;

/// Creates a code, stores it on the user and "sends" it. Returns CodeDeliveryDetails.
#[allow(clippy::too_many_arguments)]
pub(crate) fn issue_code(
    st: &mut State,
    pool_id: &str,
    username: &str,
    purpose: &str,
    channel: &str,
    attribute: &str,
    destination: &str,
    ttl: u64,
) -> ApiResult<Value> {
    let now = st.now();
    let code = random_code();
    let u = user_mut(pool_mut(st, pool_id)?, username)?;
    u.codes
        .retain(|c| !(c.purpose == purpose && c.attribute.as_deref() == Some(attribute)));
    u.codes.push(PendingCode {
        purpose: purpose.to_owned(),
        attribute: Some(attribute.to_owned()),
        code: code.clone(),
        expires_at: now + ttl,
        failed_attempts: 0,
    });
    send(st, pool_id, username, channel, destination, &code, purpose);
    Ok(code_delivery(channel, attribute, destination))
}

/// Wrong guesses a confirmation / reset / verification code survives; after them it is refused
/// (even when right) until a new code is sent.
pub(crate) const MAX_CODE_FAILURES: u32 = 5;

fn code_mismatch() -> ApiError {
    ApiError::new(
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    )
}

/// Checks and consumes a code of `purpose` (and `attribute` when given). Expiry and the attempt
/// limit are checked before the code is compared (in constant time), so a dead code reveals
/// nothing.
pub(crate) fn take_code(
    u: &mut User,
    purpose: &str,
    attribute: Option<&str>,
    code: &str,
    now: u64,
) -> ApiResult<PendingCode> {
    let idx = u
        .codes
        .iter()
        .rposition(|c| {
            c.purpose == purpose && (attribute.is_none() || c.attribute.as_deref() == attribute)
        })
        .ok_or_else(code_mismatch)?;
    let pending = &mut u.codes[idx];
    if pending.failed_attempts >= MAX_CODE_FAILURES {
        return Err(ApiError::new(
            "LimitExceededException",
            "Attempt limit exceeded, please try after some time.",
        ));
    }
    if pending.expires_at <= now {
        return Err(crate::protocol::expired_code());
    }
    if !crate::util::ct_eq(&pending.code, code.trim()) {
        pending.failed_attempts += 1;
        return Err(code_mismatch());
    }
    Ok(u.codes.remove(idx))
}

/// What ForgotPassword / ResendConfirmationCode answer for an unknown name when the client has
/// `PreventUserExistenceErrors = ENABLED`: a delivery to a simulated destination (nothing sent).
fn simulated_delivery(st: &mut State, pool_id: &str, username: &str) -> Value {
    let channel = if username.starts_with('+') {
        "SMS"
    } else {
        "EMAIL"
    };
    let masked = super::auth::phantom_destination(st, pool_id, username, channel);
    let attribute = if channel == "SMS" {
        "phone_number"
    } else {
        "email"
    };
    json!({ "Destination": masked, "DeliveryMedium": channel, "AttributeName": attribute })
}

/// Resolves the client's pool and checks the SecretHash over the name typed. Returns the pool id
/// and whether the client hides unknown users (`PreventUserExistenceErrors = ENABLED`).
fn client_pool(
    st: &State,
    client_id: &str,
    username: &str,
    secret_hash: Option<&str>,
) -> ApiResult<(String, bool)> {
    let c = client(st, client_id)?;
    let p = pool(st, &c.pool_id)?;
    let mut names = vec![username.to_owned()];
    if let Ok(u) = user_ref(p, username) {
        names.extend(user_names(u));
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    check_secret_hash(c, secret_hash, &refs)?;
    Ok((c.pool_id.clone(), c.prevents_user_existence_errors()))
}

/// Whether `username` is unknown in the pool and the client hides that.
fn hidden_unknown(st: &State, pool_id: &str, username: &str, hides: bool) -> bool {
    hides && pool(st, pool_id).is_ok_and(|p| user_ref(p, username).is_err())
}

pub fn sign_up(app: &App, req: Req) -> ApiResult<Value> {
    let client_id = req.str("ClientId")?;
    let username = req.str("Username")?;
    let password = req.str("Password")?;
    let attrs = req.attributes("UserAttributes")?;
    let secret_hash = req.opt_str("SecretHash")?;
    let (pool_id, mut user) = {
        let st = app.lock();
        let (pool_id, _) = client_pool(&st, client_id, username, secret_hash)?;
        let p = pool(&st, &pool_id)?;
        check_password_policy(p, password)?;
        (
            pool_id,
            super::admin::new_user(p, username, &attrs, st.now())?,
        )
    };
    let (salt, verifier) = make_verifier(&pool_id, &user.username, password);
    user.salt_hex = salt;
    user.verifier_hex = verifier;
    let mut st = app.lock();
    let p = pool_mut(&mut st, &pool_id)?;
    if p.users.contains_key(&user.username) || super::find_username(p, username).is_some() {
        return Err(ApiError::new(
            "UsernameExistsException",
            "User already exists",
        ));
    }
    let target = delivery_target(p, &user);
    let (canonical, sub) = (user.username.clone(), user.sub.clone());
    p.users.insert(canonical.clone(), user);
    // SignUp's Session: ConfirmSignUp may be given it (then it must be this user's and client's).
    let session = super::auth::new_session(
        &mut st,
        sign_up_context(&pool_id, client_id, &canonical),
        SessionStep::SignUp,
    );
    let mut out = json!({ "UserConfirmed": false, "UserSub": sub, "Session": session });
    if let Some((channel, attr, dest)) = target {
        let details = issue_code(
            &mut st,
            &pool_id,
            &canonical,
            "SIGN_UP",
            channel,
            attr,
            &dest,
            CONFIRM_CODE_TTL,
        )?;
        if let Value::Object(m) = &mut out {
            m.insert("CodeDeliveryDetails".into(), details);
        }
    }
    Ok(out)
}

/// The context of a sign-up session: the user, bound to the client.
fn sign_up_context(pool_id: &str, client_id: &str, username: &str) -> AuthContext {
    AuthContext {
        pool_id: pool_id.to_owned(),
        client_id: client_id.to_owned(),
        username: username.to_owned(),
        ..AuthContext::default()
    }
}

/// ConfirmSignUp. An optional `Session` must be SignUp's session of this user and client, live
/// and unused (checked before the code, so a refused session leaves the code usable). Success
/// returns a new `Session` (with or without one in the request, as the API reference describes
/// it and as Amplify relies on) with which InitiateAuth `USER_AUTH` signs the user in.
pub fn confirm_sign_up(app: &App, req: Req) -> ApiResult<Value> {
    let client_id = req.str("ClientId")?;
    let username = req.str("Username")?;
    let code = req.str("ConfirmationCode")?;
    let secret_hash = req.opt_str("SecretHash")?;
    let session_id = req.opt_str("Session")?.filter(|s| !s.is_empty());
    let mut st = app.lock();
    let now = st.now();
    let (pool_id, hides) = client_pool(&st, client_id, username, secret_hash)?;
    if hidden_unknown(&st, &pool_id, username, hides) {
        return Err(code_mismatch());
    }
    let u = user_ref(pool(&st, &pool_id)?, username)?;
    if u.status != "UNCONFIRMED" {
        return Err(not_authorized(format!(
            "User cannot be confirmed. Current status is {}",
            u.status
        )));
    }
    let canonical = u.username.clone();
    if let Some(id) = session_id {
        super::auth::sign_up_session(
            &mut st,
            id,
            &SessionStep::SignUp,
            client_id,
            &pool_id,
            &canonical,
        )?;
    }
    let u = user_mut(pool_mut(&mut st, &pool_id)?, &canonical)?;
    let pending = take_code(u, "SIGN_UP", None, code, now)?;
    u.status = "CONFIRMED".into();
    if let Some(attr) = pending.attribute {
        u.attributes
            .insert(format!("{attr}_verified"), "true".into());
    }
    u.modified = now;
    if let Some(s) = session_id.and_then(|id| st.sessions.get_mut(id)) {
        s.used = true;
    }
    let session = super::auth::new_session(
        &mut st,
        sign_up_context(&pool_id, client_id, &canonical),
        SessionStep::SignUpConfirmed,
    );
    Ok(json!({ "Session": session }))
}

pub fn resend_confirmation_code(app: &App, req: Req) -> ApiResult<Value> {
    let client_id = req.str("ClientId")?;
    let username = req.str("Username")?;
    let secret_hash = req.opt_str("SecretHash")?;
    let mut st = app.lock();
    let (pool_id, hides) = client_pool(&st, client_id, username, secret_hash)?;
    if hidden_unknown(&st, &pool_id, username, hides) {
        let details = simulated_delivery(&mut st, &pool_id, username);
        return Ok(json!({ "CodeDeliveryDetails": details }));
    }
    let p = pool(&st, &pool_id)?;
    let u = user_ref(p, username)?;
    if u.status != "UNCONFIRMED" {
        return Err(invalid_parameter("User is already confirmed."));
    }
    let (channel, attr, dest) = delivery_target(p, u).ok_or_else(|| {
        invalid_parameter("User has no email or phone_number to deliver a code to")
    })?;
    let canonical = u.username.clone();
    let details = issue_code(
        &mut st,
        &pool_id,
        &canonical,
        "SIGN_UP",
        channel,
        attr,
        &dest,
        CONFIRM_CODE_TTL,
    )?;
    Ok(json!({ "CodeDeliveryDetails": details }))
}

pub fn forgot_password(app: &App, req: Req) -> ApiResult<Value> {
    let client_id = req.str("ClientId")?;
    let username = req.str("Username")?;
    let secret_hash = req.opt_str("SecretHash")?;
    let mut st = app.lock();
    let (pool_id, hides) = client_pool(&st, client_id, username, secret_hash)?;
    if hidden_unknown(&st, &pool_id, username, hides) {
        let details = simulated_delivery(&mut st, &pool_id, username);
        return Ok(json!({ "CodeDeliveryDetails": details }));
    }
    let p = pool(&st, &pool_id)?;
    let u = user_ref(p, username)?;
    let (channel, attr, dest) = delivery_target(p, u).ok_or_else(|| {
        invalid_parameter(
            "Cannot reset password for the user as there is no registered/verified email or phone_number",
        )
    })?;
    let canonical = u.username.clone();
    let details = issue_code(
        &mut st,
        &pool_id,
        &canonical,
        "FORGOT_PASSWORD",
        channel,
        attr,
        &dest,
        FORGOT_CODE_TTL,
    )?;
    Ok(json!({ "CodeDeliveryDetails": details }))
}

pub fn confirm_forgot_password(app: &App, req: Req) -> ApiResult<Value> {
    let client_id = req.str("ClientId")?;
    let username = req.str("Username")?;
    let code = req.str("ConfirmationCode")?;
    let password = req.str("Password")?;
    let secret_hash = req.opt_str("SecretHash")?;
    let (pool_id, canonical) = {
        let mut st = app.lock();
        let now = st.now();
        let (pool_id, hides) = client_pool(&st, client_id, username, secret_hash)?;
        check_password_policy(pool(&st, &pool_id)?, password)?;
        if hidden_unknown(&st, &pool_id, username, hides) {
            return Err(code_mismatch());
        }
        let u = user_mut(pool_mut(&mut st, &pool_id)?, username)?;
        take_code(u, "FORGOT_PASSWORD", None, code, now)?;
        (pool_id, u.username.clone())
    };
    let (salt, verifier) = make_verifier(&pool_id, &canonical, password);
    let mut st = app.lock();
    let now = st.now();
    let u = user_mut(pool_mut(&mut st, &pool_id)?, &canonical)?;
    u.salt_hex = salt;
    u.verifier_hex = verifier;
    if u.status == "RESET_REQUIRED" || u.status == "FORCE_CHANGE_PASSWORD" {
        u.status = "CONFIRMED".into();
    }
    u.modified = now;
    Ok(json!({}))
}
