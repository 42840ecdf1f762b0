//! `GET /api/openapi.json`: the API document, generated from the handlers' annotations and the
//! `protocol` types (feature `openapi`).

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "zapis API",
        description = "Booking widget API, tracker ingest, embed config, the number a page shows, the PBX call webhook and the client cabinet (session in the x-zapis-cabinet header). Errors are always {\"error\": {\"code\", \"message\"}}."
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
        crate::cabinet::http::code,
        crate::cabinet::http::sign_in,
        crate::cabinet::http::second_step,
        crate::cabinet::http::set_password,
        crate::cabinet::http::sign_out,
        crate::cabinet::http::sign_out_everywhere,
        crate::cabinet::http::me,
        crate::cabinet::http::update_me,
        crate::cabinet::http::visits_list,
        crate::cabinet::http::reschedule,
        crate::cabinet::http::cancel,
        crate::cabinet::http::balances_of,
        crate::cabinet::http::questions_list,
        crate::cabinet::http::ask,
        crate::cabinet::http::thread,
        crate::cabinet::http::add_message,
        crate::cabinet::http::delete_account,
        crate::calls::http::number,
        crate::calls::http::receive,
    ),
    components(schemas(protocol::ErrorBody, protocol::ErrorDetail))
)]
pub struct ApiDoc;

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
