//! Remembered devices: ConfirmDevice, UpdateDeviceStatus, List/Get/ForgetDevice and admin forms.

use cognito_auth_core::srp::Verifier;
use serde_json::{json, Value};

use super::tokens::authorize;
use super::{pool, pool_mut, user_ref, App};
use crate::protocol::{invalid_parameter, resource_not_found, user_not_found, ApiResult, Req};
use crate::state::{Device, State, User, REGION};

/// A device as GetDevice / ListDevices show it, with Cognito's seven attributes.
fn device_json(pool_id: &str, username: &str, d: &Device) -> Value {
    let owner = format!("{username}.{pool_id}");
    let arn = format!(
        "arn:aws:cognito-idp:{REGION}:123456789012:owner/{owner}/device/{}",
        d.key
    );
    let mut attrs = vec![json!({"Name": "device_status", "Value": "valid"})];
    if let Some(n) = &d.name {
        attrs.push(json!({"Name": "device_name", "Value": n}));
    }
    attrs.extend([
        json!({"Name": "dev:device_arn", "Value": arn}),
        json!({"Name": "dev:device_owner", "Value": owner}),
        json!({"Name": "last_ip_used", "Value": d.last_ip}),
        json!({"Name": "dev:device_remembered_status",
               "Value": if d.remembered { "remembered" } else { "not_remembered" }}),
        json!({"Name": "dev:device_sdk", "Value": "aws-sdk"}),
    ]);
    json!({
        "DeviceKey": d.key,
        "DeviceAttributes": attrs,
        "DeviceCreateDate": d.created,
        "DeviceLastModifiedDate": d.modified,
        "DeviceLastAuthenticatedDate": d.last_authenticated,
    })
}

fn not_found() -> crate::protocol::ApiError {
    resource_not_found("Device does not exist.")
}

fn confirmed<'a>(u: &'a User, key: &str) -> ApiResult<&'a Device> {
    u.devices
        .get(key)
        .filter(|d| d.confirmed)
        .ok_or_else(not_found)
}

/// `Limit` of ListDevices / AdminListDevices: 0 to 60 (0 or absent: 60).
fn page_limit(req: Req) -> ApiResult<usize> {
    let bound = |value: i64, constraint: &str| {
        invalid_parameter(format!(
            "1 validation error detected: Value '{value}' at 'limit' failed to satisfy constraint: Member must have value {constraint}"
        ))
    };
    match req.opt_i64("Limit")? {
        None | Some(0) => Ok(60),
        Some(l) if l > 60 => Err(bound(l, "less than or equal to 60")),
        Some(l) if l < 0 => Err(bound(l, "greater than or equal to 0")),
        Some(l) => Ok(l as usize),
    }
}

/// Where a page ended: the last device returned, as `<created>.<key>`. The next page starts
/// strictly after that place, so forgetting devices between pages neither skips nor repeats one.
fn page_token(d: &Device) -> String {
    format!("{}.{}", d.created, d.key)
}

fn list(pool_id: &str, u: &User, req: Req) -> ApiResult<Value> {
    let limit = page_limit(req)?;
    let mut devices: Vec<&Device> = u.devices.values().filter(|d| d.confirmed).collect();
    devices.sort_by(|a, b| (a.created, &a.key).cmp(&(b.created, &b.key)));
    let start = match req.opt_str("PaginationToken")? {
        None => 0,
        Some(t) => {
            let (created, key) = t
                .split_once('.')
                .and_then(|(c, k)| Some((c.parse::<u64>().ok()?, k)))
                .filter(|(_, k)| !k.is_empty())
                .ok_or_else(|| invalid_parameter("Invalid pagination token"))?;
            devices
                .iter()
                .position(|d| (d.created, d.key.as_str()) > (created, key))
                .unwrap_or(devices.len())
        }
    };
    let page: Vec<&Device> = devices.iter().skip(start).take(limit).copied().collect();
    let mut out = json!({ "Devices": page.iter().map(|d| device_json(pool_id, &u.username, d)).collect::<Vec<_>>() });
    if let (Some(last), true, Value::Object(m)) =
        (page.last(), start + page.len() < devices.len(), &mut out)
    {
        m.insert("PaginationToken".into(), json!(page_token(last)));
    }
    Ok(out)
}

/// The user an access token belongs to, mutable.
fn token_user<'a>(
    app: &App,
    st: &'a mut State,
    token: &str,
) -> ApiResult<(String, &'a mut User, Value)> {
    let (pool_id, username, claims) = authorize(app, st, token)?;
    let u = pool_mut(st, &pool_id)?
        .users
        .get_mut(&username)
        .ok_or_else(user_not_found)?;
    Ok((pool_id, u, claims))
}

