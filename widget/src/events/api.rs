//! The events screens' network calls behind the [`EventsBackend`] seam: the site config, a
//! branch's week of group events, the SMS code, the sign-up. [`Http`] (the booking widget's
//! client) is the real one; browser tests plug in a fake.

use std::rc::Rc;

use gloo_net::http::Request;
use protocol::{
    booking::CodeRequest,
    catalog::SiteInfo,
    events::{Schedule, SignupRequest, SignupResult},
};

use super::wire;
use crate::{
    api::{BOOK_TIMEOUT_MS, Backend, Http, Reply, TIMEOUT_MS, check, send},
    i18n::Lang,
};

/// The week asked for: `from`/`till` (`YYYY-MM-DD`); both `None` = the branch's today and the
/// six days after it (the server knows the branch's "today").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Week {
    pub from: Option<String>,
    pub till: Option<String>,
}

/// The group events API, as the events screens see it (paths in `protocol::events`).
pub trait EventsBackend {
    fn config(&self, lang: Lang) -> Reply<SiteInfo>;
    /// `GET …/branches/{branch}/events?from=&till=` (the filters apply in the widget: the week
    /// is asked for once, whatever the visitor filters). `fresh`: past the browser's cache (the
    /// seats changed: the visitor just signed up, or was refused for want of seats).
    fn schedule(&self, lang: Lang, branch: u64, week: &Week, fresh: bool) -> Reply<Schedule>;
    /// Asks YCLIENTS to text a confirmation code (the booking's `…/branches/{branch}/code`).
    fn send_code(&self, lang: Lang, branch: u64, req: &CodeRequest) -> Reply<()>;
    /// `POST …/signups`; `key` goes in `Idempotency-Key` (the same on a retry of one attempt).
    fn sign_up(&self, lang: Lang, key: &str, req: &SignupRequest) -> Reply<SignupResult>;
}

pub type EventsApi = Rc<dyn EventsBackend>;

impl EventsBackend for Http {
    fn config(&self, lang: Lang) -> Reply<SiteInfo> {
        Backend::config(self, lang)
    }

    fn schedule(&self, lang: Lang, branch: u64, week: &Week, fresh: bool) -> Reply<Schedule> {
        let query: Vec<(&str, String)> = [("from", &week.from), ("till", &week.till)]
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.clone()?)))
            .collect();
        let mut req =
            Request::get(&self.branch(branch, "events")).query(query.iter().map(|(k, v)| (*k, v)));
        if fresh {
            req = req.cache(web_sys::RequestCache::NoCache);
        }
        Box::pin(async move {
            let (status, body) = send(req, None, lang, TIMEOUT_MS).await?;
            check(status, body).map(|v| wire::schedule(&v))
        })
    }

    fn send_code(&self, lang: Lang, branch: u64, req: &CodeRequest) -> Reply<()> {
        Backend::send_code(self, lang, branch, req)
    }

    fn sign_up(&self, lang: Lang, key: &str, req: &SignupRequest) -> Reply<SignupResult> {
        let (url, key, json) = (
            format!("{}signups", self.base),
            key.to_owned(),
            wire::signup_request(req),
        );
        Box::pin(async move {
            let req = Request::post(&url).header("Idempotency-Key", &key);
            let (status, body) = send(req, Some(json), lang, BOOK_TIMEOUT_MS).await?;
            check(status, body).map(|v| wire::signup_result(&v))
        })
    }
}

/// The real server at `{api}api/v1/sites/{site}/`.
pub fn http(api: &str, site: &str) -> EventsApi {
    Rc::new(Http::new(api, site))
}
