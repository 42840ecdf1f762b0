//! Logging in and out, the site list, and the language switch. The login form is protected by
//! a double-submit token (a cookie and a hidden field), the other forms by the session's token;
//! a cross-site `Origin` is refused everywhere.

use axum::{
    Form,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, Uri, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use askama::Template;

use super::{
    Frame,
    format::seg,
    here,
    i18n::{self, L},
    page,
};
use crate::{
    app::AppState,
    auth::{
        DashSession, Session, device,
        lockout::{self, Gate},
        password, read_cookie,
        session::COOKIE,
    },
    error::ApiError,
    net::ClientAddr,
    util::clock::now_ms,
    util::crypto::{constant_time_eq, random_token},
};

/// The login form's double-submit cookie.
const LOGIN_COOKIE: &str = "zapis_login";

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

/// `everywhere` present: sign out on every browser ("sign out everywhere").
#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    everywhere: Option<String>,
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// A POST from another site's page is refused whatever it carries. Its `Origin` is compared with
/// `public_url`'s (`expected`) — behind a proxy `Host` is the proxy's upstream, not what the
/// browser saw; with no `public_url` configured, with `Host`.
pub fn same_origin(headers: &HeaderMap, expected: Option<&str>) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    if let Some(expected) = expected {
        return origin.eq_ignore_ascii_case(expected);
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    !host.is_empty() && (origin == format!("http://{host}") || origin == format!("https://{host}"))
}

/// A form POST of a logged-in owner: same origin and the session's CSRF token.
pub fn form_ok(headers: &HeaderMap, session: &Session, token: &str) -> bool {
    same_origin(headers, session.form_origin.as_deref()) && session.csrf_ok(token)
}

/// `GET /dashboard`: the owner's sites (straight to the overview when there is one).
pub async fn index(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let l = L::from_headers(&headers);
    if let [only] = s.sites.as_slice() {
        return Redirect::to(&format!("/dashboard/sites/{}/overview", seg(only))).into_response();
    }
    let body = Sites {
        l,
        sites: s
            .sites
            .iter()
            .filter(|k| app.sites.get(k).is_some())
            .map(|k| (seg(k), k.as_str()))
            .collect(),
    };
    let f = Frame {
        l,
        title: l.t("Ваши сайты", "Your sites").into(),
        session: Some(&s),
        site: None,
        here: here(&uri),
        active: "",
    };
    page(StatusCode::OK, &f, &body)
}

#[derive(Template)]
#[template(path = "dashboard/sites.html")]
struct Sites<'a> {
    l: L,
    /// `(path segment, key)` of each site.
    sites: Vec<(String, &'a str)>,
}

#[derive(Template)]
#[template(path = "dashboard/login.html")]
struct LoginBody<'a> {
    l: L,
    message: Option<String>,
    /// The double-submit token (also the cookie).
    token: &'a str,
    login: &'a str,
}

fn login_page(
    app: &AppState,
    l: L,
    status: StatusCode,
    message: Option<String>,
    login: &str,
) -> Response {
    let token = random_token();
    let body = LoginBody {
        l,
        message,
        token: &token,
        login,
    };
    let f = Frame {
        l,
        title: l.t("Вход", "Log in").into(),
        session: None,
        site: None,
        here: "/dashboard/login".into(),
        active: "",
    };
    let mut res = page(status, &f, &body);
    res.headers_mut().append(
        header::SET_COOKIE,
        app.auth.cookie(LOGIN_COOKIE, &token, 3600),
    );
    res
}

/// `GET /dashboard/login`
pub async fn form(
    State(app): State<AppState>,
    headers: HeaderMap,
    req: axum::extract::Request,
) -> Response {
    let (parts, _) = req.into_parts();
    if let Ok(Some(_)) = Session::load(&app, &parts).await {
        return Redirect::to("/dashboard").into_response();
    }
    login_page(&app, L::from_headers(&headers), StatusCode::OK, None, "")
}

