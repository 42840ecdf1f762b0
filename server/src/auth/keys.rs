//! The server's HMAC keys: one random secret made at first start and kept in the database (so
//! every instance on it derives the same keys), and keys for each use derived from it.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::store::Store;

#[derive(Clone)]
pub struct ServerKeys {
    master: [u8; 32],
}

impl std::fmt::Debug for ServerKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKeys(…)")
    }
}

impl ServerKeys {
    /// The database's secret, made now if it has none (the first instance to start wins).
    pub async fn load(store: &Store) -> Result<Self, sqlx::Error> {
        let fresh = crate::util::crypto::random_token();
        let text = store.server_key("master", &fresh).await?;
        let mut master = [0u8; 32];
        match hex::decode(&text) {
            Ok(bytes) if bytes.len() == 32 => master.copy_from_slice(&bytes),
            _ => {
                return Err(sqlx::Error::Protocol(
                    "server_keys.master is not 32 hex bytes".into(),
                ));
            }
        }
        Ok(Self { master })
    }

    /// Keys for tests and tools that have no database at hand.
    pub fn from_bytes(master: [u8; 32]) -> Self {
        Self { master }
    }

    /// HMAC-SHA-256 of `parts` (joined unambiguously) under the key for `purpose`, as hex.
    pub fn mac(&self, purpose: &str, parts: &[&str]) -> String {
        let mut derive = Hmac::<Sha256>::new_from_slice(&self.master).expect("any key length");
        derive.update(purpose.as_bytes());
        let key = derive.finalize().into_bytes();
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("any key length");
        for p in parts {
            mac.update(&(p.len() as u64).to_be_bytes());
            mac.update(p.as_bytes());
        }
        crate::util::crypto::hex(&mac.finalize().into_bytes())
    }

    /// A client address as kept for the lock-out: keyed, so a table dump cannot be reversed by
    /// hashing every IPv4 address.
    pub fn address(&self, ip: &str) -> String {
        self.mac("login-address", &[ip])[..32].to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_hash_depends_on_the_server_key_and_the_purpose() {
        let a = ServerKeys::from_bytes([1; 32]);
        let b = ServerKeys::from_bytes([2; 32]);
        assert_eq!(a.address("10.0.0.1"), a.address("10.0.0.1"));
        assert_ne!(a.address("10.0.0.1"), b.address("10.0.0.1"));
        assert_ne!(a.address("10.0.0.1"), a.address("10.0.0.2"));
        assert_ne!(a.mac("x", &["ab", "c"]), a.mac("x", &["a", "bc"]));
        assert_ne!(a.mac("x", &["a"]), a.mac("y", &["a"]));
    }
}
