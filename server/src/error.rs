//! The one error type of the HTTP API. Every error leaves as `{"error":{"code","message"}}` with a
//! stable `code` and a message in the caller's language (Russian or English), chosen by the
//! `localize` middleware from `Accept-Language`. Internal detail is logged, never returned.

use axum::{
    extract::{
        FromRequest, FromRequestParts, Request,
        rejection::{JsonRejection, PathRejection},
    },
    http::{HeaderMap, StatusCode, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};
use protocol::ErrorBody;
use serde::de::DeserializeOwned;

/// An API error: HTTP status, stable code, messages in both languages, optional field.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub ru: String,
    pub en: String,
    pub field: Option<&'static str>,
    /// With `slot_taken`: the day's fresh times.
    pub times: Option<Vec<protocol::catalog::Slot>>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        ru: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            ru: ru.into(),
            en: en.into(),
            field: None,
            times: None,
        }
    }

    pub fn field(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }

    pub fn bad_request(code: &'static str, ru: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, ru, en)
    }

    pub fn invalid(field: &'static str, ru: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", ru, en).field(field)
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "Не найдено.",
            "Not found.",
        )
    }

    pub fn unknown_site() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "unknown_site",
            "Сайт не найден.",
            "Unknown site.",
        )
    }

    pub fn origin_not_allowed() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "origin_not_allowed",
            "Запросы с этого сайта не разрешены.",
            "Requests from this origin are not allowed.",
        )
    }

    /// The answer to a page of a site whose origin the site does not allow: the same code, and a
    /// message that tells the visitor booking is not set up on this page and gives the salon's
    /// phone numbers.
    pub fn origin_not_allowed_with_phones(phones: &[String]) -> Self {
        let (ru, en) = if phones.is_empty() {
            (
                "Онлайн-запись на этой странице пока не подключена. Пожалуйста, свяжитесь с салоном.".to_owned(),
                "Online booking is not set up on this page yet. Please contact the salon.".to_owned(),
            )
        } else {
            let list = phones.join(", ");
            (
                format!(
                    "Онлайн-запись на этой странице пока не подключена. Запишитесь по телефону: {list}."
                ),
                format!(
                    "Online booking is not set up on this page yet. Please book by phone: {list}."
                ),
            )
        };
        Self::new(StatusCode::FORBIDDEN, "origin_not_allowed", ru, en)
    }

    /// YCLIENTS is away or its budget is spent: booking online may work again in a moment.
    pub fn is_busy(&self) -> bool {
        matches!(
            self.code,
            protocol::booking::codes::UPSTREAM_UNAVAILABLE | protocol::booking::codes::RATE_LIMITED
        )
    }

    /// With YCLIENTS away or its budget spent, the visitor is also given the branch's phone to
    /// book by (#16): the message ends with it. Other errors are left as they are.
    pub fn or_call(mut self, phone: Option<&str>) -> Self {
        if let (true, Some(phone)) = (self.is_busy(), phone.filter(|p| !p.trim().is_empty())) {
            self.ru = format!("{} Или запишитесь по телефону: {phone}.", self.ru);
            self.en = format!("{} Or book by phone: {phone}.", self.en);
        }
        self
    }

    pub fn payload_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "Слишком большой запрос.",
            "Request body is too large.",
        )
    }

    /// Something on our side failed; `detail` goes to the log only.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Что-то пошло не так. Попробуйте ещё раз.",
            "Something went wrong. Please try again.",
        )
    }

    /// Storage is unavailable or overloaded; the client may retry.
    pub fn unavailable(detail: impl std::fmt::Display) -> Self {
        tracing::warn!(%detail, "service unavailable");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Сервис временно недоступен. Попробуйте ещё раз.",
            "The service is temporarily unavailable. Please try again.",
        )
    }

    fn body(&self, lang: Lang) -> ErrorBody {
        let message = match lang {
            Lang::Ru => &self.ru,
            Lang::En => &self.en,
        };
        let mut body = ErrorBody::new(self.code, message.clone());
        body.error.field = self.field.map(str::to_owned);
        body.error.times = self.times.clone();
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // Russian by default; the `localize` middleware re-renders it in the caller's language.
        let mut res = (self.status, axum::Json(self.body(Lang::Ru))).into_response();
        res.extensions_mut().insert(self);
        res
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ru,
    En,
}

