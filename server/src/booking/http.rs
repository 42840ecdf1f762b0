//! The widget's API under `/api/v1/sites/{site}/…`: site config, services, masters, dates,
//! times, the SMS code and the booking. Handlers only parse and check access; the work is in
//! the sibling modules.

use axum::{
    Json, Router,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use protocol::{
    booking::{BookingRequest, BookingResult, CodeRequest, codes},
    catalog::{Branch, Dates, Services, SiteInfo, StaffList, Times},
};

use crate::{
    app::AppState,
    booking::{book, phone::PhoneNumber, upstream::SiteUpstream},
    config::SiteSettings,
    error::{self, ApiError, Path},
    net::ClientAddr,
};

use super::{
    cancel,
    openapi::{BodyErrors, LookupErrors, QueryErrors},
    params::{
        BranchPath, DatesQuery, ServicesQuery, SitePath, StaffQuery, TimesQuery, day, query,
        service_ids,
    },
};

/// The widget's API (CORS is added by `routes`) and the visitor's cancel page.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sites/{site}/config", get(config))
        .route(
            "/api/v1/sites/{site}/branches/{branch}/services",
            get(services),
        )
        .route("/api/v1/sites/{site}/branches/{branch}/staff", get(staff))
        .route("/api/v1/sites/{site}/branches/{branch}/dates", get(dates))
        .route("/api/v1/sites/{site}/branches/{branch}/times", get(times))
        .route("/api/v1/sites/{site}/branches/{branch}/code", post(code))
        .route("/api/v1/sites/{site}/bookings", post(create))
}

/// The visitor's cancel link: a page, no CORS.
pub fn cancel_router() -> Router<AppState> {
    Router::new()
        .route(
            "/cancel/{site}/{id}",
            get(cancel::show).post(cancel::cancel),
        )
        .route(
            "/cancel/{site}/{id}/move",
            get(cancel::move_visit::show).post(cancel::move_visit::submit),
        )
}

/// The site, checking the caller's origin when it sends one (browsers do); `require_origin`
/// for writes, which only the site's own pages may make. A refused origin is counted for the
/// owner, and its answer (`origin_not_allowed`) gives the visitor the salon's phone.
pub(crate) async fn site<'a>(
    app: &'a AppState,
    key: &str,
    headers: &HeaderMap,
    require_origin: bool,
) -> Result<&'a SiteSettings, ApiError> {
    let site = app.sites.get(key).ok_or_else(ApiError::unknown_site)?;
    // A browser sends no Origin with a same-origin GET: where one is required, a page zapis
    // serves itself is zapis's own origin, as the browser vouches (`Sec-Fetch-Site`, which
    // pages cannot set).
    let own = headers
        .get("sec-fetch-site")
        .is_some_and(|v| require_origin && v == "same-origin")
        .then(|| crate::auth::owners::origin_of(&app.public_url));
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    match origin.or(own.as_deref()) {
        Some(origin) if !site.allows(origin) => {
            // The page, when the browser says it (a cross-origin Referer is often the origin
            // alone); its query is never kept.
            let page = headers
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(|r| r.split_once("://"))
                .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]));
            app.refusals.note(&site.key, origin, page).await;
            Err(refused_origin(app, site).await)
        }
        None if require_origin => Err(ApiError::origin_not_allowed()),
        _ => Ok(site),
    }
}

/// `origin_not_allowed` with the salon's phone numbers, so the visitor can still book by phone
/// (the branches come from the catalog cache; none when YCLIENTS is slow or away).
async fn refused_origin(app: &AppState, site: &SiteSettings) -> ApiError {
    let branches = match app.upstreams.get(&site.key) {
        Ok(up) => {
            tokio::time::timeout(std::time::Duration::from_secs(2), app.catalog.branches(&up))
                .await
                .ok()
                .and_then(Result::ok)
        }
        Err(_) => None,
    };
    let mut phones: Vec<String> = branches
        .iter()
        .flat_map(|list| list.iter())
        .filter_map(|b| b.phone.clone())
        .collect();
    phones.dedup();
    ApiError::origin_not_allowed_with_phones(&phones)
}

pub(crate) async fn branch_of(
    app: &AppState,
    up: &std::sync::Arc<SiteUpstream>,
    id: u64,
) -> Result<Branch, ApiError> {
    app.catalog.branch(up, id).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_branch",
            "Такого филиала нет.",
            "No such branch.",
        )
    })
}

