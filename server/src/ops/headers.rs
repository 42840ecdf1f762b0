//! Headers every answer gets, by middleware (issue #20 item 11, 12): `nosniff` everywhere,
//! `Cache-Control: no-store` on owners' answers (JSON, CSV, pages), HSTS when `public_url` is
//! https; and a client's `x-request-id` kept only when it is a plain token.

use axum::{
    extract::{Request, State},
    http::{HeaderName, HeaderValue, header},
    middleware::Next,
    response::Response,
};

use crate::app::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Middleware on every answer: `X-Content-Type-Options: nosniff`, and HSTS (one year) when the
/// server is reached over https.
pub async fn security_headers(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    if app.public_url.starts_with("https://") {
        h.entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static("max-age=31536000"));
    }
    res
}

/// Middleware on owners' routes: never kept by a browser or proxy cache.
pub async fn no_store(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A client's (or proxy's) `x-request-id` is logged and echoed only when it is 1–64 of
/// `[A-Za-z0-9-]`; anything else is dropped and a fresh id made (no log field injection).
pub async fn sanitize_request_id(mut req: Request) -> Request {
    let ok = req
        .headers()
        .get(REQUEST_ID)
        .is_none_or(|v| plain_id(v.as_bytes()));
    if !ok {
        req.headers_mut().remove(REQUEST_ID);
    }
    req
}

fn plain_id(id: &[u8]) -> bool {
    (1..=64).contains(&id.len()) && id.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_request_ids_are_kept() {
        assert!(plain_id(b"3f2a-9c"));
        assert!(plain_id(&[b'a'; 64]));
        assert!(!plain_id(&[b'a'; 65]));
        assert!(!plain_id(b""));
        assert!(!plain_id(b"abc\" level=error msg=\"forged"));
        assert!(!plain_id(b"a b"));
    }
}
