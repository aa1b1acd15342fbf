//! The app's side: `SRP_A`, the password claim, and device verifiers for `ConfirmDevice`.

use zeroize::Zeroizing;

use super::encoding::{
    big_to_hex, decode_base64, decode_hex, encode_base64, minimal_twos_complement,
};
use super::group::{group, Big, N_BYTES, TABLE_EXPONENT_BITS};
use super::proof::{claim_mac, private_key, scrambler, session_key};
use super::server::Verifier;
use super::{SrpError, SrpIdentity};
use hmac::Mac;

/// Bytes of a freshly generated secret exponent (`a` or `b`): 256 bits, as Amplify Swift does.
pub(crate) const SECRET_EXPONENT_BYTES: usize = 32;

/// Fills a buffer from the operating system's random number generator.
pub(crate) fn random_bytes(buf: &mut [u8]) -> Result<(), SrpError> {
    getrandom::fill(buf).map_err(|_| SrpError::RandomUnavailable)
}

/// A random non-zero 256-bit exponent.
pub(crate) fn random_exponent() -> Result<Zeroizing<Big>, SrpError> {
    loop {
        let mut bytes = Zeroizing::new([0u8; SECRET_EXPONENT_BYTES]);
        random_bytes(bytes.as_mut_slice())?;
        let value = group().reduce_exponent("secret exponent", bytes.as_slice())?;
        if !bool::from(value.is_zero()) {
            return Ok(Zeroizing::new(value));
        }
    }
}

/// The app's ephemeral SRP key pair: the secret `a` and the public `A = g^a mod N` sent as
/// `SRP_A`. Make a new one for every sign-in attempt; it may be made ahead of time (it does
/// not depend on the user) to take its cost off the critical path.
pub struct ClientEphemeral {
    a: Zeroizing<Big>,
    /// An upper bound on the bit length of `a`, fixed by how `a` was made (not by its value).
    a_bits: u32,
    a_pub: Big,
}

impl ClientEphemeral {
    /// A fresh key pair with a 256-bit random `a`.
    pub fn try_generate() -> Result<ClientEphemeral, SrpError> {
        let a = random_exponent()?;
        Ok(ClientEphemeral::from_exponent(a, TABLE_EXPONENT_BITS))
    }

    /// A fresh key pair with a 256-bit random `a`.
    ///
    /// # Panics
    /// Only if the operating system's random number generator is unavailable; use
    /// [`ClientEphemeral::try_generate`] to get an error instead.
    pub fn generate() -> ClientEphemeral {
        ClientEphemeral::try_generate().expect("the system random number generator is unavailable")
    }

    /// A key pair from a known secret `a` (hex, up to 8192 bits), for test vectors and
    /// reproducible tests. Never use a fixed `a` in production.
    pub fn from_secret_hex(a_hex: &str) -> Result<ClientEphemeral, SrpError> {
        let bytes = Zeroizing::new(decode_hex("a", a_hex)?);
        let a = Zeroizing::new(group().reduce_exponent("a", &bytes)?);
        // The bound depends on the length of what the caller supplied, not on secret bits:
        // `a < 2^(8·significant)`, and below N - 1 the reduction left it unchanged. So the
        // 1024-bit `a` other Cognito clients make costs 1024 bits of exponent, not 3072.
        let significant = bytes.iter().skip_while(|&&b| b == 0).count();
        let bits = if significant <= SECRET_EXPONENT_BYTES {
            TABLE_EXPONENT_BITS
        } else if significant < N_BYTES {
            8 * significant as u32
        } else {
            Big::BITS
        };
        Ok(ClientEphemeral::from_exponent(a, bits))
    }

    /// `a` must be below `2^a_bits` (or `a_bits` be [`Big::BITS`]).
    pub(super) fn from_exponent(a: Zeroizing<Big>, a_bits: u32) -> ClientEphemeral {
        let group = group();
        let a_pub = group.pow_g_secret(&a, a_bits).retrieve();
        ClientEphemeral { a, a_bits, a_pub }
    }

    /// `SRP_A`: lowercase hex without leading zeros.
    pub fn public_hex(&self) -> String {
        big_to_hex(&self.a_pub)
    }

    /// Answers a `PASSWORD_VERIFIER` (user) or `DEVICE_PASSWORD_VERIFIER` (device) challenge:
    /// returns `PASSWORD_CLAIM_SIGNATURE` (base64) for the challenge's `SALT` and `SRP_B` (hex)
    /// and `SECRET_BLOCK` (base64), signed over `timestamp` (see
    /// [`format_timestamp`](super::format_timestamp)), which must be sent as `TIMESTAMP`.
    ///
    /// For a device, `identity` is [`SrpIdentity::device`] and `password` the device secret.
    pub fn password_claim(
        &self,
        identity: &SrpIdentity,
        password: &str,
        salt_hex: &str,
        srp_b_hex: &str,
        secret_block_b64: &str,
        timestamp: &str,
    ) -> Result<String, SrpError> {
        let secret_block = decode_base64("SECRET_BLOCK", secret_block_b64)?;
        let (u, shared) = self.shared_secret(identity, password, salt_hex, srp_b_hex)?;
        let key = session_key(&u, &shared);
        let mac = claim_mac(&key, identity, &secret_block, timestamp);
        Ok(encode_base64(&mac.finalize().into_bytes()))
    }

