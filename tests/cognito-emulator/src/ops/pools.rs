//! User pools and app clients: create, describe, update, delete.

use serde_json::{json, Map, Value};

use super::{pool, pool_arn, pool_mut, App};
use crate::protocol::{invalid_parameter, ApiResult, Req};
use crate::state::{AppClient, DeviceConfiguration, PasswordPolicy, Pool, REGION};
use crate::util::random_alnum;

fn parse_device_configuration(req: Req) -> ApiResult<Option<DeviceConfiguration>> {
    Ok(match req.opt_obj("DeviceConfiguration")? {
        None => None,
        Some(d) => Some(DeviceConfiguration {
            challenge_required_on_new_device: d
                .opt_bool("ChallengeRequiredOnNewDevice")?
                .unwrap_or(false),
            device_only_remembered_on_user_prompt: d
                .opt_bool("DeviceOnlyRememberedOnUserPrompt")?
                .unwrap_or(false),
        }),
    })
}

fn parse_password_policy(req: Req) -> ApiResult<Option<PasswordPolicy>> {
    let Some(policies) = req.opt_obj("Policies")? else {
        return Ok(None);
    };
    let Some(p) = policies.opt_obj("PasswordPolicy")? else {
        return Ok(None);
    };
    let d = PasswordPolicy::default();
    Ok(Some(PasswordPolicy {
        minimum_length: p.opt_i64("MinimumLength")?.unwrap_or(d.minimum_length),
        require_uppercase: p.opt_bool("RequireUppercase")?.unwrap_or(false),
        require_lowercase: p.opt_bool("RequireLowercase")?.unwrap_or(false),
        require_numbers: p.opt_bool("RequireNumbers")?.unwrap_or(false),
        require_symbols: p.opt_bool("RequireSymbols")?.unwrap_or(false),
        temporary_password_validity_days: p
            .opt_i64("TemporaryPasswordValidityDays")?
            .unwrap_or(d.temporary_password_validity_days),
    }))
}

/// `Policies.SignInPolicy.AllowedFirstAuthFactors`, when sent.
fn parse_first_auth_factors(req: Req) -> ApiResult<Option<Vec<String>>> {
    let Some(policies) = req.opt_obj("Policies")? else {
        return Ok(None);
    };
    let Some(p) = policies.opt_obj("SignInPolicy")? else {
        return Ok(None);
    };
    if p.raw("AllowedFirstAuthFactors").is_none() {
        return Ok(None);
    }
    let factors = p.str_list("AllowedFirstAuthFactors")?;
    if factors.is_empty() || factors.len() > 4 {
        return Err(invalid_parameter(
            "1 validation error detected: Value at 'policies.signInPolicy.allowedFirstAuthFactors' failed to satisfy constraint: Member must have length between 1 and 4",
        ));
    }
    const KNOWN: &[&str] = &["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"];
    if let Some(bad) = factors.iter().find(|f| !KNOWN.contains(&f.as_str())) {
        return Err(invalid_parameter(format!(
            "1 validation error detected: Value '{bad}' at 'policies.signInPolicy.allowedFirstAuthFactors' failed to satisfy constraint: Member must satisfy enum value set: [PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN]"
        )));
    }
    let mut out: Vec<String> = Vec::new();
    for f in factors {
        if !out.contains(&f) {
            out.push(f);
        }
    }
    Ok(Some(out))
}

fn parse_mfa_configuration(req: Req) -> ApiResult<Option<String>> {
    match req.opt_str("MfaConfiguration")? {
        None => Ok(None),
        Some(m @ ("OFF" | "ON" | "OPTIONAL")) => Ok(Some(m.to_owned())),
        Some(_) => Err(invalid_parameter(
            "1 validation error detected: Value at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]",
        )),
    }
}

