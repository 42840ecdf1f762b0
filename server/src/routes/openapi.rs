//! `GET /api/openapi.json`: the API document, generated from the handlers' annotations and the
//! `protocol` types (feature `openapi`).

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "zapis API", description = "Booking widget API, tracker ingest and embed config. Errors are always {\"error\": {\"code\", \"message\"}}."),
    paths(
        crate::ingest::ingest,
        super::embed_config::embed_config,
        super::booking::config,
        super::booking::services,
        super::booking::staff,
        super::booking::dates,
        super::booking::times,
        super::booking::code,
        super::booking::create,
    ),
    components(schemas(protocol::ErrorBody, protocol::ErrorDetail))
)]
pub struct ApiDoc;

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
