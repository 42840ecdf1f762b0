//! JSON ↔ `protocol` types through the browser's own `JSON.parse` / `JSON.stringify`.
//!
//! serde_json's generated (de)serialisers cost about a third of the widget's wasm; reading the
//! parsed value field by field costs a call per field. Decoding is lenient like the server's
//! serde defaults: a missing optional field is `None`, a missing number is 0; a body that is not
//! an object is an error.

use js_sys::{Array, JSON, Object, Reflect};
use protocol::{
    ErrorDetail,
    booking::{Attribution, BookingRequest, BookingResult, CodeRequest},
    catalog::{
        Branch, Category, Dates, Service, Services, SiteInfo, Slot, Staff, StaffList, Times,
    },
    site::Theme,
    track::{Channel, Touch},
};
use wasm_bindgen::JsValue;

use crate::options::Options;

/// `JSON.parse`, keeping only objects (not arrays).
pub fn parse(text: &str) -> Option<JsValue> {
    JSON::parse(text)
        .ok()
        .filter(|v| v.is_object() && !Array::is_array(v))
}

pub(crate) fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

pub(crate) fn opt_str(v: &JsValue, key: &str) -> Option<String> {
    get(v, key).as_string()
}

pub(crate) fn str(v: &JsValue, key: &str) -> String {
    opt_str(v, key).unwrap_or_default()
}

pub(crate) fn num(v: &JsValue, key: &str) -> f64 {
    get(v, key).as_f64().unwrap_or(0.0)
}

pub(crate) fn id(v: &JsValue, key: &str) -> u64 {
    num(v, key) as u64
}

pub(crate) fn flag(v: &JsValue, key: &str) -> bool {
    get(v, key).as_bool().unwrap_or(false)
}

pub(crate) fn list<T>(v: &JsValue, key: &str, item: fn(&JsValue) -> T) -> Vec<T> {
    let a = get(v, key);
    if !Array::is_array(&a) {
        return Vec::new();
    }
    Array::from(&a).iter().map(|x| item(&x)).collect()
}

pub(crate) fn strings(v: &JsValue, key: &str) -> Vec<String> {
    list(v, key, |x| x.as_string().unwrap_or_default())
}

/// The `theme` of a site's config (the cabinet reads only this).
pub fn site_theme(v: &JsValue) -> Theme {
    theme(&get(v, "theme"))
}

fn theme(v: &JsValue) -> Theme {
    let d = Theme::default();
    Theme {
        brand: opt_str(v, "brand").unwrap_or(d.brand),
        radius: opt_str(v, "radius").unwrap_or(d.radius),
        font: str(v, "font"),
        mode: opt_str(v, "mode").unwrap_or(d.mode),
    }
}

fn branch(v: &JsValue) -> Branch {
    Branch {
        id: id(v, "id"),
        title: str(v, "title"),
        address: str(v, "address"),
        timezone: str(v, "timezone"),
        phone_confirmation: flag(v, "phone_confirmation"),
        email_required: flag(v, "email_required"),
        comment_required: flag(v, "comment_required"),
        nearest: opt_str(v, "nearest"),
        phone: opt_str(v, "phone"),
        zone_ru: str(v, "zone_ru"),
        zone_en: str(v, "zone_en"),
    }
}

pub fn site(v: &JsValue) -> SiteInfo {
    SiteInfo {
        site: str(v, "site"),
        lang: str(v, "lang"),
        theme: theme(&get(v, "theme")),
        branches: list(v, "branches", branch),
        privacy_url: opt_str(v, "privacy_url"),
        goals: {
            let g = get(v, "goals");
            protocol::site::Goals {
                metrika: opt_str(&g, "metrika"),
                ga4: flag(&g, "ga4"),
            }
        },
    }
}

pub fn services(v: &JsValue) -> Services {
    Services {
        categories: list(v, "categories", |c| Category {
            id: id(c, "id"),
            title: str(c, "title"),
        }),
        services: list(v, "services", |s| Service {
            id: id(s, "id"),
            category_id: id(s, "category_id"),
            title: str(s, "title"),
            price_min: num(s, "price_min"),
            price_max: num(s, "price_max"),
            duration: num(s, "duration") as u32,
            duration_max: num(s, "duration_max") as u32,
            comment: str(s, "comment"),
        }),
    }
}

pub fn staff(v: &JsValue) -> StaffList {
    StaffList {
        staff: list(v, "staff", |s| Staff {
            id: id(s, "id"),
            name: str(s, "name"),
            position: str(s, "position"),
            avatar: opt_str(s, "avatar"),
            rating: num(s, "rating") as f32,
            bookable: flag(s, "bookable"),
            nearest: opt_str(s, "nearest"),
        }),
    }
}