pub fn confirm_device(app: &App, req: Req) -> ApiResult<Value> {
    let token = req.str("AccessToken")?;
    let key = req.str("DeviceKey")?;
    let name = req.opt_str("DeviceName")?;
    let cfg = req.opt_obj("DeviceSecretVerifierConfig")?.ok_or_else(|| {
        invalid_parameter("Missing required parameter DeviceSecretVerifierConfig")
    })?;
    let verifier = Verifier::from_base64(cfg.str("Salt")?, cfg.str("PasswordVerifier")?)
        .map_err(|e| invalid_parameter(e.to_string()))?;
    let mut st = app.lock();
    let now = st.now();
    let (pool_id, _, _) = authorize(app, &st, token)?;
    let prompt = pool(&st, &pool_id)?
        .device_configuration
        .as_ref()
        .map(|d| d.device_only_remembered_on_user_prompt)
        .ok_or_else(|| invalid_parameter("Device tracking is not enabled for this user pool"))?;
    let (_, u, _) = token_user(app, &mut st, token)?;
    let d = u.devices.get_mut(key).ok_or_else(not_found)?;
    d.salt_hex = verifier.salt_hex();
    d.verifier_hex = verifier.verifier_hex();
    d.name = name.map(str::to_owned);
    d.confirmed = true;
    d.remembered = !prompt;
    d.last_ip = super::caller_ip();
    d.modified = now;
    Ok(json!({ "UserConfirmationNecessary": prompt }))
}

fn parse_status(req: Req) -> ApiResult<bool> {
    match req.opt_str("DeviceRememberedStatus")? {
        Some("remembered") => Ok(true),
        Some("not_remembered") | None => Ok(false),
        Some(other) => Err(invalid_parameter(format!(
            "1 validation error detected: Value '{other}' at 'deviceRememberedStatus' failed to satisfy constraint: Member must satisfy enum value set: [remembered, not_remembered]"
        ))),
    }
}

pub fn update_device_status(app: &App, req: Req) -> ApiResult<Value> {
    let token = req.str("AccessToken")?;
    let key = req.str("DeviceKey")?;
    let remembered = parse_status(req)?;
    let mut st = app.lock();
    let now = st.now();
    let (_, u, _) = token_user(app, &mut st, token)?;
    let d = u
        .devices
        .get_mut(key)
        .filter(|d| d.confirmed)
        .ok_or_else(not_found)?;
    d.remembered = remembered;
    d.modified = now;
    Ok(json!({}))
}

pub fn list_devices(app: &App, req: Req) -> ApiResult<Value> {
    let token = req.str("AccessToken")?;
    let mut st = app.lock();
    let (pool_id, u, _) = token_user(app, &mut st, token)?;
    list(&pool_id, u, req)
}

pub fn get_device(app: &App, req: Req) -> ApiResult<Value> {
    let token = req.str("AccessToken")?;
    let mut st = app.lock();
    let (pool_id, u, claims) = token_user(app, &mut st, token)?;
    let key = match req.opt_str("DeviceKey")? {
        Some(k) => k.to_owned(),
        None => claims
            .get("device_key")
            .and_then(Value::as_str)
            .ok_or_else(not_found)?
            .to_owned(),
    };
    let d = confirmed(u, &key)?;
    Ok(json!({ "Device": device_json(&pool_id, &u.username, d) }))
}

fn forget(st: &mut State, pool_id: &str, username: &str, key: &str) -> ApiResult<()> {
    let u = pool_mut(st, pool_id)?
        .users
        .get_mut(username)
        .ok_or_else(user_not_found)?;
    u.devices.remove(key).ok_or_else(not_found)?;
    st.refresh_tokens
        .retain(|_, r| r.device_key.as_deref() != Some(key));
    Ok(())
}

pub fn forget_device(app: &App, req: Req) -> ApiResult<Value> {
    let token = req.opt_str("AccessToken")?;
    let mut st = app.lock();
    let (pool_id, username, claims) = match token {
        Some(t) => authorize(app, &st, t)?,
        None => return Err(invalid_parameter("Missing required parameter AccessToken")),
    };
    let key = match req.opt_str("DeviceKey")? {
        Some(k) => k.to_owned(),
        None => claims
            .get("device_key")
            .and_then(Value::as_str)
            .ok_or_else(not_found)?
            .to_owned(),
    };
    forget(&mut st, &pool_id, &username, &key)?;
    Ok(json!({}))
}

pub fn admin_list_devices(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let st = app.lock();
    let u = user_ref(pool(&st, pool_id)?, username)?;
    list(pool_id, u, req)
}

pub fn admin_get_device(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let key = req.str("DeviceKey")?;
    let st = app.lock();
    let u = user_ref(pool(&st, pool_id)?, username)?;
    Ok(json!({ "Device": device_json(pool_id, &u.username, confirmed(u, key)?) }))
}

pub fn admin_forget_device(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let key = req.str("DeviceKey")?;
    let mut st = app.lock();
    let canonical = user_ref(pool(&st, pool_id)?, username)?.username.clone();
    forget(&mut st, pool_id, &canonical, key)?;
    Ok(json!({}))
}

pub fn admin_update_device_status(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let key = req.str("DeviceKey")?;
    let remembered = parse_status(req)?;
    let mut st = app.lock();
    let now = st.now();
    let u = super::user_mut(pool_mut(&mut st, pool_id)?, username)?;
    let d = u
        .devices
        .get_mut(key)
        .filter(|d| d.confirmed)
        .ok_or_else(not_found)?;
    d.remembered = remembered;
    d.modified = now;
    Ok(json!({}))
}
