//! The server's side, as the project's Cognito emulator runs it: verifiers, `SRP_B`, and
//! checking a password claim.

use hmac::Mac;
use zeroize::Zeroizing;

use super::client::{random_bytes, random_exponent, SECRET_EXPONENT_BYTES};
use super::encoding::{
    big_to_hex, decode_base64, decode_hex, encode_base64, encode_big, encode_hex,
    minimal_twos_complement,
};
use super::group::{group, Big, TABLE_EXPONENT_BITS};
use super::proof::{claim_mac, private_key, scrambler, session_key};
use super::{SrpError, SrpIdentity};

/// Bytes of a salt made by [`Verifier::create`].
const SALT_BYTES: usize = 16;
/// Longest salt accepted from outside.
const MAX_SALT_BYTES: usize = 1024;

/// What the server stores for a user's password or a device's secret: the salt and the
/// verifier `v = g^x mod N`. It does not reveal the password, but it is as sensitive as a
/// password hash.
#[derive(Clone, PartialEq, Eq)]
pub struct Verifier {
    /// The salt as minimal two's complement bytes (exactly what `x` hashes).
    salt: Vec<u8>,
    v: Big,
}

impl Verifier {
    /// A verifier for `password` with a random 16-byte salt.
    pub fn try_create(identity: &SrpIdentity, password: &str) -> Result<Verifier, SrpError> {
        let mut raw = [0u8; SALT_BYTES];
        // A leading zero byte would shorten the encoded salt; draw again so it is always
        // 16 bytes (17 with the sign byte), as Cognito's clients send it.
        while raw[0] == 0 {
            random_bytes(&mut raw)?;
        }
        let salt = minimal_twos_complement(&raw);
        let x = private_key(identity, password, &salt);
        let v = group().pow_g_secret(&x, TABLE_EXPONENT_BITS).retrieve();
        Ok(Verifier { salt, v })
    }

    /// A verifier for `password` with a random 16-byte salt.
    ///
    /// # Panics
    /// Only if the operating system's random number generator is unavailable; use
    /// [`Verifier::try_create`] to get an error instead.
    pub fn create(identity: &SrpIdentity, password: &str) -> Verifier {
        Verifier::try_create(identity, password)
            .expect("the system random number generator is unavailable")
    }

    /// The verifier `ConfirmDevice` receives as `DeviceSecretVerifierConfig` (base64 `Salt` and
    /// `PasswordVerifier`).
    pub fn from_base64(salt_b64: &str, verifier_b64: &str) -> Result<Verifier, SrpError> {
        let salt = decode_base64("Salt", salt_b64)?;
        let v = decode_base64("PasswordVerifier", verifier_b64)?;
        Verifier::from_bytes(&salt, &v)
    }

    /// A verifier from hex salt and verifier (as [`Verifier::salt_hex`] and
    /// [`Verifier::verifier_hex`] print them).
    pub fn from_hex(salt_hex: &str, verifier_hex: &str) -> Result<Verifier, SrpError> {
        let salt = decode_hex("salt", salt_hex)?;
        let v = decode_hex("verifier", verifier_hex)?;
        Verifier::from_bytes(&salt, &v)
    }

    fn from_bytes(salt: &[u8], v: &[u8]) -> Result<Verifier, SrpError> {
        if salt.len() > MAX_SALT_BYTES {
            return Err(SrpError::ValueTooLarge { field: "Salt" });
        }
        let v = group().reduce_public("PasswordVerifier", v)?;
        if bool::from(v.is_zero()) {
            return Err(SrpError::IllegalPublicValue {
                field: "PasswordVerifier",
            });
        }
        Ok(Verifier {
            salt: minimal_twos_complement(salt),
            v,
        })
    }

    /// The salt in hex, as Cognito sends it in the `SALT` challenge parameter.
    pub fn salt_hex(&self) -> String {
        let hex = encode_hex(&self.salt);
        match hex.trim_start_matches('0') {
            "" => "0".to_owned(),
            trimmed => trimmed.to_owned(),
        }
    }

    /// The verifier in hex, for persistence.
    pub fn verifier_hex(&self) -> String {
        big_to_hex(&self.v)
    }

    /// The salt as base64 of its minimal two's complement bytes (16 or 17 bytes).
    pub fn salt_b64(&self) -> String {
        encode_base64(&self.salt)
    }

    /// The verifier as base64 of its minimal two's complement bytes (at most 385 bytes).
    pub fn verifier_b64(&self) -> String {
        encode_base64(&encode_big(&self.v))
    }

    /// Whether `password` is the one this verifier was made for (for `USER_PASSWORD_AUTH`).
    /// The comparison is constant time.
    pub fn matches_password(&self, identity: &SrpIdentity, password: &str) -> bool {
        let x = private_key(identity, password, &self.salt);
        let candidate = Zeroizing::new(group().pow_g_secret(&x, TABLE_EXPONENT_BITS).retrieve());
        use crypto_bigint::CtEq;
        candidate.ct_eq(&self.v).into()
    }
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("salt", &self.salt_hex())
            .field("v", &"<redacted>")
            .finish()
    }
}

