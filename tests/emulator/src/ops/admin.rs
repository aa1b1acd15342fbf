//! Pool, app-client and administrator user operations.

use serde_json::{json, Map, Value};

use super::{
    attributes_json, check_attributes, check_password_policy, client, find_username, make_verifier,
    mfa_json, pool, pool_arn, pool_mut, user_mut, user_ref, App,
};
use crate::protocol::{invalid_parameter, ApiError, ApiResult, Req};
use crate::state::{AppClient, DeviceConfiguration, PasswordPolicy, Pool, User, REGION};
use crate::util::{random_alnum, uuid_v4};

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
    });
    if let Value::Object(f) = fields {
        out.extend(f);
    }
    if let Some(s) = &c.secret {
        out.insert("ClientSecret".into(), json!(s));
    }
    Value::Object(out)
}

pub fn create_user_pool_client(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let name = req.str("ClientName")?;
    let generate_secret = req.opt_bool("GenerateSecret")?.unwrap_or(false);
    let mut flows = req.str_list("ExplicitAuthFlows")?;
    if req.raw("ExplicitAuthFlows").is_none() {
        flows = vec![
            "ALLOW_USER_SRP_AUTH".into(),
            "ALLOW_REFRESH_TOKEN_AUTH".into(),
            "ALLOW_CUSTOM_AUTH".into(),
        ];
    }
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
        extra: extra_fields(
            req,
            &[
                "ReadAttributes",
                "WriteAttributes",
                "PreventUserExistenceErrors",
                "EnableTokenRevocation",
                "SupportedIdentityProviders",
                "CallbackURLs",
                "AllowedOAuthFlows",
                "AllowedOAuthScopes",
            ],
        ),
    };
    let out = json!({ "UserPoolClient": client_json(&c) });
    st.clients.insert(c.id.clone(), c);
    Ok(out)
}

pub fn describe_user_pool_client(app: &App, req: Req) -> ApiResult<Value> {
    let pool_id = req.str("UserPoolId")?;
    let client_id = req.str("ClientId")?;
    let st = app.lock();
    pool(&st, pool_id)?;
    let c = client(&st, client_id)?;
    if c.pool_id != pool_id {
        return Err(crate::protocol::resource_not_found(format!(
            "User pool client {client_id} does not exist."
        )));
    }
    Ok(json!({ "UserPoolClient": client_json(c) }))
}

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
    u.failed_attempts = 0;
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
        st.revoked_origins.extend(u.origins);
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
