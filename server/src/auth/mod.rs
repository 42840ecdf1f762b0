//! Owners of sites and their sessions: login with an argon2 password from the config, a session
//! cookie (HttpOnly, SameSite=Strict, Secure except on plain-http loopback), a CSRF token bound
//! to the session for every form and API write, and lock-out after repeated failures. An owner
//! sees only their own sites; any other site is "not found".

pub mod device;
pub mod keys;
pub mod lockout;
pub mod owners;
pub mod password;
pub mod session;

use axum::http::{HeaderMap, header};

pub use owners::Auth;
pub use session::{ApiSession, DashSession, Session};

/// The value of cookie `name` in the request.
pub fn read_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn a_cookie_is_read_by_its_exact_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; zapis_session=abc; zapis_session_x=2"),
        );
        assert_eq!(read_cookie(&h, "zapis_session"), Some("abc"));
        assert_eq!(read_cookie(&h, "b"), None);
    }
}
