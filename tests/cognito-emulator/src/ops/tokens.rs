//! Token issuance, refresh, access-token checks, sign-out and revocation.

use serde_json::{json, Map, Value};

use super::{check_secret_hash, client, pool, pool_mut, user_names, user_ref, App};
use crate::protocol::{
    invalid_parameter, not_authorized, user_not_found, ApiError, ApiResult, Req,
};
use crate::state::{AuthContext, Device, RefreshRecord, State, REFRESH_TTL, REGION, TOKEN_TTL};
use crate::util::{opaque, random_alnum, uuid_v4};

/// How a refresh call proves the client.
pub(crate) enum ClientProof<'a> {
    /// `AuthParameters.SECRET_HASH` (InitiateAuth).
    SecretHash(Option<&'a str>),
    /// `ClientSecret` (GetTokensFromRefreshToken).
    ClientSecret(Option<&'a str>),
}

/// Who a pair of tokens is for.
struct Grant<'a> {
    pool_id: &'a str,
    client_id: &'a str,
    username: &'a str,
    device_key: Option<&'a str>,
    origin_jti: &'a str,
    auth_time: u64,
}

/// Signs the ID and access tokens of a user.
fn sign_tokens(app: &App, st: &State, g: Grant) -> ApiResult<(String, String)> {
    let Grant {
        pool_id,
        client_id,
        username,
        device_key,
        origin_jti,
        auth_time,
    } = g;
    let now = st.now();
    let u = pool(st, pool_id)?
        .users
        .get(username)
        .ok_or_else(user_not_found)?;
    let iss = app.issuer(pool_id);
    let event_id = uuid_v4();
    let mut id = Map::new();
    id.insert("sub".into(), json!(u.sub));
    for (k, v) in &u.attributes {
        let value = if k.ends_with("_verified") {
            json!(v == "true")
        } else {
            json!(v)
        };
        id.insert(k.clone(), value);
    }
    let common = json!({
        "iss": iss,
        "origin_jti": origin_jti,
        "event_id": event_id,
        "auth_time": auth_time,
        "iat": now,
        "exp": now + TOKEN_TTL,
    });
    if let Value::Object(c) = &common {
        id.extend(c.clone());
    }
    id.insert("cognito:username".into(), json!(u.username));
    id.insert("aud".into(), json!(client_id));
    id.insert("token_use".into(), json!("id"));
    id.insert("jti".into(), json!(uuid_v4()));
    let mut access = Map::new();
    access.insert("sub".into(), json!(u.sub));
    if let Some(k) = device_key {
        access.insert("device_key".into(), json!(k));
    }
    if let Value::Object(c) = common {
        access.extend(c);
    }
    access.insert("client_id".into(), json!(client_id));
    access.insert("token_use".into(), json!("access"));
    access.insert("scope".into(), json!("aws.cognito.signin.user.admin"));
    access.insert("jti".into(), json!(uuid_v4()));
    access.insert("username".into(), json!(u.username));
    Ok((
        app.keys.id.sign(&Value::Object(id)),
        app.keys.access.sign(&Value::Object(access)),
    ))
}

