//! Access and refresh tokens.
//!
//! The access token is a short-lived HS256 JWT (15 minutes by default) naming the user; every
//! request still loads the account, so a deactivated user or a changed role takes effect at
//! once. The refresh token is an opaque random string; only its SHA-256 is stored. Each use
//! rotates it: the old one is revoked and a new one of the same family issued. Presenting a
//! revoked token again means it was copied, so the whole family is revoked.

use std::time::Duration;

use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use yishen_store::UserId;

const ISSUER: &str = "yishen";
const AUDIENCE: &str = "yishen-api";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    pub role: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    pub jti: String,
    /// The session (refresh-token family) the token was issued in; a token without one, or
    /// whose session has ended, is refused.
    #[serde(default)]
    pub sid: String,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    access_ttl: Duration,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("access_ttl", &self.access_ttl)
            .finish_non_exhaustive()
    }
}

impl TokenKeys {
    pub fn new(secret: &[u8], access_ttl: Duration) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            access_ttl,
        }
    }

    pub fn access_ttl(&self) -> Duration {
        self.access_ttl
    }

    pub fn issue_access(
        &self,
        user_id: UserId,
        role: &str,
        session: &str,
    ) -> Result<String, anyhow::Error> {
        let now = chrono::Utc::now().timestamp();
        let ttl = i64::try_from(self.access_ttl.as_secs()).unwrap_or(900);
        let claims = Claims {
            sub: user_id.to_string(),
            role: role.to_owned(),
            iat: now,
            exp: now + ttl,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            jti: uuid::Uuid::new_v4().to_string(),
            sid: session.to_owned(),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// The user id and session of a valid, unexpired access token (whether the session is still
    /// live is the database's to say).
    pub fn verify_access(&self, token: &str) -> Option<(UserId, String)> {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_issuer(&[ISSUER]);
        v.set_audience(&[AUDIENCE]);
        v.leeway = 5;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &v).ok()?;
        let id = data.claims.sub.parse::<i64>().ok().map(UserId)?;
        (!data.claims.sid.is_empty()).then_some((id, data.claims.sid))
    }
}

/// A fresh refresh token (what the client keeps) and its hash (what the database keeps).
pub fn new_refresh_token() -> Result<(String, String), anyhow::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("random: {e}"))?;
    let token = format!(
        "yrt_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let hash = hash_refresh_token(&token);
    Ok((token, hash))
}

pub fn hash_refresh_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_tokens_round_trip_and_reject_tampering() {
        let keys = TokenKeys::new(
            b"0123456789abcdef0123456789abcdef",
            Duration::from_secs(900),
        );
        let t = keys.issue_access(UserId(42), "clerk", "s1").expect("issue");
        assert_eq!(keys.verify_access(&t), Some((UserId(42), "s1".to_owned())));
        let other = TokenKeys::new(
            b"another-secret-another-secret-xx",
            Duration::from_secs(900),
        );
        assert_eq!(other.verify_access(&t), None);
        assert_eq!(keys.verify_access("garbage"), None);
    }

    #[test]
    fn expired_access_tokens_are_refused() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", Duration::from_secs(0));
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: "1".into(),
            role: "clerk".into(),
            iat: now - 120,
            exp: now - 60,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            jti: "x".into(),
            sid: "s1".into(),
        };
        let t = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding)
            .expect("encode");
        assert_eq!(keys.verify_access(&t), None);
    }

    #[test]
    fn refresh_tokens_are_random_and_stored_hashed() {
        let (a, ha) = new_refresh_token().expect("token");
        let (b, _) = new_refresh_token().expect("token");
        assert_ne!(a, b);
        assert_eq!(ha, hash_refresh_token(&a));
        assert!(!ha.contains(&a));
    }
}
