//! The sandbox provider's RSA signing keys: two fixed 2048-bit TEST keys
//! shipped in `sandbox/keys/`, never used anywhere real.
//!
//! The first signs ID tokens until [`super::GoogleSandbox::rotate_key`]; then
//! the second does, and the JWKS publishes both, as Google does during a
//! rotation. Whichever key is not active forges signatures for
//! [`super::Fault::BadSignature`].

use jsonwebtoken::jwk::{Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, EncodingKey};

const FIRST_PEM: &[u8] = include_bytes!("../../keys/google-test-rsa-1.pem");
const SECOND_PEM: &[u8] = include_bytes!("../../keys/google-test-rsa-2.pem");

/// The key ids the sandbox publishes, in rotation order.
pub const FIRST_KID: &str = "baton-sandbox-google-1";
pub const SECOND_KID: &str = "baton-sandbox-google-2";

/// One RSA key: what signs and what the JWKS shows for it.
pub(crate) struct TestKey {
    pub kid: &'static str,
    pub encoding: EncodingKey,
    pub jwk: Jwk,
}

impl TestKey {
    fn load(kid: &'static str, pem: &[u8]) -> std::io::Result<Self> {
        let encoding = EncodingKey::from_rsa_pem(pem).map_err(std::io::Error::other)?;
        let mut jwk =
            Jwk::from_encoding_key(&encoding, Algorithm::RS256).map_err(std::io::Error::other)?;
        jwk.common.key_id = Some(kid.to_owned());
        jwk.common.public_key_use = Some(PublicKeyUse::Signature);
        Ok(Self { kid, encoding, jwk })
    }
}

/// Both test keys and which one is active.
pub(crate) struct SigningKeys {
    first: TestKey,
    second: TestKey,
}

impl SigningKeys {
    pub fn load() -> std::io::Result<Self> {
        Ok(Self {
            first: TestKey::load(FIRST_KID, FIRST_PEM)?,
            second: TestKey::load(SECOND_KID, SECOND_PEM)?,
        })
    }

    /// The key that signs ID tokens now.
    pub fn active(&self, rotated: bool) -> &TestKey {
        if rotated { &self.second } else { &self.first }
    }

    /// A key the relying party must not accept under the active key's id.
    pub fn forger(&self, rotated: bool) -> &TestKey {
        if rotated { &self.first } else { &self.second }
    }

    /// The published key set: the active key first, and the retired one
    /// still listed after a rotation.
    pub fn jwks(&self, rotated: bool) -> JwkSet {
        let keys = if rotated {
            vec![self.second.jwk.clone(), self.first.jwk.clone()]
        } else {
            vec![self.first.jwk.clone()]
        };
        JwkSet { keys }
    }
}
