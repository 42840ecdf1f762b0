//! The only code that talks to the network: the zapis booking API behind the [`Backend`] seam.
//! [`Http`] is the real one; browser tests plug in a fake with canned data and chosen errors.

use std::{future::Future, pin::Pin, rc::Rc};

use gloo_net::http::{Request, RequestBuilder};
use protocol::{
    ErrorDetail,
    booking::{BookingRequest, BookingResult, CodeRequest, codes},
    catalog::{Dates, Services, SiteInfo, StaffList, Times},
};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};

use crate::{i18n::Lang, wire};

/// What every call returns: a future that resolves on the page's event loop.
pub type Reply<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No answer: offline, DNS, CORS, a timeout, or an answer we could not read.
    Network,
    /// The server answered with an error (`{"error":{…}}`), already in the visitor's language.
    Server { status: u16, detail: ErrorDetail },
}

impl ApiError {
    pub fn server(status: u16, code: &str, message: &str) -> ApiError {
        ApiError::Server {
            status,
            detail: ErrorDetail {
                code: code.into(),
                message: message.into(),
                field: None,
                times: None,
            },
        }
    }

    pub fn code(&self) -> &str {
        match self {
            ApiError::Network => "network",
            ApiError::Server { detail, .. } => &detail.code,
        }
    }

    /// Trying the same request again may work (the visitor gets a retry button).
    pub fn retryable(&self) -> bool {
        match self {
            ApiError::Network => true,
            ApiError::Server { status, detail } => {
                *status >= 500
                    || *status == 429
                    || detail.code == codes::UPSTREAM_UNAVAILABLE
                    || detail.code == codes::RATE_LIMITED
            }
        }
    }

    /// What to tell the visitor.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            ApiError::Network => lang.t().net_error.into(),
            ApiError::Server { detail, .. } if !detail.message.is_empty() => detail.message.clone(),
            ApiError::Server { .. } => lang.t().server_error.into(),
        }
    }
}

/// The zapis booking API, as the widget sees it (paths in the module docs of `protocol::catalog`).
pub trait Backend {
    fn config(&self, lang: Lang) -> Reply<SiteInfo>;
    fn services(&self, lang: Lang, branch: u64) -> Reply<Services>;
    fn staff(&self, lang: Lang, branch: u64, services: &[u64]) -> Reply<StaffList>;
    /// `staff` 0 = any master.
    fn dates(&self, lang: Lang, branch: u64, services: &[u64], staff: u64) -> Reply<Dates>;
    fn times(
        &self,
        lang: Lang,
        branch: u64,
        services: &[u64],
        staff: u64,
        date: &str,
    ) -> Reply<Times>;
    /// Asks YCLIENTS to text a confirmation code.
    fn send_code(&self, lang: Lang, branch: u64, req: &CodeRequest) -> Reply<()>;
    /// `key` goes in `Idempotency-Key`: fresh per attempt, the same when an attempt is retried.
    fn book(&self, lang: Lang, key: &str, req: &BookingRequest) -> Reply<BookingResult>;
}

pub type Api = Rc<dyn Backend>;

/// The real server at `{api}api/v1/sites/{site}/`.
pub struct Http {
    pub(crate) base: String,
}

/// Calls that take longer than this are treated as network failures (never a frozen screen).
pub(crate) const TIMEOUT_MS: i32 = 20_000;
pub(crate) const BOOK_TIMEOUT_MS: i32 = 45_000;

impl Http {
    /// `api` is the zapis base URL ending in `/` (a missing slash is added).
    pub fn new(api: &str, site: &str) -> Http {
        let slash = if api.ends_with('/') { "" } else { "/" };
        let site = String::from(js_sys::encode_uri_component(site));
        Http {
            base: format!("{api}{slash}api/v1/sites/{site}/"),
        }
    }

    pub(crate) fn branch(&self, branch: u64, rest: &str) -> String {
        format!("{}branches/{branch}/{rest}", self.base)
    }
}