/// `POST /dashboard/login`
pub async fn submit(
    State(app): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let l = L::from_headers(&headers);
    let cookie = read_cookie(&headers, LOGIN_COOKIE).unwrap_or("");
    if !same_origin(&headers, app.auth.form_origin.as_deref())
        || cookie.is_empty()
        || !constant_time_eq(cookie.as_bytes(), form.csrf.as_bytes())
    {
        let m = l.t(
            "Форма устарела. Введите логин и пароль ещё раз.",
            "The form expired. Please enter your login and password again.",
        );
        return login_page(&app, l, StatusCode::FORBIDDEN, Some(m.into()), &form.login);
    }
    let ip = client.key();
    let now = now_ms();
    let device = match known_device(&app, &headers, &form.login, now).await {
        Ok(d) => d,
        Err(e) => return ApiError::unavailable(e).into_response(),
    };
    let from = lockout::Source {
        ip: &ip,
        device: device.as_deref(),
    };
    let attempt = match lockout::begin(&app.store, &app.auth.keys, &form.login, &from, now).await {
        Ok(Gate::Check(a)) => a,
        Ok(Gate::Refused { retry_after_ms }) => {
            return locked(&app, l, retry_after_ms, &form.login);
        }
        Err(e) => return ApiError::unavailable(e).into_response(),
    };
    let hash = app.auth.owner(&form.login).map(|o| o.password_hash.clone());
    if !password::verify_blocking(form.password, hash).await {
        tracing::info!("dashboard login failed");
        if let Err(e) = lockout::failed(&app.store, attempt).await {
            return ApiError::unavailable(e).into_response();
        }
        let m = l.t("Неверный логин или пароль.", "Wrong login or password.");
        return login_page(
            &app,
            l,
            StatusCode::UNAUTHORIZED,
            Some(m.into()),
            &form.login,
        );
    }
    let _ = lockout::succeeded(&app.store, attempt, now).await;
    let token = match Session::start(&app, &form.login).await {
        Ok(t) => t,
        Err(e) => return ApiError::unavailable(e).into_response(),
    };
    tracing::info!(owner = %form.login, "dashboard login");
    let mut res = Redirect::to("/dashboard").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        app.auth
            .cookie(COOKIE, &token, crate::auth::session::LIFETIME_MS / 1000),
    );
    res.headers_mut()
        .append(header::SET_COOKIE, app.auth.cookie(LOGIN_COOKIE, "", 0));
    if let Ok(epoch) = app.store.owner_epoch(&form.login).await {
        let tag = app.auth.password_tag(&form.login).unwrap_or_default();
        let value = device::issue(
            &app.auth.keys,
            &lockout::login_key(&form.login),
            epoch,
            &tag,
            now,
        );
        res.headers_mut().append(
            header::SET_COOKIE,
            app.auth
                .cookie(device::COOKIE, &value, device::LIFETIME_MS / 1000),
        );
    }
    res
}

/// The browser's known-device id for `login`, when it carries a valid cookie for it.
async fn known_device(
    app: &AppState,
    headers: &HeaderMap,
    login: &str,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    let (Some(value), Some(tag)) = (
        read_cookie(headers, device::COOKIE),
        app.auth.password_tag(login),
    ) else {
        return Ok(None);
    };
    let epoch = app.store.owner_epoch(login).await?;
    Ok(device::verify(
        &app.auth.keys,
        value,
        &lockout::login_key(login),
        epoch,
        &tag,
        now,
    ))
}

fn locked(app: &AppState, l: L, wait_ms: i64, login: &str) -> Response {
    let m = if wait_ms < 60_000 {
        let secs = (wait_ms.max(0) + 999) / 1000;
        if l.ru() {
            format!(
                "Слишком много попыток входа в эту учётную запись. Подождите {secs} с и попробуйте снова."
            )
        } else {
            format!("Too many login attempts on this account. Wait {secs} s and try again.")
        }
    } else {
        let minutes = (wait_ms + 59_999) / 60_000;
        if l.ru() {
            format!(
                "Слишком много неудачных попыток входа отсюда. Попробуйте снова через {minutes} мин. или войдите из браузера, где вы уже входили."
            )
        } else {
            format!(
                "Too many failed login attempts from here. Try again in {minutes} min, or log in from a browser you used before."
            )
        }
    };
    let mut res = login_page(app, l, StatusCode::TOO_MANY_REQUESTS, Some(m), login);
    if let Ok(v) = HeaderValue::from_str(&((wait_ms.max(0) + 999) / 1000).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// `POST /dashboard/logout`
pub async fn logout(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Response {
    if !form_ok(&headers, &s, &form.csrf) {
        let l = L::from_headers(&headers);
        let f = Frame {
            l,
            title: l.t("Выход", "Log out").into(),
            session: Some(&s),
            site: None,
            here: "/dashboard".into(),
            active: "",
        };
        return super::error_page(&f, &crate::auth::session::csrf_refused());
    }
    let ended = if form.everywhere.is_some() {
        s.end_everywhere(&app).await
    } else {
        s.end(&app).await
    };
    if let Err(e) = ended {
        return ApiError::unavailable(e).into_response();
    }
    let mut res = Redirect::to("/dashboard/login").into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, app.auth.cookie(COOKIE, "", 0));
    res
}

#[derive(Deserialize)]
pub struct Next {
    #[serde(default)]
    next: String,
}

/// `GET /dashboard/lang/{ru|en}?next=…`: remembers the language and goes back.
pub async fn language(
    State(app): State<AppState>,
    Path(lang): Path<String>,
    Query(q): Query<Next>,
) -> Response {
    let lang = if lang == "en" { "en" } else { "ru" };
    if q.next.chars().any(char::is_control) {
        return ApiError::bad_request(
            "bad_request",
            "Некорректный адрес возврата.",
            "Malformed return address.",
        )
        .field("next")
        .into_response();
    }
    let next =
        if q.next.starts_with("/dashboard") && !q.next.contains("//") && !q.next.contains('\\') {
            q.next.as_str()
        } else {
            "/dashboard"
        };
    let mut res = Redirect::to(next).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        app.auth.cookie(i18n::COOKIE, lang, 365 * 24 * 3600),
    );
    res
}
