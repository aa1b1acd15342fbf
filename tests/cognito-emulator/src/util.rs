//! Small helpers: randomness, identifiers, masking.

use rsa::rand_core::{OsRng, RngCore};

/// `n` random bytes from the operating system.
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    OsRng.fill_bytes(&mut v);
    v
}

/// A random string of `n` characters from `[A-Za-z0-9]`.
pub fn random_alnum(n: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    random_from(CHARS, n)
}

fn random_from(chars: &[u8], n: usize) -> String {
    let mut out = String::with_capacity(n);
    while out.len() < n {
        for b in random_bytes(n * 2) {
            // Rejection sampling keeps the distribution uniform.
            let limit = 256 - (256 % chars.len());
            if usize::from(b) < limit && out.len() < n {
                out.push(char::from(chars[usize::from(b) % chars.len()]));
            }
        }
    }
    out
}

/// A random 6-digit numeric code.
pub fn random_code() -> String {
    random_from(b"0123456789", 6)
}

/// A random version-4 UUID, lower-case hyphenated.
pub fn uuid_v4() -> String {
    let mut b = random_bytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// An opaque token of `bytes` random bytes, base64url without padding.
pub fn opaque(bytes: usize) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes(bytes))
}

/// Masks a phone number like Cognito: `+*******1234`.
pub fn mask_phone(p: &str) -> String {
    let chars: Vec<char> = p.chars().collect();
    let keep = 4.min(chars.len());
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if i == 0 && *c == '+' {
            out.push('+');
        } else if i + keep >= chars.len() {
            out.push(*c);
        } else {
            out.push('*');
        }
    }
    out
}

/// Masks an e-mail address like Cognito: `a***@e***`.
pub fn mask_email(e: &str) -> String {
    match e.split_once('@') {
        Some((local, domain)) => {
            let l: String = local.chars().take(1).collect();
            let d: String = domain.chars().take(1).collect();
            format!("{l}***@{d}***")
        }
        None => "***".to_owned(),
    }
}

/// Constant-time string equality.
pub fn ct_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_phone("+15555551234"), "+*******1234");
        assert_eq!(mask_email("alice@example.com"), "a***@e***");
        let u = uuid_v4();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert_eq!(random_alnum(9).len(), 9);
        assert_eq!(random_code().len(), 6);
    }
}