/// The server's ephemeral key pair for one challenge: the secret `b` and `B = k·v + g^b mod N`,
/// sent as `SRP_B`.
pub struct ServerChallenge {
    b: Zeroizing<Big>,
    b_bits: u32,
    b_pub: Big,
}

impl ServerChallenge {
    /// A challenge for the holder of `verifier`, with a random 256-bit `b`.
    pub fn try_new(verifier: &Verifier) -> Result<ServerChallenge, SrpError> {
        loop {
            let b = random_exponent()?;
            let challenge = ServerChallenge::from_exponent(verifier, b, TABLE_EXPONENT_BITS);
            if !bool::from(challenge.b_pub.is_zero()) {
                return Ok(challenge);
            }
        }
    }

    /// A challenge for the holder of `verifier`, with a random 256-bit `b`.
    ///
    /// # Panics
    /// Only if the operating system's random number generator is unavailable; use
    /// [`ServerChallenge::try_new`] to get an error instead.
    pub fn new(verifier: &Verifier) -> ServerChallenge {
        ServerChallenge::try_new(verifier)
            .expect("the system random number generator is unavailable")
    }

    /// Restores a challenge from [`ServerChallenge::to_secret_hex`] (for servers that keep
    /// sessions outside memory).
    pub fn from_secret_hex(verifier: &Verifier, b_hex: &str) -> Result<ServerChallenge, SrpError> {
        let bytes = Zeroizing::new(decode_hex("b", b_hex)?);
        let b = Zeroizing::new(group().reduce_exponent("b", &bytes)?);
        let significant = bytes.iter().skip_while(|&&x| x == 0).count();
        let bits = if significant <= SECRET_EXPONENT_BYTES {
            TABLE_EXPONENT_BITS
        } else {
            Big::BITS
        };
        let challenge = ServerChallenge::from_exponent(verifier, b, bits);
        if bool::from(challenge.b_pub.is_zero()) {
            return Err(SrpError::IllegalPublicValue { field: "SRP_B" });
        }
        Ok(challenge)
    }

    fn from_exponent(verifier: &Verifier, b: Zeroizing<Big>, b_bits: u32) -> ServerChallenge {
        let group = group();
        let kv = group.k().mul(&group.to_mont(&verifier.v));
        let b_pub = kv.add(&group.pow_g_secret(&b, b_bits)).retrieve();
        ServerChallenge { b, b_bits, b_pub }
    }

    /// `SRP_B`: lowercase hex without leading zeros.
    pub fn public_hex(&self) -> String {
        big_to_hex(&self.b_pub)
    }

    /// The secret `b` in hex. It lets anyone who also has the verifier impersonate the server
    /// for this challenge: keep it with the same care as the verifier.
    pub fn to_secret_hex(&self) -> String {
        big_to_hex(&self.b)
    }

    /// Checks a `PASSWORD_CLAIM_SIGNATURE` for this challenge: `srp_a_hex` is the `SRP_A` the
    /// client sent, `secret_block` the raw bytes of the `SECRET_BLOCK` the server issued, and
    /// `timestamp` the client's `TIMESTAMP` exactly as sent.
    ///
    /// Returns [`SrpError::SignatureMismatch`] for a wrong password or device secret.
    pub fn verify(
        &self,
        verifier: &Verifier,
        identity: &SrpIdentity,
        srp_a_hex: &str,
        secret_block: &[u8],
        timestamp: &str,
        signature_b64: &str,
    ) -> Result<(), SrpError> {
        let group = group();
        let a_pub = public_a(srp_a_hex)?;
        let signature = decode_base64("PASSWORD_CLAIM_SIGNATURE", signature_b64)?;
        let u = scrambler(&a_pub, &self.b_pub)?;
        let vu = group.pow_secret(&group.to_mont(&verifier.v), &u, TABLE_EXPONENT_BITS);
        let base = Zeroizing::new(group.to_mont(&a_pub).mul(&vu));
        let shared = Zeroizing::new(group.pow_secret(&base, &self.b, self.b_bits).retrieve());
        let key = session_key(&u, &shared);
        claim_mac(&key, identity, secret_block, timestamp)
            .verify_slice(&signature)
            .map_err(|_| SrpError::SignatureMismatch)
    }
}

impl std::fmt::Debug for ServerChallenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerChallenge")
            .field("b", &"<redacted>")
            .field("B", &self.public_hex())
            .finish()
    }
}

/// Checks an `SRP_A` as the server receives it in `InitiateAuth`: valid hex and not zero
/// modulo N.
pub fn check_client_public(srp_a_hex: &str) -> Result<(), SrpError> {
    public_a(srp_a_hex).map(|_| ())
}

fn public_a(srp_a_hex: &str) -> Result<Big, SrpError> {
    let a_pub = group().reduce_public("SRP_A", &decode_hex("SRP_A", srp_a_hex)?)?;
    if bool::from(a_pub.is_zero()) {
        return Err(SrpError::IllegalPublicValue { field: "SRP_A" });
    }
    Ok(a_pub)
}
