//! [`Secret`]: a token that never shows itself in `Debug`, errors or logs.

use std::fmt;

use serde::{Deserialize, Deserializer};

/// A credential (partner token, user token, password).
///
/// `Debug` prints `Secret("***")`; there is no `Display` and no `Serialize`, so a token can
/// only leave through [`Secret::expose`], which the HTTP layer calls when it builds the
/// `Authorization` header.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a token.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The token itself. Call this only to put it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when the token is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(\"***\")")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl From<&String> for Secret {
    fn from(value: &String) -> Self {
        Secret(value.clone())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::decode::flex::text(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_token() {
        let secret = Secret::new("partner-abc-123");
        let shown = format!("{secret:?} {:?}", Some(&secret));
        assert!(!shown.contains("partner-abc-123"), "{shown}");
        assert!(shown.contains("***"));
    }
}
