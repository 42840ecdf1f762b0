//! The cabinet's only network code: the endpoints of `protocol::cabinet` (paths in its module
//! doc) behind the [`Cabinet`] seam, plus the catalogue's dates and times for rescheduling.
//! Every call after sign-in carries the session in `x-zapis-cabinet`; the session is an argument
//! (the screens' state owns it), so a fake can refuse a stale one with 401.

use std::rc::Rc;

use gloo_net::http::{Request, RequestBuilder};
use protocol::{
    cabinet::{
        Ask, Balances, CodeRequest, CodeSent, Deleted, Me, PasswordUpdate, ProfileUpdate,
        SESSION_HEADER, SignIn, SignedIn, Thread, Visit, Visits,
    },
    catalog::{Dates, Times},
    site::Theme,
};
use wasm_bindgen::JsValue;

use super::wire;
use crate::{
    api::{self, ApiError, Backend, Reply, TIMEOUT_MS},
    i18n::Lang,
};

/// The cabinet API as the screens see it. `s` is the session.
pub trait Cabinet {
    fn send_code(&self, lang: Lang, req: &CodeRequest) -> Reply<CodeSent>;
    fn sign_in(&self, lang: Lang, req: &SignIn) -> Reply<SignedIn>;
    fn second_step(&self, lang: Lang, s: &str, code: &str) -> Reply<()>;
    /// Ends this session, or every session of the account.
    fn sign_out(&self, lang: Lang, s: &str, everywhere: bool) -> Reply<()>;
    fn me(&self, lang: Lang, s: &str) -> Reply<Me>;
    fn update_me(&self, lang: Lang, s: &str, req: &ProfileUpdate) -> Reply<Me>;
    fn set_password(&self, lang: Lang, s: &str, req: &PasswordUpdate) -> Reply<()>;
    fn visits(&self, lang: Lang, s: &str) -> Reply<Visits>;
    fn reschedule(&self, lang: Lang, s: &str, visit: u64, datetime: &str) -> Reply<Visit>;
    fn cancel(&self, lang: Lang, s: &str, visit: u64) -> Reply<()>;
    fn balances(&self, lang: Lang, s: &str) -> Reply<Balances>;
    fn threads(&self, lang: Lang, s: &str) -> Reply<Vec<Thread>>;
    /// Reading a thread marks the salon's answers read.
    fn thread(&self, lang: Lang, s: &str, id: u64) -> Reply<Thread>;
    /// A new thread (`thread` None) or a message in one.
    fn ask(&self, lang: Lang, s: &str, thread: Option<u64>, req: &Ask) -> Reply<Thread>;
    fn delete_account(&self, lang: Lang, s: &str) -> Reply<Deleted>;
    /// The salon's look (the booking widget's theme: brand colour, radius, font, light/dark).
    fn theme(&self, lang: Lang) -> Reply<Theme>;
    /// Free days of the same services and master (the booking catalogue's).
    fn dates(&self, lang: Lang, branch: u64, services: &[u64], staff: u64) -> Reply<Dates>;
    fn times(
        &self,
        lang: Lang,
        branch: u64,
        services: &[u64],
        staff: u64,
        date: &str,
    ) -> Reply<Times>;
}

pub type CabinetApi = Rc<dyn Cabinet>;

/// The real server: `{api}api/v1/sites/{site}/cabinet/…` and the booking catalogue.
pub struct Http {
    catalog: api::Http,
    base: String,
}

