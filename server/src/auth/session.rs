//! Sessions: a random token in the cookie, its SHA-256 in the store with the owner's login and
//! the session's CSRF token. Extractors: [`DashSession`] redirects to the login page,
//! [`ApiSession`] answers 401 in the API's error shape.

use axum::{
    extract::FromRequestParts,
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use sha2::{Digest, Sha256};

use super::read_cookie;
use crate::{
    app::AppState,
    config::SiteSettings,
    error::ApiError,
    util::{
        clock::now_ms,
        crypto::{constant_time_eq, random_token},
    },
};

pub const COOKIE: &str = "zapis_session";
/// Sessions last a working week.
pub const LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;

#[derive(Debug, Clone)]
pub struct Session {
    pub login: String,
    pub csrf: String,
    pub sites: Vec<String>,
    token_hash: String,
}

fn token_hash(token: &str) -> String {
    crate::util::crypto::hex(&Sha256::digest(token.as_bytes()))
}

impl Session {
    /// Starts a session for an owner; returns the cookie's token.
    pub async fn start(app: &AppState, login: &str) -> Result<String, sqlx::Error> {
        let token = random_token();
        let now = now_ms();
        app.store
            .insert_owner_session(
                &token_hash(&token),
                login,
                &random_token(),
                now,
                now + LIFETIME_MS,
            )
            .await?;
        Ok(token)
    }

    /// The session of the request's cookie, if it is live and its owner still configured.
    pub async fn load(app: &AppState, parts: &Parts) -> Result<Option<Session>, sqlx::Error> {
        let Some(token) = read_cookie(&parts.headers, COOKIE).filter(|t| t.len() == 64) else {
            return Ok(None);
        };
        let hash = token_hash(token);
        let Some((login, csrf)) = app.store.owner_session(&hash, now_ms()).await? else {
            return Ok(None);
        };
        let Some(owner) = app.auth.owner(&login) else {
            return Ok(None);
        };
        Ok(Some(Session {
            login,
            csrf,
            sites: owner.sites.clone(),
            token_hash: hash,
        }))
    }

    pub async fn end(&self, app: &AppState) -> Result<(), sqlx::Error> {
        app.store.delete_owner_session(&self.token_hash).await
    }

    /// Whether `token` is this session's CSRF token.
    pub fn csrf_ok(&self, token: &str) -> bool {
        !token.is_empty() && constant_time_eq(self.csrf.as_bytes(), token.as_bytes())
    }

    /// One of this owner's sites; any other (or unknown) site is not found.
    pub fn site<'a>(&self, app: &'a AppState, key: &str) -> Option<&'a SiteSettings> {
        self.sites
            .iter()
            .any(|s| s == key)
            .then(|| app.sites.get(key))
            .flatten()
    }
}

/// A dashboard page's session; without one the browser goes to the login page.
pub struct DashSession(pub Session);

impl FromRequestParts<AppState> for DashSession {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match Session::load(app, parts).await {
            Ok(Some(s)) => Ok(DashSession(s)),
            Ok(None) => Err(Redirect::to("/dashboard/login").into_response()),
            Err(e) => Err(ApiError::unavailable(e).into_response()),
        }
    }
}

/// An API call's session (the same cookie); writes also need the `X-CSRF-Token` header.
pub struct ApiSession(pub Session);

impl FromRequestParts<AppState> for ApiSession {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = Session::load(app, parts)
            .await
            .map_err(ApiError::unavailable)?
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "login_required",
                    "Войдите в панель управления.",
                    "Please log in to the dashboard.",
                )
            })?;
        let write =
            parts.method != axum::http::Method::GET && parts.method != axum::http::Method::HEAD;
        if write {
            let token = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !session.csrf_ok(token) {
                return Err(csrf_refused());
            }
        }
        Ok(ApiSession(session))
    }
}

pub fn csrf_refused() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "csrf_refused",
        "Форма устарела или отправлена с чужой страницы. Обновите страницу и попробуйте снова.",
        "The form expired or came from another page. Reload the page and try again.",
    )
}
