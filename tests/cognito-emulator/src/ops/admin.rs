//! Administrator user operations (`Admin*`): create, password, confirm, get, update, delete,
//! enable / disable.

use serde_json::{json, Map, Value};

use super::{
    attributes_json, check_attributes, check_password_policy, find_username, make_verifier,
    mfa_json, pool, pool_mut, user_mut, user_ref, App,
};
use crate::protocol::{invalid_parameter, ApiError, ApiResult, Req};
use crate::state::{Pool, User};
use crate::util::{random_alnum, uuid_v4};

/// Builds a new user (no password yet) from the name typed and the attributes, checking
/// uniqueness. Returns the user with canonical username and sub set.
pub(crate) fn new_user(
    p: &Pool,
    username: &str,
    attrs: &[(String, String)],
    now: u64,
) -> ApiResult<User> {
    check_attributes(attrs)?;
    let sub = uuid_v4();
    let mut attributes: std::collections::BTreeMap<String, String> =
        attrs.iter().cloned().collect();
    let canonical = if p.username_attributes.is_empty() {
        if username.contains('@') && !p.alias_attributes.is_empty() {
            return Err(invalid_parameter(
                "Username should be either an email or a phone number.",
            ));
        }
        username.to_owned()
    } else {
        let attr = if username.contains('@') {
            "email"
        } else if username.starts_with('+') {
            "phone_number"
        } else {
            return Err(invalid_parameter(
                "Username should be either an email or a phone number.",
            ));
        };
        if !p.username_attributes.iter().any(|a| a == attr) {
            return Err(invalid_parameter(format!(
                "Username should be an {}.",
                p.username_attributes.join(" or ")
            )));
        }
        attributes.insert(attr.to_owned(), username.to_owned());
        sub.clone()
    };
    if find_username(p, username).is_some() || p.users.contains_key(&canonical) {
        return Err(ApiError::new(
            "UsernameExistsException",
            "User account already exists",
        ));
    }
    for attr in ["email", "phone_number"] {
        if !p.username_attributes.iter().any(|a| a == attr) {
            continue;
        }
        if let Some(v) = attributes.get(attr) {
            if p.users.values().any(|u| {
                u.attributes
                    .get(attr)
                    .is_some_and(|x| x.eq_ignore_ascii_case(v))
            }) {
                return Err(ApiError::new(
                    "UsernameExistsException",
                    format!("An account with the given {attr} already exists."),
                ));
            }
        }
    }
    Ok(User {
        username: canonical,
        sub,
        attributes,
        status: "UNCONFIRMED".into(),
        enabled: true,
        created: now,
        modified: now,
        ..User::default()
    })
}

pub(crate) fn user_json(u: &User, username_key: &str, attributes_key: &str) -> Value {
    let mut out = Map::new();
    out.insert(username_key.into(), json!(u.username));
    out.insert(attributes_key.into(), attributes_json(u));
    out.insert("UserCreateDate".into(), json!(u.created));
    out.insert("UserLastModifiedDate".into(), json!(u.modified));
    out.insert("Enabled".into(), json!(u.enabled));
    out.insert("UserStatus".into(), json!(u.status));
    Value::Object(out)
}

pub fn admin_create_user(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let attrs = req.attributes("UserAttributes")?;
    let action = req.opt_str("MessageAction")?;
    let temp = req.opt_str("TemporaryPassword")?.map(str::to_owned);
    let mut user = {
        let st = app.lock();
        let p = pool(&st, pool_id)?;
        if let Some(t) = &temp {
            check_password_policy(p, t)?;
        }
        if action == Some("RESEND") {
            // Re-sending an invitation is not emulated; the user must exist.
            user_ref(p, username)?;
            return Ok(
                json!({ "User": user_json(user_ref(p, username)?, "Username", "Attributes") }),
            );
        }
        let mut u = new_user(p, username, &attrs, st.now())?;
        u.status = "FORCE_CHANGE_PASSWORD".into();
        u
    };
    let temp = temp.unwrap_or_else(|| format!("Tmp{}!9a", random_alnum(8)));
    let (salt, verifier) = make_verifier(pool_id, &user.username, &temp);
    user.salt_hex = salt;
    user.verifier_hex = verifier;
    let mut st = app.lock();
    let p = pool_mut(&mut st, pool_id)?;
    if p.users.contains_key(&user.username) || find_username(p, username).is_some() {
        return Err(ApiError::new(
            "UsernameExistsException",
            "User account already exists",
        ));
    }
    let out = json!({ "User": user_json(&user, "Username", "Attributes") });
    let delivery = if action == Some("SUPPRESS") {
        None
    } else {
        super::delivery_target(p, &user)
    };
    let canonical = user.username.clone();
    p.users.insert(canonical.clone(), user);
    if let Some((channel, _, dest)) = delivery {
        // The invitation carries the temporary password in the `code` field.
        super::send(
            &mut st,
            pool_id,
            &canonical,
            channel,
            &dest,
            &temp,
            "INVITATION",
        );
    }
    Ok(out)
}

pub fn admin_set_user_password(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let password = req.str("Password")?;
    let permanent = req.opt_bool("Permanent")?.unwrap_or(false);
    let canonical = {
        let st = app.lock();
        let p = pool(&st, pool_id)?;
        check_password_policy(p, password)?;
        user_ref(p, username)?.username.clone()
    };
    let (salt, verifier) = make_verifier(pool_id, &canonical, password);
    let mut st = app.lock();
    let now = st.now();
    let u = user_mut(pool_mut(&mut st, pool_id)?, &canonical)?;
    u.salt_hex = salt;
    u.verifier_hex = verifier;
    u.status = if permanent {
        "CONFIRMED"
    } else {
        "FORCE_CHANGE_PASSWORD"
    }
    .into();
    u.lockouts = Default::default();
    u.modified = now;
    Ok(json!({}))
}

pub fn admin_confirm_sign_up(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let mut st = app.lock();
    let now = st.now();
    let u = user_mut(pool_mut(&mut st, pool_id)?, username)?;
    if u.status != "UNCONFIRMED" {
        return Err(crate::protocol::not_authorized(format!(
            "User cannot be confirmed. Current status is {}",
            u.status
        )));
    }
    u.status = "CONFIRMED".into();
    u.modified = now;
    Ok(json!({}))
}

pub fn admin_get_user(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let st = app.lock();
    let u = user_ref(pool(&st, pool_id)?, username)?;
    let mut out = user_json(u, "Username", "UserAttributes");
    if let Value::Object(m) = &mut out {
        mfa_json(u, m);
    }
    Ok(out)
}

pub fn admin_update_user_attributes(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let attrs = req.attributes("UserAttributes")?;
    check_attributes(&attrs)?;
    let mut st = app.lock();
    let now = st.now();
    let u = user_mut(pool_mut(&mut st, pool_id)?, username)?;
    for (k, v) in attrs {
        u.attributes.insert(k, v);
    }
    u.modified = now;
    Ok(json!({}))
}

pub fn admin_delete_user(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let mut st = app.lock();
    let p = pool_mut(&mut st, pool_id)?;
    let canonical = user_ref(p, username)?.username.clone();
    if let Some(u) = p.users.remove(&canonical) {
        st.revoke_origins(u.origins);
    }
    Ok(json!({}))
}

pub fn admin_enable_user(app: &App, req: Req, enabled: bool) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let mut st = app.lock();
    let now = st.now();
    let u = user_mut(pool_mut(&mut st, pool_id)?, username)?;
    u.enabled = enabled;
    u.modified = now;
    Ok(json!({}))
}
