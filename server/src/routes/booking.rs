//! The widget's API under `/api/v1/sites/{site}/…`: site config, services, masters, dates,
//! times, the SMS code and the booking. Handlers only parse and check access; the work is in
//! `crate::booking`.

use std::net::SocketAddr;

use axum::{
    Json,
    extract::{ConnectInfo, Path, RawQuery, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use protocol::{
    booking::{BookingRequest, BookingResult, CodeRequest, codes},
    catalog::{Branch, Dates, Services, SiteInfo, StaffList, Times},
};
use serde::Deserialize;

use crate::{
    booking::{book, book::sorted, phone::PhoneNumber, upstream::SiteUpstream},
    config::SiteSettings,
    error::{self, ApiError},
    startup::AppState,
};

/// The site, checking the caller's origin when it sends one (browsers do); `require_origin`
/// for writes, which only the site's own pages may make.
fn site<'a>(app: &'a AppState, key: &str, headers: &HeaderMap, require_origin: bool) -> Result<&'a SiteSettings, ApiError> {
    let site = app.sites.get(key).ok_or_else(ApiError::unknown_site)?;
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) if !site.allows(origin) => Err(ApiError::origin_not_allowed()),
        None if require_origin => Err(ApiError::origin_not_allowed()),
        _ => Ok(site),
    }
}

async fn branch_of(app: &AppState, up: &std::sync::Arc<SiteUpstream>, id: u64) -> Result<Branch, ApiError> {
    app.catalog.branch(up, id).await?.ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "unknown_branch", "Такого филиала нет.", "No such branch."))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SlotQuery {
    #[serde(default)]
    services: Option<String>,
    #[serde(default)]
    staff: Option<u64>,
    #[serde(default)]
    date: Option<String>,
}

fn query(raw: Option<String>) -> Result<SlotQuery, ApiError> {
    serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).map_err(error::bad_json)
}

fn service_ids(q: &SlotQuery) -> Result<Vec<u64>, ApiError> {
    let bad = || ApiError::invalid("services", "Укажите услуги: services=1,2.", "Give the services as services=1,2.");
    let ids: Vec<u64> = q.services.as_deref().unwrap_or("").split(',').filter(|s| !s.is_empty()).map(|s| s.trim().parse().map_err(|_| bad())).collect::<Result<_, _>>()?;
    if ids.is_empty() || ids.len() > crate::booking::request::MAX_SERVICES {
        return Err(bad());
    }
    Ok(sorted(&ids))
}

fn cached<T: serde::Serialize>(value: &T, max_age: u32) -> Response {
    let mut res = Json(value).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, format!("public, max-age={max_age}").parse().expect("valid header"));
    res
}

#[utoipa::path(get, path = "/api/v1/sites/{site}/config", params(("site" = String, Path, description = "Site key (the snippet's data-site)")), responses((status = 200, body = SiteInfo), (status = 404, description = "Unknown site or branch", body = protocol::ErrorBody), (status = 503, description = "YCLIENTS unavailable", body = protocol::ErrorBody)))]
pub async fn config(State(app): State<AppState>, Path(key): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    let site = site(&app, &key, &headers, false)?;
    let up = app.upstreams.get(&site.key)?;
    let branches = app.catalog.branches(&up).await?;
    let info = SiteInfo {
        site: site.key.clone(),
        lang: site.lang.clone(),
        theme: site.theme.clone(),
        branches: branches.as_ref().clone(),
        privacy_url: site.privacy_url.clone(),
    };
    Ok(cached(&info, 60))
}

#[utoipa::path(get, path = "/api/v1/sites/{site}/branches/{branch}/services", params(("site" = String, Path, description = "Site key (the snippet's data-site)"), ("branch" = u64, Path, description = "Branch (YCLIENTS company) id"), ("staff" = Option<u64>, Query, description = "Only this master's services")), responses((status = 200, body = Services), (status = 404, description = "Unknown site or branch", body = protocol::ErrorBody), (status = 503, description = "YCLIENTS unavailable", body = protocol::ErrorBody)))]
pub async fn services(State(app): State<AppState>, Path((key, branch)): Path<(String, u64)>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let site = site(&app, &key, &headers, false)?;
    let q = query(raw)?;
    let up = app.upstreams.get(&site.key)?;
    let branch = branch_of(&app, &up, branch).await?;
    let list: std::sync::Arc<Services> = app.catalog.services(&up, branch.id, q.staff.unwrap_or(0)).await?;
    Ok(cached(list.as_ref(), 60))
}

