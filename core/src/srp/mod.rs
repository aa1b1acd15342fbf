//! Amazon Cognito's variant of SRP-6a, for both roles.
//!
//! Cognito signs a user in without the password ever leaving the device: the app proves it knows
//! the password (or, for a remembered device, the device secret) by answering a
//! `PASSWORD_VERIFIER` / `DEVICE_PASSWORD_VERIFIER` challenge with an HMAC signature keyed by the
//! SRP session key.
//!
//! * The **app** side: [`ClientEphemeral`] (the `SRP_A` value and its secret `a`) and
//!   [`ClientEphemeral::password_claim`], which turns a challenge into `PASSWORD_CLAIM_SIGNATURE`;
//!   [`DeviceSecret::generate`] for `ConfirmDevice`; [`secret_hash`] for app clients with a secret;
//!   [`format_timestamp`] for `TIMESTAMP`.
//! * The **server** side (used by the project's Cognito emulator): [`Verifier`] (salt and
//!   verifier stored per user or device), [`ServerChallenge`] (`SRP_B`) and
//!   [`ServerChallenge::verify`].
//!
//! ## Exact encodings
//! `N` is the RFC 5054 3072-bit group and `g = 2`. Big integers are hashed as minimal big-endian
//! two's complement (a leading `0x00` when the top bit is set). `k = H(N ‖ g)`,
//! `u = H(A ‖ B)`, `x = H(salt ‖ H(prefix ‖ name ‖ ":" ‖ password))`, where for a user the prefix
//! is the pool name (the part of the pool id after the first `_`) and the name is
//! `USER_ID_FOR_SRP`, and for a device the prefix is the `DeviceGroupKey` and the name the
//! `DeviceKey`. The session key is HKDF-SHA256(salt = u, ikm = S, info = "Caldera Derived Key")
//! truncated to 16 bytes, and the signature is base64 HMAC-SHA256(key, prefix ‖ name ‖
//! secret block ‖ timestamp).
//!
//! ## Safety
//! Secret exponents (`a`, `b`, `x` and `a + u·x`) are used only in constant-time Montgomery
//! exponentiation (hand-written 3072-bit Montgomery arithmetic, module `montgomery`) or
//! constant-time table look-ups, and are zeroized on drop, as are passwords copied into hash
//! buffers and derived keys. No `Debug` output contains a secret.
//! Every malformed or illegal input (bad hex or base64, `B mod N = 0`, `A mod N = 0`, `u = 0`)
//! returns a typed [`SrpError`]; nothing here panics on input.

mod client;
mod encoding;
mod error;
mod group;
mod montgomery;
mod proof;
mod secret_hash;
mod server;
mod timestamp;

#[cfg(test)]
mod tests;

pub use client::{ClientEphemeral, DeviceSecret};
pub use error::SrpError;
pub use secret_hash::secret_hash;
pub use server::{check_client_public, ServerChallenge, Verifier};
pub use timestamp::{format_timestamp, parse_timestamp};

/// Who is proving knowledge of a secret: a user of a pool, or a device of a user.
///
/// The identity decides both the hash `x` and the signed message, so the app and the server must
/// build it from the same values.
#[derive(Clone, PartialEq, Eq)]
pub struct SrpIdentity {
    prefix: String,
    name: String,
}

impl SrpIdentity {
    /// A user: `user_pool_id` is the full pool id (`us-east-1_AbCdEf123`), `user_id_for_srp` the
    /// `USER_ID_FOR_SRP` challenge parameter (Cognito's canonical username, not the alias typed).
    ///
    /// The prefix is the part of the pool id after the first `_`; a pool id without `_` is used
    /// whole.
    pub fn user(user_pool_id: &str, user_id_for_srp: &str) -> SrpIdentity {
        let pool_name = match user_pool_id.split_once('_') {
            Some((_, name)) => name,
            None => user_pool_id,
        };
        SrpIdentity {
            prefix: pool_name.to_owned(),
            name: user_id_for_srp.to_owned(),
        }
    }

    /// A device: the `DeviceGroupKey` and `DeviceKey` from `NewDeviceMetadata`.
    pub fn device(device_group_key: &str, device_key: &str) -> SrpIdentity {
        SrpIdentity {
            prefix: device_group_key.to_owned(),
            name: device_key.to_owned(),
        }
    }

    pub(crate) fn prefix(&self) -> &str {
        &self.prefix
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }
}

impl std::fmt::Debug for SrpIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SrpIdentity")
            .field("prefix", &self.prefix)
            .field("name", &self.name)
            .finish()
    }
}