/// An error for a visitor at this branch: when YCLIENTS is away or busy, it ends with the
/// branch's phone to book by.
fn or_call(branch: &Branch, e: impl Into<ApiError>) -> ApiError {
    e.into().or_call(branch.phone.as_deref())
}

/// [`or_call`] where only the branch's id is at hand: its phone from the catalog cache (none when
/// the cache has not got it within a second: YCLIENTS is what is failing).
async fn or_call_branch(app: &AppState, site: &str, branch: u64, e: ApiError) -> ApiError {
    let Some(up) = e.is_busy().then(|| app.upstreams.get(site).ok()).flatten() else {
        return e;
    };
    let found = tokio::time::timeout(
        std::time::Duration::from_secs(1),
        app.catalog.branch(&up, branch),
    )
    .await;
    match found {
        Ok(Ok(Some(b))) => or_call(&b, e),
        _ => e,
    }
}

pub(crate) fn cached<T: serde::Serialize>(value: &T, max_age: u32) -> Response {
    let mut res = Json(value).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        format!("public, max-age={max_age}")
            .parse()
            .expect("valid header"),
    );
    res
}

#[utoipa::path(
    get,
    path = "/api/v1/sites/{site}/config",
    params(SitePath),
    responses(
        (status = 200, description = "The site and its branches", body = SiteInfo),
        LookupErrors,
    )
)]
pub async fn config(
    State(app): State<AppState>,
    Path(SitePath { site: key }): Path<SitePath>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let site = site(&app, &key, &headers, false).await?;
    let up = app.upstreams.get(&site.key)?;
    let branches = app.catalog.branches(&up).await?;
    let info = SiteInfo {
        site: site.key.clone(),
        lang: site.lang.clone(),
        theme: site.theme.clone(),
        branches: branches.as_ref().clone(),
        privacy_url: site.privacy_url.clone(),
        goals: site.goals.clone(),
    };
    Ok(cached(&info, 60))
}

#[utoipa::path(
    get,
    path = "/api/v1/sites/{site}/branches/{branch}/services",
    params(BranchPath, ServicesQuery),
    responses(
        (status = 200, description = "The branch's services", body = Services),
        LookupErrors,
        (status = 400, description = "bad_json: a query parameter this operation does not have, or `staff` not a number", body = protocol::ErrorBody),
    )
)]
pub async fn services(
    State(app): State<AppState>,
    client: ClientAddr,
    Path(BranchPath { site: key, branch }): Path<BranchPath>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let site = site(&app, &key, &headers, false).await?;
    let q: ServicesQuery = query(raw)?;
    let up = app.upstreams.get(&site.key)?;
    let branch = branch_of(&app, &up, branch).await?;
    let staff = q.staff.unwrap_or(0);
    known_ids(&app, &up, branch.id, staff, &[]).await?;
    let list: std::sync::Arc<Services> = app
        .catalog
        .services(&up, branch.id, staff, Some(client.0))
        .await
        .map_err(|e| or_call(&branch, e))?;
    Ok(cached(list.as_ref(), 60))
}

#[utoipa::path(
    get,
    path = "/api/v1/sites/{site}/branches/{branch}/staff",
    params(BranchPath, StaffQuery),
    responses(
        (status = 200, description = "The masters for these services", body = StaffList),
        LookupErrors,
        QueryErrors,
    )
)]
pub async fn staff(
    State(app): State<AppState>,
    client: ClientAddr,
    Path(BranchPath { site: key, branch }): Path<BranchPath>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let site = site(&app, &key, &headers, false).await?;
    let q: StaffQuery = query(raw)?;
    let ids = service_ids(&q.services)?;
    let up = app.upstreams.get(&site.key)?;
    let branch = branch_of(&app, &up, branch).await?;
    known_ids(&app, &up, branch.id, 0, &ids).await?;
    let list: std::sync::Arc<StaffList> = app
        .catalog
        .staff(&up, branch.id, ids, Some(client.0))
        .await
        .map_err(|e| or_call(&branch, e))?;
    Ok(cached(list.as_ref(), 60))
}

