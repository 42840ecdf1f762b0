//! The cabinet's routes under `/api/v1/sites/{site}/cabinet/…`, with their own CORS (only the
//! sites' origins, the session header allowed). Handlers parse and find the signed-in client;
//! the work is in the sibling modules.

use std::time::Duration;

use axum::{
    Json, Router,
    extract::State,
    http::{HeaderMap, HeaderName, Method, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post, put},
};
use protocol::cabinet::{
    Ask, Balances, CodeRequest, CodeSent, Deleted, Me, PasswordUpdate, ProfileUpdate, Reschedule,
    SESSION_HEADER, SecondStep, SignIn, SignedIn, Thread, Visit, Visits,
};
use serde::Deserialize;
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa::IntoParams;

use super::session::{self, signed_in};
use super::{CabinetError, Res, account, balances, password, questions, visits};
use crate::{
    app::AppState,
    booking::openapi::{BodyErrors, LookupErrors},
    booking::params::SitePath,
    error::{self, ApiError, Path},
    net::ClientAddr,
};

/// `{site}` and a visit's or a thread's `{id}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ItemPath {
    /// Site key (the snippet's data-site)
    pub site: String,
    /// Record id (visits) or thread id (questions)
    pub id: u64,
}

const BASE: &str = "/api/v1/sites/{site}/cabinet";

/// What every operation with a session may answer besides its own.
pub struct SessionErrors;

impl utoipa::IntoResponses for SessionErrors {
    fn responses() -> std::collections::BTreeMap<
        String,
        utoipa::openapi::RefOr<utoipa::openapi::response::Response>,
    > {
        crate::booking::openapi::errors(&[(
            401,
            "not_signed_in: no session, an ended one, one still waiting for its second step, or another site's",
        )])
    }
}

pub fn router(sites: crate::sites::Sites) -> Router<AppState> {
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origin.to_str().is_ok_and(|o| sites.any_allows(o))
        }))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([
            header::CONTENT_TYPE,
            header::ACCEPT_LANGUAGE,
            HeaderName::from_static(SESSION_HEADER),
        ])
        .max_age(Duration::from_secs(86_400));
    Router::new()
        .route(&format!("{BASE}/code"), post(code))
        .route(
            &format!("{BASE}/sessions"),
            post(sign_in).delete(sign_out_everywhere),
        )
        .route(
            &format!("{BASE}/sessions/current"),
            axum::routing::delete(sign_out),
        )
        .route(&format!("{BASE}/sessions/second-step"), post(second_step))
        .route(&format!("{BASE}/password"), put(set_password))
        .route(&format!("{BASE}/me"), get(me).put(update_me))
        .route(&format!("{BASE}/visits"), get(visits_list))
        .route(
            &format!("{BASE}/visits/{{id}}"),
            put(reschedule).delete(cancel),
        )
        .route(&format!("{BASE}/balances"), get(balances_of))
        .route(&format!("{BASE}/questions"), get(questions_list).post(ask))
        .route(
            &format!("{BASE}/questions/{{id}}"),
            get(thread).post(add_message),
        )
        .route(
            &format!("{BASE}/account"),
            axum::routing::delete(delete_account),
        )
        .layer(axum::middleware::from_fn(crate::ops::headers::no_store))
        .layer(cors)
}

#[utoipa::path(post, path = "/api/v1/sites/{site}/cabinet/code", params(SitePath),
    request_body = CodeRequest,
    responses(
        (status = 202, description = "The SMS code is on its way (signed in: to prove a new phone)", body = CodeSent),
        (status = 422, description = "invalid_phone", body = protocol::ErrorBody),
        (status = 429, description = "too_many_codes; Retry-After says when to ask again", body = protocol::ErrorBody),
        BodyErrors, LookupErrors,
    ))]
pub async fn code(
    State(app): State<AppState>,
    Path(SitePath { site }): Path<SitePath>,
    addr: ClientAddr,
    headers: HeaderMap,
    error::Json(req): error::Json<CodeRequest>,
) -> Res<Response> {
    let sent = session::send_code(&app, &site, &addr, &headers, req).await?;
    Ok((StatusCode::ACCEPTED, Json(sent)).into_response())
}