impl Http {
    pub fn new(api: &str, site: &str) -> Http {
        let catalog = api::Http::new(api, site);
        let base = format!("{}cabinet/", catalog.base);
        Http { catalog, base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// How a call reads its answer.
enum Body<T> {
    /// 204 or anything 2xx: nothing to read.
    Empty(T),
    /// A JSON object or array, decoded.
    Json(fn(&JsValue) -> T),
}

/// Sends with the session (when there is one) and reads the answer.
fn call<T: 'static>(
    req: RequestBuilder,
    s: &str,
    json: Option<String>,
    lang: Lang,
    body: Body<T>,
) -> Reply<T> {
    let req = if s.is_empty() {
        req
    } else {
        req.header(SESSION_HEADER, s)
    };
    Box::pin(async move {
        let (status, value) = api::send(req, json, lang, TIMEOUT_MS).await?;
        match body {
            Body::Empty(v) if (200..300).contains(&status) => Ok(v),
            Body::Empty(_) => Err(api::check(status, value).err().unwrap_or(ApiError::Network)),
            Body::Json(decode) => api::check(status, value).map(|v| decode(&v)),
        }
    })
}

impl Cabinet for Http {
    fn send_code(&self, lang: Lang, req: &CodeRequest) -> Reply<CodeSent> {
        let json = wire::code_request(req);
        let r = Request::post(&self.url("code"));
        call(r, "", Some(json), lang, Body::Json(wire::code_sent))
    }

    fn sign_in(&self, lang: Lang, req: &SignIn) -> Reply<SignedIn> {
        let r = Request::post(&self.url("sessions"));
        call(
            r,
            "",
            Some(wire::sign_in(req)),
            lang,
            Body::Json(wire::signed_in),
        )
    }

    fn second_step(&self, lang: Lang, s: &str, code: &str) -> Reply<()> {
        let r = Request::post(&self.url("sessions/second-step"));
        call(r, s, Some(wire::one("code", code)), lang, Body::Empty(()))
    }

    fn sign_out(&self, lang: Lang, s: &str, everywhere: bool) -> Reply<()> {
        let path = if everywhere {
            "sessions"
        } else {
            "sessions/current"
        };
        call(
            Request::delete(&self.url(path)),
            s,
            None,
            lang,
            Body::Empty(()),
        )
    }

    fn me(&self, lang: Lang, s: &str) -> Reply<Me> {
        call(
            Request::get(&self.url("me")),
            s,
            None,
            lang,
            Body::Json(wire::me),
        )
    }

    fn update_me(&self, lang: Lang, s: &str, req: &ProfileUpdate) -> Reply<Me> {
        let r = Request::put(&self.url("me"));
        call(r, s, Some(wire::profile(req)), lang, Body::Json(wire::me))
    }

    fn set_password(&self, lang: Lang, s: &str, req: &PasswordUpdate) -> Reply<()> {
        let r = Request::put(&self.url("password"));
        call(r, s, Some(wire::password(req)), lang, Body::Empty(()))
    }

    fn visits(&self, lang: Lang, s: &str) -> Reply<Visits> {
        let r = Request::get(&self.url("visits"));
        call(r, s, None, lang, Body::Json(wire::visits))
    }

    fn reschedule(&self, lang: Lang, s: &str, visit: u64, datetime: &str) -> Reply<Visit> {
        let r = Request::put(&self.url(&format!("visits/{visit}")));
        let json = wire::one("datetime", datetime);
        call(r, s, Some(json), lang, Body::Json(wire::visit))
    }

    fn cancel(&self, lang: Lang, s: &str, visit: u64) -> Reply<()> {
        let r = Request::delete(&self.url(&format!("visits/{visit}")));
        call(r, s, None, lang, Body::Empty(()))
    }

    fn balances(&self, lang: Lang, s: &str) -> Reply<Balances> {
        let r = Request::get(&self.url("balances"));
        call(r, s, None, lang, Body::Json(wire::balances))
    }

    fn threads(&self, lang: Lang, s: &str) -> Reply<Vec<Thread>> {
        let r = Request::get(&self.url("questions"));
        call(r, s, None, lang, Body::Json(wire::threads))
    }

    fn thread(&self, lang: Lang, s: &str, id: u64) -> Reply<Thread> {
        let r = Request::get(&self.url(&format!("questions/{id}")));
        call(r, s, None, lang, Body::Json(wire::thread))
    }

    fn ask(&self, lang: Lang, s: &str, thread: Option<u64>, req: &Ask) -> Reply<Thread> {
        let path = match thread {
            Some(id) => format!("questions/{id}"),
            None => "questions".into(),
        };
        let r = Request::post(&self.url(&path));
        call(r, s, Some(wire::ask(req)), lang, Body::Json(wire::thread))
    }

    fn delete_account(&self, lang: Lang, s: &str) -> Reply<Deleted> {
        let r = Request::delete(&self.url("account"));
        call(r, s, None, lang, Body::Json(wire::deleted))
    }

    fn theme(&self, lang: Lang) -> Reply<Theme> {
        let url = format!("{}config", self.catalog.base);
        api::fetch(url, Vec::new(), lang, crate::wire::site_theme)
    }

    fn dates(&self, lang: Lang, branch: u64, services: &[u64], staff: u64) -> Reply<Dates> {
        self.catalog.dates(lang, branch, services, staff)
    }

    fn times(
        &self,
        lang: Lang,
        branch: u64,
        services: &[u64],
        staff: u64,
        date: &str,
    ) -> Reply<Times> {
        self.catalog.times(lang, branch, services, staff, date)
    }
}