fn ids(services: &[u64]) -> String {
    services
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Sends (with a JSON body when given) under a timeout; returns the status and parsed body
/// (`null` when it is no JSON; an array stays an array: the cabinet's question list is one).
pub(crate) async fn send(
    req: RequestBuilder,
    json: Option<String>,
    lang: Lang,
    timeout_ms: i32,
) -> Result<(u16, JsValue), ApiError> {
    let ctrl = web_sys::AbortController::new().map_err(|_| ApiError::Network)?;
    let window = web_sys::window().ok_or(ApiError::Network)?;
    let abort = ctrl.clone();
    let timer = Closure::once_into_js(move || abort.abort());
    let handle = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(timer.unchecked_ref(), timeout_ms)
        .unwrap_or(0);
    let result = async {
        let req = req
            .header("Accept-Language", lang.code())
            .abort_signal(Some(&ctrl.signal()));
        let req = match json {
            Some(body) => req.header("Content-Type", "application/json").body(body),
            None => req.build(),
        };
        let resp = req
            .map_err(|_| ApiError::Network)?
            .send()
            .await
            .map_err(|_| ApiError::Network)?;
        let body = resp.text().await.map_err(|_| ApiError::Network)?;
        Ok((
            resp.status(),
            js_sys::JSON::parse(&body).unwrap_or(JsValue::NULL),
        ))
    }
    .await;
    window.clear_timeout_with_handle(handle);
    result
}

/// A success body (an object), or the error the server (or a proxy) answered with.
pub(crate) fn check(status: u16, body: JsValue) -> Result<JsValue, ApiError> {
    if (200..300).contains(&status) {
        return if body.is_object() {
            Ok(body)
        } else {
            Err(ApiError::Network)
        };
    }
    let detail = wire::error_detail(&body).unwrap_or_else(|| ErrorDetail {
        code: format!("http_{status}"),
        message: String::new(),
        field: None,
        times: None,
    });
    Err(ApiError::Server { status, detail })
}

/// Query parameters of a GET.
pub(crate) type Query = Vec<(&'static str, String)>;

async fn get(url: String, query: Query, lang: Lang) -> Result<JsValue, ApiError> {
    let req = Request::get(&url).query(query.iter().map(|(k, v)| (*k, v)));
    let (status, body) = send(req, None, lang, TIMEOUT_MS).await?;
    check(status, body)
}

/// `GET url?query`, decoded by `decode`.
pub(crate) fn fetch<T: 'static>(
    url: String,
    query: Query,
    lang: Lang,
    decode: fn(&JsValue) -> T,
) -> Reply<T> {
    Box::pin(async move { get(url, query, lang).await.map(|v| decode(&v)) })
}

impl Backend for Http {
    fn config(&self, lang: Lang) -> Reply<SiteInfo> {
        fetch(format!("{}config", self.base), Vec::new(), lang, wire::site)
    }

    fn services(&self, lang: Lang, branch: u64) -> Reply<Services> {
        fetch(
            self.branch(branch, "services"),
            Vec::new(),
            lang,
            wire::services,
        )
    }

    fn staff(&self, lang: Lang, branch: u64, services: &[u64]) -> Reply<StaffList> {
        fetch(
            self.branch(branch, "staff"),
            vec![("services", ids(services))],
            lang,
            wire::staff,
        )
    }

    fn dates(&self, lang: Lang, branch: u64, services: &[u64], staff: u64) -> Reply<Dates> {
        let query = vec![("services", ids(services)), ("staff", staff.to_string())];
        fetch(self.branch(branch, "dates"), query, lang, wire::dates)
    }

    fn times(
        &self,
        lang: Lang,
        branch: u64,
        services: &[u64],
        staff: u64,
        date: &str,
    ) -> Reply<Times> {
        let query = vec![
            ("services", ids(services)),
            ("staff", staff.to_string()),
            ("date", date.to_owned()),
        ];
        fetch(self.branch(branch, "times"), query, lang, wire::times)
    }

    fn send_code(&self, lang: Lang, branch: u64, req: &CodeRequest) -> Reply<()> {
        let (url, json) = (self.branch(branch, "code"), wire::code_request(req));
        Box::pin(async move {
            let (status, body) = send(Request::post(&url), Some(json), lang, TIMEOUT_MS).await?;
            if (200..300).contains(&status) {
                Ok(())
            } else {
                check(status, body).map(drop)
            }
        })
    }

    fn book(&self, lang: Lang, key: &str, req: &BookingRequest) -> Reply<BookingResult> {
        let (url, key, json) = (
            format!("{}bookings", self.base),
            key.to_owned(),
            wire::booking_request(req),
        );
        Box::pin(async move {
            let req = Request::post(&url).header("Idempotency-Key", &key);
            let (status, body) = send(req, Some(json), lang, BOOK_TIMEOUT_MS).await?;
            check(status, body).map(|v| wire::booking_result(&v))
        })
    }
}

/// A fresh random key for one booking attempt (128 bits, hex), from `crypto.getRandomValues`,
/// which, unlike `randomUUID`, also works on plain-http pages.
pub fn new_attempt_key() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
