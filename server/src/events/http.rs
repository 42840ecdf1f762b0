//! The group events API under `/api/v1/sites/{site}/…`: the branch's schedule and the sign-up.
//! Handlers only parse and check access; the work is in [`schedule`](super::schedule) and
//! [`signup`](super::signup).

use axum::{
    Json, Router,
    extract::{RawQuery, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use jiff::{ToSpan, civil::Date};
use protocol::events::{Schedule, SignupRequest, SignupResult};
use serde::Deserialize;
use utoipa::IntoParams;

use super::schedule::{self, Filter, MAX_DAYS};
use crate::{
    app::AppState,
    booking::{
        http::{allow_attempt, branch_of, cached, idempotency_key, site},
        openapi::{BodyErrors, LookupErrors, QueryErrors},
        params::{BranchPath, SitePath, day, query},
    },
    error::{self, ApiError, Path},
    net::ClientAddr,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sites/{site}/branches/{branch}/events", get(events))
        .route("/api/v1/sites/{site}/signups", post(create))
}

/// The schedule's query, exactly as documented (another parameter is a 400).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    /// First day, YYYY-MM-DD, branch-local (default: today)
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (default: six days after `from`; cut to 31 days after it; before
    /// `from`: no days)
    #[param(format = Date)]
    pub till: Option<String>,
    /// Only this category's events
    pub category: Option<u64>,
    /// Only this master's events
    pub staff: Option<u64>,
}

/// The days asked for: `till` before `from` is an empty period; a period longer than
/// [`MAX_DAYS`] is cut to it (the answer's `till` says where it ends).
fn period(q: &EventsQuery, today: Date) -> Result<(Date, Date), ApiError> {
    let named = |field: &'static str| {
        move |_| {
            ApiError::invalid(
                field,
                "Укажите дату: ГГГГ-ММ-ДД.",
                "Give the date as YYYY-MM-DD.",
            )
        }
    };
    let from = match &q.from {
        Some(d) => day(d).map_err(named("from"))?,
        None => today,
    };
    let till = match &q.till {
        Some(d) => day(d).map_err(named("till"))?,
        None => from.checked_add(6.days()).unwrap_or(from),
    };
    let last = from.checked_add(MAX_DAYS.days()).unwrap_or(from);
    Ok((from, till.min(last)))
}

#[utoipa::path(
    get,
    path = "/api/v1/sites/{site}/branches/{branch}/events",
    params(BranchPath, EventsQuery),
    responses(
        (status = 200, description = "The branch's group events by day, with seats left and the filters", body = Schedule),
        LookupErrors,
        QueryErrors,
    )
)]
pub async fn events(
    State(app): State<AppState>,
    client: ClientAddr,
    Path(BranchPath { site: key, branch }): Path<BranchPath>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let site = site(&app, &key, &headers, false).await?;
    let q: EventsQuery = query(raw)?;
    // The document's integers are int64: a larger id names nothing.
    for (field, id) in [("category", q.category), ("staff", q.staff)] {
        if id.is_some_and(|id| i64::try_from(id).is_err()) {
            return Err(ApiError::invalid(field, "Нет такого id.", "No such id."));
        }
    }
    let up = app.upstreams.get(&site.key)?;
    let branch = branch_of(&app, &up, branch).await?;
    let now = jiff::Timestamp::now();
    let today = now.to_zoned_datetime(schedule::zone(&branch)).date();
    let (from, till) = period(&q, today)?;
    let list = if till < from {
        Default::default()
    } else {
        app.schedules
            .events(&up, branch.id, from, till, Some(client.0))
            .await?
    };
    let max_seats = app.schedules.max_seats(&up, branch.id).await?;
    let filter = Filter {
        category: q.category,
        staff: q.staff,
    };
    let shown = schedule::schedule(&branch, (from, till), &list, &filter, max_seats, now);
    Ok(cached(&shown, 5))
}

#[utoipa::path(
    post,
    path = "/api/v1/sites/{site}/signups",
    params(
        SitePath,
        ("Idempotency-Key" = String, Header, pattern = "^[A-Za-z0-9_-]{8,128}$", description = "One per sign-up attempt, reused on its retries: 8 to 128 letters, digits, - or _"),
    ),
    request_body = SignupRequest,
    responses(
        (status = 201, description = "Signed up", body = SignupResult),
        (status = 200, description = "A repeat of the same key: the first answer", body = SignupResult),
        BodyErrors,
        (status = 400, description = "idempotency_key_required; bad_json: the body is not a SignupRequest", body = protocol::ErrorBody),
        (status = 409, description = "event_full (the message names the next event of the same service with seats left), event_gone", body = protocol::ErrorBody),
        (status = 422, description = "invalid_field, name_required, invalid_phone, consent_required, code_required, wrong_code, too_many_seats (`field` names the field); idempotency_key_reused", body = protocol::ErrorBody),
    )
)]
pub async fn create(
    State(app): State<AppState>,
    Path(SitePath { site: key }): Path<SitePath>,
    client: ClientAddr,
    headers: HeaderMap,
    error::Json(req): error::Json<SignupRequest>,
) -> Result<Response, ApiError> {
    let idem = idempotency_key(&headers)?;
    let site = site(&app, &key, &headers, true).await?.clone();
    let visitor = req.attribution.as_ref().map(|a| a.vid.clone());
    allow_attempt(&app, &client, visitor, &idem).await?;
    let (status, result) = super::signup::sign_up(&app, &site, &idem, req).await?;
    Ok((status, Json(result)).into_response())
}
