//! Signing in and out: the SMS code (throttled per phone and per address, one resend a
//! minute), the sign-in by phone + code, the session the browser then sends as
//! `x-zapis-cabinet`, and finding the signed-in client from it.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use protocol::cabinet::{CodeRequest, CodeSent, SESSION_HEADER, SignIn, SignedIn};
use yclients::Secret;

use super::{Res, seal, throttled, upstream};
use crate::booking::{http::site, phone::PhoneNumber, upstream::SiteUpstream};
use crate::store::CabinetAccount;
use crate::util::clock::now_ms;
use crate::{app::AppState, error::ApiError, net::ClientAddr};

/// How long a session lasts from its sign-in (then the client signs in again).
pub const SESSION_DAYS: i64 = 90;

/// Seconds before another code may be asked for the same phone.
pub const RESEND_SECS: u32 = 60;

/// A signed-in client. (No `Debug`: it holds the YCLIENTS user token.)
pub struct Signed {
    pub site: String,
    pub account: CabinetAccount,
    /// The hash of the session the request came with.
    pub hash: String,
    pub token: Secret,
    pub up: Arc<SiteUpstream>,
}

impl Signed {
    /// The YCLIENTS client acting as this user (partner token + the user's token).
    pub fn client(&self) -> yclients::Client {
        self.up
            .client
            .partner_only()
            .with_user_token(self.token.clone())
    }
}

pub fn not_signed_in() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "not_signed_in",
        "Войдите в личный кабинет.",
        "Please sign in to your account.",
    )
}

/// The client signed in with the request's session, on this site, from one of the site's
/// origins (any other origin is refused before the session is even looked at).
pub async fn signed_in(app: &AppState, key: &str, headers: &HeaderMap) -> Result<Signed, ApiError> {
    let site = site(app, key, headers, true).await?;
    let session = headers
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(not_signed_in)?;
    let hash = seal::session_hash(session);
    let row = app
        .store
        .cabinet_session(&hash)
        .await
        .map_err(ApiError::unavailable)?
        .filter(|r| r.site == site.key && !r.pending)
        .filter(|r| now_ms() - r.created < SESSION_DAYS * 86_400_000)
        .ok_or_else(not_signed_in)?;
    let token = seal::open(&row.sealed, &hash).ok_or_else(not_signed_in)?;
    let account = app
        .store
        .cabinet_account(&row.account)
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(not_signed_in)?;
    Ok(Signed {
        site: site.key.clone(),
        account,
        hash,
        token,
        up: app.upstreams.get(&site.key)?,
    })
}

fn invalid_phone() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_phone",
        "Проверьте номер телефона.",
        "Please check the phone number.",
    )
    .field("phone")
}

/// The branch whose SMS sender is used: the asked one when it is the site's, else the first.
async fn branch(
    app: &AppState,
    up: &Arc<SiteUpstream>,
    asked: Option<u64>,
) -> Result<u64, ApiError> {
    let branches = app.catalog.branches(up).await?;
    asked
        .filter(|id| branches.iter().any(|b| b.id == *id))
        .or_else(|| branches.first().map(|b| b.id))
        .ok_or_else(ApiError::not_found)
}

/// `POST …/cabinet/code`. Signed in, the code proves a new phone (`booking/user/
/// phone_confirmation`); otherwise it is the sign-in code (`book_code`).
pub async fn send_code(
    app: &AppState,
    key: &str,
    addr: &ClientAddr,
    headers: &HeaderMap,
    req: CodeRequest,
) -> Res<CodeSent> {
    let site = site(app, key, headers, true).await?;
    let phone = PhoneNumber::parse(&req.phone).map_err(|_| invalid_phone())?;
    let limits = &app.shared_limits;
    let hit = |ok: Result<bool, sqlx::Error>| ok.map_err(ApiError::unavailable);
    if !hit(limits.cabinet_resend.allow(phone.as_digits()).await)? {
        return Err(throttled("too_many_codes", u64::from(RESEND_SECS)));
    }
    if !hit(limits.code_ip.allow(&addr.key()).await)?
        || !hit(limits.code_phone.allow(phone.as_digits()).await)?
    {
        return Err(throttled("too_many_codes", 600));
    }
    let up = app.upstreams.get(&site.key)?;
    let branch = branch(app, &up, req.branch).await?;
    let signed = match headers.get(SESSION_HEADER) {
        Some(_) => Some(signed_in(app, key, headers).await?),
        None => None,
    };
    match signed {
        Some(signed) => signed
            .client()
            .phone_confirmation(branch, phone.as_digits())
            .await
            .map_err(upstream)?,
        None => up
            .client
            .book_code(branch, phone.as_digits(), "")
            .await
            .map_err(upstream)?,
    }
    Ok(CodeSent {
        resend_after: RESEND_SECS,
    })
}

