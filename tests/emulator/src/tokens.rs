//! RS256 JSON Web Tokens and the pool's JWKS.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Value};
use sha2_10::{Digest, Sha256};

/// The emulator's token signing key.
#[derive(Clone)]
pub struct SigningKey {
    private: RsaPrivateKey,
    public: RsaPublicKey,
    kid: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish()
    }
}

impl SigningKey {
    /// A fresh RSA-2048 key.
    pub fn generate() -> Result<SigningKey, String> {
        let private = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048)
            .map_err(|e| format!("RSA key generation failed: {e}"))?;
        Ok(Self::from_private(private))
    }

    /// A key from base64 PKCS#8 DER (as persisted in the state file).
    pub fn from_pkcs8_b64(b64: &str) -> Result<SigningKey, String> {
        let der = STANDARD
            .decode(b64)
            .map_err(|e| format!("bad signing key encoding: {e}"))?;
        let private =
            RsaPrivateKey::from_pkcs8_der(&der).map_err(|e| format!("bad signing key: {e}"))?;
        Ok(Self::from_private(private))
    }

    /// Base64 PKCS#8 DER of the key, for persistence.
    pub fn to_pkcs8_b64(&self) -> Option<String> {
        self.private
            .to_pkcs8_der()
            .ok()
            .map(|d| STANDARD.encode(d.as_bytes()))
    }

    fn from_private(private: RsaPrivateKey) -> SigningKey {
        let public = private.to_public_key();
        let digest = Sha256::digest(public.n().to_bytes_be());
        let kid = STANDARD.encode(&digest[..20]);
        SigningKey {
            private,
            public,
            kid,
        }
    }

    /// The JWKS document.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [{
            "alg": "RS256",
            "e": URL_SAFE_NO_PAD.encode(self.public.e().to_bytes_be()),
            "kid": self.kid,
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(self.public.n().to_bytes_be()),
            "use": "sig",
        }]})
    }

    /// Signs `claims` as a compact RS256 JWT.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({ "kid": self.kid, "alg": "RS256" });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let digest = Sha256::digest(signing_input.as_bytes());
        let sig = self
            .private
            .sign(Pkcs1v15Sign::new::<Sha256>(), &digest)
            .unwrap_or_default();
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    /// Verifies a JWT's signature and returns its claims (expiry is the caller's business).
    pub fn verify(&self, token: &str) -> Option<Value> {
        let mut parts = token.split('.');
        let (h, c, s) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).ok()?).ok()?;
        if header.get("alg")?.as_str()? != "RS256" {
            return None;
        }
        let sig = URL_SAFE_NO_PAD.decode(s).ok()?;
        let digest = Sha256::digest(format!("{h}.{c}").as_bytes());
        self.public
            .verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &sig)
            .ok()?;
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(c).ok()?).ok()?;
        claims.is_object().then_some(claims)
    }
}

/// Decodes a JWT's claims without checking anything (for tests and tools).
pub fn decode_claims_unverified(token: &str) -> Option<Value> {
    let c = token.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(c).ok()?).ok()
}
