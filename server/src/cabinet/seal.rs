//! The cabinet's secrets at rest: a session is stored only as its SHA-256; the YCLIENTS user
//! token is sealed with XChaCha20-Poly1305 under the server's cabinet key, the session's hash
//! as associated data (a sealed token copied to another row does not open).
//!
//! The key: `ZAPIS_CABINET_KEY`, 64 hex characters (32 bytes; `openssl rand -hex 32`). Set the
//! same key on every instance. Without it a random key is made at start: sessions then end
//! when the server restarts (the clients sign in again), and instances do not share them.

use std::sync::OnceLock;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};
use yclients::Secret;

use crate::util::crypto::hex;

static KEY: OnceLock<[u8; 32]> = OnceLock::new();

fn key() -> &'static [u8; 32] {
    KEY.get_or_init(|| {
        match std::env::var("ZAPIS_CABINET_KEY")
            .ok()
            .and_then(|v| hex::decode(v.trim()).ok())
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
        {
            Some(key) => key,
            None => {
                tracing::warn!(
                    "ZAPIS_CABINET_KEY is not set (64 hex characters): cabinet sessions end when the server restarts"
                );
                rand::random()
            }
        }
    })
}

/// A new session: what the browser holds, and the hash the store keeps.
pub fn new_session() -> (String, String) {
    let session = crate::util::crypto::random_token();
    let hash = session_hash(&session);
    (session, hash)
}

pub fn session_hash(session: &str) -> String {
    hex(&Sha256::digest(
        format!("zapis-cabinet:{session}").as_bytes(),
    ))
}

/// The token sealed for the session with this hash: hex of nonce || ciphertext.
pub fn seal(token: &Secret, session_hash: &str) -> String {
    let cipher = XChaCha20Poly1305::new(Key::from_slice(key()));
    let nonce: [u8; 24] = rand::random();
    let sealed = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: token.expose().as_bytes(),
                aad: session_hash.as_bytes(),
            },
        )
        .expect("sealing a short token cannot fail");
    let mut out = nonce.to_vec();
    out.extend(sealed);
    hex(&out)
}

/// The token back; `None` when it was sealed under another key or for another session.
pub fn open(sealed: &str, session_hash: &str) -> Option<Secret> {
    let bytes = hex::decode(sealed).ok()?;
    if bytes.len() < 24 {
        return None;
    }
    let (nonce, text) = bytes.split_at(24);
    let cipher = XChaCha20Poly1305::new(Key::from_slice(key()));
    let plain = cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: text,
                aad: session_hash.as_bytes(),
            },
        )
        .ok()?;
    String::from_utf8(plain).ok().map(Secret::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_token_opens_only_for_its_own_session_and_does_not_show_the_token() {
        let token = Secret::from("0123456789abcdef0123456789abcdef");
        let (_, hash) = new_session();
        let sealed = seal(&token, &hash);
        assert!(!sealed.contains("0123456789abcdef"));
        assert_eq!(open(&sealed, &hash).unwrap().expose(), token.expose());
        let (_, other) = new_session();
        assert!(open(&sealed, &other).is_none());
        assert_ne!(seal(&token, &hash), sealed, "a fresh nonce each time");
    }
}
