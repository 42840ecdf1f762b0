//! Owners' passwords: argon2id hashes in the PHC form (`$argon2id$v=19$m=…`), as
//! `zapis hash-password` prints them. Verification runs off the async threads.

use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
};

/// Hashes with argon2id and the crate's default (OWASP) parameters and a random salt.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    Ok(hash.to_string())
}

/// Whether `password` matches `phc`. A malformed hash matches nothing.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// [`verify`] on the blocking pool. With no hash (an unknown login) the demo hash is checked
/// anyway, so an unknown login takes as long as a wrong password.
pub async fn verify_blocking(password: String, phc: Option<String>) -> bool {
    let known = phc.is_some();
    let phc = phc.unwrap_or_else(|| crate::config::DEMO_PASSWORD_HASH.to_owned());
    let ok = tokio::task::spawn_blocking(move || verify(&password, &phc))
        .await
        .unwrap_or(false);
    ok && known
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let h = hash("секрет").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("секрет", &h));
        assert!(!verify("секрет ", &h));
        assert!(!verify("секрет", "not a hash"));
    }

    #[test]
    fn the_demo_hash_is_the_word_demo() {
        assert!(verify("demo", crate::config::DEMO_PASSWORD_HASH));
    }
}
