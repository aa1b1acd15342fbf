use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::encoding::encode_base64;

/// `SECRET_HASH` for app clients that have a client secret: base64 HMAC-SHA256 keyed by the
/// client secret over `username ‖ client_id`.
///
/// `username` is the name sent in the same request (`USERNAME`), which after the password step
/// is Cognito's canonical username.
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(client_secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    encode_base64(&mac.finalize().into_bytes())
}
