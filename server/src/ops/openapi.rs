//! `GET /api/openapi.json`: the API document, generated from the handlers' annotations and the
//! `protocol` types (feature `openapi`).

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "zapis API",
        description = "Booking widget API, tracker ingest, embed config, the number a page shows and the PBX call webhook. Errors are always {\"error\": {\"code\", \"message\"}}."
    ),
    paths(
        crate::ingest::http::ingest,
        crate::sites::http::embed_config,
        crate::booking::http::config,
        crate::booking::http::services,
        crate::booking::http::staff,
        crate::booking::http::dates,
        crate::booking::http::times,
        crate::booking::http::code,
        crate::booking::http::create,
        crate::events::http::events,
        crate::events::http::create,
        crate::calls::http::number,
        crate::calls::http::receive,
    ),
    components(schemas(protocol::ErrorBody, protocol::ErrorDetail))
)]
pub struct ApiDoc;

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