#[utoipa::path(post, path = "/api/v1/sites/{site}/cabinet/sessions", params(SitePath),
    request_body = SignIn,
    responses(
        (status = 201, description = "Signed in: keep the session, send it as x-zapis-cabinet", body = SignedIn),
        (status = 401, description = "wrong_code", body = protocol::ErrorBody),
        (status = 401, description = "wrong_password; sms_needed (no SMS sign-in yet to act with)", body = protocol::ErrorBody),
        (status = 422, description = "invalid_phone, name_required (a new account), method_unavailable (`booking` receipts are not issued yet)", body = protocol::ErrorBody),
        (status = 429, description = "too_many_attempts; Retry-After", body = protocol::ErrorBody),
        BodyErrors, LookupErrors,
    ))]
pub async fn sign_in(
    State(app): State<AppState>,
    Path(SitePath { site }): Path<SitePath>,
    addr: ClientAddr,
    headers: HeaderMap,
    error::Json(req): error::Json<SignIn>,
) -> Res<Response> {
    let signed = session::sign_in(&app, &site, &addr, &headers, req).await?;
    Ok((StatusCode::CREATED, Json(signed)).into_response())
}

#[utoipa::path(post, path = "/api/v1/sites/{site}/cabinet/sessions/second-step", params(SitePath, ("x-zapis-cabinet" = String, Header, description = "The session `…/cabinet/sessions` gave")),
    request_body = SecondStep,
    responses(
        (status = 204, description = "The session (sent as x-zapis-cabinet) is usable now"),
        (status = 401, description = "not_signed_in (no session waiting), wrong_code", body = protocol::ErrorBody),
        (status = 429, description = "too_many_attempts; Retry-After", body = protocol::ErrorBody),
        BodyErrors, LookupErrors,
    ))]
pub async fn second_step(
    State(app): State<AppState>,
    Path(SitePath { site }): Path<SitePath>,
    addr: ClientAddr,
    headers: HeaderMap,
    error::Json(req): error::Json<SecondStep>,
) -> Res<Response> {
    password::second_step(&app, &site, &addr, &headers, &req.code).await?;
    Ok(no_content())
}

#[utoipa::path(put, path = "/api/v1/sites/{site}/cabinet/password", params(SitePath, ("x-zapis-cabinet" = String, Header, description = "The session `…/cabinet/sessions` gave")),
    request_body = PasswordUpdate,
    responses(
        (status = 204, description = "The email sign-in is set (and the second step on or off)"),
        (status = 401, description = "not_signed_in; wrong_password (old_password)", body = protocol::ErrorBody),
        (status = 409, description = "email_taken: another account signs in with this email", body = protocol::ErrorBody),
        (status = 422, description = "invalid_field (email, new_password)", body = protocol::ErrorBody),
        (status = 429, description = "too_many_attempts; Retry-After", body = protocol::ErrorBody),
        BodyErrors, LookupErrors,
    ))]
pub async fn set_password(
    State(app): State<AppState>,
    Path(SitePath { site }): Path<SitePath>,
    addr: ClientAddr,
    headers: HeaderMap,
    error::Json(req): error::Json<PasswordUpdate>,
) -> Res<Response> {
    let s = signed_in(&app, &site, &headers).await?;
    password::set(&app, &s, &addr, req).await?;
    Ok(no_content())
}

/// Every answer below needs the session: 401 `not_signed_in` without a valid one.
fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

#[utoipa::path(delete, path = "/api/v1/sites/{site}/cabinet/sessions/current", params(SitePath, ("x-zapis-cabinet" = String, Header, description = "The session `…/cabinet/sessions` gave")),
    responses((status = 204, description = "Signed out"), LookupErrors, SessionErrors))]
pub async fn sign_out(
    State(app): State<AppState>,
    Path(SitePath { site }): Path<SitePath>,
    headers: HeaderMap,
) -> Res<Response> {
    let s = signed_in(&app, &site, &headers).await?;
    app.store
        .cabinet_end_sessions(&s.account.id, Some(&s.hash))
        .await
        .map_err(ApiError::unavailable)?;
    Ok(no_content())
}

#[utoipa::path(delete, path = "/api/v1/sites/{site}/cabinet/sessions", params(SitePath, ("x-zapis-cabinet" = String, Header, description = "The session `…/cabinet/sessions` gave")),
    responses((status = 204, description = "Every session of the account ended"), LookupErrors, SessionErrors))]
