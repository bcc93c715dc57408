//! Password hashing with argon2id at the OWASP parameters (m = 19456 KiB, t = 2, p = 1).
//! Hashing takes tens of milliseconds of CPU, so it runs on the blocking pool, never on the
//! async threads. An unknown username is verified against a dummy hash so that a login
//! costs the same whether or not the account exists.

use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use argon2::{Algorithm, Argon2, Params, Version};

/// OWASP Password Storage Cheat Sheet, argon2id option 2.
const MEMORY_KIB: u32 = 19_456;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

fn hasher() -> Result<Argon2<'static>, anyhow::Error> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The PHC string of `password`.
pub fn hash(password: &str) -> Result<String, anyhow::Error> {
    let h: PasswordHash = hasher()?
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("argon2 hash: {e}"))?;
    Ok(h.to_string())
}

/// Whether `password` matches the PHC string `phc`. A malformed stored hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    hasher()
        .map(|h| h.verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Runs `f` on the blocking pool.
pub async fn off_thread<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, crate::error::AppError> {
    Ok(tokio::task::spawn_blocking(f).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let h = hash("yishen-demo-2026").expect("hash");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("yishen-demo-2026", &h));
        assert!(!verify("yishen-demo-2027", &h));
        assert!(!verify("yishen-demo-2026", "not a hash"));
        assert_ne!(h, hash("yishen-demo-2026").expect("hash"), "salted");
    }
}
