//! The HTTP surface: `/api/v1/…` as YCLIENTS serves it (each route counted and gated by
//! faults and the rate limit) and `/sandbox/…` test hooks.

// Handlers answer `Result<Response, Response>`: the error is the reply itself.
#![allow(clippy::result_large_err)]

mod activity;
mod booking;
mod catalog;
mod clients;
mod control;
mod records;
pub(crate) mod reply;
mod user;
mod voip;

use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, delete, get, post, put};

use super::Shared;
use super::faults::gate;

type Handlers = MethodRouter<Arc<Shared>>;

/// Registers API routes under a name (for counters and faults), with and without the
/// trailing slash.
struct Api {
    router: Router<Arc<Shared>>,
    shared: Arc<Shared>,
}

impl Api {
    fn route(mut self, endpoint: &'static str, path: &str, handlers: Handlers) -> Api {
        let handlers = handlers.layer(from_fn_with_state((self.shared.clone(), endpoint), gate));
        self.router = self
            .router
            .route(path, handlers.clone())
            .route(&format!("{path}/"), handlers);
        self
    }
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Api {
        router: Router::new(),
        shared: shared.clone(),
    }
    .route("bookform", "/api/v1/bookform/{id}", get(catalog::bookform))
    .route("company", "/api/v1/company/{id}", get(catalog::company))
    .route("companies", "/api/v1/companies", get(catalog::companies))
    .route(
        "book_services",
        "/api/v1/book_services/{company_id}",
        get(catalog::book_services),
    )
    .route(
        "book_staff",
        "/api/v1/book_staff/{company_id}",
        get(catalog::book_staff),
    )
    .route(
        "book_dates",
        "/api/v1/book_dates/{company_id}",
        get(catalog::book_dates),
    )
    .route(
        "book_times",
        "/api/v1/book_times/{company_id}/{staff_id}/{date}",
        get(catalog::book_times),
    )
    .route(
        "book_staff_seances",
        "/api/v1/book_staff_seances/{company_id}/{staff_id}",
        get(catalog::book_staff_seances),
    )
    .route(
        "book_code",
        "/api/v1/book_code/{company_id}",
        post(booking::book_code),
    )
    .route(
        "book_check",
        "/api/v1/book_check/{company_id}",
        post(booking::book_check),
    )
    .route(
        "book_record",
        "/api/v1/book_record/{company_id}",
        post(booking::book_record),
    )
    .route(
        "reschedule_record",
        "/api/v1/book_record/{company_id}/{record_id}",
        put(user::reschedule),
    )
    .route("auth", "/api/v1/auth", post(booking::auth))
    .route(
        "booking_auth",
        "/api/v1/booking/auth",
        post(user::booking_auth),
    )
    .route(
        "booking_user_data",
        "/api/v1/booking/user/data",
        get(user::data),
    )
    .route("booking_user", "/api/v1/booking/user", put(user::update))
    .route(
        "booking_user_phone_confirmation",
        "/api/v1/booking/user/phone_confirmation",
        get(user::phone_confirmation),
    )
    .route(
        "user_loyalty_cards",
        "/api/v1/user/loyalty_cards/{group_id}",
        get(user::loyalty_cards),
    )
    .route(
        "user_abonements",
        "/api/v1/user/loyalty/abonements",
        get(user::abonements),
    )
    .route(
        "user_certificates",
        "/api/v1/user/loyalty/certificates",
        get(user::certificates),
    )
    .route("user_auth", "/api/v1/user/auth", post(booking::user_auth))
    .route(
        "user_records",
        "/api/v1/user/records/{record_id}/{hash}",
        get(booking::user_records),
    )
    .route(
        "delete_user_record",
        "/api/v1/user/records/{record_id}/{hash}",
        delete(booking::delete_user_record),
    )
    .route(
        "record",
        "/api/v1/record/{company_id}/{record_id}",
        get(records::record),
    )
    .route(
        "delete_record",
        "/api/v1/record/{company_id}/{record_id}",
        delete(records::delete_record),
    )
    .route(
        "records",
        "/api/v1/records/{company_id}",
        get(records::records),
    )
    .route(
        "create_record",
        "/api/v1/records/{company_id}",
        post(clients::create_record),
    )
    .route(
        "create_client",
        "/api/v1/clients/{company_id}",
        post(clients::create_client),
    )
    .route(
        "clients",
        "/api/v1/clients/{company_id}",
        get(clients::clients),
    )
    .route(
        "activity_search",
        "/api/v1/activity/{company_id}/search",
        get(activity::search),
    )
    .route(
        "activity_search_dates",
        "/api/v1/activity/{company_id}/search_dates",
        get(activity::search_dates),
    )
    .route(
        "activity_search_dates_range",
        "/api/v1/activity/{company_id}/search_dates_range",
        get(activity::search_dates_range),
    )
    .route(
        "activity_filters",
        "/api/v1/activity/{company_id}/filters",
        get(activity::filters),
    )
    .route(
        "activity",
        "/api/v1/activity/{company_id}/{activity_id}",
        get(activity::event),
    )
    .route(
        "activity_book",
        "/api/v1/activity/{company_id}/{activity_id}/book",
        post(activity::book),
    )
    .route(
        "voip_integration",
        "/api/v1/voip/integration",
        post(voip::integration),
    )
    .route(
        "voip_calls",
        "/api/v1/voip/integration/calls",
        get(voip::calls),
    );
    api.router
        .merge(control::routes())
        .merge(voip::hooks())
        .with_state(shared)
}
