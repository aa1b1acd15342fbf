//! `USER_AUTH`: choice-based sign-in (`SELECT_CHALLENGE`, `PREFERRED_CHALLENGE`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::*;

/// Every first factor USER_AUTH knows.
pub(super) const FIRST_FACTORS: &[&str] = &[
    "PASSWORD",
    "PASSWORD_SRP",
    "EMAIL_OTP",
    "SMS_OTP",
    "WEB_AUTHN",
];

/// The first factors a user can pick: the pool's `AllowedFirstAuthFactors` (PASSWORD stands for
/// PASSWORD and PASSWORD_SRP), EMAIL_OTP only with an e-mail, SMS_OTP only with a phone number,
/// WEB_AUTHN only with a registered passkey (`POST /_emulator/passkeys`).
pub(crate) fn available_first_factors(p: &Pool, u: &User) -> Vec<&'static str> {
    let allowed = p.first_auth_factors();
    let has = |f: &str| allowed.iter().any(|a| a == f);
    let mut v = Vec::new();
    if has("PASSWORD") {
        v.push("PASSWORD");
        v.push("PASSWORD_SRP");
    }
    if has("EMAIL_OTP") && u.attributes.contains_key("email") {
        v.push("EMAIL_OTP");
    }
    if has("SMS_OTP") && u.attributes.contains_key("phone_number") {
        v.push("SMS_OTP");
    }
    if has("WEB_AUTHN") && !u.passkeys.is_empty() {
        v.push("WEB_AUTHN");
    }
    v
}

pub(super) fn user_auth(
    app: &App,
    client_id: &str,
    params: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    let (ctx, available) = {
        let st = app.lock();
        flow_allowed(&st, client_id, "USER_AUTH")?;
        let (p, u) = initiating_user(&st, client_id, params)?;
        let ctx = sign_in_context(client_id, p, u, params);
        let available = match u {
            Some(u) => available_first_factors(p, u),
            None => phantom_first_factors(p),
        };
        (ctx, available)
    };
    let preferred = params
        .get("PREFERRED_CHALLENGE")
        .map(String::as_str)
        .filter(|s| !s.is_empty());
    if let Some(f) = preferred {
        if !FIRST_FACTORS.contains(&f) {
            return Err(invalid_parameter(format!(
                "Invalid PREFERRED_CHALLENGE {f}: must be one of PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN"
            )));
        }
    }
    if available.is_empty() {
        return Err(not_authorized(
            "No sign-in method of the user pool is available for the user.",
        ));
    }
    match preferred {
        // A preference the user can't use falls back to the choice, as in Cognito.
        Some(f) if available.contains(&f) => start_first_factor(app, ctx, f, params),
        _ => {
            let mut st = app.lock();
            let session = new_session(
                &mut st,
                ctx,
                SessionStep::SelectChallenge {
                    available: available.iter().map(|s| (*s).to_owned()).collect(),
                },
            );
            Ok(json!({
                "ChallengeName": "SELECT_CHALLENGE",
                "Session": session,
                "ChallengeParameters": {},
                "AvailableChallenges": available,
            }))
        }
    }
}

/// InitiateAuth `USER_AUTH` with ConfirmSignUp's `Session`: the confirmation code stands for the
/// first factor (no password, no other first-factor challenge; `PREFERRED_CHALLENGE` is not
/// looked at), then as after a one-time-password first factor: status checks, devices, no MFA.
/// The session is single use, bound to the user (`USERNAME` may be an alias) and the client.
pub(super) fn user_auth_after_sign_up(
    app: &App,
    client_id: &str,
    session_id: &str,
    params: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    let mut st = app.lock();
    flow_allowed(&st, client_id, "USER_AUTH")?;
    let mut ctx = {
        let (p, u) = initiating_user(&st, client_id, params)?;
        sign_in_context(client_id, p, u, params)
    };
    if ctx.phantom {
        return Err(not_authorized("Invalid session for the user."));
    }
    crate::ops::auth::sign_up_session(
        &mut st,
        session_id,
        &SessionStep::SignUpConfirmed,
        client_id,
        &ctx.pool_id,
        &ctx.username,
    )?
    .used = true;
    ctx.mfa_satisfied = true;
    let out = after_password(
        app,
        &mut st,
        ctx,
        params.get("DEVICE_KEY").map(String::as_str),
    );
    // As for challenge answers: a stale DEVICE_KEY alone does not use the session up.
    if let Err(e) = &out {
        if e.kind == "ResourceNotFoundException" && e.message == DEVICE_GONE {
            restore_session(&mut st, session_id);
        }
    }
    out
}

/// Starts `factor` with the parameters in `src` (AuthParameters or ChallengeResponses).
pub(super) fn start_first_factor(
    app: &App,
    ctx: AuthContext,
    factor: &str,
    src: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    match factor {
        "PASSWORD" => password_first_factor(
            app,
            ctx,
            param(src, "PASSWORD")?,
            src.get("DEVICE_KEY").map(String::as_str),
        ),
        "PASSWORD_SRP" => password_verifier_challenge(app, ctx, param(src, "SRP_A")?),
        "EMAIL_OTP" | "SMS_OTP" => {
            let mut st = app.lock();
            code_challenge(&mut st, ctx, factor, true)
        }
        "WEB_AUTHN" => {
            let mut st = app.lock();
            web_authn_challenge(&mut st, ctx)
        }
        _ => Err(invalid_parameter(format!(
            "The sign-in method {factor} is not available for the user"
        ))),
    }
}

/// The `WEB_AUTHN` challenge: `CREDENTIAL_REQUEST_OPTIONS` is a JSON string shaped as WebAuthn's
/// `PublicKeyCredentialRequestOptions` in its JSON form (base64url `challenge`, `rpId`,
/// `allowCredentials` of the user's passkeys, `timeout` in milliseconds, `userVerification`).
pub(super) fn web_authn_challenge(st: &mut State, ctx: AuthContext) -> ApiResult<Value> {
    let p = pool(st, &ctx.pool_id)?;
    let u = p.users.get(&ctx.username).ok_or_else(user_not_found)?;
    let config = p.web_authn.clone().unwrap_or_default();
    let nonce = URL_SAFE_NO_PAD.encode(random_bytes(32));
    let allow: Vec<Value> = u
        .passkeys
        .iter()
        .map(|id| json!({ "type": "public-key", "id": id }))
        .collect();
    let timeout_ms = st
        .clients
        .get(&ctx.client_id)
        .map_or(SESSION_TTL, |c| c.session_ttl())
        * 1000;
    let options = json!({
        "challenge": nonce,
        "rpId": config.relying_party_id.as_deref().unwrap_or("localhost"),
        "allowCredentials": allow,
        "timeout": timeout_ms,
        "userVerification": config.user_verification.as_deref().unwrap_or("preferred"),
    });
    let params = json!({ "CREDENTIAL_REQUEST_OPTIONS": options.to_string() });
    let session = new_session(st, ctx, SessionStep::WebAuthn { challenge: nonce });
    Ok(challenge("WEB_AUTHN", &session, params))
}

/// The answer to `WEB_AUTHN` (`CREDENTIAL`, a passkey assertion): the emulator cannot verify
/// WebAuthn assertions, so every answer is refused and the session is used up, as after any
/// failed answer. Apps test how they react; a passkey sign-in never succeeds here.
pub(super) fn web_authn_answer(resp: &BTreeMap<String, String>) -> ApiResult<Value> {
    param(resp, "CREDENTIAL")?;
    Err(not_authorized(
        "The passkey could not be verified: the Cognito emulator cannot verify WebAuthn credentials.",
    ))
}
