//! Failed attempts during sign-in: the per-user lockouts (passwords, codes) and the answers Cognito
//! gives for refused codes.

use super::*;
use crate::lockout::Lockouts;

/// The lockouts of the user a sign-in is for (an unknown name under
/// `PreventUserExistenceErrors = ENABLED` has its own, so it locks out like a real user).
pub(crate) fn lockouts_mut<'a>(
    st: &'a mut State,
    ctx: &AuthContext,
) -> ApiResult<&'a mut Lockouts> {
    if ctx.phantom {
        let key = format!("{}/{}", ctx.pool_id, ctx.username);
        if st.phantom_lockouts.len() > 10_000 {
            st.purge();
        }
        return Ok(st.phantom_lockouts.entry(key).or_default());
    }
    Ok(&mut crate::ops::pool_mut(st, &ctx.pool_id)?
        .users
        .get_mut(&ctx.username)
        .ok_or_else(user_not_found)?
        .lockouts)
}

/// Checks a password with `matches` (run outside the state lock: SRP is slow), counting the
/// failure or the success in the user's password lockout. A locked-out user gets "Password
/// attempts exceeded" before the password is looked at.
pub(super) fn guarded_password_check(
    app: &App,
    ctx: &AuthContext,
    matches: impl FnOnce() -> bool,
) -> ApiResult<()> {
    {
        let mut st = app.lock();
        let now = st.now();
        lockouts_mut(&mut st, ctx)?.password.check(now)?;
    }
    let ok = matches() && !ctx.phantom;
    let mut st = app.lock();
    let now = st.now();
    let lockout = &mut lockouts_mut(&mut st, ctx)?.password;
    if ok {
        lockout.succeeded();
        Ok(())
    } else {
        lockout.failed(now);
        Err(incorrect_password())
    }
}

/// A right TOTP code typed a second time (or an older one after it).
pub(crate) fn totp_reused() -> ApiError {
    ApiError::new(
        "ExpiredCodeException",
        "Your software token has already been used once.",
    )
}
