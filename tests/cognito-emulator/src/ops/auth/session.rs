//! Auth sessions (`Session`): issued with each challenge, used once, restored after a wrong code.

use super::*;

pub(super) const MAX_CODE_ATTEMPTS: u32 = 3;

pub(crate) fn new_session(st: &mut State, ctx: AuthContext, step: SessionStep) -> String {
    let id = opaque(96);
    // The app client's AuthSessionValidity (3 minutes unless set).
    let ttl = st
        .clients
        .get(&ctx.client_id)
        .map_or(SESSION_TTL, |c| c.session_ttl());
    let expires_at = st.now() + ttl;
    if st.sessions.len() > 100_000 {
        st.purge();
    } else {
        st.purge_if_due();
    }
    st.sessions.insert(
        id.clone(),
        Session {
            ctx,
            step,
            expires_at,
            used: false,
            attempts: 0,
        },
    );
    id
}

/// Takes (marks used) the session `id`, which must wait for `challenge_name`.
pub(crate) fn take_session(
    st: &mut State,
    id: &str,
    challenge_name: &str,
    client_id: &str,
) -> ApiResult<Session> {
    let now = st.now();
    let s = st
        .sessions
        .get_mut(id)
        .ok_or_else(|| not_authorized("Invalid session for the user."))?;
    // Sign-up sessions are not challenges: only ConfirmSignUp and InitiateAuth take them.
    if s.ctx.client_id != client_id || s.step.is_sign_up() {
        return Err(not_authorized("Invalid session for the user."));
    }
    if s.used {
        return Err(not_authorized(
            "Invalid session for the user, session can only be used once.",
        ));
    }
    if s.expires_at <= now {
        if let SessionStep::Mfa { code: Some(_), .. } = &s.step {
            return Err(expired_code());
        }
        return Err(not_authorized(
            "Invalid session for the user, session is expired.",
        ));
    }
    if s.step.challenge_name() != challenge_name {
        return Err(invalid_parameter(format!(
            "Invalid ChallengeName {challenge_name}: the session expects {}",
            s.step.challenge_name()
        )));
    }
    s.used = true;
    Ok(s.clone())
}

/// Takes the unused session waiting for `challenge_name` whose SECRET_BLOCK is `block`; returns
/// its id too.
pub(super) fn take_session_by_block(
    st: &mut State,
    client_id: &str,
    challenge_name: &str,
    block: &[u8],
) -> ApiResult<(String, Session)> {
    let now = st.now();
    let found = st.sessions.iter_mut().find(|(_, x)| {
        let issued = match &x.step {
            SessionStep::PasswordVerifier { secret_block, .. }
            | SessionStep::DevicePasswordVerifier { secret_block, .. } => secret_block,
            _ => return false,
        };
        issued.as_slice() == block
            && x.step.challenge_name() == challenge_name
            && x.ctx.client_id == client_id
    });
    let Some((id, x)) = found else {
        return Err(not_authorized("Invalid session for the user."));
    };
    if x.used {
        return Err(not_authorized(
            "Invalid session for the user, session can only be used once.",
        ));
    }
    if x.expires_at <= now {
        return Err(not_authorized(
            "Invalid session for the user, session is expired.",
        ));
    }
    x.used = true;
    Ok((id.clone(), x.clone()))
}

/// The error for a `DEVICE_KEY` that is not a confirmed device of the user.
pub(super) const DEVICE_GONE: &str = "Device does not exist.";

pub(super) fn device_gone() -> ApiError {
    resource_not_found(DEVICE_GONE)
}

/// Lets a session be answered again (after a mistyped code, or an answer refused only because of
/// its `DEVICE_KEY`), at most `MAX_CODE_ATTEMPTS` times in all.
pub(crate) fn restore_session(st: &mut State, id: &str) {
    if let Some(s) = st.sessions.get_mut(id) {
        s.attempts += 1;
        if s.attempts < MAX_CODE_ATTEMPTS {
            s.used = false;
        }
    }
}

/// The unused, unexpired sign-up session `id` of `step` (SignUp's or ConfirmSignUp's), which
/// must belong to `username` of `pool_id` through `client_id`. The caller marks it used.
pub(crate) fn sign_up_session<'a>(
    st: &'a mut State,
    id: &str,
    step: &SessionStep,
    client_id: &str,
    pool_id: &str,
    username: &str,
) -> ApiResult<&'a mut Session> {
    let now = st.now();
    let invalid = || not_authorized("Invalid session for the user.");
    let s = st.sessions.get_mut(id).ok_or_else(invalid)?;
    let ctx = &s.ctx;
    if std::mem::discriminant(&s.step) != std::mem::discriminant(step)
        || ctx.client_id != client_id
        || ctx.pool_id != pool_id
        || ctx.username != username
    {
        return Err(invalid());
    }
    if s.used {
        return Err(not_authorized(
            "Invalid session for the user, session can only be used once.",
        ));
    }
    if s.expires_at <= now {
        return Err(not_authorized(
            "Invalid session for the user, session is expired.",
        ));
    }
    Ok(s)
}
