//! The configured owners and the cookie settings: the component the app state holds.

use std::{collections::HashMap, sync::Arc};

use axum::http::HeaderValue;

use super::keys::ServerKeys;
use crate::config::{OwnerSettings, Settings};

#[derive(Clone)]
pub struct Auth {
    owners: Arc<HashMap<String, OwnerSettings>>,
    /// The server's HMAC keys (address hashes, known-device cookies, password tags).
    pub keys: ServerKeys,
    /// Send cookies with `Secure`: everywhere but a plain-http loopback address (the demo).
    pub secure_cookies: bool,
    /// The origin (`scheme://host[:port]`) of the configured `public_url`: a form's `Origin`
    /// must be this one. Without `public_url` the request's `Host` stands in.
    pub form_origin: Option<String>,
}

impl Auth {
    pub fn new(settings: &Settings, public_url: &str, keys: ServerKeys) -> Self {
        let owners = settings
            .owners
            .iter()
            .map(|o| (o.login.clone(), o.clone()))
            .collect();
        Self {
            owners: Arc::new(owners),
            keys,
            secure_cookies: !is_plain_loopback(public_url),
            form_origin: settings.server.public_url.as_deref().map(origin_of),
        }
    }

    pub fn owner(&self, login: &str) -> Option<&OwnerSettings> {
        self.owners.get(login)
    }

    /// The keyed tag of the owner's current password hash (sessions made under another are void).
    pub fn password_tag(&self, login: &str) -> Option<String> {
        self.owner(login)
            .map(|o| super::device::password_tag(&self.keys, &o.password_hash))
    }

    /// A `Set-Cookie` value; `max_age` 0 removes the cookie.
    pub fn cookie(&self, name: &str, value: &str, max_age: i64) -> HeaderValue {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        let text =
            format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}");
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("zapis_invalid=1"))
    }
}

/// `scheme://authority` of a URL, lower-cased, without a path.
pub fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    format!("{scheme}://{authority}").to_lowercase()
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
    fn the_origin_of_a_public_url_is_its_scheme_and_authority() {
        assert_eq!(
            origin_of("https://Book.example.com/x/y"),
            "https://book.example.com"
        );
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }

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
