//! The configured owners and the cookie settings: the component the app state holds.

use std::{collections::HashMap, sync::Arc};

use axum::http::HeaderValue;

use crate::config::{OwnerSettings, Settings};

#[derive(Clone)]
pub struct Auth {
    owners: Arc<HashMap<String, OwnerSettings>>,
    /// Send cookies with `Secure`: everywhere but a plain-http loopback address (the demo).
    pub secure_cookies: bool,
}

impl Auth {
    pub fn new(settings: &Settings, public_url: &str) -> Self {
        let owners = settings
            .owners
            .iter()
            .map(|o| (o.login.clone(), o.clone()))
            .collect();
        Self {
            owners: Arc::new(owners),
            secure_cookies: !is_plain_loopback(public_url),
        }
    }

    pub fn owner(&self, login: &str) -> Option<&OwnerSettings> {
        self.owners.get(login)
    }

    /// A `Set-Cookie` value; `max_age` 0 removes the cookie.
    pub fn cookie(&self, name: &str, value: &str, max_age: i64) -> HeaderValue {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        let text =
            format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}");
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("zapis_invalid=1"))
    }
}

fn is_plain_loopback(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split('/').next().unwrap_or("");
    let host = if host.starts_with('[') {
        host.split(']').next().unwrap_or("").trim_start_matches('[')
    } else {
        host.split(':').next().unwrap_or("")
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_on_loopback_goes_without_secure_cookies() {
        assert!(is_plain_loopback("http://127.0.0.1:8080"));
        assert!(is_plain_loopback("http://localhost:8080/x"));
        assert!(is_plain_loopback("http://[::1]:8080"));
        assert!(!is_plain_loopback("https://127.0.0.1:8080"));
        assert!(!is_plain_loopback("http://0.0.0.0:8080"));
        assert!(!is_plain_loopback("http://book.example.com"));
    }
}
