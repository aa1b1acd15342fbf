//! Unknown usernames under `PreventUserExistenceErrors = ENABLED`: Cognito then answers as for a
//! user whose password is wrong. The emulator plays along with a phantom user: USER_SRP_AUTH gets
//! a PASSWORD_VERIFIER challenge whose salt (and, in pools that sign in with e-mail or phone,
//! USER_ID_FOR_SRP) is derived from the name, so it is the same every time as a real user's; the
//! claim then fails, after the same SRP work as for a real user, with "Incorrect username or
//! password.", and failures lock the name out like a user. USER_AUTH offers the pool's factors;
//! one-time passwords go nowhere and no code matches.

use hmac_12::{Hmac, Mac};
use sha2_10::Sha256;

use super::*;

/// The key the phantom values are derived from (made once, kept in the state).
fn phantom_key(st: &mut State) -> Vec<u8> {
    if st.phantom_key.is_empty() {
        st.phantom_key = random_bytes(32)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
    }
    st.phantom_key.as_bytes().to_vec()
}

/// `len` bytes derived from the key, a label and the name (HMAC-SHA256 in counter mode).
fn derive(key: &[u8], label: &str, pool_id: &str, name: &str, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut counter = 0u32;
    while out.len() < len {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(key) else {
            break;
        };
        for part in [label, pool_id, name] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        mac.update(&counter.to_be_bytes());
        out.extend_from_slice(&mac.finalize().into_bytes());
        counter += 1;
    }
    out.resize(len, 0);
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SRP salt and verifier (hex) and USER_ID_FOR_SRP of the sign-in's user, real or phantom.
pub(super) fn srp_material(app: &App, ctx: &AuthContext) -> ApiResult<(String, String, String)> {
    let mut st = app.lock();
    if !ctx.phantom {
        let u = pool(&st, &ctx.pool_id)?
            .users
            .get(&ctx.username)
            .ok_or_else(user_not_found)?;
        return Ok((
            u.salt_hex.clone(),
            u.verifier_hex.clone(),
            u.username.clone(),
        ));
    }
    let email_or_phone_username = !pool(&st, &ctx.pool_id)?.username_attributes.is_empty();
    let key = phantom_key(&mut st);
    let (pool_id, name) = (ctx.pool_id.as_str(), ctx.username.as_str());
    // A 16-byte salt without a leading zero byte, as a real one.
    let mut salt = derive(&key, "salt", pool_id, name, 16);
    salt[0] |= 0x01;
    // Any value below N works as a verifier nobody knows the password of.
    let mut verifier = derive(&key, "verifier", pool_id, name, 384);
    verifier[0] &= 0x7f;
    verifier[383] |= 0x01;
    let user_id = if email_or_phone_username {
        // Real users of such pools sign in as their sub (a UUID).
        let mut b = derive(&key, "sub", pool_id, name, 16);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = hex(&b);
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    } else {
        name.to_owned()
    };
    Ok((hex(&salt), hex(&verifier), user_id))
}

/// The USER_AUTH first factors offered to a phantom: every factor of the pool.
pub(crate) fn phantom_first_factors(p: &Pool) -> Vec<&'static str> {
    let allowed = p.first_auth_factors();
    let has = |f: &str| allowed.iter().any(|a| a == f);
    let mut v = Vec::new();
    if has("PASSWORD") {
        v.push("PASSWORD");
        v.push("PASSWORD_SRP");
    }
    if has("EMAIL_OTP") {
        v.push("EMAIL_OTP");
    }
    if has("SMS_OTP") {
        v.push("SMS_OTP");
    }
    v
}

/// Where a code for the unknown name `username` "went" (nothing is sent), masked.
pub(crate) fn phantom_destination(
    st: &mut State,
    pool_id: &str,
    username: &str,
    channel: &str,
) -> String {
    let key = phantom_key(st);
    let d = derive(&key, "destination", pool_id, username, 4);
    if channel == "SMS" {
        let digits: String = d.iter().map(|b| char::from(b'0' + b % 10)).collect();
        mask_phone(&format!("+1555555{digits}"))
    } else if username.contains('@') {
        mask_email(username)
    } else {
        let letter = |b: u8| char::from(b'a' + b % 26);
        format!("{}***@{}***", letter(d[0]), letter(d[1]))
    }
}