pub fn dates(v: &JsValue) -> Dates {
    Dates {
        dates: strings(v, "dates"),
        timezone: str(v, "timezone"),
    }
}

fn slot(v: &JsValue) -> Slot {
    Slot {
        time: str(v, "time"),
        datetime: str(v, "datetime"),
        length: num(v, "length") as u32,
    }
}

pub fn times(v: &JsValue) -> Times {
    Times {
        date: str(v, "date"),
        timezone: str(v, "timezone"),
        slots: list(v, "slots", slot),
    }
}

pub fn booking_result(v: &JsValue) -> BookingResult {
    BookingResult {
        id: str(v, "id"),
        branch: str(v, "branch"),
        address: str(v, "address"),
        datetime: str(v, "datetime"),
        timezone: str(v, "timezone"),
        length: num(v, "length") as u32,
        services: strings(v, "services"),
        staff: str(v, "staff"),
        price_min: num(v, "price_min"),
        price_max: num(v, "price_max"),
        cancel_url: str(v, "cancel_url"),
        cabinet: opt_str(v, "cabinet"),
    }
}

/// The `error` member of an error body.
pub fn error_detail(body: &JsValue) -> Option<ErrorDetail> {
    let e = get(body, "error");
    let code = opt_str(&e, "code")?;
    let times = get(&e, "times");
    Some(ErrorDetail {
        code,
        message: str(&e, "message"),
        field: opt_str(&e, "field"),
        times: Array::is_array(&times).then(|| list(&e, "times", slot)),
    })
}

/// A touch's text fields, in the order [`touch_js`] writes them.
const TOUCH_TEXT: [&str; 10] = [
    "source", "medium", "campaign", "content", "term", "yclid", "gclid", "fbclid", "referrer",
    "landing",
];

fn touch(v: &JsValue) -> Option<Touch> {
    if !v.is_object() {
        return None;
    }
    let text = |k: &str| opt_str(v, k);
    let ch = match text("ch").as_deref() {
        Some("paid") => Channel::Paid,
        Some("search") => Channel::Search,
        Some("social") => Channel::Social,
        Some("referral") => Channel::Referral,
        _ => Channel::Direct,
    };
    Some(Touch {
        ch,
        source: text("source"),
        medium: text("medium"),
        campaign: text("campaign"),
        content: text("content"),
        term: text("term"),
        yclid: text("yclid"),
        gclid: text("gclid"),
        fbclid: text("fbclid"),
        referrer: text("referrer"),
        landing: text("landing"),
        ts: num(v, "ts") as u64,
    })
}

/// The tracker context (`{vid, sid, first, last}`); `None` unless it has both ids.
fn attribution(v: &JsValue) -> Option<Attribution> {
    let (vid, sid) = (opt_str(v, "vid")?, opt_str(v, "sid")?);
    Some(Attribution {
        vid,
        sid,
        first: touch(&get(v, "first")),
        last: touch(&get(v, "last")),
    })
}

/// The widget options embed.js passes.
pub fn options(json: &str) -> Result<Options, String> {
    let v = parse(json).ok_or("zapis: widget options must be a JSON object")?;
    let site = opt_str(&v, "site")
        .filter(|s| !s.is_empty())
        .ok_or("zapis: widget options need a `site`")?;
    // Ids may come as numbers or strings (data attributes are strings).
    let text = |k: &str| {
        let x = get(&v, k);
        x.as_string()
            .or_else(|| x.as_f64().map(|n| (n as u64).to_string()))
    };
    Ok(Options {
        site,
        api: str(&v, "api"),
        lang: opt_str(&v, "lang"),
        service: text("service"),
        staff: text("staff"),
        branch: text("branch"),
        // embed.js passes the tracker's context as its JSON text; tests as an object.
        ctx: attribution(&{
            let c = get(&v, "ctx");
            c.as_string().and_then(|s| parse(&s)).unwrap_or(c)
        }),
        receipt: opt_str(&v, "receipt"),
        resend_after: None,
    })
}

pub(crate) fn put(o: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(o, &JsValue::from_str(key), &value.into());
}

pub(crate) fn put_opt(o: &Object, key: &str, value: &Option<String>) {
    if let Some(v) = value {
        put(o, key, v.as_str());
    }
}

fn touch_js(t: &Touch) -> Object {
    let o = Object::new();
    put(&o, "ch", t.ch.as_str());
    let fields = [
        &t.source,
        &t.medium,
        &t.campaign,
        &t.content,
        &t.term,
        &t.yclid,
        &t.gclid,
        &t.fbclid,
        &t.referrer,
        &t.landing,
    ];
    for (key, value) in TOUCH_TEXT.iter().zip(fields) {
        put_opt(&o, key, value);
    }
    put(&o, "ts", t.ts as f64);
    o
}

