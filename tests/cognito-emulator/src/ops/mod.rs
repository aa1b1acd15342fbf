//! Cognito operations, one file per family, and the helpers they share.

mod admin;
mod auth;
mod devices;
mod mfa;
mod pools;
mod signup;
mod tokens;
mod user;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use cognito_auth_core::srp::{secret_hash, SrpIdentity, Verifier};
use serde_json::{json, Value};

use crate::protocol::{
    invalid_parameter, not_authorized, resource_not_found, user_not_found, ApiError, ApiResult, Req,
};
use crate::state::{AppClient, Message, Pool, State, User, REGION};
use crate::tokens::TokenKeys;

/// Shared server state.
pub struct App {
    state: Mutex<State>,
    pub(crate) keys: TokenKeys,
    pub(crate) endpoint: OnceLock<String>,
    state_file: Option<PathBuf>,
    pub(crate) lenient_device_session: bool,
    /// `iss` is `https://cognito-idp.us-east-1.amazonaws.com/<pool id>`, as Cognito's.
    cognito_issuer: bool,
    /// Host check and token (see `guard.rs`).
    pub(crate) guard: crate::guard::Guard,
    /// Handlers running at once: one per core. Handlers are CPU-bound (SRP, RSA), so more
    /// threads only share the cores out (every request in flight slows down together, and the
    /// clients on the same machine starve); with this, requests finish in arrival order.
    pub(crate) workers: Arc<tokio::sync::Semaphore>,
    /// The call log: requests received per operation name since start (or the last reset),
    /// for `/_emulator/calls`. Per process; never persisted.
    pub(crate) calls: Mutex<BTreeMap<String, u64>>,
    /// The secrets that crossed the API, for `/_emulator/secrets`. Per process; never persisted.
    pub(crate) secrets: Mutex<crate::secrets::Seen>,
}

impl App {
    pub(crate) fn new(
        state: State,
        keys: TokenKeys,
        state_file: Option<PathBuf>,
        config: &crate::EmulatorConfig,
    ) -> App {
        App {
            state: Mutex::new(state),
            keys,
            endpoint: OnceLock::new(),
            state_file,
            lenient_device_session: config.lenient_device_session,
            cognito_issuer: config.cognito_issuer,
            guard: crate::guard::Guard {
                allowed_hosts: config.allowed_hosts.clone(),
                token: config.admin_token.clone().filter(|t| !t.is_empty()),
            },
            workers: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
            calls: Mutex::new(BTreeMap::new()),
            secrets: Mutex::new(crate::secrets::Seen::default()),
        }
    }

    /// Keeps the secrets in a request or response body (see [`crate::secrets`]).
    pub(crate) fn record_secrets(&self, body: &Value) {
        self.secrets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .record(body);
    }

    /// Counts one request of `operation` in the call log.
    pub(crate) fn count_call(&self, operation: &str) {
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        *calls.entry(operation.to_owned()).or_insert(0) += 1;
    }

    /// Locks the state (a poisoned lock is recovered: handlers never leave it half-written).
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes the state file, if any.
    pub(crate) fn persist(&self, st: &State) {
        if let Some(path) = &self.state_file {
            if let Err(e) = crate::persist::save(path, st) {
                eprintln!("cognito-emulator: cannot write state file: {e}");
            }
        }
    }

    /// `iss` of a pool's tokens.
    pub(crate) fn issuer(&self, pool_id: &str) -> String {
        if self.cognito_issuer {
            return format!("https://cognito-idp.{REGION}.amazonaws.com/{pool_id}");
        }
        format!("{}/{pool_id}", self.base_url())
    }

    /// `http://HOST:PORT` of this emulator.
    pub(crate) fn base_url(&self) -> String {
        self.endpoint
            .get()
            .cloned()
            .unwrap_or_else(|| "http://127.0.0.1".to_owned())
    }
}

fn is_read_only(op: &str) -> bool {
    (op.starts_with("Describe")
        || op.starts_with("List")
        || op.starts_with("AdminList")
        || op.starts_with("AdminGet")
        || op == "GetUser"
        || op == "GetUserPoolMfaConfig"
        || op == "GetDevice")
        && op != "GetUserAttributeVerificationCode"
}