pub(crate) fn pool_json(p: &Pool) -> Value {
    let pp = &p.password_policy;
    let mut out: Map<String, Value> = p.extra.clone();
    let fields = json!({
        "Id": p.id,
        "Name": p.name,
        "Arn": pool_arn(&p.id),
        "CreationDate": p.created,
        "LastModifiedDate": p.modified,
        "MfaConfiguration": p.mfa_configuration,
        "EstimatedNumberOfUsers": p.users.len(),
        "Policies": { "PasswordPolicy": {
            "MinimumLength": pp.minimum_length,
            "RequireUppercase": pp.require_uppercase,
            "RequireLowercase": pp.require_lowercase,
            "RequireNumbers": pp.require_numbers,
            "RequireSymbols": pp.require_symbols,
            "TemporaryPasswordValidityDays": pp.temporary_password_validity_days,
        }, "SignInPolicy": { "AllowedFirstAuthFactors": p.first_auth_factors() }},
        "AutoVerifiedAttributes": p.auto_verified_attributes,
        "Domain": Value::Null,
    });
    if let Value::Object(f) = fields {
        out.extend(f);
    }
    out.remove("Domain");
    if !p.username_attributes.is_empty() {
        out.insert("UsernameAttributes".into(), json!(p.username_attributes));
    }
    if !p.alias_attributes.is_empty() {
        out.insert("AliasAttributes".into(), json!(p.alias_attributes));
    }
    if let Some(d) = &p.device_configuration {
        out.insert(
            "DeviceConfiguration".into(),
            json!({
                "ChallengeRequiredOnNewDevice": d.challenge_required_on_new_device,
                "DeviceOnlyRememberedOnUserPrompt": d.device_only_remembered_on_user_prompt,
            }),
        );
    }
    Value::Object(out)
}

fn extra_fields(req: Req, keys: &[&str]) -> Map<String, Value> {
    let mut m = Map::new();
    for k in keys {
        if let Some(v) = req.raw(k) {
            m.insert((*k).to_owned(), v.clone());
        }
    }
    m
}

const POOL_EXTRA: &[&str] = &[
    "UserPoolTags",
    "AdminCreateUserConfig",
    "UsernameConfiguration",
    "AccountRecoverySetting",
    "UserAttributeUpdateSettings",
    "EmailConfiguration",
    "SmsConfiguration",
    "LambdaConfig",
    "Schema",
    "DeletionProtection",
    "UserPoolAddOns",
    "VerificationMessageTemplate",
];

pub fn create_user_pool(app: &App, req: Req) -> ApiResult<Value> {
    let name = req.str("PoolName")?;
    let mfa = parse_mfa_configuration(req)?.unwrap_or_else(|| "OFF".to_owned());
    let username_attributes = req.str_list("UsernameAttributes")?;
    let alias_attributes = req.str_list("AliasAttributes")?;
    if !username_attributes.is_empty() && !alias_attributes.is_empty() {
        return Err(invalid_parameter(
            "UsernameAttributes and AliasAttributes cannot be set at the same time",
        ));
    }
    for a in &username_attributes {
        if a != "email" && a != "phone_number" {
            return Err(invalid_parameter(format!(
                "Invalid UsernameAttributes value {a}"
            )));
        }
    }
    let mut st = app.lock();
    let now = st.now();
    let id = format!("{REGION}_{}", random_alnum(9));
    let p = Pool {
        id: id.clone(),
        name: name.to_owned(),
        created: now,
        modified: now,
        // Cognito needs an SMS configuration to turn MFA on at creation; the emulator enables
        // SMS MFA then. TOTP and e-mail MFA need SetUserPoolMfaConfig, as in Cognito.
        sms_mfa_enabled: mfa != "OFF",
        mfa_configuration: mfa,
        totp_enabled: false,
        email_mfa_enabled: false,
        device_configuration: parse_device_configuration(req)?,
        password_policy: parse_password_policy(req)?.unwrap_or_default(),
        username_attributes,
        alias_attributes,
        auto_verified_attributes: req.str_list("AutoVerifiedAttributes")?,
        allowed_first_auth_factors: parse_first_auth_factors(req)?,
        custom_auth: None,
        web_authn: None,
        extra: extra_fields(req, POOL_EXTRA),
        users: Default::default(),
    };
    let out = json!({ "UserPool": pool_json(&p) });
    st.pools.insert(id, p);
    Ok(out)
}

