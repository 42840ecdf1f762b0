//! `POST /api/v1/t`: the tracker's beacons. The body is `protocol::track::Batch` as JSON, sent as
//! `text/plain` (sendBeacon), so the content type is not checked. A request is answered only
//! after the transaction holding its events has committed (see [`writer`]).

pub mod writer;

use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, header},
};
use protocol::{
    beacon::{self, BeaconError},
    track::{self, Ack, Batch},
};

use crate::{error::ApiError, startup::AppState, store::Received};

pub use writer::Writer;

#[utoipa::path(post, path = "/api/v1/t", request_body(content = Batch, content_type = "text/plain", description = "One tracker batch as JSON (sendBeacon sends text/plain)"), responses((status = 200, description = "Stored durably", body = Ack), (status = 400, body = protocol::ErrorBody), (status = 403, body = protocol::ErrorBody), (status = 404, body = protocol::ErrorBody), (status = 413, body = protocol::ErrorBody), (status = 422, body = protocol::ErrorBody), (status = 503, body = protocol::ErrorBody)))]
pub async fn ingest(State(app): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Json<Ack>, ApiError> {
    let mut batch = beacon::decode(&body).map_err(refused)?;
    let site = app.sites.get(&batch.site).ok_or_else(ApiError::unknown_site)?;
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !site.allows(origin) {
        return Err(ApiError::origin_not_allowed());
    }
    // Bots, automated browsers and pages on localhost are tracked like any other page in the
    // browser (#22 moved the check here from the tracker, whose size budget it cost); their
    // beacons are acknowledged and dropped unless the site allows them.
    let ua = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
    if (!site.allow_webdriver && automated(ua)) || (!site.allow_localhost && local_origin(origin)) {
        return Ok(Json(Ack { stored: 0 }));
    }
    // The server, not the tracker, decides the channel (DESIGN.md §4).
    batch.touch = crate::attribution::classify(&batch.touch);
    let stored = batch.events.len() as u32;
    let received = Received { batch, at: now_ms() };
    app.ingest.write(received).await.map_err(|e| match e {
        writer::WriteError::Busy => ApiError::unavailable(e),
        other => ApiError::unavailable(other),
    })?;
    Ok(Json(Ack { stored }))
}

/// User-Agent words of crawlers, headless browsers and automation tools (lowercase).
/// (`bot/`, not `bot`: the Cubot phones.)
const AUTOMATED: &[&str] = &[
    "bot/", "bot;", "bot)", "+http", "crawler", "spider", "slurp", "headless", "phantomjs", "lighthouse", "pagespeed", "puppeteer",
    "playwright", "selenium", "webdriver", "python-requests", "curl/", "wget/", "go-http-client",
];

/// A crawler, a headless browser or an automation tool, by its User-Agent.
pub fn automated(user_agent: &str) -> bool {
    let ua = user_agent.to_ascii_lowercase();
    AUTOMATED.iter().any(|w| ua.contains(w))
}

/// A page on this machine: `localhost`, `*.localhost`, `127.x.x.x`, `[::1]`, or a file (`null`).
pub fn local_origin(origin: &str) -> bool {
    let authority = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    // The host without the port (an IPv6 host keeps its brackets).
    let host = match authority.find(']') {
        Some(end) if authority.starts_with('[') => &authority[..=end],
        _ => authority.split(':').next().unwrap_or(authority),
    };
    origin == "null"
        || host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host.strip_prefix("127.").is_some_and(|r| r.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// The answer to a refused beacon body: 413, 400 (not JSON / not a batch) or 422 naming the field.
fn refused(e: BeaconError) -> ApiError {
    let max_events = track::MAX_EVENTS_PER_BATCH;
    match e {
        BeaconError::TooLarge => ApiError::payload_too_large(),
        BeaconError::Malformed(e) => crate::error::bad_json(e),
        BeaconError::VisitorId => ApiError::invalid("vid", "Некорректный идентификатор посетителя.", "Malformed visitor id."),
        BeaconError::SessionId => ApiError::invalid("sid", "Некорректный идентификатор сессии.", "Malformed session id."),
        BeaconError::EventCount => ApiError::invalid(
            "events",
            format!("В пакете должно быть от 1 до {max_events} событий."),
            format!("A batch holds 1 to {max_events} events."),
        ),
        BeaconError::TextTooLong => ApiError::invalid(
            "events",
            format!("Поле длиннее {} символов.", track::MAX_TEXT),
            format!("A field is longer than {} characters.", track::MAX_TEXT),
        ),
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::{automated, local_origin};

    #[test]
    fn bots_and_automation_by_user_agent() {
        for ua in [
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
            "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
            "curl/8.5.0",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        ] {
            assert!(automated(ua), "{ua}");
        }
        for ua in [
            "",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 YaBrowser/24.12.0.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
        ] {
            assert!(!automated(ua), "{ua}");
        }
    }

    #[test]
    fn local_origins() {
        for o in ["http://localhost:3000", "http://app.localhost", "http://127.0.0.1:8080", "http://127.1.2.3", "http://[::1]:8000", "null"] {
            assert!(local_origin(o), "{o}");
        }
        for o in ["https://salon.ru", "http://127.0.0.1.nip.io", "http://localhost.salon.ru", "http://10.0.0.1", "http://salon.test", ""] {
            assert!(!local_origin(o), "{o}");
        }
    }
}
