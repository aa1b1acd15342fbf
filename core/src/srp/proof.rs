//! The steps both roles share: `u`, `x`, the session key and the claim signature.

use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::encoding::encode_big;
use super::group::{hash_to_big, Big};
use super::{SrpError, SrpIdentity};

type HmacSha256 = Hmac<Sha256>;

const KEY_INFO: &[u8] = b"Caldera Derived Key";
/// Bytes of the derived session key.
pub(crate) const KEY_BYTES: usize = 16;

/// `u = H(enc(A) ‖ enc(B))`; zero is refused.
pub(crate) fn scrambler(a_pub: &Big, b_pub: &Big) -> Result<Big, SrpError> {
    let hash = Sha256::new()
        .chain_update(encode_big(a_pub).as_slice())
        .chain_update(encode_big(b_pub).as_slice())
        .finalize();
    let u = hash_to_big(&hash);
    if bool::from(u.is_zero()) {
        return Err(SrpError::ZeroScrambler);
    }
    Ok(u)
}

/// `x = H(enc(salt) ‖ H(prefix ‖ name ‖ ":" ‖ password))`. `salt` is already minimally encoded.
pub(crate) fn private_key(identity: &SrpIdentity, password: &str, salt: &[u8]) -> Zeroizing<Big> {
    let inner = sha256(&[
        identity.prefix().as_bytes(),
        identity.name().as_bytes(),
        b":",
        password.as_bytes(),
    ]);
    let outer = sha256(&[salt, inner.as_slice()]);
    Zeroizing::new(hash_to_big(outer.as_slice()))
}

/// SHA-256 of the concatenation of `parts`, in a buffer wiped on drop.
fn sha256(parts: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&hasher.finalize());
    out
}

/// HKDF-SHA256(salt = enc(u), ikm = enc(S), info = "Caldera Derived Key"), 16 bytes.
pub(crate) fn session_key(u: &Big, shared: &Big) -> Zeroizing<[u8; KEY_BYTES]> {
    let salt = encode_big(u);
    let ikm = encode_big(shared);
    let hk = Hkdf::<Sha256>::new(Some(salt.as_slice()), ikm.as_slice());
    let mut key = Zeroizing::new([0u8; KEY_BYTES]);
    hk.expand(KEY_INFO, key.as_mut_slice())
        .expect("16 bytes is a valid HKDF-SHA256 output length");
    key
}

/// HMAC-SHA256(key, prefix ‖ name ‖ secret block ‖ timestamp).
pub(crate) fn claim_mac(
    key: &[u8; KEY_BYTES],
    identity: &SrpIdentity,
    secret_block: &[u8],
    timestamp: &str,
) -> HmacSha256 {
    let mut mac =
        <HmacSha256 as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(identity.prefix().as_bytes());
    mac.update(identity.name().as_bytes());
    mac.update(secret_block);
    mac.update(timestamp.as_bytes());
    mac
}