pub fn describe_user_pool(app: &App, req: Req) -> ApiResult<Value> {
    let id = req.str("UserPoolId")?;
    let st = app.lock();
    Ok(json!({ "UserPool": pool_json(pool(&st, id)?) }))
}

pub fn update_user_pool(app: &App, req: Req) -> ApiResult<Value> {
    let id = req.str("UserPoolId")?;
    let mfa = parse_mfa_configuration(req)?;
    let devices = parse_device_configuration(req)?;
    let policy = parse_password_policy(req)?;
    let factors = parse_first_auth_factors(req)?;
    let auto = req.raw("AutoVerifiedAttributes").is_some();
    let auto_list = req.str_list("AutoVerifiedAttributes")?;
    let extra = extra_fields(req, POOL_EXTRA);
    let mut st = app.lock();
    let now = st.now();
    let p = pool_mut(&mut st, id)?;
    if let Some(m) = mfa {
        if m != "OFF" && !p.sms_mfa_enabled && !p.totp_enabled && !p.email_mfa_enabled {
            p.sms_mfa_enabled = true;
        }
        p.mfa_configuration = m;
    }
    // Unlike Cognito (which resets omitted settings to defaults), only the fields sent change.
    if devices.is_some() {
        p.device_configuration = devices;
    }
    if let Some(pp) = policy {
        p.password_policy = pp;
    }
    if factors.is_some() {
        p.allowed_first_auth_factors = factors;
    }
    if auto {
        p.auto_verified_attributes = auto_list;
    }
    p.extra.extend(extra);
    p.modified = now;
    Ok(json!({}))
}

pub fn delete_user_pool(app: &App, req: Req) -> ApiResult<Value> {
    let id = req.str("UserPoolId")?;
    let mut st = app.lock();
    pool(&st, id)?;
    st.pools.remove(id);
    st.clients.retain(|_, c| c.pool_id != id);
    Ok(json!({}))
}