thread_local! {
    /// The client address of the call this thread is running (see [`caller_ip`]).
    static CALLER_IP: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// The client address of the call being handled (a device's `last_ip_used`).
pub(crate) fn caller_ip() -> String {
    CALLER_IP.with(|ip| ip.borrow().clone())
}

/// Runs one operation from the client at `peer`. Synchronous: called on a blocking thread.
pub fn dispatch(app: &App, op: &str, body: &Value, peer: std::net::IpAddr) -> ApiResult<Value> {
    CALLER_IP.with(|ip| *ip.borrow_mut() = peer.to_string());
    let out = run(app, op, body);
    CALLER_IP.with(|ip| ip.borrow_mut().clear());
    out
}

fn run(app: &App, op: &str, body: &Value) -> ApiResult<Value> {
    let req = Req::new(body)?;
    let out = match op {
        "CreateUserPool" => pools::create_user_pool(app, req),
        "DescribeUserPool" => pools::describe_user_pool(app, req),
        "UpdateUserPool" => pools::update_user_pool(app, req),
        "DeleteUserPool" => pools::delete_user_pool(app, req),
        "CreateUserPoolClient" => pools::create_user_pool_client(app, req),
        "DescribeUserPoolClient" => pools::describe_user_pool_client(app, req),
        "UpdateUserPoolClient" => pools::update_user_pool_client(app, req),
        "SetUserPoolMfaConfig" => mfa::set_user_pool_mfa_config(app, req),
        "GetUserPoolMfaConfig" => mfa::get_user_pool_mfa_config(app, req),
        "AdminCreateUser" => admin::admin_create_user(app, req),
        "AdminSetUserPassword" => admin::admin_set_user_password(app, req),
        "AdminConfirmSignUp" => admin::admin_confirm_sign_up(app, req),
        "AdminGetUser" => admin::admin_get_user(app, req),
        "AdminUpdateUserAttributes" => admin::admin_update_user_attributes(app, req),
        "AdminSetUserMFAPreference" => mfa::admin_set_user_mfa_preference(app, req),
        "AdminDeleteSoftwareToken" => mfa::admin_delete_software_token(app, req),
        "AdminListDevices" => devices::admin_list_devices(app, req),
        "AdminGetDevice" => devices::admin_get_device(app, req),
        "AdminForgetDevice" => devices::admin_forget_device(app, req),
        "AdminUpdateDeviceStatus" => devices::admin_update_device_status(app, req),
        "AdminUserGlobalSignOut" => tokens::admin_user_global_sign_out(app, req),
        "AdminDeleteUser" => admin::admin_delete_user(app, req),
        "AdminDisableUser" => admin::admin_enable_user(app, req, false),
        "AdminEnableUser" => admin::admin_enable_user(app, req, true),
        "SignUp" => signup::sign_up(app, req),
        "ConfirmSignUp" => signup::confirm_sign_up(app, req),
        "ResendConfirmationCode" => signup::resend_confirmation_code(app, req),
        "ForgotPassword" => signup::forgot_password(app, req),
        "ConfirmForgotPassword" => signup::confirm_forgot_password(app, req),
        "InitiateAuth" => auth::initiate_auth(app, req),
        "RespondToAuthChallenge" => auth::respond_to_auth_challenge(app, req),
        "GetTokensFromRefreshToken" => tokens::get_tokens_from_refresh_token(app, req),
        "AssociateSoftwareToken" => mfa::associate_software_token(app, req),
        "VerifySoftwareToken" => mfa::verify_software_token(app, req),
        "SetUserMFAPreference" => mfa::set_user_mfa_preference(app, req),
        "GetUser" => user::get_user(app, req),
        "UpdateUserAttributes" => user::update_user_attributes(app, req),
        "DeleteUserAttributes" => user::delete_user_attributes(app, req),
        "GetUserAttributeVerificationCode" => user::get_user_attribute_verification_code(app, req),
        "VerifyUserAttribute" => user::verify_user_attribute(app, req),
        "ChangePassword" => user::change_password(app, req),
        "DeleteUser" => user::delete_user(app, req),
        "ConfirmDevice" => devices::confirm_device(app, req),
        "UpdateDeviceStatus" => devices::update_device_status(app, req),
        "ListDevices" => devices::list_devices(app, req),
        "GetDevice" => devices::get_device(app, req),
        "ForgetDevice" => devices::forget_device(app, req),
        "GlobalSignOut" => tokens::global_sign_out(app, req),
        "RevokeToken" => tokens::revoke_token(app, req),
        _ => Err(ApiError::new(
            "UnknownOperationException",
            format!("Unknown operation {op}"),
        )),
    };
    // Failed calls change state too (lockout and code-attempt counts), so they are saved as well.
    if app.state_file.is_some() && !is_read_only(op) {
        let mut st = app.lock();
        st.purge();
        app.persist(&st);
    }
    out
}

// ---- shared helpers -------------------------------------------------------------------------

pub(crate) fn client<'a>(st: &'a State, client_id: &str) -> ApiResult<&'a AppClient> {
    st.clients
        .get(client_id)
        .ok_or_else(|| resource_not_found(format!("User pool client {client_id} does not exist.")))
}

