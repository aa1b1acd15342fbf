//! Operations of a signed-in user (access token): GetUser, attributes, password, DeleteUser.

use serde_json::{json, Value};

use super::signup::{issue_code, take_code};
use super::tokens::authorize;
use super::{
    attributes_json, check_attributes, check_password_policy, make_verifier, mfa_json, pool,
    pool_mut, App,
};
use crate::protocol::{
    incorrect_password, invalid_parameter, user_not_found, ApiError, ApiResult, Req,
};
use crate::state::{Pool, CONFIRM_CODE_TTL};

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

/// `UserAttributeNames` of DeleteUserAttributes: required (a null list is refused), each name 1
/// to 32 characters of letters, marks, symbols, numbers or punctuation (the API's constraint).
/// The API model sets no minimum on the list itself, so an empty list is accepted (a no-op).
fn attribute_names(req: Req) -> ApiResult<Vec<String>> {
    const FIELD: &str = "userAttributeNames";
    if req.raw("UserAttributeNames").is_none() {
        return Err(invalid_parameter(format!(
            "1 validation error detected: Value null at '{FIELD}' failed to satisfy constraint: Member must not be null"
        )));
    }
    let names = req.str_list("UserAttributeNames")?;
    let bad = |n: &String| {
        let len = n.chars().count();
        !(1..=32).contains(&len) || n.chars().any(|c| c.is_whitespace() || c.is_control())
    };
    if names.iter().any(bad) {
        return Err(invalid_parameter(format!(
            "1 validation error detected: Value '[{}]' at '{FIELD}' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 32, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [\\p{{L}}\\p{{M}}\\p{{S}}\\p{{N}}\\p{{P}}]+]",
            names.join(", ")
        )));
    }
    Ok(names)
}

/// Whether the pool's `Schema` (as sent to CreateUserPool / UpdateUserPool) marks `name`
/// `Required`.
fn schema_requires(p: &Pool, name: &str) -> bool {
    p.extra
        .get("Schema")
        .and_then(Value::as_array)
        .is_some_and(|attrs| {
            attrs.iter().any(|a| {
                a.get("Name").and_then(Value::as_str) == Some(name)
                    && a.get("Required").and_then(Value::as_bool) == Some(true)
            })
        })
}

/// Why the signed-in user may not delete `name`, if they may not.
fn undeletable(p: &Pool, name: &str) -> Option<ApiError> {
    let refuse = |why: &str| Some(invalid_parameter(format!("user.{name}: {why}")));
    if name == "sub" || name.ends_with("_verified") {
        // `sub` is immutable; `email_verified` / `phone_number_verified` go with their attribute.
        return refuse("Attribute cannot be deleted.");
    }
    if check_attributes(&[(name.to_owned(), String::new())]).is_err() {
        return refuse("Attribute does not exist in the schema.");
    }
    if schema_requires(p, name) {
        return refuse("The attribute is required");
    }
    None
}

/// DeleteUserAttributes: removes the named attributes of the token's user. Names the user has no
/// value for are ignored; deleting `email` / `phone_number` also removes its `*_verified` flag
/// and any pending verification code for it. Nothing is deleted when one name is refused.
pub fn delete_user_attributes(app: &App, req: Req) -> ApiResult<Value> {
    let token = req.str("AccessToken")?;
    let names = attribute_names(req)?;
    let mut st = app.lock();
    let now = st.now();
    let (pool_id, username, _) = authorize(app, &st, token)?;
    let p = pool_mut(&mut st, &pool_id)?;
    if let Some(e) = names.iter().find_map(|n| undeletable(&*p, n)) {
        return Err(e);
    }
    let u = p.users.get_mut(&username).ok_or_else(user_not_found)?;
    for name in &names {
        if u.attributes.remove(name).is_none() {
            continue;
        }
        if name == "email" || name == "phone_number" {
            u.attributes.remove(&format!("{name}_verified"));
            u.codes.retain(|c| {
                !(c.purpose == "VERIFY_ATTRIBUTE" && c.attribute.as_deref() == Some(name))
            });
        }
        u.modified = now;
    }
    Ok(json!({}))
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
        st.revoke_origins(u.origins);
    }
    Ok(json!({}))
}
