//! RS256 JSON Web Tokens and the pool's JWKS.

use std::sync::Arc;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{RsaKeyPair, RsaPublicKeyComponents, RSA_PKCS1_2048_8192_SHA256};
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2_10::{Digest, Sha256};

/// The emulator's token signing key: made and persisted (PKCS#8) with the `rsa` crate, used
/// for signing and verifying with `ring`, which is several times faster.
#[derive(Clone)]
pub struct SigningKey {
    pkcs8: Arc<[u8]>,
    pair: Arc<RsaKeyPair>,
    rng: SystemRandom,
    /// Big-endian modulus and public exponent.
    n: Arc<[u8]>,
    e: Arc<[u8]>,
    kid: String,
    /// `base64url({"kid":...,"alg":"RS256"}) + "."`, the start of every token.
    header_b64: String,
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
        let der = private
            .to_pkcs8_der()
            .map_err(|e| format!("RSA key encoding failed: {e}"))?;
        Self::from_pkcs8_der(der.as_bytes())
    }

    /// A key from base64 PKCS#8 DER (as persisted in the state file).
    pub fn from_pkcs8_b64(b64: &str) -> Result<SigningKey, String> {
        let der = STANDARD
            .decode(b64)
            .map_err(|e| format!("bad signing key encoding: {e}"))?;
        Self::from_pkcs8_der(&der)
    }

    /// Base64 PKCS#8 DER of the key, for persistence.
    pub fn to_pkcs8_b64(&self) -> Option<String> {
        Some(STANDARD.encode(&self.pkcs8))
    }

    fn from_pkcs8_der(der: &[u8]) -> Result<SigningKey, String> {
        // rsa parses (and checks) the key and gives the public numbers; ring signs with it.
        let private =
            RsaPrivateKey::from_pkcs8_der(der).map_err(|e| format!("bad signing key: {e}"))?;
        let pair = RsaKeyPair::from_pkcs8(der).map_err(|e| format!("bad signing key: {e}"))?;
        let n: Arc<[u8]> = private.n().to_bytes_be().into();
        let e: Arc<[u8]> = private.e().to_bytes_be().into();
        let digest = Sha256::digest(&n);
        let kid = STANDARD.encode(&digest[..20]);
        let header = json!({ "kid": kid, "alg": "RS256" });
        let header_b64 = format!("{}.", URL_SAFE_NO_PAD.encode(header.to_string()));
        Ok(SigningKey {
            pkcs8: der.into(),
            pair: Arc::new(pair),
            rng: SystemRandom::new(),
            n,
            e,
            kid,
            header_b64,
        })
    }

    /// The key as a JWK.
    pub fn jwk(&self) -> Value {
        json!({
            "alg": "RS256",
            "e": URL_SAFE_NO_PAD.encode(&self.e),
            "kid": self.kid,
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(&self.n),
            "use": "sig",
        })
    }

    /// A JWKS document with this key alone.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [self.jwk()] })
    }

    /// Signs `claims` as a compact RS256 JWT.
    pub fn sign(&self, claims: &Value) -> String {
        let claims = serde_json::to_vec(claims).unwrap_or_default();
        let mut token = String::with_capacity(
            self.header_b64.len() + (claims.len() + self.pair.public().modulus_len()) * 4 / 3 + 8,
        );
        token.push_str(&self.header_b64);
        URL_SAFE_NO_PAD.encode_string(&claims, &mut token);
        let mut sig = vec![0u8; self.pair.public().modulus_len()];
        if self
            .pair
            .sign(
                &ring::signature::RSA_PKCS1_SHA256,
                &self.rng,
                token.as_bytes(),
                &mut sig,
            )
            .is_err()
        {
            sig.clear();
        }
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&sig, &mut token);
        token
    }

    /// Verifies a JWT's signature and returns its claims (expiry is the caller's business).
    pub fn verify(&self, token: &str) -> Option<Value> {
        let (signed, s) = token.rsplit_once('.')?;
        let (h, c) = signed.split_once('.')?;
        if c.contains('.') {
            return None;
        }
        let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).ok()?).ok()?;
        if header.get("alg")?.as_str()? != "RS256" {
            return None;
        }
        let sig = URL_SAFE_NO_PAD.decode(s).ok()?;
        let public = RsaPublicKeyComponents {
            n: &*self.n,
            e: &*self.e,
        };
        public
            .verify(&RSA_PKCS1_2048_8192_SHA256, signed.as_bytes(), &sig)
            .ok()?;
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(c).ok()?).ok()?;
        claims.is_object().then_some(claims)
    }
}

/// The pool's two signing keys: as in Cognito, ID tokens and access tokens are signed with
/// different keys (two `kid`s), both published in the JWKS.
#[derive(Debug, Clone)]
pub struct TokenKeys {
    /// Signs ID tokens.
    pub id: SigningKey,
    /// Signs access tokens.
    pub access: SigningKey,
}

impl TokenKeys {
    /// The JWKS document: the ID token key, then the access token key.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [self.id.jwk(), self.access.jwk()] })
    }
}

/// Decodes a JWT's claims without checking anything (for tests and tools).
pub fn decode_claims_unverified(token: &str) -> Option<Value> {
    let c = token.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(c).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::{Pkcs1v15Sign, RsaPublicKey};

    /// A key persisted by older versions (the rsa crate's PKCS#8) still loads, keeps its `kid`,
    /// and ring's signatures are plain RS256 that the rsa crate verifies.
    #[test]
    fn old_state_file_keys_load_and_signatures_are_standard_rs256() {
        let private = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let b64 = STANDARD.encode(private.to_pkcs8_der().unwrap().as_bytes());
        let key = SigningKey::from_pkcs8_b64(&b64).unwrap();
        assert_eq!(key.to_pkcs8_b64().as_deref(), Some(b64.as_str()));
        let public = RsaPublicKey::from(&private);
        let old_kid = STANDARD.encode(&Sha256::digest(public.n().to_bytes_be())[..20]);
        assert_eq!(key.kid, old_kid);
        assert_eq!(
            key.jwks()["keys"][0]["n"],
            URL_SAFE_NO_PAD.encode(public.n().to_bytes_be())
        );

        let claims = json!({"sub": "abc", "token_use": "access"});
        let token = key.sign(&claims);
        assert_eq!(key.verify(&token), Some(claims));
        let (signed, sig) = token.rsplit_once('.').unwrap();
        let sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
        public
            .verify(
                Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(signed.as_bytes()),
                &sig,
            )
            .unwrap();
        let header = decode_claims_unverified(&format!("x.{}", signed.split('.').next().unwrap()));
        assert_eq!(header, Some(json!({"alg": "RS256", "kid": old_kid})));

        // Tampering is caught.
        let mut bad = token.clone();
        bad.insert(signed.len() - 2, 'A');
        assert_eq!(key.verify(&bad), None);
        assert_eq!(key.verify(&format!("{token}.x")), None);
        assert!(SigningKey::from_pkcs8_b64("bm90IGEga2V5").is_err());
    }
}
