//! Operations of a signed-in user (access token): GetUser, attributes, password, DeleteUser.

use serde_json::{json, Value};

use super::signup::{issue_code, take_code};
use super::tokens::authorize;
use super::{
    attributes_json, check_attributes, check_password_policy, make_verifier, mfa_json, pool,
    pool_mut, App,
};
use crate::protocol::{incorrect_password, invalid_parameter, user_not_found, ApiResult, Req};
use crate::state::CONFIRM_CODE_TTL;

pub fn get_user(app: &App, req: Req) -> ApiResult<Value> {
    let token = req.str("AccessToken")?;
    let st = app.lock();
    let (pool_id, username, _) = authorize(app, &st, token)?;
    let u = pool(&st, &pool_id)?
        .users
        .get(&username)
        .ok_or_else(user_not_found)?;
    let mut out = serde_json::Map::new();
    out.insert("Username".into(), json!(u.username));
    out.insert("UserAttributes".into(), attributes_json(u));
    mfa_json(u, &mut out);
    Ok(Value::Object(out))
}

fn channel_of(attr: &str) -> ApiResult<&'static str> {
    match attr {
        "email" => Ok("EMAIL"),
        "phone_number" => Ok("SMS"),
        _ => Err(invalid_parameter(format!(
            "Attribute {attr} cannot be verified"
        ))),
    }
}

pub fn update_user_attributes(app: &App, req: Req) -> ApiResult<Value> {
    let token = req.str("AccessToken")?;
    let attrs = req.attributes("UserAttributes")?;
    check_attributes(&attrs)?;
    let mut st = app.lock();
    let now = st.now();
    let (pool_id, username, _) = authorize(app, &st, token)?;
    let p = pool_mut(&mut st, &pool_id)?;
    let auto = p.auto_verified_attributes.clone();
    let u = p.users.get_mut(&username).ok_or_else(user_not_found)?;
    let mut to_verify = Vec::new();
    for (k, v) in attrs {
        if k.ends_with("_verified") {
            return Err(invalid_parameter(format!(
                "Cannot modify the non-mutable attribute {k}"
            )));
        }
        if (k == "email" || k == "phone_number") && u.attributes.get(&k) != Some(&v) {
            u.attributes.insert(format!("{k}_verified"), "false".into());
            if auto.contains(&k) {
                to_verify.push((k.clone(), v.clone()));
            }
        }
        u.attributes.insert(k, v);
    }
    u.modified = now;
    let mut details = Vec::new();
    for (attr, dest) in to_verify {
        let channel = channel_of(&attr)?;
        details.push(issue_code(
            &mut st,
            &pool_id,
            &username,
            "VERIFY_ATTRIBUTE",
            channel,
            &attr,
            &dest,
            CONFIRM_CODE_TTL,
        )?);
    }
    Ok(json!({ "CodeDeliveryDetailsList": details }))
}

pub fn get_user_attribute_verification_code(app: &App, req: Req) -> ApiResult<Value> {
    let token = req.str("AccessToken")?;
    let attr = req.str("AttributeName")?;
    let channel = channel_of(attr)?;
    let mut st = app.lock();
    let (pool_id, username, _) = authorize(app, &st, token)?;
    let dest = pool(&st, &pool_id)?
        .users
        .get(&username)
        .and_then(|u| u.attributes.get(attr).cloned())
        .ok_or_else(|| invalid_parameter(format!("User has no attribute {attr}")))?;
    let details = issue_code(
        &mut st,
        &pool_id,
        &username,
        "VERIFY_ATTRIBUTE",
        channel,
        attr,
        &dest,
        CONFIRM_CODE_TTL,
    )?;
    Ok(json!({ "CodeDeliveryDetails": details }))
}

pub fn verify_user_attribute(app: &App, req: Req) -> ApiResult<Value> {
    let token = req.str("AccessToken")?;
    let attr = req.str("AttributeName")?;
    let code = req.str("Code")?;
    let mut st = app.lock();
    let now = st.now();
    let (pool_id, username, _) = authorize(app, &st, token)?;
    let u = pool_mut(&mut st, &pool_id)?
        .users
        .get_mut(&username)
        .ok_or_else(user_not_found)?;
    take_code(u, "VERIFY_ATTRIBUTE", Some(attr), code, now)?;
    u.attributes
        .insert(format!("{attr}_verified"), "true".into());
    u.modified = now;
    Ok(json!({}))
}

pub fn change_password(app: &App, req: Req) -> ApiResult<Value> {
    let token = req.str("AccessToken")?;
    let previous = req.str("PreviousPassword")?;
    let proposed = req.str("ProposedPassword")?;
    let (pool_id, user) = {
        let st = app.lock();
        let (pool_id, username, _) = authorize(app, &st, token)?;
        let p = pool(&st, &pool_id)?;
        check_password_policy(p, proposed)?;
        let u = p.users.get(&username).ok_or_else(user_not_found)?.clone();
        (pool_id, u)
    };
    if !super::password_matches(&pool_id, &user, previous) {
        return Err(incorrect_password());
    }
    let (salt, verifier) = make_verifier(&pool_id, &user.username, proposed);
    let mut st = app.lock();
    let now = st.now();
    let u = pool_mut(&mut st, &pool_id)?
        .users
        .get_mut(&user.username)
        .ok_or_else(user_not_found)?;
    u.salt_hex = salt;
    u.verifier_hex = verifier;
    u.modified = now;
    Ok(json!({}))
}

pub fn delete_user(app: &App, req: Req) -> ApiResult<Value> {
    let token = req.str("AccessToken")?;
    let mut st = app.lock();
    let (pool_id, username, _) = authorize(app, &st, token)?;
    if let Some(u) = pool_mut(&mut st, &pool_id)?.users.remove(&username) {
        st.revoked_origins.extend(u.origins);
    }
    Ok(json!({}))
}
