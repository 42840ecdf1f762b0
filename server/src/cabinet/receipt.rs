//! The visitor who just booked with an SMS code opens the cabinet already signed in: the code
//! proved the phone, so the booking answer carries a one-time receipt (`BookingResult.cabinet`,
//! in that answer only) that `…/cabinet/sessions` `{method: "booking", receipt}` exchanges for a
//! session within [`VALID_MS`]. Only the receipt's hash is stored, the YCLIENTS token sealed.
//!
//! Assumption (YCLIENTS does not say): the code a booking was confirmed with still signs in
//! with `user/auth` right after (the sandbox keeps a code until the next one is sent). When
//! YCLIENTS refuses it, the booking simply has no receipt.

use axum::http::StatusCode;
use protocol::cabinet::SignedIn;

use super::{Res, seal};
use crate::booking::phone::PhoneNumber;
use crate::store::Receipt;
use crate::util::clock::now_ms;
use crate::{app::AppState, error::ApiError};

/// How long a receipt opens a session.
pub const VALID_MS: i64 = 10 * 60 * 1000;

fn aad(hash: &str) -> String {
    format!("receipt:{hash}")
}

/// A receipt for a booking just made on `site` by `phone` with the SMS `code`; `None` when
/// YCLIENTS does not sign the client in with it (nothing else fails for that).
pub async fn issue(
    app: &AppState,
    site: &str,
    phone: &str,
    name: &str,
    code: &str,
) -> Option<String> {
    let phone = PhoneNumber::parse(phone).ok()?;
    let up = app.upstreams.get(site).ok()?;
    let user = match up.client.user_auth(phone.as_digits(), code.trim()).await {
        Ok(u) => u,
        Err(e) => {
            tracing::info!(status = ?e.status(), "no cabinet receipt: YCLIENTS did not sign the client in");
            return None;
        }
    };
    let (receipt, hash) = seal::new_session();
    let now = now_ms();
    let row = Receipt {
        site: site.to_owned(),
        phone: phone.as_digits().to_owned(),
        name: super::session::truncate(name.trim(), 100),
        sealed: seal::seal(&user.user_token, &aad(&hash)),
        expires: now + VALID_MS,
    };
    match app.store.cabinet_insert_receipt(&hash, &row, now).await {
        Ok(()) => Some(receipt),
        Err(e) => {
            tracing::warn!(error = %e, "no cabinet receipt: not stored");
            None
        }
    }
}

fn wrong_receipt() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "wrong_receipt",
        "Ссылка на кабинет устарела: войдите по SMS.",
        "That sign-in link has expired: please sign in by SMS.",
    )
}

/// `POST …/cabinet/sessions` `{method: "booking", receipt}`: once, within its time, on its site.
pub async fn exchange(app: &AppState, site: &str, receipt: &str) -> Res<SignedIn> {
    let receipt = receipt.trim();
    if receipt.len() != 64 || !receipt.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(wrong_receipt().into());
    }
    let hash = seal::session_hash(receipt);
    let row = app
        .store
        .cabinet_take_receipt(&hash)
        .await
        .map_err(ApiError::unavailable)?
        .filter(|r| r.site == site && r.expires >= now_ms())
        .ok_or_else(wrong_receipt)?;
    let token = seal::open(&row.sealed, &aad(&hash)).ok_or_else(wrong_receipt)?;
    let name = Some(row.name.as_str()).filter(|n| !n.is_empty());
    super::session::open(app, site, &row.phone, name, &token).await
}