/// The `AuthenticationResult` of a completed sign-in.
pub(crate) fn sign_in_result(app: &App, st: &mut State, mut ctx: AuthContext) -> ApiResult<Value> {
    let now = st.now();
    let devices_on = pool(st, &ctx.pool_id)?.device_configuration.is_some();
    let mut new_device = None;
    if devices_on && ctx.device_key.is_none() {
        let key = format!("{REGION}_{}", uuid_v4());
        let group = format!("-{}", random_alnum(9));
        new_device = Some((key.clone(), group.clone()));
        ctx.device_key = Some(key.clone());
        let u = pool_mut(st, &ctx.pool_id)?
            .users
            .get_mut(&ctx.username)
            .ok_or_else(user_not_found)?;
        // Devices issued but never confirmed are dropped after a day.
        u.devices
            .retain(|_, d| d.confirmed || d.created + 24 * 3600 > now);
        u.devices.insert(
            key.clone(),
            Device {
                key,
                group_key: group,
                created: now,
                modified: now,
                last_authenticated: now,
                ..Device::default()
            },
        );
    }
    if let Some(key) = &ctx.device_key {
        let ip = super::caller_ip();
        if let Some(d) = pool_mut(st, &ctx.pool_id)?
            .users
            .get_mut(&ctx.username)
            .and_then(|u| u.devices.get_mut(key))
        {
            d.last_ip = ip;
        }
    }
    let origin_jti = uuid_v4();
    let (id_token, access_token) = sign_tokens(
        app,
        st,
        Grant {
            pool_id: &ctx.pool_id,
            client_id: &ctx.client_id,
            username: &ctx.username,
            device_key: ctx.device_key.as_deref(),
            origin_jti: &origin_jti,
            auth_time: now,
        },
    )?;
    let refresh = opaque(192);
    st.refresh_tokens.insert(
        refresh.clone(),
        RefreshRecord {
            pool_id: ctx.pool_id.clone(),
            client_id: ctx.client_id.clone(),
            username: ctx.username.clone(),
            device_key: ctx.device_key.clone(),
            origin_jti: origin_jti.clone(),
            auth_time: now,
            expires_at: now + REFRESH_TTL,
        },
    );
    if let Some(u) = pool_mut(st, &ctx.pool_id)?.users.get_mut(&ctx.username) {
        u.origins.push(origin_jti);
        if u.origins.len() > 1000 {
            u.origins.drain(..100);
        }
    }
    let mut result = json!({
        "AccessToken": access_token,
        "ExpiresIn": TOKEN_TTL,
        "TokenType": "Bearer",
        "RefreshToken": refresh,
        "IdToken": id_token,
    });
    if let (Some((key, group)), Value::Object(m)) = (new_device, &mut result) {
        m.insert(
            "NewDeviceMetadata".into(),
            json!({ "DeviceKey": key, "DeviceGroupKey": group }),
        );
    }
    Ok(json!({ "AuthenticationResult": result, "ChallengeParameters": {} }))
}

/// New ID and access tokens for a refresh token.
pub(crate) fn refresh(
    app: &App,
    client_id: &str,
    token: &str,
    device_key: Option<&str>,
    proof: ClientProof,
) -> ApiResult<Value> {
    let st = app.lock();
    let now = st.now();
    let c = client(&st, client_id)?;
    let invalid = || not_authorized("Invalid Refresh Token");
    let r = st.refresh_tokens.get(token).ok_or_else(invalid)?;
    if r.client_id != client_id {
        return Err(invalid());
    }
    if r.expires_at <= now {
        return Err(not_authorized("Refresh Token has expired"));
    }
    if st.is_revoked(&r.origin_jti) {
        return Err(not_authorized("Refresh Token has been revoked"));
    }
    let p = pool(&st, &r.pool_id)?;
    let u = p.users.get(&r.username).ok_or_else(user_not_found)?;
    if !u.enabled {
        return Err(not_authorized("User is disabled."));
    }
    match proof {
        ClientProof::SecretHash(h) => {
            let names = user_names(u);
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            check_secret_hash(c, h, &refs)?;
        }
        ClientProof::ClientSecret(s) => {
            if let Some(secret) = &c.secret {
                if !s.is_some_and(|s| crate::util::ct_eq(s, secret)) {
                    return Err(not_authorized(format!(
                        "Unable to verify secret hash for client {client_id}"
                    )));
                }
            }
        }
    }
    // A refresh token bound to a device needs that DEVICE_KEY and a confirmed device: Cognito
    // refuses the refresh token of a device that was never confirmed (NewDeviceMetadata
    // returned, ConfirmDevice not called), with or without DEVICE_KEY. ForgetDevice deletes the
    // refresh tokens bound to the device, so a missing device is an unconfirmed one since
    // dropped.
    let device_key = device_key.filter(|k| !k.is_empty());
    let mut bound_device = None;
    if let Some(k) = &r.device_key {
        match u.devices.get(k) {
            Some(d) if d.confirmed && device_key == Some(k.as_str()) => {
                bound_device = Some(k.clone());
            }
            _ => return Err(not_authorized("Invalid Refresh Token")),
        }
    } else if let Some(k) = device_key {
        // A token from a sign-in without a device, refreshed with a DEVICE_KEY: the key must
        // still be a confirmed device of the user (a forgotten or unknown key is refused, as
        // Cognito refuses a refresh whose device key does not fit). Without a device
        // configuration, DEVICE_KEY is ignored as everywhere else.
        let confirmed = u.devices.get(k).is_some_and(|d| d.confirmed);
        if p.device_configuration.is_some() && !confirmed {
            return Err(invalid());
        }
    }
    let (id_token, access_token) = sign_tokens(
        app,
        &st,
        Grant {
            pool_id: &r.pool_id,
            client_id,
            username: &r.username,
            device_key: bound_device.as_deref(),
            origin_jti: &r.origin_jti,
            auth_time: r.auth_time,
        },
    )?;
    Ok(json!({
        "AccessToken": access_token,
        "ExpiresIn": TOKEN_TTL,
        "TokenType": "Bearer",
        "IdToken": id_token,
    }))
}