pub(crate) fn pool<'a>(st: &'a State, pool_id: &str) -> ApiResult<&'a Pool> {
    st.pools
        .get(pool_id)
        .ok_or_else(|| resource_not_found(format!("User pool {pool_id} does not exist.")))
}

pub(crate) fn pool_mut<'a>(st: &'a mut State, pool_id: &str) -> ApiResult<&'a mut Pool> {
    st.pools
        .get_mut(pool_id)
        .ok_or_else(|| resource_not_found(format!("User pool {pool_id} does not exist.")))
}

/// The canonical username for `name`: the username itself, or an alias (e-mail / phone used as
/// username, or a verified alias attribute).
pub(crate) fn find_username(pool: &Pool, name: &str) -> Option<String> {
    if pool.users.contains_key(name) {
        return Some(name.to_owned());
    }
    for attr in ["email", "phone_number"] {
        let as_username = pool.username_attributes.iter().any(|a| a == attr);
        let as_alias = pool.alias_attributes.iter().any(|a| a == attr);
        if !as_username && !as_alias {
            continue;
        }
        let verified_key = format!("{attr}_verified");
        let found = pool.users.values().find(|u| {
            let matches = u
                .attributes
                .get(attr)
                .is_some_and(|v| v.eq_ignore_ascii_case(name));
            let verified = u.attributes.get(&verified_key).is_some_and(|v| v == "true");
            matches && (as_username || verified)
        });
        if let Some(u) = found {
            return Some(u.username.clone());
        }
    }
    None
}

pub(crate) fn user_mut<'a>(pool: &'a mut Pool, name: &str) -> ApiResult<&'a mut User> {
    let username = find_username(pool, name).ok_or_else(user_not_found)?;
    pool.users.get_mut(&username).ok_or_else(user_not_found)
}

pub(crate) fn user_ref<'a>(pool: &'a Pool, name: &str) -> ApiResult<&'a User> {
    let username = find_username(pool, name).ok_or_else(user_not_found)?;
    pool.users.get(&username).ok_or_else(user_not_found)
}

/// Checks a SECRET_HASH when the client has a secret. `names` are the usernames the hash may be
/// computed over (the name typed, the canonical username, aliases).
pub(crate) fn check_secret_hash(
    client: &AppClient,
    provided: Option<&str>,
    names: &[&str],
) -> ApiResult<()> {
    let Some(secret) = &client.secret else {
        return Ok(());
    };
    let Some(provided) = provided else {
        return Err(not_authorized(format!(
            "Client {} is configured with secret but SECRET_HASH was not received",
            client.id
        )));
    };
    let ok = names
        .iter()
        .filter(|n| !n.is_empty())
        .any(|n| crate::util::ct_eq(&secret_hash(secret, n, &client.id), provided));
    if ok {
        Ok(())
    } else {
        Err(not_authorized(format!(
            "Unable to verify secret hash for client {}",
            client.id
        )))
    }
}

/// Names a user may be addressed by (for SECRET_HASH checks).
pub(crate) fn user_names(user: &User) -> Vec<String> {
    let mut v = vec![user.username.clone(), user.sub.clone()];
    for a in ["email", "phone_number"] {
        if let Some(x) = user.attributes.get(a) {
            v.push(x.clone());
        }
    }
    v
}

pub(crate) fn check_password_policy(pool: &Pool, pw: &str) -> ApiResult<()> {
    let p = &pool.password_policy;
    let fail = |why: &str| {
        Err(ApiError::new(
            "InvalidPasswordException",
            format!("Password did not conform with policy: {why}"),
        ))
    };
    if (pw.chars().count() as i64) < p.minimum_length {
        return fail("Password not long enough");
    }
    if p.require_uppercase && !pw.chars().any(|c| c.is_uppercase()) {
        return fail("Password must have uppercase characters");
    }
    if p.require_lowercase && !pw.chars().any(|c| c.is_lowercase()) {
        return fail("Password must have lowercase characters");
    }
    if p.require_numbers && !pw.chars().any(|c| c.is_ascii_digit()) {
        return fail("Password must have numeric characters");
    }
    if p.require_symbols && !pw.chars().any(|c| c.is_ascii_punctuation() || c == ' ') {
        return fail("Password must have symbol characters");
    }
    Ok(())
}

