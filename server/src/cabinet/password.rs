//! The email + password sign-in (any characters, any length; Argon2id with OWASP's baseline
//! parameters), added only from a signed-in session — never by matching an email — and the
//! optional second step by SMS code.
//!
//! A password sign-in acts in YCLIENTS with the user token of the account's last SMS sign-in
//! (kept sealed on the account). Assumption (YCLIENTS does not document it): online-booking
//! user tokens do not expire; when YCLIENTS refuses one, the client signs in by SMS again.

use axum::http::{HeaderMap, StatusCode};
use protocol::cabinet::{PasswordUpdate, SESSION_HEADER, SignedIn};

use super::session::{Signed, not_signed_in};
use super::{Res, seal, throttled, upstream};
use crate::auth::password::{hash, verify_blocking};
use crate::booking::http::site;
use crate::util::clock::now_ms;
use crate::{app::AppState, error::ApiError, net::ClientAddr};

fn email_of(raw: &str) -> Result<String, ApiError> {
    let email = raw.trim().to_lowercase();
    let ok = email.len() <= 200
        && email
            .split_once('@')
            .is_some_and(|(a, d)| !a.is_empty() && d.contains('.') && !d.ends_with('.'));
    if !ok || email.chars().any(char::is_whitespace) {
        return Err(ApiError::invalid(
            "email",
            "Проверьте адрес почты.",
            "Please check the email.",
        ));
    }
    Ok(email)
}

pub fn wrong_password() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "wrong_password",
        "Почта или пароль не подходят.",
        "The email or the password does not match.",
    )
}

/// The AAD of the account's sealed token.
pub fn account_aad(account: &str) -> String {
    format!("account:{account}")
}

/// `PUT …/cabinet/password`.
pub async fn set(
    app: &AppState,
    signed: &Signed,
    addr: &ClientAddr,
    req: PasswordUpdate,
) -> Res<()> {
    let email = email_of(&req.email)?;
    if req.new_password.is_empty() || req.new_password.len() > 4096 {
        return Err(
            ApiError::invalid("new_password", "Придумайте пароль.", "Choose a password.").into(),
        );
    }
    let a = &signed.account;
    if let Some((_, Some(old))) = app
        .store
        .cabinet_email(&a.id)
        .await
        .map_err(ApiError::unavailable)?
    {
        guess(app, addr, &a.id).await?;
        let given = req.old_password.clone().unwrap_or_default();
        if !verify_blocking(given, Some(old)).await {
            return Err(wrong_password().field("old_password").into());
        }
    }
    let new = req.new_password.clone();
    let hashed = tokio::task::spawn_blocking(move || hash(&new))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let set = app
        .store
        .cabinet_set_password(
            &signed.site,
            &a.id,
            &email,
            &hashed,
            req.second_step,
            now_ms(),
        )
        .await
        .map_err(ApiError::unavailable)?;
    if !set {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "email_taken",
            "С этой почтой уже входят в другой кабинет.",
            "Another account signs in with this email.",
        )
        .field("email")
        .into());
    }
    Ok(())
}

/// Guesses per address and per account (or email): 429 past the limit.
async fn guess(app: &AppState, addr: &ClientAddr, who: &str) -> Res<()> {
    let limits = &app.shared_limits;
    let hit = |ok: Result<bool, sqlx::Error>| ok.map_err(ApiError::unavailable);
    if !hit(limits.cabinet_guess_ip.allow(&addr.key()).await)?
        || !hit(limits.cabinet_guess_id.allow(who).await)?
    {
        return Err(throttled("too_many_attempts", 600));
    }
    Ok(())
}

/// `+7 916 ***-**-67`.
fn masked(phone: &str) -> String {
    let d: Vec<char> = phone.chars().collect();
    if d.len() < 11 {
        return format!("+{}", "*".repeat(d.len()));
    }
    let code: String = d[1..4].iter().collect();
    let tail: String = d[d.len() - 2..].iter().collect();
    format!("+{} {code} ***-**-{tail}", d[0])
}