pub async fn sign_out_everywhere(
    State(app): State<AppState>,
    Path(SitePath { site }): Path<SitePath>,
    headers: HeaderMap,
) -> Res<Response> {
    let s = signed_in(&app, &site, &headers).await?;
    app.store
        .cabinet_end_sessions(&s.account.id, None)
        .await
        .map_err(ApiError::unavailable)?;
    Ok(no_content())
}

#[utoipa::path(get, path = "/api/v1/sites/{site}/cabinet/me", params(SitePath, ("x-zapis-cabinet" = String, Header, description = "The session `…/cabinet/sessions` gave")),
    responses((status = 200, description = "Who is signed in", body = Me), LookupErrors, SessionErrors))]
pub async fn me(
    State(app): State<AppState>,
    Path(SitePath { site }): Path<SitePath>,
    headers: HeaderMap,
) -> Res<Json<Me>> {
    let s = signed_in(&app, &site, &headers).await?;
    Ok(Json(account::me(&app, &s).await?))
}

#[utoipa::path(put, path = "/api/v1/sites/{site}/cabinet/me", params(SitePath, ("x-zapis-cabinet" = String, Header, description = "The session `…/cabinet/sessions` gave")), request_body = ProfileUpdate,
    responses((status = 200, description = "The profile as saved", body = Me),
        (status = 409, description = "phone_taken", body = protocol::ErrorBody),
        (status = 422, description = "name_required, invalid_field, code_required, wrong_code", body = protocol::ErrorBody),
        BodyErrors, LookupErrors, SessionErrors))]
pub async fn update_me(
    State(app): State<AppState>,
    Path(SitePath { site }): Path<SitePath>,
    headers: HeaderMap,
    error::Json(req): error::Json<ProfileUpdate>,
) -> Res<Json<Me>> {
    let s = signed_in(&app, &site, &headers).await?;
    Ok(Json(account::update(&app, &s, req).await?))
}

#[utoipa::path(get, path = "/api/v1/sites/{site}/cabinet/visits", params(SitePath, ("x-zapis-cabinet" = String, Header, description = "The session `…/cabinet/sessions` gave")),
    responses((status = 200, description = "The client's visits in the site's branches, with the salon's rules", body = Visits), LookupErrors, SessionErrors))]
pub async fn visits_list(
    State(app): State<AppState>,
    Path(SitePath { site }): Path<SitePath>,
    headers: HeaderMap,
) -> Res<Json<Visits>> {
    let s = signed_in(&app, &site, &headers).await?;
    Ok(Json(visits::list(&app, &s).await?))
}

#[utoipa::path(put, path = "/api/v1/sites/{site}/cabinet/visits/{id}", params(ItemPath, ("x-zapis-cabinet" = String, Header, description = "The session `…/cabinet/sessions` gave")), request_body = Reschedule,
    responses((status = 200, description = "Moved", body = Visit),
        (status = 403, description = "not_allowed: outside the salon's window", body = protocol::ErrorBody),
        (status = 404, description = "not_found: not one of this client's upcoming visits", body = protocol::ErrorBody),
        (status = 409, description = "slot_taken", body = protocol::ErrorBody),
        BodyErrors, LookupErrors, SessionErrors))]
pub async fn reschedule(
    State(app): State<AppState>,
    Path(ItemPath { site, id }): Path<ItemPath>,
    headers: HeaderMap,
    error::Json(req): error::Json<Reschedule>,
) -> Res<Json<Visit>> {
    let s = signed_in(&app, &site, &headers).await?;
    Ok(Json(visits::reschedule(&app, &s, id, &req.datetime).await?))
}

#[utoipa::path(delete, path = "/api/v1/sites/{site}/cabinet/visits/{id}", params(ItemPath, ("x-zapis-cabinet" = String, Header, description = "The session `…/cabinet/sessions` gave")),
    responses((status = 204, description = "Cancelled"),
        (status = 403, description = "not_allowed: outside the salon's window", body = protocol::ErrorBody),
        (status = 404, description = "not_found: not one of this client's upcoming visits", body = protocol::ErrorBody),
        LookupErrors, SessionErrors))]
pub async fn cancel(
    State(app): State<AppState>,
    Path(ItemPath { site, id }): Path<ItemPath>,
    headers: HeaderMap,
) -> Res<Response> {
    let s = signed_in(&app, &site, &headers).await?;
    visits::cancel(&app, &s, id).await?;
    Ok(no_content())
}

