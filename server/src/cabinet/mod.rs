//! The client cabinet: a salon's client signs in on the salon's own site by phone + SMS code
//! and sees their visits (made online and at the salon), balances, asks the salon questions,
//! cancels and moves visits within the salon's rules, and may delete the account. The wire
//! contract is `protocol::cabinet`; routes under `/api/v1/sites/{site}/cabinet/…` ([`http`]).
//!
//! The YCLIENTS user token never reaches the browser: it is kept sealed ([`seal`]) against an
//! opaque session the browser holds in the site's own storage and sends as `x-zapis-cabinet`.
//! Only the site's allowed origins are answered (CORS and the handlers both check).

pub mod account;
pub mod balances;
pub mod http;
pub mod password;
pub mod questions;
pub mod receipt;
pub mod seal;
pub mod session;
pub mod visits;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::{app::AppState, error::ApiError};

/// An API error, with `Retry-After` when it is a throttle.
#[derive(Debug)]
pub struct CabinetError {
    pub error: ApiError,
    pub retry_after: Option<u64>,
}

impl From<ApiError> for CabinetError {
    fn from(error: ApiError) -> Self {
        Self {
            error,
            retry_after: None,
        }
    }
}

impl IntoResponse for CabinetError {
    fn into_response(self) -> Response {
        let mut res = self.error.into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

impl From<crate::booking::upstream::UpstreamError> for CabinetError {
    fn from(e: crate::booking::upstream::UpstreamError) -> Self {
        ApiError::from(e).into()
    }
}

pub type Res<T> = Result<T, CabinetError>;

/// 429 with the code and `Retry-After`.
pub fn throttled(code: &'static str, secs: u64) -> CabinetError {
    CabinetError {
        error: ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            code,
            "Слишком много попыток. Попробуйте позже.",
            "Too many attempts. Please try again later.",
        ),
        retry_after: Some(secs),
    }
}

/// 403 `not_allowed`: outside the salon's window for this change.
pub fn not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "not_allowed",
        "Салон уже не принимает изменения этой записи онлайн. Позвоните, пожалуйста, в салон.",
        "The salon no longer takes changes to this visit online. Please call the salon.",
    )
}

/// A YCLIENTS failure as the booking API words it.
pub fn upstream(e: yclients::Error) -> ApiError {
    ApiError::from(crate::booking::upstream::UpstreamError::from(e))
}

/// Counts a client action for the owner's dashboard; a failure only loses the count.
pub async fn note(app: &AppState, site: &str, kind: &str) {
    if let Err(e) = app
        .store
        .cabinet_note(site, kind, crate::util::clock::now_ms())
        .await
    {
        tracing::warn!(error = %e, kind, "cabinet action not counted");
    }
}