impl Lang {
    /// The first of `ru`/`en` in Accept-Language; Russian when neither is there.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        let Some(value) = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
        else {
            return Lang::Ru;
        };
        for part in value.split(',') {
            let tag = part
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if tag.starts_with("ru") {
                return Lang::Ru;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::Ru
    }
}

/// Middleware: renders every [`ApiError`] in the request's language.
pub async fn localize(req: Request, next: Next) -> Response {
    let lang = Lang::from_headers(req.headers());
    let res = next.run(req).await;
    match res.extensions().get::<ApiError>() {
        Some(err) if lang != Lang::Ru => {
            let err = err.clone();
            let (mut parts, _) = res.into_parts();
            let body = serde_json::to_vec(&err.body(lang)).unwrap_or_default();
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, axum::body::Body::from(body))
        }
        _ => res,
    }
}

/// A JSON extractor whose rejections keep the API's error shape.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(rejection) => Err(from_json_rejection(rejection)),
        }
    }
}

/// A path extractor whose rejections keep the API's error shape: a segment that does not parse
/// as its parameter (`/branches/abc/…`, `/branches/-1/…`, a key that is not UTF-8) names
/// nothing the API has, so it is the 404 of a resource that is not there.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(PathRejection::FailedToDeserializePathParams(_)) => Err(ApiError::not_found()),
            // The route has no such parameters: a bug of ours, not of the request.
            Err(other) => Err(ApiError::internal(other.body_text())),
        }
    }
}

fn from_json_rejection(r: JsonRejection) -> ApiError {
    match r {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Ожидается Content-Type: application/json.",
            "Expected Content-Type: application/json.",
        ),
        JsonRejection::BytesRejection(_) => ApiError::payload_too_large(),
        other => bad_json(other.body_text()),
    }
}

/// A body that is not the JSON we expect; `detail` (serde's message, no values echoed beyond
/// the field path) is returned in English in both languages.
pub fn bad_json(detail: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "bad_json",
        format!("Некорректный запрос: {detail}"),
        format!("Malformed request: {detail}"),
    )
}

/// Keeps the error shape on answers made outside the handlers: the body-size limit refuses an
/// oversized request with a bare 413 before any extractor runs.
pub async fn shape_layer_errors(res: Response) -> Response {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error())
        || res.extensions().get::<ApiError>().is_some()
    {
        return res;
    }
    // Our own pages (HTML) and answers in the shape already are left alone; what the framework
    // or a layer answered (plain text or nothing) is put in the shape.
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|t| t.starts_with("text/plain"));
    if !plain {
        return res;
    }
    let err = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::payload_too_large(),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            status,
            "method_not_allowed",
            "Этот метод здесь не поддерживается.",
            "This method is not allowed here.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            status,
            "unsupported_media_type",
            "Неподдерживаемый тип содержимого запроса.",
            "Unsupported request content type.",
        ),
        StatusCode::REQUEST_TIMEOUT => ApiError::new(
            status,
            "request_timeout",
            "Запрос передавался слишком долго.",
            "The request took too long to arrive.",
        ),
        StatusCode::NOT_FOUND => ApiError::not_found(),
        StatusCode::BAD_REQUEST => {
            ApiError::bad_request("bad_request", "Некорректный запрос.", "Malformed request.")
        }
        s if s.is_server_error() => ApiError::internal("a layer answered without a body"),
        _ => ApiError::new(
            status,
            "request_refused",
            "Запрос отклонён.",
            "The request was refused.",
        ),
    };
    let allow = res.headers().get(header::ALLOW).cloned();
    let mut shaped = err.into_response();
    *shaped.status_mut() = status;
    if let Some(allow) = allow {
        shaped.headers_mut().insert(header::ALLOW, allow);
    }
    shaped
}

/// Fallback for unknown routes.
pub async fn not_found() -> ApiError {
    ApiError::not_found()
}

/// Turns a panic into the error shape (and a log line) instead of a dropped connection.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal("handler panicked").into_response()
}