fn client_json(c: &AppClient) -> Value {
    let mut out = c.extra.clone();
    let fields = json!({
        "UserPoolId": c.pool_id,
        "ClientName": c.name,
        "ClientId": c.id,
        "CreationDate": c.created,
        "LastModifiedDate": c.modified,
        "ExplicitAuthFlows": c.explicit_auth_flows,
        "RefreshTokenValidity": 30,
        "TokenValidityUnits": {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"},
        "AccessTokenValidity": 1,
        "IdTokenValidity": 1,
        "AuthSessionValidity": c.session_ttl() / 60,
        "EnableTokenRevocation": c.token_revocation_enabled(),
        "PreventUserExistenceErrors":
            if c.prevents_user_existence_errors() { "ENABLED" } else { "LEGACY" },
    });
    if let Value::Object(f) = fields {
        out.extend(f);
    }
    if let Some(s) = &c.secret {
        out.insert("ClientSecret".into(), json!(s));
    }
    Value::Object(out)
}

/// The app client settings kept as sent (and echoed by DescribeUserPoolClient); the ones the
/// emulator acts on are checked here: `PreventUserExistenceErrors` (`ENABLED` / `LEGACY`),
/// `AuthSessionValidity` (3-15 minutes), `EnableTokenRevocation`.
fn client_settings(req: Req) -> ApiResult<Map<String, Value>> {
    match req.opt_str("PreventUserExistenceErrors")? {
        None | Some("ENABLED" | "LEGACY") => {}
        Some(other) => {
            return Err(invalid_parameter(format!(
                "1 validation error detected: Value '{other}' at 'preventUserExistenceErrors' failed to satisfy constraint: Member must satisfy enum value set: [LEGACY, ENABLED]"
            )))
        }
    }
    if let Some(m) = req.opt_i64("AuthSessionValidity")? {
        if !(3..=15).contains(&m) {
            let bound = if m < 3 {
                "greater than or equal to 3"
            } else {
                "less than or equal to 15"
            };
            return Err(invalid_parameter(format!(
                "1 validation error detected: Value '{m}' at 'authSessionValidity' failed to satisfy constraint: Member must have value {bound}"
            )));
        }
    }
    req.opt_bool("EnableTokenRevocation")?;
    Ok(extra_fields(
        req,
        &[
            "ReadAttributes",
            "WriteAttributes",
            "PreventUserExistenceErrors",
            "EnableTokenRevocation",
            "AuthSessionValidity",
            "SupportedIdentityProviders",
            "CallbackURLs",
            "AllowedOAuthFlows",
            "AllowedOAuthScopes",
        ],
    ))
}

/// `ExplicitAuthFlows` as sent, or Cognito's default (SRP, refresh, custom) when omitted.
fn explicit_auth_flows(req: Req) -> ApiResult<Vec<String>> {
    if req.raw("ExplicitAuthFlows").is_none() {
        return Ok(vec![
            "ALLOW_USER_SRP_AUTH".into(),
            "ALLOW_REFRESH_TOKEN_AUTH".into(),
            "ALLOW_CUSTOM_AUTH".into(),
        ]);
    }
    let flows = req.str_list("ExplicitAuthFlows")?;
    const KNOWN: &[&str] = &[
        "ADMIN_NO_SRP_AUTH",
        "CUSTOM_AUTH_FLOW_ONLY",
        "USER_PASSWORD_AUTH",
        "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        "ALLOW_CUSTOM_AUTH",
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_AUTH",
    ];
    if let Some(bad) = flows.iter().find(|f| !KNOWN.contains(&f.as_str())) {
        return Err(invalid_parameter(format!(
            "Invalid ExplicitAuthFlows value {bad}"
        )));
    }
    Ok(flows)
}

pub fn create_user_pool_client(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let name = req.str("ClientName")?;
    let generate_secret = req.opt_bool("GenerateSecret")?.unwrap_or(false);
    let flows = explicit_auth_flows(req)?;
    let extra = client_settings(req)?;
    let mut st = app.lock();
    pool(&st, pool_id)?;
    let now = st.now();
    let c = AppClient {
        id: random_alnum(26).to_lowercase(),
        pool_id: pool_id.to_owned(),
        name: name.to_owned(),
        secret: generate_secret.then(|| random_alnum(51).to_lowercase()),
        explicit_auth_flows: flows,
        created: now,
        modified: now,
        extra,
    };
    let out = json!({ "UserPoolClient": client_json(&c) });
    st.clients.insert(c.id.clone(), c);
    Ok(out)
}

/// The client `client_id` of `pool_id` (a client of another pool does not exist here).
fn pool_client<'a>(
    st: &'a mut crate::state::State,
    pool_id: &str,
    client_id: &str,
) -> ApiResult<&'a mut AppClient> {
    pool(st, pool_id)?;
    st.clients
        .get_mut(client_id)
        .filter(|c| c.pool_id == pool_id)
        .ok_or_else(|| {
            crate::protocol::resource_not_found(format!(
                "User pool client {client_id} does not exist."
            ))
        })
}

pub fn describe_user_pool_client(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let client_id = req.str("ClientId")?;
    let mut st = app.lock();
    let c = pool_client(&mut st, pool_id, client_id)?;
    Ok(json!({ "UserPoolClient": client_json(c) }))
}

/// As in Cognito, every setting not sent goes back to its default (the name and the secret
/// stay).
pub fn update_user_pool_client(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let client_id = req.str("ClientId")?;
    let flows = explicit_auth_flows(req)?;
    let extra = client_settings(req)?;
    let name = req.opt_str("ClientName")?.filter(|n| !n.is_empty());
    let mut st = app.lock();
    let now = st.now();
    let c = pool_client(&mut st, pool_id, client_id)?;
    if let Some(n) = name {
        c.name = n.to_owned();
    }
    c.explicit_auth_flows = flows;
    c.extra = extra;
    c.modified = now;
    Ok(json!({ "UserPoolClient": client_json(c) }))
}