#[utoipa::path(get, path = "/api/v1/sites/{site}/cabinet/balances", params(SitePath, ("x-zapis-cabinet" = String, Header, description = "The session `…/cabinet/sessions` gave")),
    responses((status = 200, description = "Loyalty cards, abonements, certificates", body = Balances), LookupErrors, SessionErrors))]
pub async fn balances_of(
    State(app): State<AppState>,
    Path(SitePath { site }): Path<SitePath>,
    headers: HeaderMap,
) -> Res<Json<Balances>> {
    let s = signed_in(&app, &site, &headers).await?;
    Ok(Json(balances::balances(&app, &s).await?))
}

#[utoipa::path(get, path = "/api/v1/sites/{site}/cabinet/questions", params(SitePath, ("x-zapis-cabinet" = String, Header, description = "The session `…/cabinet/sessions` gave")),
    responses((status = 200, description = "The client's threads, newest activity first", body = [Thread]), LookupErrors, SessionErrors))]
pub async fn questions_list(
    State(app): State<AppState>,
    Path(SitePath { site }): Path<SitePath>,
    headers: HeaderMap,
) -> Res<Json<Vec<Thread>>> {
    let s = signed_in(&app, &site, &headers).await?;
    Ok(Json(questions::list(&app, &s).await?))
}

#[utoipa::path(post, path = "/api/v1/sites/{site}/cabinet/questions", params(SitePath, ("x-zapis-cabinet" = String, Header, description = "The session `…/cabinet/sessions` gave")), request_body = Ask,
    responses((status = 201, description = "Asked", body = Thread), (status = 422, description = "invalid_field (text, visit)", body = protocol::ErrorBody), BodyErrors, LookupErrors, SessionErrors))]
pub async fn ask(
    State(app): State<AppState>,
    Path(SitePath { site }): Path<SitePath>,
    headers: HeaderMap,
    error::Json(req): error::Json<Ask>,
) -> Res<Response> {
    let s = signed_in(&app, &site, &headers).await?;
    let thread = questions::ask(&app, &s, req).await?;
    Ok((StatusCode::CREATED, Json(thread)).into_response())
}

#[utoipa::path(get, path = "/api/v1/sites/{site}/cabinet/questions/{id}", params(ItemPath, ("x-zapis-cabinet" = String, Header, description = "The session `…/cabinet/sessions` gave")),
    responses((status = 200, description = "The thread; the salon's answers are marked read", body = Thread), (status = 404, description = "not_found", body = protocol::ErrorBody), LookupErrors, SessionErrors))]
pub async fn thread(
    State(app): State<AppState>,
    Path(ItemPath { site, id }): Path<ItemPath>,
    headers: HeaderMap,
) -> Res<Json<Thread>> {
    let s = signed_in(&app, &site, &headers).await?;
    Ok(Json(questions::read(&app, &s, id).await?))
}

#[utoipa::path(post, path = "/api/v1/sites/{site}/cabinet/questions/{id}", params(ItemPath, ("x-zapis-cabinet" = String, Header, description = "The session `…/cabinet/sessions` gave")), request_body = Ask,
    responses((status = 200, description = "The thread with the new message", body = Thread), (status = 404, description = "not_found", body = protocol::ErrorBody), BodyErrors, LookupErrors, SessionErrors))]
pub async fn add_message(
    State(app): State<AppState>,
    Path(ItemPath { site, id }): Path<ItemPath>,
    headers: HeaderMap,
    error::Json(req): error::Json<Ask>,
) -> Res<Json<Thread>> {
    let s = signed_in(&app, &site, &headers).await?;
    Ok(Json(questions::add(&app, &s, id, req).await?))
}

#[utoipa::path(delete, path = "/api/v1/sites/{site}/cabinet/account", params(SitePath, ("x-zapis-cabinet" = String, Header, description = "The session `…/cabinet/sessions` gave")),
    responses((status = 200, description = "Deleted; what remains and where", body = Deleted), LookupErrors, SessionErrors))]
pub async fn delete_account(
    State(app): State<AppState>,
    Path(SitePath { site }): Path<SitePath>,
    headers: HeaderMap,
) -> Result<Json<Deleted>, CabinetError> {
    let s = signed_in(&app, &site, &headers).await?;
    Ok(Json(account::delete(&app, &s, &headers).await?))
}