#[utoipa::path(
    get,
    path = "/api/v1/sites/{site}/branches/{branch}/dates",
    params(BranchPath, DatesQuery),
    responses(
        (status = 200, description = "Days with free time", body = Dates),
        LookupErrors,
        QueryErrors,
    )
)]
pub async fn dates(
    State(app): State<AppState>,
    client: ClientAddr,
    Path(BranchPath { site: key, branch }): Path<BranchPath>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let site = site(&app, &key, &headers, false).await?;
    let q: DatesQuery = query(raw)?;
    let ids = service_ids(&q.services)?;
    let up = app.upstreams.get(&site.key)?;
    let branch = branch_of(&app, &up, branch).await?;
    known_ids(&app, &up, branch.id, q.staff.unwrap_or(0), &ids).await?;
    let dates: std::sync::Arc<Dates> = app
        .catalog
        .dates(&up, &branch, q.staff.unwrap_or(0), ids, Some(client.0))
        .await
        .map_err(|e| or_call(&branch, e))?;
    Ok(cached(dates.as_ref(), 10))
}

#[utoipa::path(
    get,
    path = "/api/v1/sites/{site}/branches/{branch}/times",
    params(BranchPath, TimesQuery),
    responses(
        (status = 200, description = "The day's free times", body = Times),
        LookupErrors,
        QueryErrors,
    )
)]
pub async fn times(
    State(app): State<AppState>,
    client: ClientAddr,
    Path(BranchPath { site: key, branch }): Path<BranchPath>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let site = site(&app, &key, &headers, false).await?;
    let q: TimesQuery = query(raw)?;
    let ids = service_ids(&q.services)?;
    let date = day(&q.date)?;
    let up = app.upstreams.get(&site.key)?;
    let branch = branch_of(&app, &up, branch).await?;
    known_ids(&app, &up, branch.id, q.staff.unwrap_or(0), &ids).await?;
    let times: std::sync::Arc<Times> = app
        .catalog
        .times(
            &up,
            &branch,
            q.staff.unwrap_or(0),
            ids,
            date,
            Some(client.0),
        )
        .await
        .map_err(|e| or_call(&branch, e))?;
    Ok(cached(times.as_ref(), 5))
}

/// A master or service id that is not in the branch's (cached) lists is not found, before any
/// YCLIENTS call is spent on it: a script cannot walk made-up ids past the cache.
async fn known_ids(
    app: &AppState,
    up: &std::sync::Arc<super::upstream::SiteUpstream>,
    branch: u64,
    staff: u64,
    services: &[u64],
) -> Result<(), ApiError> {
    if !services.is_empty() {
        let all = app.catalog.services(up, branch, 0, None).await?;
        if !services
            .iter()
            .all(|id| all.services.iter().any(|s| s.id == *id))
        {
            return Err(ApiError::not_found());
        }
    }
    if staff != 0 {
        let all = app.catalog.staff(up, branch, Vec::new(), None).await?;
        if !all.staff.iter().any(|s| s.id == staff) {
            return Err(ApiError::not_found());
        }
    }
    Ok(())
}

pub(crate) fn too_many() -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        codes::RATE_LIMITED,
        "Слишком много попыток. Попробуйте позже.",
        "Too many attempts. Please try again later.",
    )
}

