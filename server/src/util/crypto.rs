//! Hex, constant-time comparison and random tokens, from `hex`, `subtle` and `rand`.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Equal in constant time. Both sides are hashed first, so neither the length nor a common
/// prefix of the secret shows in the time taken.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    Sha256::digest(a).ct_eq(&Sha256::digest(b)).into()
}

/// 32 random bytes as hex: session tokens and CSRF tokens.
pub fn random_token() -> String {
    hex(&rand::random::<[u8; 32]>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_secrets_compare_equal_and_others_do_not() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret-longer"));
        assert_eq!(hex(&[0, 0xab, 0xff]), "00abff");
        assert_eq!(random_token().len(), 64);
    }
}
