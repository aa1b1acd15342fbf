//! `CUSTOM_AUTH`: the built-in stand-in for the challenge Lambda triggers
//! (`POST /_emulator/custom-auth`).

use super::*;

pub(super) fn custom_auth(
    app: &App,
    client_id: &str,
    params: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    let ctx = {
        let st = app.lock();
        let c = client(&st, client_id)?;
        if pool(&st, &c.pool_id)?.custom_auth.is_none() {
            return Err(invalid_parameter(
                "The emulator does not support AuthFlow CUSTOM_AUTH until POST /_emulator/custom-auth configures the pool",
            ));
        }
        flow_allowed(&st, client_id, "CUSTOM_AUTH")?;
        let (p, u) = initiating_user(&st, client_id, params)?;
        sign_in_context(client_id, p, u, params)
    };
    match params.get("CHALLENGE_NAME").map(String::as_str) {
        Some("SRP_A") => {
            let mut ctx = ctx;
            ctx.custom_after_password = true;
            password_verifier_challenge(app, ctx, param(params, "SRP_A")?)
        }
        // An unknown name (PreventUserExistenceErrors = ENABLED) fails as a wrong password would.
        None | Some("") | Some("CUSTOM_CHALLENGE") if ctx.phantom => Err(incorrect_password()),
        None | Some("") | Some("CUSTOM_CHALLENGE") => {
            let mut st = app.lock();
            custom_challenge(&mut st, ctx)
        }
        Some(other) => Err(invalid_parameter(format!(
            "Invalid CHALLENGE_NAME {other}: the emulator's CUSTOM_AUTH starts with SRP_A or CUSTOM_CHALLENGE"
        ))),
    }
}

/// Issues the pool's configured CUSTOM_CHALLENGE.
pub(super) fn custom_challenge(st: &mut State, ctx: AuthContext) -> ApiResult<Value> {
    let cfg = pool(st, &ctx.pool_id)?.custom_auth.clone().ok_or_else(|| {
        invalid_parameter("Custom auth is no longer configured for this user pool")
    })?;
    let mut params = Map::new();
    for (k, v) in &cfg.challenge_parameters {
        params.insert(k.clone(), json!(v));
    }
    params.insert("USERNAME".into(), json!(ctx.username));
    let session = new_session(st, ctx, SessionStep::CustomChallenge);
    Ok(challenge(
        "CUSTOM_CHALLENGE",
        &session,
        Value::Object(params),
    ))
}

pub(super) fn custom_answer(
    app: &App,
    s: Session,
    resp: &BTreeMap<String, String>,
) -> ApiResult<Value> {
    let answer = param(resp, "ANSWER")?;
    let mut st = app.lock();
    let expected = pool(&st, &s.ctx.pool_id)?
        .custom_auth
        .as_ref()
        .map(|c| c.answer.clone())
        .ok_or_else(|| not_authorized("Incorrect answer."))?;
    if !crate::util::ct_eq(&expected, answer) {
        // The session stays consumed: the flow ends, as when Cognito's define-auth-challenge
        // trigger fails the authentication. Start again with InitiateAuth.
        return Err(not_authorized("Incorrect answer."));
    }
    let mut ctx = s.ctx;
    ctx.mfa_satisfied = true;
    after_password(
        app,
        &mut st,
        ctx,
        resp.get("DEVICE_KEY").map(String::as_str),
    )
}