#[utoipa::path(get, path = "/api/v1/sites/{site}/branches/{branch}/staff", params(("site" = String, Path, description = "Site key (the snippet's data-site)"), ("branch" = u64, Path, description = "Branch (YCLIENTS company) id"), ("services" = String, Query, description = "Service ids, comma-separated")), responses((status = 200, body = StaffList), (status = 422, body = protocol::ErrorBody), (status = 404, description = "Unknown site or branch", body = protocol::ErrorBody), (status = 503, description = "YCLIENTS unavailable", body = protocol::ErrorBody)))]
pub async fn staff(State(app): State<AppState>, Path((key, branch)): Path<(String, u64)>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let site = site(&app, &key, &headers, false)?;
    let q = query(raw)?;
    let ids = service_ids(&q)?;
    let up = app.upstreams.get(&site.key)?;
    let branch = branch_of(&app, &up, branch).await?;
    let list: std::sync::Arc<StaffList> = app.catalog.staff(&up, branch.id, ids).await?;
    Ok(cached(list.as_ref(), 60))
}

#[utoipa::path(get, path = "/api/v1/sites/{site}/branches/{branch}/dates", params(("site" = String, Path, description = "Site key (the snippet's data-site)"), ("branch" = u64, Path, description = "Branch (YCLIENTS company) id"), ("services" = String, Query, description = "Service ids, comma-separated"), ("staff" = Option<u64>, Query, description = "Master id; 0 or absent = any master")), responses((status = 200, body = Dates), (status = 422, body = protocol::ErrorBody), (status = 404, description = "Unknown site or branch", body = protocol::ErrorBody), (status = 503, description = "YCLIENTS unavailable", body = protocol::ErrorBody)))]
pub async fn dates(State(app): State<AppState>, Path((key, branch)): Path<(String, u64)>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let site = site(&app, &key, &headers, false)?;
    let q = query(raw)?;
    let ids = service_ids(&q)?;
    let up = app.upstreams.get(&site.key)?;
    let branch = branch_of(&app, &up, branch).await?;
    let dates: std::sync::Arc<Dates> = app.catalog.dates(&up, &branch, q.staff.unwrap_or(0), ids).await?;
    Ok(cached(dates.as_ref(), 10))
}

#[utoipa::path(get, path = "/api/v1/sites/{site}/branches/{branch}/times", params(("site" = String, Path, description = "Site key (the snippet's data-site)"), ("branch" = u64, Path, description = "Branch (YCLIENTS company) id"), ("services" = String, Query, description = "Service ids, comma-separated"), ("staff" = Option<u64>, Query, description = "Master id; 0 or absent = any master"), ("date" = String, Query, description = "YYYY-MM-DD, branch-local")), responses((status = 200, body = Times), (status = 422, body = protocol::ErrorBody), (status = 404, description = "Unknown site or branch", body = protocol::ErrorBody), (status = 503, description = "YCLIENTS unavailable", body = protocol::ErrorBody)))]
pub async fn times(State(app): State<AppState>, Path((key, branch)): Path<(String, u64)>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let site = site(&app, &key, &headers, false)?;
    let q = query(raw)?;
    let ids = service_ids(&q)?;
    let date: jiff::civil::Date = q
        .date
        .as_deref()
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| ApiError::invalid("date", "Укажите дату: date=ГГГГ-ММ-ДД.", "Give the date as date=YYYY-MM-DD."))?;
    let up = app.upstreams.get(&site.key)?;
    let branch = branch_of(&app, &up, branch).await?;
    let times: std::sync::Arc<Times> = app.catalog.times(&up, &branch, q.staff.unwrap_or(0), ids, date).await?;
    Ok(cached(times.as_ref(), 5))
}

