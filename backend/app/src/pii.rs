//! Personal data at rest (phone numbers now; ID numbers and addresses with the case intake):
//! AES-256-GCM with a random 96-bit nonce per value, stored as base64 of nonce and
//! ciphertext, plus an HMAC-SHA-256 keyed hash for exact matching without decrypting.
//! The key comes from `YISHEN_DATA_KEY` or is generated once into the data dir.

use aes_gcm::aead::{Aead, Nonce};
use aes_gcm::{Aes256Gcm, KeyInit};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const NONCE_LEN: usize = 12;
/// Label mixed into the hashing key so that it differs from the encryption key.
const HASH_KEY_LABEL: &[u8] = b"yishen personal-data match key v1";

#[derive(Clone)]
pub struct Pii {
    cipher: Aes256Gcm,
    hash_key: Vec<u8>,
}

impl std::fmt::Debug for Pii {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pii(<key>)")
    }
}

impl Pii {
    /// From a 32-byte key.
    pub fn new(key: &[u8]) -> Result<Self, anyhow::Error> {
        if key.len() != 32 {
            anyhow::bail!("the data key must be 32 bytes, got {}", key.len());
        }
        let cipher =
            Aes256Gcm::new_from_slice(key).map_err(|_| anyhow::anyhow!("invalid data key"))?;
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key)
            .map_err(|_| anyhow::anyhow!("invalid data key"))?;
        mac.update(HASH_KEY_LABEL);
        let hash_key = mac.finalize().into_bytes().to_vec();
        Ok(Self { cipher, hash_key })
    }

    /// Parses a key written as 64 hex digits or as base64 of 32 bytes.
    pub fn parse_key(text: &str) -> Result<Vec<u8>, anyhow::Error> {
        let t = text.trim();
        if let Ok(bytes) = hex::decode(t)
            && bytes.len() == 32
        {
            return Ok(bytes);
        }
        match STANDARD.decode(t) {
            Ok(bytes) if bytes.len() == 32 => Ok(bytes),
            _ => anyhow::bail!("the data key must be 32 bytes as 64 hex digits or base64"),
        }
    }

    pub fn encrypt(&self, plain: &str) -> Result<String, anyhow::Error> {
        let mut nonce_bytes = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce_bytes).map_err(|e| anyhow::anyhow!("random: {e}"))?;
        let nonce = Nonce::<Aes256Gcm>::from(nonce_bytes);
        let ct = self
            .cipher
            .encrypt(&nonce, plain.as_bytes())
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&ct);
        Ok(STANDARD.encode(out))
    }

    pub fn decrypt(&self, stored: &str) -> Result<String, anyhow::Error> {
        let bytes = STANDARD
            .decode(stored)
            .map_err(|_| anyhow::anyhow!("stored value is not base64"))?;
        if bytes.len() <= NONCE_LEN {
            anyhow::bail!("stored value too short");
        }
        let (n, ct) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::<Aes256Gcm>::try_from(n).map_err(|_| anyhow::anyhow!("bad nonce"))?;
        let plain = self
            .cipher
            .decrypt(&nonce, ct)
            .map_err(|_| anyhow::anyhow!("decryption failed: wrong key or altered value"))?;
        Ok(String::from_utf8(plain)?)
    }

    /// The keyed hash used to find equal values.
    pub fn match_hash(&self, plain: &str) -> String {
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.hash_key) else {
            // HMAC accepts keys of any length.
            return String::new();
        };
        mac.update(plain.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_differ_each_time_and_hash_stably() {
        let p = Pii::new(&[7u8; 32]).expect("key");
        let a = p.encrypt("13800138000").expect("encrypt");
        let b = p.encrypt("13800138000").expect("encrypt");
        assert_ne!(a, b, "random nonce");
        assert!(!a.contains("13800138000"));
        assert_eq!(p.decrypt(&a).expect("decrypt"), "13800138000");
        assert_eq!(p.match_hash("13800138000"), p.match_hash("13800138000"));
        assert_ne!(p.match_hash("13800138000"), p.match_hash("13800138001"));
        let other = Pii::new(&[8u8; 32]).expect("key");
        assert!(other.decrypt(&a).is_err());
        assert_ne!(other.match_hash("13800138000"), p.match_hash("13800138000"));
    }

    #[test]
    fn keys_parse_from_hex_or_base64() {
        let hex_key = "00".repeat(32);
        assert_eq!(Pii::parse_key(&hex_key).expect("hex").len(), 32);
        let b64 = STANDARD.encode([1u8; 32]);
        assert_eq!(Pii::parse_key(&b64).expect("b64").len(), 32);
        assert!(Pii::parse_key("short").is_err());
    }
}