#[utoipa::path(
    post,
    path = "/api/v1/sites/{site}/branches/{branch}/code",
    params(BranchPath),
    request_body = CodeRequest,
    responses(
        (status = 204, description = "YCLIENTS sent the SMS code"),
        BodyErrors,
        (status = 422, description = "invalid_phone: `field` is `phone`", body = protocol::ErrorBody),
    )
)]
pub async fn code(
    State(app): State<AppState>,
    Path(BranchPath { site: key, branch }): Path<BranchPath>,
    client: ClientAddr,
    headers: HeaderMap,
    error::Json(req): error::Json<CodeRequest>,
) -> Result<StatusCode, ApiError> {
    let site = site(&app, &key, &headers, true).await?;
    let phone = PhoneNumber::parse(&req.phone).map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::INVALID_PHONE,
            "Проверьте номер телефона.",
            "Please check the phone number.",
        )
        .field("phone")
    })?;
    let limits = &app.shared_limits;
    let allowed = limits
        .code_ip
        .allow(&client.key())
        .await
        .map_err(ApiError::unavailable)?
        && limits
            .code_phone
            .allow(phone.as_digits())
            .await
            .map_err(ApiError::unavailable)?;
    if !allowed {
        return Err(too_many());
    }
    let up = app.upstreams.get(&site.key)?;
    let branch = branch_of(&app, &up, branch).await?;
    up.client
        .book_code(branch.id, phone.as_digits(), "")
        .await
        .map_err(|e| or_call(&branch, crate::booking::upstream::UpstreamError::from(e)))?;
    app.metrics.upstream("book_code", "ok");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/api/v1/sites/{site}/bookings",
    params(
        SitePath,
        ("Idempotency-Key" = String, Header, pattern = "^[A-Za-z0-9_-]{8,128}$", description = "One per booking attempt, reused on its retries: 8 to 128 letters, digits, - or _"),
    ),
    request_body = BookingRequest,
    responses(
        (status = 201, description = "Booked (with an SMS code: `cabinet`, a one-time receipt that opens the client cabinet signed in, valid 10 minutes)", body = BookingResult),
        (status = 200, description = "A repeat of the same key: the first answer", body = BookingResult),
        BodyErrors,
        // After BodyErrors: this 400 replaces its own.
        (status = 400, description = "idempotency_key_required; bad_json: the body is not a BookingRequest", body = protocol::ErrorBody),
        (status = 409, description = "slot_taken (with the day's fresh times), staff_unavailable, service_gone", body = protocol::ErrorBody),
        (status = 422, description = "invalid_field, name_required, invalid_phone, consent_required, code_required, wrong_code (`field` names the field); idempotency_key_reused: the key came before with another body", body = protocol::ErrorBody),
    )
)]
pub async fn create(
    State(app): State<AppState>,
    Path(SitePath { site: key }): Path<SitePath>,
    client: ClientAddr,
    headers: HeaderMap,
    error::Json(req): error::Json<BookingRequest>,
) -> Result<Response, ApiError> {
    // The key first: a request without one is malformed whatever site it names.
    let idem = idempotency_key(&headers)?;
    let site = site(&app, &key, &headers, true).await?.clone();
    let visitor = req.attribution.as_ref().map(|a| a.vid.clone());
    allow_attempt(&app, &client, visitor, &idem).await?;
    let proof = req
        .code
        .clone()
        .filter(|c| !c.trim().is_empty())
        .map(|code| (req.phone.clone(), req.name.clone(), code));
    let branch = req.branch;
    let (status, mut result) = match book::book(&app, &site, &idem, req).await {
        Ok(done) => done,
        Err(e) => return Err(or_call_branch(&app, &site.key, branch, e).await),
    };
    // A new booking made with an SMS code: the code proved the phone, the client may open the
    // cabinet signed in. The receipt is in this answer only, never in the stored one (a repeat
    // of the key gets none).
    if let (StatusCode::CREATED, Some((phone, name, code))) = (status, proof) {
        result.cabinet =
            crate::cabinet::receipt::issue(&app, &site.key, &phone, &name, &code).await;
    }
    Ok((status, Json(result)).into_response())
}

/// The request's `Idempotency-Key`: 8 to 128 letters, digits, `-` or `_`.
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .filter(|k| {
            (8..=128).contains(&k.len())
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .ok_or_else(|| {
            ApiError::bad_request(
                codes::IDEMPOTENCY_KEY_REQUIRED,
                "Нужен заголовок Idempotency-Key (8–128 символов: буквы, цифры, - и _).",
                "An Idempotency-Key header is required (8–128 letters, digits, - or _).",
            )
        })?;
    Ok(key.to_owned())
}

/// The per-address and per-visitor limits on distinct attempts (a retry of one key is free).
pub(crate) async fn allow_attempt(
    app: &AppState,
    client: &ClientAddr,
    visitor: Option<String>,
    idem: &str,
) -> Result<(), ApiError> {
    let attempt = key_hash(idem);
    let limits = &app.shared_limits;
    let mut allowed = limits
        .booking_ip
        .allow_distinct(&client.key(), attempt)
        .await
        .map_err(ApiError::unavailable)?;
    if let Some(v) = visitor.filter(|_| allowed) {
        allowed = limits
            .booking_visitor
            .allow_distinct(&v, attempt)
            .await
            .map_err(ApiError::unavailable)?;
    }
    if allowed { Ok(()) } else { Err(too_many()) }
}

/// A non-zero fingerprint of an Idempotency-Key for the limiter.
fn key_hash(key: &str) -> u64 {
    use std::hash::Hasher;
    // DefaultHasher::new() has fixed keys: the same key always gives the same fingerprint.
    let mut h = std::hash::DefaultHasher::new();
    h.write(key.as_bytes());
    h.finish() | 1
}
