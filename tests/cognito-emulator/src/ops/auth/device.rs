//! Remembered devices: `DEVICE_SRP_AUTH` and `DEVICE_PASSWORD_VERIFIER`.

use super::*;

/// The context for a device challenge without a session (lenient mode only).
pub(super) fn lenient_context(
    st: &State,
    client_id: &str,
    resp: &BTreeMap<String, String>,
) -> ApiResult<AuthContext> {
    let name = param(resp, "USERNAME")?;
    let c = client(st, client_id)?;
    let p = pool(st, &c.pool_id)?;
    let username = find_username(p, name).ok_or_else(user_not_found)?;
    check_challenge_secret_hash(st, client_id, &username, resp)?;
    Ok(AuthContext {
        pool_id: p.id.clone(),
        client_id: client_id.to_owned(),
        username,
        ..AuthContext::default()
    })
}

pub(super) fn device_srp_auth(
    app: &App,
    client_id: &str,
    s: Option<Session>,
    resp: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    let device_key = param(resp, "DEVICE_KEY")?.to_owned();
    let srp_a = param(resp, "SRP_A")?.to_owned();
    check_client_public(&srp_a).map_err(srp_error)?;
    let (ctx, device) = {
        let st = app.lock();
        let ctx = match s {
            Some(s) => s.ctx,
            None => lenient_context(&st, client_id, resp)?,
        };
        if ctx.device_key.as_deref().is_some_and(|k| k != device_key) {
            return Err(not_authorized("Invalid device key for the session."));
        }
        let p = pool(&st, &ctx.pool_id)?;
        let u = p.users.get(&ctx.username).ok_or_else(user_not_found)?;
        let device = match u.devices.get(&device_key) {
            Some(d) if d.confirmed => d.clone(),
            _ => return Err(device_gone()),
        };
        (ctx, device)
    };
    let verifier = Verifier::from_hex(&device.salt_hex, &device.verifier_hex)
        .map_err(|_| incorrect_password())?;
    let server = ServerChallenge::new(&verifier);
    let secret_block = random_bytes(128);
    let params = json!({
        "SALT": verifier.salt_hex(),
        "SRP_B": server.public_hex(),
        "SECRET_BLOCK": STANDARD.encode(&secret_block),
        "USERNAME": ctx.username,
        "DEVICE_KEY": device_key,
    });
    let step = SessionStep::DevicePasswordVerifier {
        device_key,
        b_hex: server.to_secret_hex(),
        secret_block,
        srp_a,
    };
    let mut st = app.lock();
    let session = new_session(&mut st, ctx, step);
    Ok(challenge("DEVICE_PASSWORD_VERIFIER", &session, params))
}

pub(super) fn device_password_verifier(
    app: &App,
    client_id: &str,
    s: Option<Session>,
    resp: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    let signature = param(resp, "PASSWORD_CLAIM_SIGNATURE")?;
    let block_b64 = param(resp, "PASSWORD_CLAIM_SECRET_BLOCK")?;
    let timestamp = param(resp, "TIMESTAMP")?;
    check_timestamp(app, timestamp)?;
    let block = STANDARD
        .decode(block_b64)
        .map_err(|_| not_authorized("Invalid secret block for the session."))?;
    let s = match s {
        Some(s) => s,
        None => {
            // Lenient mode: find the session by the secret block the client echoes.
            let mut st = app.lock();
            let (_, s) =
                take_session_by_block(&mut st, client_id, "DEVICE_PASSWORD_VERIFIER", &block)?;
            check_challenge_secret_hash(&st, client_id, &s.ctx.username, resp)?;
            s
        }
    };
    let SessionStep::DevicePasswordVerifier {
        device_key,
        b_hex,
        secret_block,
        srp_a,
    } = &s.step
    else {
        return Err(not_authorized("Invalid session for the user."));
    };
    if *secret_block != block {
        return Err(not_authorized("Invalid secret block for the session."));
    }
    if resp.get("DEVICE_KEY").is_some_and(|k| k != device_key) {
        return Err(not_authorized("Invalid device key for the session."));
    }
    let device = {
        let st = app.lock();
        let u = pool(&st, &s.ctx.pool_id)?
            .users
            .get(&s.ctx.username)
            .ok_or_else(user_not_found)?;
        match u.devices.get(device_key) {
            Some(d) if d.confirmed => d.clone(),
            _ => return Err(device_gone()),
        }
    };
    let verifier = Verifier::from_hex(&device.salt_hex, &device.verifier_hex)
        .map_err(|_| incorrect_password())?;
    let server = ServerChallenge::from_secret_hex(&verifier, b_hex).map_err(srp_error)?;
    let identity = SrpIdentity::device(&device.group_key, &device.key);
    server
        .verify(
            &verifier,
            &identity,
            srp_a,
            secret_block,
            timestamp,
            signature,
        )
        .map_err(|_| incorrect_password())?;
    let mut st = app.lock();
    let now = st.now();
    let mut ctx = s.ctx.clone();
    ctx.device_key = Some(device_key.clone());
    ctx.device_authenticated = true;
    if let Some(d) = crate::ops::pool_mut(&mut st, &ctx.pool_id)?
        .users
        .get_mut(&ctx.username)
        .and_then(|u| u.devices.get_mut(device_key))
    {
        d.last_authenticated = now;
    }
    crate::ops::tokens::sign_in_result(app, &mut st, ctx)
}
