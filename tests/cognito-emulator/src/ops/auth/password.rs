//! The password first factor: `USER_SRP_AUTH` (PASSWORD_VERIFIER), `USER_PASSWORD_AUTH`, and
//! `NEW_PASSWORD_REQUIRED`.

use super::*;

pub(super) fn user_srp_auth(
    app: &App,
    client_id: &str,
    params: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    let ctx = {
        let st = app.lock();
        flow_allowed(&st, client_id, "USER_SRP_AUTH")?;
        let srp_a = param(params, "SRP_A")?;
        check_client_public(srp_a).map_err(srp_error)?;
        let (p, u) = initiating_user(&st, client_id, params)?;
        sign_in_context(client_id, p, u, params)
    };
    password_verifier_challenge(app, ctx, param(params, "SRP_A")?)
}

/// Issues PASSWORD_VERIFIER (SALT, SRP_B, SECRET_BLOCK) for the client's `srp_a`.
pub(super) fn password_verifier_challenge(
    app: &App,
    ctx: AuthContext,
    srp_a: &str,
) -> ApiResult<Value> {
    check_client_public(srp_a).map_err(srp_error)?;
    let (salt_hex, verifier_hex, user_id) = srp_material(app, &ctx)?;
    let verifier = Verifier::from_hex(&salt_hex, &verifier_hex)
        .map_err(|_| not_authorized("Incorrect username or password."))?;
    let server = ServerChallenge::new(&verifier);
    let secret_block = random_bytes(128);
    let params_out = json!({
        "SALT": verifier.salt_hex(),
        "SRP_B": server.public_hex(),
        "SECRET_BLOCK": STANDARD.encode(&secret_block),
        "USERNAME": user_id,
        "USER_ID_FOR_SRP": user_id,
    });
    let step = SessionStep::PasswordVerifier {
        b_hex: server.to_secret_hex(),
        secret_block,
        srp_a: srp_a.to_owned(),
    };
    let mut st = app.lock();
    let session = new_session(&mut st, ctx, step);
    Ok(challenge("PASSWORD_VERIFIER", &session, params_out))
}

pub(super) fn user_password_auth(
    app: &App,
    client_id: &str,
    params: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    let ctx = {
        let st = app.lock();
        flow_allowed(&st, client_id, "USER_PASSWORD_AUTH")?;
        param(params, "PASSWORD")?;
        let (p, u) = initiating_user(&st, client_id, params)?;
        sign_in_context(client_id, p, u, params)
    };
    password_first_factor(
        app,
        ctx,
        param(params, "PASSWORD")?,
        params.get("DEVICE_KEY").map(String::as_str),
    )
}

/// Checks a plain password, then continues as after any proven password.
pub(super) fn password_first_factor(
    app: &App,
    ctx: AuthContext,
    password: &str,
    device_key: Option<&str>,
) -> ApiResult<Value> {
    let (salt_hex, verifier_hex, _) = srp_material(app, &ctx)?;
    let identity = SrpIdentity::user(&ctx.pool_id, &ctx.username);
    guarded_password_check(app, &ctx, || {
        Verifier::from_hex(&salt_hex, &verifier_hex)
            .is_ok_and(|v| v.matches_password(&identity, password))
    })?;
    let mut st = app.lock();
    after_password(app, &mut st, ctx, device_key)
}

pub(super) fn password_verifier(
    app: &App,
    s: Session,
    resp: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    let SessionStep::PasswordVerifier {
        b_hex,
        secret_block,
        srp_a,
    } = &s.step
    else {
        return Err(not_authorized("Invalid session for the user."));
    };
    let signature = param(resp, "PASSWORD_CLAIM_SIGNATURE")?;
    let block_b64 = param(resp, "PASSWORD_CLAIM_SECRET_BLOCK")?;
    let timestamp = param(resp, "TIMESTAMP")?;
    check_timestamp(app, timestamp)?;
    if STANDARD.decode(block_b64).ok().as_deref() != Some(secret_block.as_slice()) {
        return Err(not_authorized("Invalid secret block for the session."));
    }
    let (salt_hex, verifier_hex, user_id) = srp_material(app, &s.ctx)?;
    let verifier =
        Verifier::from_hex(&salt_hex, &verifier_hex).map_err(|_| incorrect_password())?;
    let server = ServerChallenge::from_secret_hex(&verifier, b_hex).map_err(srp_error)?;
    let identity = SrpIdentity::user(&s.ctx.pool_id, &user_id);
    guarded_password_check(app, &s.ctx, || {
        server
            .verify(
                &verifier,
                &identity,
                srp_a,
                secret_block,
                timestamp,
                signature,
            )
            .is_ok()
    })?;
    let mut st = app.lock();
    after_password(
        app,
        &mut st,
        s.ctx,
        resp.get("DEVICE_KEY").map(String::as_str),
    )
}

pub(super) fn new_password(
    app: &App,
    s: Session,
    resp: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    let password = param(resp, "NEW_PASSWORD")?;
    let mut attrs = Vec::new();
    for (k, v) in resp {
        if let Some(name) = k.strip_prefix("userAttributes.") {
            attrs.push((name.to_owned(), v.clone()));
        }
    }
    crate::ops::check_attributes(&attrs)?;
    {
        let st = app.lock();
        check_password_policy(pool(&st, &s.ctx.pool_id)?, password)?;
    }
    let (salt, verifier) = make_verifier(&s.ctx.pool_id, &s.ctx.username, password);
    let mut st = app.lock();
    let now = st.now();
    let p = crate::ops::pool_mut(&mut st, &s.ctx.pool_id)?;
    let u = p
        .users
        .get_mut(&s.ctx.username)
        .ok_or_else(user_not_found)?;
    u.salt_hex = salt;
    u.verifier_hex = verifier;
    u.status = "CONFIRMED".into();
    u.modified = now;
    for (k, v) in attrs {
        u.attributes.insert(k, v);
    }
    mfa_or_device(app, &mut st, s.ctx)
}