fn too_many() -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        codes::RATE_LIMITED,
        "Слишком много попыток. Попробуйте позже.",
        "Too many attempts. Please try again later.",
    )
}

#[utoipa::path(post, path = "/api/v1/sites/{site}/branches/{branch}/code", params(("site" = String, Path, description = "Site key (the snippet's data-site)"), ("branch" = u64, Path, description = "Branch (YCLIENTS company) id")), request_body = CodeRequest, responses((status = 204, description = "SMS code sent"), (status = 403, body = protocol::ErrorBody), (status = 422, body = protocol::ErrorBody), (status = 429, body = protocol::ErrorBody), (status = 404, description = "Unknown site or branch", body = protocol::ErrorBody), (status = 503, description = "YCLIENTS unavailable", body = protocol::ErrorBody)))]
pub async fn code(
    State(app): State<AppState>,
    Path((key, branch)): Path<(String, u64)>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    error::Json(req): error::Json<CodeRequest>,
) -> Result<StatusCode, ApiError> {
    let site = site(&app, &key, &headers, true)?;
    let phone = PhoneNumber::parse(&req.phone).map_err(|_| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, codes::INVALID_PHONE, "Проверьте номер телефона.", "Please check the phone number.").field("phone")
    })?;
    if !app.limits.code_ip.allow(&peer.ip().to_string()) || !app.limits.code_phone.allow(phone.as_digits()) {
        return Err(too_many());
    }
    let up = app.upstreams.get(&site.key)?;
    let branch = branch_of(&app, &up, branch).await?;
    up.client.book_code(branch.id, phone.as_digits(), "").await.map_err(|e| ApiError::from(crate::booking::upstream::UpstreamError::from(e)))?;
    app.metrics.upstream("book_code", "ok");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/sites/{site}/bookings", params(("site" = String, Path, description = "Site key (the snippet's data-site)"), ("Idempotency-Key" = String, Header, description = "One per booking attempt; reused on retry")), request_body = BookingRequest, responses((status = 201, description = "Booked", body = BookingResult), (status = 200, description = "A repeat of the same key", body = BookingResult), (status = 400, body = protocol::ErrorBody), (status = 403, body = protocol::ErrorBody), (status = 409, description = "slot_taken (with fresh times), staff_unavailable, service_gone", body = protocol::ErrorBody), (status = 422, body = protocol::ErrorBody), (status = 429, body = protocol::ErrorBody), (status = 404, description = "Unknown site or branch", body = protocol::ErrorBody), (status = 503, description = "YCLIENTS unavailable", body = protocol::ErrorBody)))]
pub async fn create(
    State(app): State<AppState>,
    Path(key): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    error::Json(req): error::Json<BookingRequest>,
) -> Result<Response, ApiError> {
    let site = site(&app, &key, &headers, true)?.clone();
    let idem = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| (8..=128).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .ok_or_else(|| {
            ApiError::bad_request(
                codes::IDEMPOTENCY_KEY_REQUIRED,
                "Нужен заголовок Idempotency-Key (8–128 символов: буквы, цифры, - и _).",
                "An Idempotency-Key header is required (8–128 letters, digits, - or _).",
            )
        })?
        .to_owned();
    let visitor = req.attribution.as_ref().map(|a| a.vid.clone());
    let attempt = key_hash(&idem);
    if !app.limits.booking_ip.allow_distinct(&peer.ip().to_string(), attempt)
        || visitor.is_some_and(|v| !app.limits.booking_visitor.allow_distinct(&v, attempt))
    {
        return Err(too_many());
    }
    let (status, result) = book::book(&app, &site, &idem, req).await?;
    Ok((status, Json(result)).into_response())
}

/// A non-zero fingerprint of an Idempotency-Key for the limiter.
fn key_hash(key: &str) -> u64 {
    use std::hash::Hasher;
    // DefaultHasher::new() has fixed keys: the same key always gives the same fingerprint.
    let mut h = std::hash::DefaultHasher::new();
    h.write(key.as_bytes());
    h.finish() | 1
}
