//! Sessions: a random token in the cookie, its SHA-256 in the store with the owner's login and
//! the session's CSRF token. A session ends after [`IDLE_MS`] unused, when the owner's password
//! hash changes (it keeps a keyed tag of the hash it began under) and on "sign out everywhere"
//! (the owner's epoch moves on). Extractors: [`DashSession`] redirects to the login page,
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
    store::StoredSession,
    util::{
        clock::now_ms,
        crypto::{constant_time_eq, random_token},
    },
};

pub const COOKIE: &str = "zapis_session";
/// Sessions last a working week at most.
pub const LIFETIME_MS: i64 = 7 * 24 * 3600 * 1000;
/// …and end after 12 hours unused.
pub const IDLE_MS: i64 = 12 * 3600 * 1000;
/// `last_seen` is written at most this often.
const TOUCH_MS: i64 = 60 * 1000;

#[derive(Debug, Clone)]
pub struct Session {
    pub login: String,
    pub csrf: String,
    pub sites: Vec<String>,
    /// The origin forms must come from (see [`crate::auth::Auth::form_origin`]).
    pub form_origin: Option<String>,
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
        let stored = StoredSession {
            token_hash: token_hash(&token),
            login: login.to_owned(),
            csrf: random_token(),
            last_seen: now,
            pw_tag: app.auth.password_tag(login).unwrap_or_default(),
            epoch: app.store.owner_epoch(login).await?,
        };
        app.store
            .insert_owner_session(&stored, now + LIFETIME_MS)
            .await?;
        Ok(token)
    }

    /// The session of the request's cookie, if it is live and its owner still configured.
    pub async fn load(app: &AppState, parts: &Parts) -> Result<Option<Session>, sqlx::Error> {
        let Some(token) = read_cookie(&parts.headers, COOKIE).filter(|t| t.len() == 64) else {
            return Ok(None);
        };
        let hash = token_hash(token);
        let now = now_ms();
        let Some((s, current_epoch)) = app.store.owner_session(&hash, now).await? else {
            return Ok(None);
        };
        let (Some(owner), Some(pw_tag)) =
            (app.auth.owner(&s.login), app.auth.password_tag(&s.login))
        else {
            return Ok(None);
        };
        let live = s.epoch == current_epoch
            && constant_time_eq(s.pw_tag.as_bytes(), pw_tag.as_bytes())
            && s.last_seen > now - IDLE_MS;
        if !live {
            app.store.delete_owner_session(&hash).await?;
            return Ok(None);
        }
        if s.last_seen < now - TOUCH_MS {
            app.store.touch_owner_session(&hash, now).await?;
        }
        Ok(Some(Session {
            login: s.login,
            csrf: s.csrf,
            sites: owner.sites.clone(),
            form_origin: app.auth.form_origin.clone(),
            token_hash: hash,
        }))
    }

    pub async fn end(&self, app: &AppState) -> Result<(), sqlx::Error> {
        app.store.delete_owner_session(&self.token_hash).await
    }

    /// "Sign out everywhere": every session of this owner ends and every known-device cookie of
    /// theirs is void.
    pub async fn end_everywhere(&self, app: &AppState) -> Result<(), sqlx::Error> {
        app.store.bump_owner_epoch(&self.login).await
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
