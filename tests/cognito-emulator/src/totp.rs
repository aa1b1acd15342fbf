//! RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30-second steps) and RFC 4648 base32.

use hmac_12::{Hmac, Mac};
use sha1::Sha1;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 (RFC 4648, upper case, no padding).
pub fn base32_encode(data: &[u8]) -> String {
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in data {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Decodes base32, ignoring case, spaces and `=` padding. `None` on a bad character.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in s.chars() {
        if c == '=' || c == ' ' || c == '-' {
            continue;
        }
        let up = c.to_ascii_uppercase();
        let v = ALPHABET.iter().position(|&a| char::from(a) == up)? as u32;
        buffer = (buffer << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

fn hotp(key: &[u8], counter: u64) -> u32 {
    let mut mac = match <Hmac<Sha1> as Mac>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return u32::MAX,
    };
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = usize::from(h[19] & 0x0f);
    let bin = (u32::from(h[offset] & 0x7f) << 24)
        | (u32::from(h[offset + 1]) << 16)
        | (u32::from(h[offset + 2]) << 8)
        | u32::from(h[offset + 3]);
    bin % 1_000_000
}

/// The 6-digit TOTP code of a base32 secret at `unix_time` (30-second steps).
///
/// Returns `"000000"`-style zero padded digits; an undecodable secret yields an empty string.
pub fn totp_code(secret_base32: &str, unix_time: u64) -> String {
    match base32_decode(secret_base32) {
        Some(key) => format!("{:06}", hotp(&key, unix_time / 30)),
        None => String::new(),
    }
}

/// What a typed TOTP code is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TotpCheck {
    /// The code of this 30-second step (one step either side of now is accepted).
    Valid(u64),
    /// A right code of a step already used (or older than one used): refused, as RFC 6238 and
    /// Cognito refuse a second use of a code.
    Reused,
    /// Not the code of any step in the window.
    Mismatch,
}

/// Checks a typed code against the secret at `unix_time`, allowing one step either side, and
/// refuses steps at or before `last_used` (the step of the last accepted code). Every candidate
/// step is compared, each in constant time, whatever matched before.
pub(crate) fn check(
    secret_base32: &str,
    unix_time: u64,
    code: &str,
    last_used: Option<u64>,
) -> TotpCheck {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return TotpCheck::Mismatch;
    }
    let Some(key) = base32_decode(secret_base32) else {
        return TotpCheck::Mismatch;
    };
    let step = unix_time / 30;
    let mut found = None;
    for s in [step.saturating_sub(1), step, step + 1] {
        let expected = format!("{:06}", hotp(&key, s));
        if crate::util::ct_eq(&expected, code) && found.is_none() {
            found = Some(s);
        }
    }
    match found {
        None => TotpCheck::Mismatch,
        Some(s) if last_used.is_some_and(|used| s <= used) => TotpCheck::Reused,
        Some(s) => TotpCheck::Valid(s),
    }
}

/// Checks a user-typed code against the secret at `unix_time`, allowing one step either side
/// (without single-use tracking; see [`check`]).
pub fn verify(secret_base32: &str, unix_time: u64, code: &str) -> bool {
    matches!(
        check(secret_base32, unix_time, code, None),
        TotpCheck::Valid(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_vectors() {
        // RFC 6238 appendix B, SHA-1 key "12345678901234567890", truncated to 6 digits.
        let secret = base32_encode(b"12345678901234567890");
        assert_eq!(totp_code(&secret, 59), "287082");
        assert_eq!(totp_code(&secret, 1111111109), "081804");
        assert_eq!(totp_code(&secret, 2000000000), "279037");
        assert!(verify(&secret, 59 + 30, "287082"));
        assert!(!verify(&secret, 59 + 90, "287082"));
    }

    #[test]
    fn a_code_is_accepted_once() {
        let secret = base32_encode(b"12345678901234567890");
        let now = 1111111109;
        let code = totp_code(&secret, now);
        let step = now / 30;
        assert_eq!(check(&secret, now, &code, None), TotpCheck::Valid(step));
        assert_eq!(check(&secret, now, &code, Some(step)), TotpCheck::Reused);
        // An older step's code is refused too once a newer one was used.
        let older = totp_code(&secret, now - 30);
        assert_eq!(check(&secret, now, &older, Some(step)), TotpCheck::Reused);
        let next = totp_code(&secret, now + 30);
        assert_eq!(
            check(&secret, now, &next, Some(step)),
            TotpCheck::Valid(step + 1)
        );
        assert_eq!(check(&secret, now, "12345", None), TotpCheck::Mismatch);
        assert_eq!(check(&secret, now, "abcdef", None), TotpCheck::Mismatch);
    }

    #[test]
    fn base32_round_trip() {
        for len in 0..25 {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(base32_decode(&base32_encode(&data)).unwrap(), data);
        }
        assert!(base32_decode("A1").is_none());
    }
}
