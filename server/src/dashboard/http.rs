//! The dashboard's routes; each page's handler sits with its page.

use axum::{
    Router,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};

use super::{cabinet, calls, channels, imports, leads, login, overview, privacy, visitor};
use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(login::index))
        .route("/dashboard/", get(login::index))
        .route("/dashboard/login", get(login::form).post(login::submit))
        .route("/dashboard/logout", post(login::logout))
        .route("/dashboard/lang/{lang}", get(login::language))
        .route("/dashboard/style.css", get(style))
        .route(
            "/dashboard/sites/{site}/overview",
            get(overview::page_handler),
        )
        .route("/dashboard/sites/{site}/leads", get(leads::page))
        .route("/dashboard/sites/{site}/leads.csv", get(leads::csv))
        .route("/dashboard/sites/{site}/reconcile", post(leads::reconcile))
        .route(
            "/dashboard/sites/{site}/visitors/{vid}",
            get(visitor::page_handler),
        )
        .route(
            "/dashboard/sites/{site}/channels",
            get(channels::page_handler),
        )
        .route("/dashboard/sites/{site}/calls", get(calls::page_handler))
        .route(
            "/dashboard/sites/{site}/privacy",
            get(privacy::page_handler).post(privacy::erase),
        )
        .route(
            "/dashboard/sites/{site}/cabinet",
            get(cabinet::page_handler),
        )
        .route(
            "/dashboard/sites/{site}/cabinet/questions/{id}",
            post(cabinet::answer),
        )
        .route(
            "/dashboard/sites/{site}/cabinet/deletions/{id}",
            post(cabinet::deletion_done),
        )
        .route(
            "/dashboard/sites/{site}/imports",
            get(imports::list).post(imports::create),
        )
        .route(
            "/dashboard/sites/{site}/imports/{id}",
            get(imports::link_page),
        )
        .route(
            "/dashboard/sites/{site}/imports/{id}/mapping",
            post(imports::mapping),
        )
        .route(
            "/dashboard/sites/{site}/imports/{id}/schedule",
            post(imports::schedule),
        )
        .route(
            "/dashboard/sites/{site}/imports/{id}/run",
            post(imports::run_now),
        )
        .route(
            "/dashboard/sites/{site}/imports/{id}/dismiss",
            post(imports::dismiss),
        )
        .route(
            "/dashboard/sites/{site}/imports/{id}/file",
            post(imports::file),
        )
}

async fn style() -> Response {
    let mut res = (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("style.css"),
    )
        .into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=300"),
    );
    res
}