/// Checks an access token; returns (pool id, canonical username, claims).
pub(crate) fn authorize(app: &App, st: &State, token: &str) -> ApiResult<(String, String, Value)> {
    let invalid = || not_authorized("Invalid Access Token");
    let claims = app.keys.access.verify(token).ok_or_else(invalid)?;
    if claims.get("token_use").and_then(Value::as_str) != Some("access") {
        return Err(invalid());
    }
    let exp = claims
        .get("exp")
        .and_then(Value::as_u64)
        .ok_or_else(invalid)?;
    if exp <= st.now() {
        return Err(not_authorized("Access Token has expired"));
    }
    let origin = claims
        .get("origin_jti")
        .and_then(Value::as_str)
        .ok_or_else(invalid)?;
    if st.is_revoked(origin) {
        return Err(not_authorized("Access Token has been revoked"));
    }
    let iss = claims
        .get("iss")
        .and_then(Value::as_str)
        .ok_or_else(invalid)?;
    let pool_id = iss.rsplit('/').next().unwrap_or_default().to_owned();
    let username = claims
        .get("username")
        .and_then(Value::as_str)
        .ok_or_else(invalid)?
        .to_owned();
    let p = pool(st, &pool_id).map_err(|_| invalid())?;
    if !p.users.contains_key(&username) {
        return Err(user_not_found());
    }
    Ok((pool_id, username, claims))
}

pub fn get_tokens_from_refresh_token(app: &App, req: Req) -> ApiResult<Value> {
    let token = req.str("RefreshToken")?;
    let client_id = req.str("ClientId")?;
    let secret = req.opt_str("ClientSecret")?;
    let device_key = req.opt_str("DeviceKey")?;
    let out = refresh(
        app,
        client_id,
        token,
        device_key,
        ClientProof::ClientSecret(secret),
    )?;
    Ok(json!({ "AuthenticationResult": out }))
}

fn sign_out(st: &mut State, pool_id: &str, username: &str) -> ApiResult<()> {
    let u = pool_mut(st, pool_id)?
        .users
        .get_mut(username)
        .ok_or_else(user_not_found)?;
    let origins = std::mem::take(&mut u.origins);
    st.revoke_origins(origins);
    Ok(())
}

pub fn global_sign_out(app: &App, req: Req) -> ApiResult<Value> {
    let token = req.str("AccessToken")?;
    let mut st = app.lock();
    let (pool_id, username, _) = authorize(app, &st, token)?;
    sign_out(&mut st, &pool_id, &username)?;
    Ok(json!({}))
}

pub fn admin_user_global_sign_out(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let username = req.str("Username")?;
    let mut st = app.lock();
    let canonical = user_ref(pool(&st, pool_id)?, username)?.username.clone();
    sign_out(&mut st, pool_id, &canonical)?;
    Ok(json!({}))
}

pub fn revoke_token(app: &App, req: Req) -> ApiResult<Value> {
    let token = req.str("Token")?;
    let client_id = req.str("ClientId")?;
    let secret = req.opt_str("ClientSecret")?;
    let mut st = app.lock();
    let c = client(&st, client_id)?;
    if let Some(s) = &c.secret {
        if !secret.is_some_and(|x| crate::util::ct_eq(x, s)) {
            return Err(not_authorized(format!(
                "Unable to verify secret hash for client {client_id}"
            )));
        }
    }
    if !c.token_revocation_enabled() {
        return Err(ApiError::new(
            "UnsupportedOperationException",
            "Token revocation is not enabled for this app client (EnableTokenRevocation is false).",
        ));
    }
    // Only refresh tokens are revoked; an ID or access token (a JWT) is refused.
    if token.split('.').count() == 3 && crate::tokens::decode_claims_unverified(token).is_some() {
        return Err(ApiError::new(
            "UnsupportedTokenTypeException",
            "Unsupported token type: RevokeToken takes a refresh token.",
        ));
    }
    let origin = match st.refresh_tokens.get(token) {
        Some(r) if r.client_id == client_id => r.origin_jti.clone(),
        Some(_) => return Err(invalid_parameter("Token does not belong to the client")),
        // Cognito answers success for an unknown token.
        None => return Ok(json!({})),
    };
    st.refresh_tokens.remove(token);
    st.revoke_origin(origin);
    Ok(json!({}))
}