    /// `u` and the shared secret `S = (B - k·g^x)^(a + u·x) mod N`.
    pub(crate) fn shared_secret(
        &self,
        identity: &SrpIdentity,
        password: &str,
        salt_hex: &str,
        srp_b_hex: &str,
    ) -> Result<(Big, Zeroizing<Big>), SrpError> {
        let group = group();
        let b_pub = group.reduce_public("SRP_B", &decode_hex("SRP_B", srp_b_hex)?)?;
        if bool::from(b_pub.is_zero()) {
            return Err(SrpError::IllegalPublicValue { field: "SRP_B" });
        }
        let u = scrambler(&self.a_pub, &b_pub)?;
        let salt = minimal_twos_complement(&decode_hex("SALT", salt_hex)?);
        let x = private_key(identity, password, &salt);

        let verifier = Zeroizing::new(group.pow_g_secret(&x, TABLE_EXPONENT_BITS));
        let base = Zeroizing::new(group.to_mont(&b_pub).sub(&group.k().mul(&verifier)));
        // u and x are both below 2^256, so u·x fits without reduction.
        let ux = Zeroizing::new(u.wrapping_mul(&x));
        let exponent = Zeroizing::new(self.a.add_mod(&ux, group.n_minus_1()));
        // a < 2^a_bits and u·x < 2^512, so a + u·x < 2^(max(a_bits, 512) + 1); while that is
        // below N - 1 the reduction changes nothing and the shorter bound holds.
        let sum_bits = self.a_bits.max(2 * TABLE_EXPONENT_BITS) + 1;
        let bits = if sum_bits < Big::BITS {
            sum_bits
        } else {
            Big::BITS
        };
        let shared = Zeroizing::new(group.pow_secret(&base, &exponent, bits).retrieve());
        Ok((u, shared))
    }
}

impl std::fmt::Debug for ClientEphemeral {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientEphemeral")
            .field("a", &"<redacted>")
            .field("A", &self.public_hex())
            .finish()
    }
}

/// Bytes of randomness in a device secret (before base64), as the Amplify clients use.
const DEVICE_SECRET_BYTES: usize = 40;

/// A device's secret and the verifier `ConfirmDevice` registers for it.
///
/// Send [`DeviceSecret::salt_b64`] and [`DeviceSecret::verifier_b64`] as
/// `DeviceSecretVerifierConfig { Salt, PasswordVerifier }`, and keep [`DeviceSecret::secret`] in
/// secure storage: it is the device's password for `DEVICE_SRP_AUTH`.
pub struct DeviceSecret {
    secret: Zeroizing<String>,
    verifier: Verifier,
}

impl DeviceSecret {
    /// A random device secret (40 random bytes, base64) with a random 16-byte salt.
    pub fn try_generate(
        device_group_key: &str,
        device_key: &str,
    ) -> Result<DeviceSecret, SrpError> {
        let mut raw = Zeroizing::new([0u8; DEVICE_SECRET_BYTES]);
        random_bytes(raw.as_mut_slice())?;
        let secret = Zeroizing::new(encode_base64(raw.as_slice()));
        let identity = SrpIdentity::device(device_group_key, device_key);
        let verifier = Verifier::try_create(&identity, &secret)?;
        Ok(DeviceSecret { secret, verifier })
    }

    /// A random device secret (40 random bytes, base64) with a random 16-byte salt.
    ///
    /// # Panics
    /// Only if the operating system's random number generator is unavailable; use
    /// [`DeviceSecret::try_generate`] to get an error instead.
    pub fn generate(device_group_key: &str, device_key: &str) -> DeviceSecret {
        DeviceSecret::try_generate(device_group_key, device_key)
            .expect("the system random number generator is unavailable")
    }

    /// The device secret: the password the device proves in `DEVICE_PASSWORD_VERIFIER`.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// `DeviceSecretVerifierConfig.Salt`: base64 of the salt (16 or 17 bytes).
    pub fn salt_b64(&self) -> String {
        self.verifier.salt_b64()
    }

    /// `DeviceSecretVerifierConfig.PasswordVerifier`: base64 of `g^x mod N` (384 or 385 bytes).
    pub fn verifier_b64(&self) -> String {
        self.verifier.verifier_b64()
    }
}

impl std::fmt::Debug for DeviceSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceSecret")
            .field("secret", &"<redacted>")
            .field("verifier", &self.verifier)
            .finish()
    }
}
