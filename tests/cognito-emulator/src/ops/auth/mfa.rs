//! The second factor: which MFA a user is asked for, code challenges (SMS, e-mail, TOTP, and the
//! OTP first factors), answers, `SELECT_MFA_TYPE` and e-mail MFA set-up.

use super::*;

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

pub(super) fn mfa_or_device(app: &App, st: &mut State, ctx: AuthContext) -> ApiResult<Value> {
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
        return crate::ops::tokens::sign_in_result(app, st, ctx);
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

pub(super) fn mfa_challenge(
    st: &mut State,
    ctx: AuthContext,
    method: &'static str,
) -> ApiResult<Value> {
    code_challenge(st, ctx, method, false)
}

/// Issues a code challenge: an MFA method, or (`first_factor`) a USER_AUTH EMAIL_OTP / SMS_OTP.
pub(super) fn code_challenge(
    st: &mut State,
    ctx: AuthContext,
    method: &str,
    first_factor: bool,
) -> ApiResult<Value> {
    let now = st.now();
    let (params, code) = match method {
        "SMS_MFA" | "EMAIL_OTP" | "SMS_OTP" => {
            let (attr, channel) = if method != "EMAIL_OTP" {
                ("phone_number", "SMS")
            } else {
                ("email", "EMAIL")
            };
            let code = random_code();
            let masked = if ctx.phantom {
                // An unknown name (PreventUserExistenceErrors): nothing is sent.
                phantom_destination(st, &ctx.pool_id, &ctx.username, channel)
            } else {
                let dest = pool(st, &ctx.pool_id)?
                    .users
                    .get(&ctx.username)
                    .ok_or_else(user_not_found)?
                    .attributes
                    .get(attr)
                    .cloned()
                    .unwrap_or_default();
                crate::ops::send(
                    st,
                    &ctx.pool_id,
                    &ctx.username,
                    channel,
                    &dest,
                    &code,
                    if first_factor { "SIGN_IN" } else { "MFA" },
                );
                if channel == "SMS" {
                    mask_phone(&dest)
                } else {
                    mask_email(&dest)
                }
            };
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

pub(super) fn mfa_answer(
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
    // Five wrong codes (across sessions) start Cognito's lockout, as wrong passwords do.
    lockouts_mut(&mut st, &s.ctx)?.code.check(now)?;
    let verdict = match code {
        Some(expected) => {
            // Expiry first: an expired code reveals nothing about the code.
            if now >= *code_expires {
                return Err(expired_code());
            }
            if crate::util::ct_eq(expected, given.trim()) && !s.ctx.phantom {
                TotpCheck::Valid(0)
            } else {
                TotpCheck::Mismatch
            }
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
            crate::totp::check(secret, now, given, u.totp_last_step)
        }
    };
    match verdict {
        TotpCheck::Mismatch => {
            lockouts_mut(&mut st, &s.ctx)?.code.failed(now);
            restore_session(&mut st, id);
            return Err(code_mismatch());
        }
        // A right code used before: the session stays for the next code.
        TotpCheck::Reused => {
            restore_session(&mut st, id);
            return Err(totp_reused());
        }
        TotpCheck::Valid(step) => {
            lockouts_mut(&mut st, &s.ctx)?.code.succeeded();
            let u = crate::ops::pool_mut(&mut st, &s.ctx.pool_id)?
                .users
                .get_mut(&s.ctx.username)
                .ok_or_else(user_not_found)?;
            match name {
                "SOFTWARE_TOKEN_MFA" => u.totp_last_step = Some(step),
                // A code that reached the phone or the mailbox proves it (Cognito marks it
                // verified after a successful SMS / e-mail sign-in).
                "SMS_MFA" | "SMS_OTP" => {
                    u.attributes
                        .insert("phone_number_verified".into(), "true".into());
                }
                _ => {
                    if setup_email.is_none() {
                        u.attributes.insert("email_verified".into(), "true".into());
                    }
                }
            }
        }
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
        let u = crate::ops::pool_mut(&mut st, &s.ctx.pool_id)?
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
pub(super) fn email_mfa_setup(
    app: &App,
    s: Session,
    resp: &BTreeMap<String, String>,
) -> ApiResult<Value> {
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
    crate::ops::send(
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
pub(super) fn mfa_done(app: &App, st: &mut State, ctx: AuthContext) -> ApiResult<Value> {
    crate::ops::tokens::sign_in_result(app, st, ctx)
}