pub fn wrong_code() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "wrong_code",
        "Код не подходит. Проверьте SMS или запросите новый.",
        "That code does not match. Check the SMS or ask for a new one.",
    )
    .field("code")
}

/// `POST …/cabinet/sessions`.
pub async fn sign_in(
    app: &AppState,
    key: &str,
    addr: &ClientAddr,
    headers: &HeaderMap,
    req: SignIn,
) -> Res<SignedIn> {
    let site = site(app, key, headers, true).await?.key.clone();
    let (phone, code, name) = match req {
        SignIn::Sms { phone, code, name } => (phone, code, name),
        SignIn::Password { email, password } => {
            return super::password::sign_in(app, key, addr, headers, &email, password).await;
        }
        SignIn::Booking { receipt } => {
            return super::receipt::exchange(app, &site, &receipt).await;
        }
    };
    let phone = PhoneNumber::parse(&phone).map_err(|_| invalid_phone())?;
    let limits = &app.shared_limits;
    let hit = |ok: Result<bool, sqlx::Error>| ok.map_err(ApiError::unavailable);
    if !hit(limits.cabinet_guess_ip.allow(&addr.key()).await)?
        || !hit(limits.cabinet_guess_id.allow(phone.as_digits()).await)?
    {
        return Err(throttled("too_many_attempts", 600));
    }
    let code = code.trim();
    if code.is_empty() || code.len() > 12 {
        return Err(wrong_code().into());
    }
    let up = app.upstreams.get(&site)?;
    let user = match up.client.user_auth(phone.as_digits(), code).await {
        Ok(user) => user,
        Err(e) if e.booking_code() == Some(yclients::BookingCode::WrongSmsCode) => {
            return Err(wrong_code().into());
        }
        Err(e) if e.status() == Some(422) => return Err(wrong_code().into()),
        Err(e) => return Err(upstream(e).into()),
    };
    let name = name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let name = name.or(Some(user.name.trim()).filter(|n| !n.is_empty()));
    open(app, &site, phone.as_digits(), name, &user.user_token).await
}

/// A session for the client with this phone (digits), whose phone was just proved and who
/// acts in YCLIENTS with `token`: their account, or a new one (`name` then required).
pub async fn open(
    app: &AppState,
    site: &str,
    phone: &str,
    name: Option<&str>,
    token: &Secret,
) -> Res<SignedIn> {
    let found = app
        .store
        .cabinet_identity(site, "phone", phone)
        .await
        .map_err(ApiError::unavailable)?;
    let account = match found {
        Some((account, _)) => account,
        None => {
            let name = name.ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "name_required",
                    "Как вас зовут?",
                    "What is your name?",
                )
                .field("name")
            })?;
            let made = app
                .store
                .cabinet_create_account(site, &truncate(name, 100), phone, now_ms())
                .await
                .map_err(ApiError::unavailable)?;
            match made {
                Some(id) => id,
                // Signed up twice at once: the other request made it.
                None => app
                    .store
                    .cabinet_identity(site, "phone", phone)
                    .await
                    .map_err(ApiError::unavailable)?
                    .map(|(a, _)| a)
                    .ok_or_else(|| ApiError::internal("account vanished"))?,
            }
        }
    };
    let (session, hash) = seal::new_session();
    let sealed = seal::seal(token, &hash);
    app.store
        .cabinet_insert_session(&hash, site, &account, &sealed, false, now_ms())
        .await
        .map_err(ApiError::unavailable)?;
    super::password::remember_token(app, &account, token).await;
    super::note(app, site, "sign_in").await;
    Ok(SignedIn {
        session,
        second_step: None,
    })
}

pub fn truncate(s: &str, chars: usize) -> String {
    s.chars().take(chars).collect()
}