pub(crate) fn stringify(o: &Object) -> String {
    JSON::stringify(o).map(String::from).unwrap_or_default()
}

pub fn booking_request(r: &BookingRequest) -> String {
    let o = Object::new();
    put(&o, "branch", r.branch as f64);
    put(
        &o,
        "services",
        r.services
            .iter()
            .map(|s| JsValue::from(*s as f64))
            .collect::<Array>(),
    );
    put(&o, "staff", r.staff as f64);
    put(&o, "datetime", r.datetime.as_str());
    put(&o, "name", r.name.as_str());
    put(&o, "phone", r.phone.as_str());
    put_opt(&o, "email", &r.email);
    put_opt(&o, "comment", &r.comment);
    put(&o, "consent", r.consent);
    put_opt(&o, "code", &r.code);
    put_opt(&o, "website", &r.website);
    if let Some(a) = &r.attribution {
        put(&o, "attribution", attribution_js(a));
    }
    stringify(&o)
}

/// The tracker context as the server reads it (a booking's or a sign-up's `attribution`).
pub(crate) fn attribution_js(a: &Attribution) -> Object {
    let at = Object::new();
    put(&at, "vid", a.vid.as_str());
    put(&at, "sid", a.sid.as_str());
    if let Some(t) = &a.first {
        put(&at, "first", touch_js(t));
    }
    if let Some(t) = &a.last {
        put(&at, "last", touch_js(t));
    }
    at
}

pub fn code_request(r: &CodeRequest) -> String {
    let o = Object::new();
    put(&o, "phone", r.phone.as_str());
    stringify(&o)
}

/// The booking for the `zapis:booked` event detail (a plain JS object). Not the cancel link: the
/// detail goes to the tracker and the site's analytics (GA4's `dataLayer`).
pub fn booking_result_js(r: &BookingResult) -> JsValue {
    let o = Object::new();
    for (k, v) in [
        ("id", &r.id),
        ("branch", &r.branch),
        ("address", &r.address),
        ("datetime", &r.datetime),
        ("timezone", &r.timezone),
        ("staff", &r.staff),
    ] {
        put(&o, k, v.as_str());
    }
    put(&o, "length", r.length);
    put(
        &o,
        "services",
        r.services
            .iter()
            .map(|s| JsValue::from_str(s))
            .collect::<Array>(),
    );
    put(&o, "price_min", r.price_min);
    put(&o, "price_max", r.price_max);
    o.into()
}

/// The draft kept for the tab (`booking::keep`): choices and typed contact, never the code.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Kept {
    pub step: String,
    pub branch: u64,
    pub services: Vec<u64>,
    /// `None`: not chosen yet; `Some(0)`: any master.
    pub staff: Option<u64>,
    pub date: Option<String>,
    pub slot: Option<Slot>,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub comment: String,
    pub consent: bool,
}

pub fn kept_json(k: &Kept) -> String {
    let o = Object::new();
    for (key, v) in [
        ("step", &k.step),
        ("name", &k.name),
        ("phone", &k.phone),
        ("email", &k.email),
        ("comment", &k.comment),
    ] {
        put(&o, key, v.as_str());
    }
    put(&o, "branch", k.branch as f64);
    put(
        &o,
        "services",
        k.services
            .iter()
            .map(|s| JsValue::from(*s as f64))
            .collect::<Array>(),
    );
    if let Some(s) = k.staff {
        put(&o, "staff", s as f64);
    }
    put_opt(&o, "date", &k.date);
    if let Some(s) = &k.slot {
        let so = Object::new();
        put(&so, "time", s.time.as_str());
        put(&so, "datetime", s.datetime.as_str());
        put(&so, "length", s.length);
        put(&o, "slot", so);
    }
    put(&o, "consent", k.consent);
    stringify(&o)
}

pub fn kept(v: &JsValue) -> Kept {
    let slot_v = get(v, "slot");
    Kept {
        step: str(v, "step"),
        branch: id(v, "branch"),
        services: list(v, "services", |x| x.as_f64().unwrap_or(0.0) as u64),
        staff: get(v, "staff").as_f64().map(|s| s as u64),
        date: opt_str(v, "date"),
        slot: slot_v.is_object().then(|| slot(&slot_v)),
        name: str(v, "name"),
        phone: str(v, "phone"),
        email: str(v, "email"),
        comment: str(v, "comment"),
        consent: flag(v, "consent"),
    }
}