/// `POST …/cabinet/sessions` with `{method: "password"}`.
pub async fn sign_in(
    app: &AppState,
    key: &str,
    addr: &ClientAddr,
    headers: &HeaderMap,
    email: &str,
    password: String,
) -> Res<SignedIn> {
    let site = site(app, key, headers, true).await?.key.clone();
    let email = email.trim().to_lowercase();
    guess(app, addr, &format!("email:{email}")).await?;
    let found = app
        .store
        .cabinet_identity(&site, "email", &email)
        .await
        .map_err(ApiError::unavailable)?;
    // An unknown email takes as long as a wrong password.
    let (account, secret) = match found {
        Some((a, s)) => (Some(a), s),
        None => (None, None),
    };
    if !verify_blocking(password, secret).await {
        return Err(wrong_password().into());
    }
    let account = account.ok_or_else(wrong_password)?;
    let a = app
        .store
        .cabinet_account(&account)
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(wrong_password)?;
    let token = app
        .store
        .cabinet_account_token(&a.id)
        .await
        .map_err(ApiError::unavailable)?
        .and_then(|sealed| seal::open(&sealed, &account_aad(&a.id)))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "sms_needed",
                "Войдите по SMS: салон просит подтвердить номер.",
                "Please sign in by SMS: the salon asks to confirm the number.",
            )
        })?;
    if a.second_step {
        let limits = &app.shared_limits;
        let sent = limits.cabinet_resend.allow(&a.phone).await;
        if !sent.map_err(ApiError::unavailable)? {
            let secs = u64::from(super::session::RESEND_SECS);
            return Err(throttled("too_many_codes", secs));
        }
    }
    let (session, hash) = seal::new_session();
    let sealed = seal::seal(&token, &hash);
    app.store
        .cabinet_insert_session(&hash, &site, &a.id, &sealed, a.second_step, now_ms())
        .await
        .map_err(ApiError::unavailable)?;
    let second_step = if a.second_step {
        let up = app.upstreams.get(&site)?;
        let branch = app.catalog.branches(&up).await?.first().map(|b| b.id);
        let branch = branch.ok_or_else(ApiError::not_found)?;
        up.client
            .book_code(branch, &a.phone, "")
            .await
            .map_err(upstream)?;
        Some(masked(&a.phone))
    } else {
        super::note(app, &site, "sign_in").await;
        None
    };
    Ok(SignedIn {
        session,
        second_step,
    })
}

/// `POST …/cabinet/sessions/second-step`: the SMS code makes the waiting session usable.
pub async fn second_step(
    app: &AppState,
    key: &str,
    addr: &ClientAddr,
    headers: &HeaderMap,
    code: &str,
) -> Res<()> {
    let site = site(app, key, headers, true).await?.key.clone();
    let hash = headers
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(seal::session_hash)
        .ok_or_else(not_signed_in)?;
    let row = app
        .store
        .cabinet_session(&hash)
        .await
        .map_err(ApiError::unavailable)?
        .filter(|r| r.site == site && r.pending && now_ms() - r.created < 600_000)
        .ok_or_else(not_signed_in)?;
    let a = app
        .store
        .cabinet_account(&row.account)
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(not_signed_in)?;
    guess(app, addr, &a.phone).await?;
    let up = app.upstreams.get(&site)?;
    let user = match up.client.user_auth(&a.phone, code.trim()).await {
        Ok(u) => u,
        Err(e) if e.status() == Some(422) => {
            return Err(super::session::wrong_code().into());
        }
        Err(e) => return Err(upstream(e).into()),
    };
    let sealed = seal::seal(&user.user_token, &hash);
    app.store
        .cabinet_second_step_done(&hash, &sealed)
        .await
        .map_err(ApiError::unavailable)?;
    remember_token(app, &a.id, &user.user_token).await;
    super::note(app, &site, "sign_in").await;
    Ok(())
}

/// Keeps the token of an SMS sign-in on the account, for its password sign-ins.
pub async fn remember_token(app: &AppState, account: &str, token: &yclients::Secret) {
    let sealed = seal::seal(token, &account_aad(account));
    if let Err(e) = app.store.cabinet_set_account_token(account, &sealed).await {
        tracing::warn!(error = %e, "cabinet: the account's token was not kept");
    }
}