/// Computes a user's SRP verifier (salt hex, verifier hex). Expensive: call outside the lock.
pub(crate) fn make_verifier(pool_id: &str, username: &str, password: &str) -> (String, String) {
    let v = Verifier::create(&SrpIdentity::user(pool_id, username), password);
    (v.salt_hex(), v.verifier_hex())
}

/// Whether `password` is the user's password.
pub(crate) fn password_matches(pool_id: &str, user: &User, password: &str) -> bool {
    match Verifier::from_hex(&user.salt_hex, &user.verifier_hex) {
        Ok(v) => v.matches_password(&SrpIdentity::user(pool_id, &user.username), password),
        Err(_) => false,
    }
}

/// Records a message in the outbox.
pub(crate) fn send(
    st: &mut State,
    pool_id: &str,
    username: &str,
    channel: &str,
    destination: &str,
    code: &str,
    purpose: &str,
) {
    let sent_at = st.now();
    st.outbox.push(Message {
        pool_id: pool_id.to_owned(),
        username: username.to_owned(),
        channel: channel.to_owned(),
        destination: destination.to_owned(),
        code: code.to_owned(),
        purpose: purpose.to_owned(),
        sent_at,
    });
    if st.outbox.len() > 10_000 {
        st.outbox.drain(..1000);
    }
}

/// Picks where a code goes: e-mail when present and preferred, else phone.
/// Returns (channel, attribute, destination).
pub(crate) fn delivery_target(
    pool: &Pool,
    user: &User,
) -> Option<(&'static str, &'static str, String)> {
    let email = user.attributes.get("email").cloned();
    let phone = user.attributes.get("phone_number").cloned();
    let auto = &pool.auto_verified_attributes;
    let prefer_phone =
        auto.iter().any(|a| a == "phone_number") && !auto.iter().any(|a| a == "email");
    match (email, phone) {
        (_, Some(p)) if prefer_phone => Some(("SMS", "phone_number", p)),
        (Some(e), _) => Some(("EMAIL", "email", e)),
        (None, Some(p)) => Some(("SMS", "phone_number", p)),
        (None, None) => None,
    }
}

pub(crate) fn code_delivery(channel: &str, attribute: &str, destination: &str) -> Value {
    let masked = if channel == "SMS" {
        crate::util::mask_phone(destination)
    } else {
        crate::util::mask_email(destination)
    };
    json!({ "Destination": masked, "DeliveryMedium": channel, "AttributeName": attribute })
}

pub(crate) fn attributes_json(user: &User) -> Value {
    let mut attrs = vec![json!({"Name": "sub", "Value": user.sub})];
    for (k, v) in &user.attributes {
        if k != "sub" {
            attrs.push(json!({"Name": k, "Value": v}));
        }
    }
    Value::Array(attrs)
}

/// MFA settings as GetUser / AdminGetUser show them.
pub(crate) fn mfa_json(user: &User, out: &mut serde_json::Map<String, Value>) {
    let mut list = Vec::new();
    if user.sms_mfa_enabled {
        list.push("SMS_MFA");
        out.insert(
            "MFAOptions".into(),
            json!([{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]),
        );
    }
    if user.totp_mfa_enabled {
        list.push("SOFTWARE_TOKEN_MFA");
    }
    if user.email_mfa_enabled {
        list.push("EMAIL_OTP");
    }
    if !list.is_empty() {
        out.insert("UserMFASettingList".into(), json!(list));
    }
    if let Some(p) = &user.preferred_mfa {
        out.insert("PreferredMfaSetting".into(), json!(p));
    }
}

/// Validates user attribute names (no `sub`, no unknown non-custom names).
pub(crate) fn check_attributes(attrs: &[(String, String)]) -> ApiResult<()> {
    const STANDARD: &[&str] = &[
        "address",
        "birthdate",
        "email",
        "email_verified",
        "family_name",
        "gender",
        "given_name",
        "locale",
        "middle_name",
        "name",
        "nickname",
        "phone_number",
        "phone_number_verified",
        "picture",
        "preferred_username",
        "profile",
        "updated_at",
        "website",
        "zoneinfo",
    ];
    for (k, _) in attrs {
        if !(k.starts_with("custom:") || k.starts_with("dev:") || STANDARD.contains(&k.as_str())) {
            return Err(invalid_parameter(format!(
                "Attributes did not conform to the schema: {k}: Attribute does not exist in the schema."
            )));
        }
    }
    Ok(())
}

pub(crate) fn pool_arn(pool_id: &str) -> String {
    format!("arn:aws:cognito-idp:{REGION}:123456789012:userpool/{pool_id}")
}
