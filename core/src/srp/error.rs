use thiserror::Error;

/// Why an SRP computation was refused. The messages name the offending field, never its value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SrpError {
    /// A hexadecimal field (`SRP_A`, `SRP_B`, `SALT`, ...) is empty or holds a non-hex character.
    #[error("{field} is not valid hexadecimal")]
    InvalidHex {
        /// The name of the field.
        field: &'static str,
    },
    /// A base64 field (`SECRET_BLOCK`, a signature, a verifier) is not valid base64.
    #[error("{field} is not valid base64")]
    InvalidBase64 {
        /// The name of the field.
        field: &'static str,
    },
    /// A number is longer than the protocol allows.
    #[error("{field} is too large")]
    ValueTooLarge {
        /// The name of the field.
        field: &'static str,
    },
    /// A public value is zero modulo N (`SRP_B` from the server, `SRP_A` from the client, or a
    /// stored verifier), which would make the session key predictable.
    #[error("{field} is an illegal SRP value (zero modulo N)")]
    IllegalPublicValue {
        /// The name of the field.
        field: &'static str,
    },
    /// The scrambling parameter `u = H(A ‖ B)` is zero; the exchange must be restarted.
    #[error("the SRP scrambling parameter u is zero")]
    ZeroScrambler,
    /// The password claim signature does not match: wrong password or device secret, or a
    /// tampered challenge.
    #[error("the password claim signature does not match")]
    SignatureMismatch,
    /// A `TIMESTAMP` is not of the form `Tue Mar 5 09:07:03 UTC 2024`.
    #[error("TIMESTAMP is not of the form `EEE MMM d HH:mm:ss UTC yyyy`")]
    InvalidTimestamp,
    /// The operating system's random number generator failed.
    #[error("the system random number generator is unavailable")]
    RandomUnavailable,
}
