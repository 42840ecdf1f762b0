//! The tracker in a real browser (headless Chromium and Firefox through wasm-bindgen-test):
//! cookies, localStorage, URL parsing and the beacons it sends. Run with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --tests`
//! (or `GECKODRIVER=…`).
//!
//! The crate is a cdylib only (so that release builds get LTO), so this test compiles its
//! sources as a module. `navigator.sendBeacon`, `fetch` (for `/api/v1/t` only), `Date.now`,
//! `document.referrer`, `navigator.onLine`/`webdriver` are
//! replaced by mocks the tests steer; everything else is the browser's own.

#![cfg(target_arch = "wasm32")]

extern crate alloc;

#[allow(dead_code)]
#[path = "../src/lib.rs"]
mod tracker;

use protocol::track::{Batch, Channel, EventType, MAX_EVENTS_PER_BATCH, is_id};
use serde_json::Value;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const T0: u64 = 1_700_000_000_000;
const MIN: u64 = 60_000;
const DAY: u64 = 24 * 60 * MIN;
const API: &str = "https://zapis.test";

fn js(body: &str) -> JsValue {
    js_sys::Function::new_no_args(body)
        .call0(&JsValue::UNDEFINED)
        .unwrap_or_else(|e| panic!("{body}: {e:?}"))
}

fn js_str(body: &str) -> String {
    js(body).as_string().unwrap_or_default()
}

/// Installs the mocks (once) and forgets everything of earlier tests: storage, cookies, URL.
fn fresh() {
    js(r#"
        const w = window;
        if (!w.__mocked) {
            w.__mocked = true;
            w.__orig = location.pathname + location.search;
            const realNow = Date.now;
            Date.now = function () { return w.__now === undefined ? realNow.call(Date) : w.__now; };
            const prop = (o, k, get) => Object.defineProperty(o, k, { configurable: true, get });
            prop(navigator, 'onLine', () => !w.__offline);
            prop(navigator, 'webdriver', () => !!w.__bot);
            prop(document, 'referrer', () => w.__ref || '');
            Object.defineProperty(navigator, 'sendBeacon', { configurable: true, writable: true,
                value(url, body) { if (w.__noBeacon) return false; w.__beacons.push([url, body]); return true; } });
            const realFetch = w.fetch;
            w.fetch = function (url, init) {
                if (String(url).indexOf('/api/v1/t') < 0) return realFetch.apply(this, arguments);
                w.__fetches.push([url, init.body, init.method, init.keepalive, init.mode]);
                return Promise.resolve(new Response(''));
            };
        }
        w.__beacons = []; w.__fetches = []; w.__now = undefined;
        w.__offline = w.__bot = w.__noBeacon = false; w.__ref = '';
        localStorage.clear();
        for (const c of ['zapis_vid', 'zapis_optout']) document.cookie = c + '=; Max-Age=0; Path=/';
        history.replaceState(null, '', w.__orig);
    "#);
}

fn at(ms: u64) {
    js(&format!("window.__now = {ms}"));
}

fn referrer(r: &str) {
    js(&format!("window.__ref = {r:?}"));
}

/// Navigates like an SPA does, and tells the tracker as embed.js does.
fn go(url: &str) {
    js(&format!("history.pushState(null, '', {url:?})"));
    tracker::page();
}

/// A page load: the tracker starts afresh (what survives is in cookies and localStorage).
fn start() {
    start_with(false, false);
}

fn start_with(consent_required: bool, dnt: bool) {
    tracker::start(
        js_sys::global().into(),
        "demo".into(),
        format!("{API}/").into(),
        consent_required,
        dnt,
    );
}

/// A custom event (0), widget_open (1) or booked (2), as embed.js sends them.
fn track(kind: usize, name: &str, props: &str) {
    tracker::track(kind, name.into(), props.into());
}

/// The beacons sent since the last call, parsed with the server's types.
fn beacons() -> Vec<Batch> {
    let sent = js("const b = window.__beacons; window.__beacons = []; return JSON.stringify(b)");
    let sent: Vec<(String, String)> = serde_json::from_str(&sent.as_string().unwrap()).unwrap();
    sent.into_iter()
        .map(|(url, body)| {
            assert_eq!(url, format!("{API}/api/v1/t"));
            assert!(body.len() <= protocol::track::MAX_BATCH_BYTES);
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"))
        })
        .collect()
}

fn context() -> Value {
    serde_json::from_str(&tracker::context().as_string().unwrap()).unwrap()
}

fn vid() -> String {
    context()["vid"].as_str().unwrap().to_string()
}

fn sid() -> String {
    context()["sid"].as_str().unwrap().to_string()
}

fn cookie(name: &str) -> Option<String> {
    js_str("return document.cookie")
        .split("; ")
        .find_map(|c| c.strip_prefix(name)?.strip_prefix('='))
        .map(String::from)
}

fn stored(key: &str) -> Option<String> {
    js(&format!("return localStorage.getItem({key:?})")).as_string()
}

fn paths(b: &Batch) -> Vec<(EventType, &str)> {
    b.events.iter().map(|e| (e.t, e.path.as_str())).collect()
}

#[wasm_bindgen_test]
fn visitor_id_lives_in_cookie_and_local_storage_and_is_restored_from_either() {
    fresh();
    start();
    let v = vid();
    assert!(is_id(&v), "{v}");
    assert_eq!(cookie("zapis_vid").as_deref(), Some(v.as_str()));
    assert_eq!(stored("zapis_vid").as_deref(), Some(v.as_str()));

    // Cookie gone (e.g. expired): restored from localStorage, and the cookie is written again.
    js("document.cookie = 'zapis_vid=; Max-Age=0; Path=/'");
    start();
    assert_eq!(vid(), v);
    assert_eq!(cookie("zapis_vid").as_deref(), Some(v.as_str()));

    // localStorage gone: restored from the cookie.
    js("localStorage.removeItem('zapis_vid')");
    start();
    assert_eq!(vid(), v);
    assert_eq!(stored("zapis_vid").as_deref(), Some(v.as_str()));

    // A malformed id is no id.
    js("localStorage.setItem('zapis_vid', 'x'); document.cookie = 'zapis_vid=not-an-id; Path=/'");
    start();
    assert_ne!(vid(), v);
    assert!(is_id(&vid()));

    // Both gone: a new visitor.
    fresh();
    start();
    let w = vid();
    assert!(is_id(&w) && w != v);
}

#[wasm_bindgen_test]
fn sessions_continue_across_pages_and_end_after_30_idle_minutes() {
    fresh();
    at(T0);
    start();
    let s1 = sid();
    assert!(is_id(&s1));
    assert_ne!(s1, vid());

    at(T0 + 29 * MIN);
    start(); // the next page
    assert_eq!(sid(), s1);
    at(T0 + 58 * MIN); // 29 minutes after the last activity
    go("/services");
    assert_eq!(sid(), s1);

    at(T0 + 88 * MIN + 1); // 30 minutes and a bit since
    go("/masters");
    let s2 = sid();
    assert!(is_id(&s2) && s2 != s1);
    tracker::flush();
    let b = beacons();
    let sids: Vec<&str> = b.iter().map(|b| b.sid.as_str()).collect();
    assert_eq!(
        sids,
        [s1.as_str(), s2.as_str()],
        "the old session's batch goes out before the new one starts"
    );
    assert_eq!(paths(&b[1]), [(EventType::Pageview, "/masters")]);
    assert_eq!(b[1].started, T0 + 88 * MIN + 1);
    assert_eq!(
        (b[1].touch.ch, b[1].touch.landing.as_deref()),
        (Channel::Direct, Some("/masters"))
    );
}

#[wasm_bindgen_test]
fn a_new_campaign_starts_a_new_session() {
    fresh();
    at(T0);
    start();
    let s1 = sid();
    at(T0 + MIN);
    go("/?utm_source=vk&utm_medium=social&utm_campaign=spring");
    let s2 = sid();
    assert_ne!(s2, s1);
    at(T0 + 2 * MIN);
    go("/services?utm_campaign=spring&utm_source=vk&utm_medium=social");
    assert_eq!(sid(), s2, "the same campaign again");
    go("/services");
    assert_eq!(sid(), s2, "no campaign at all");
    go("/?gclid=abc");
    let s3 = sid();
    assert_ne!(s3, s2);
    tracker::flush();
    let b = beacons();
    assert_eq!(
        b.iter().map(|b| b.sid.clone()).collect::<Vec<_>>(),
        [s1, s2, s3]
    );
    let t = &b[1].touch;
    assert_eq!(t.ch, Channel::Direct, "no `ch`: the server classifies");
    assert_eq!(
        (
            t.source.as_deref(),
            t.medium.as_deref(),
            t.campaign.as_deref()
        ),
        (Some("vk"), Some("social"), Some("spring"))
    );
    assert_eq!(paths(&b[1]).len(), 3);
    assert_eq!(
        (b[2].touch.source.as_deref(), b[2].touch.gclid.as_deref()),
        (None, Some("abc"))
    );
}

#[wasm_bindgen_test]
fn touches_report_referrers_and_decode_campaign_parameters() {
    // The server classifies (`zapis::attribution`); the tracker reports other sites' referrers
    // without their query, and nothing for its own site or none.
    let host = js_str("return location.host");
    let cases = [
        ("https://yandex.ru/search/?text=x", true),
        ("https://mail.yandex.ru/?uid=1", true),
        ("https://vk.com/feed", true),
        ("https://t.me/s/salon", true),
        ("https://beauty-blog.ru/post?id=1", true),
        (&format!("http://{host}/other"), false),
        ("", false),
    ];
    for (r, other_site) in cases {
        fresh();
        referrer(r);
        start();
        let first: protocol::track::Touch =
            serde_json::from_value(context()["first"].clone()).unwrap();
        assert_eq!(
            (first.ch, first.source.as_deref(), first.medium.as_deref()),
            (Channel::Direct, None, None),
            "{r}"
        );
        let kept = other_site.then(|| r.split('?').next().unwrap());
        assert_eq!(first.referrer.as_deref(), kept, "{r}");
    }

    fresh();
    referrer("https://yandex.ru/");
    js(
        "history.replaceState(null, '', '/sale?utm_source=yandex&utm_medium=cpc&utm_campaign=spring%20sale&utm_term=%D1%81%D1%82%D1%80%D0%B8%D0%B6%D0%BA%D0%B0&utm_content=a+b&yclid=777')",
    );
    start();
    let t: protocol::track::Touch = serde_json::from_value(context()["first"].clone()).unwrap();
    assert_eq!(t.ch, Channel::Direct);
    assert_eq!(
        (t.source.as_deref(), t.medium.as_deref()),
        (Some("yandex"), Some("cpc"))
    );
    assert_eq!(t.campaign.as_deref(), Some("spring sale"));
    assert_eq!(t.term.as_deref(), Some("стрижка"));
    assert_eq!(t.content.as_deref(), Some("a b"));
    assert_eq!(t.yclid.as_deref(), Some("777"));
    assert_eq!(t.referrer.as_deref(), Some("https://yandex.ru/"));
    assert!(
        t.landing
            .as_deref()
            .unwrap()
            .starts_with("/sale?utm_source=yandex")
    );
}

#[wasm_bindgen_test]
fn first_touch_is_kept_and_last_non_direct_touch_looks_back_90_days() {
    fresh();
    at(T0);
    start(); // direct
    let first = context()["first"].clone();
    assert!(
        first["ch"].is_null() && first["referrer"].is_null(),
        "{first}"
    ); // direct (the server names it)
    assert!(context()["last"].is_null());

    at(T0 + DAY);
    referrer("https://www.google.com/");
    start(); // a new session from search
    referrer("");
    let c = context();
    assert_eq!(c["first"], first);
    assert_eq!(
        c["last"]["referrer"].as_str(),
        Some("https://www.google.com/")
    );

    at(T0 + 2 * DAY);
    start(); // a direct session does not replace it
    let c = context();
    assert_eq!(
        (c["first"].clone(), c["last"]["referrer"].as_str()),
        (first.clone(), Some("https://www.google.com/"))
    );

    at(T0 + DAY + 90 * DAY + 1);
    start();
    let c = context();
    assert!(c["last"].is_null(), "older than 90 days: {c}");
    assert_eq!(c["first"], first);
}

#[wasm_bindgen_test]
fn consent_required_keeps_everything_in_memory_until_consent() {
    fresh();
    js("history.replaceState(null, '', '/?utm_source=vk')");
    start_with(true, false);
    let v = vid();
    assert!(is_id(&v), "a session in memory: a booking still carries it");
    track(0, "call", r#"{"where":"header"}"#);
    go("/services");
    tracker::flush();
    assert!(beacons().is_empty());
    assert_eq!(cookie("zapis_vid"), None);
    assert_eq!(js("return localStorage.length").as_f64(), Some(0.0));

    tracker::consent(true);
    assert_eq!(cookie("zapis_vid").as_deref(), Some(v.as_str()));
    assert_eq!(stored("zapis_vid").as_deref(), Some(v.as_str()));
    let b = beacons();
    assert_eq!(b.len(), 1, "what was held goes out");
    assert_eq!(
        paths(&b[0]),
        [
            (EventType::Pageview, "/?utm_source=vk"),
            (EventType::Custom, "/?utm_source=vk"),
            (EventType::Pageview, "/services")
        ]
    );
    assert_eq!(b[0].touch.source.as_deref(), Some("vk"));

    // The next page: consent is remembered.
    start_with(true, false);
    assert_eq!(vid(), v);
    tracker::flush();
    assert_eq!(beacons().len(), 1);

    // Withdrawn: everything stored goes, nothing is sent.
    tracker::consent(false);
    assert_eq!(stored("zapis_vid"), None);
    assert_eq!(cookie("zapis_vid"), None);
    go("/contacts");
    tracker::flush();
    assert!(beacons().is_empty());
    start_with(true, false);
    assert_ne!(vid(), v);
    assert_eq!(js("return localStorage.length").as_f64(), Some(0.0));
}

#[wasm_bindgen_test]
fn spa_navigations_are_page_views_once_per_url() {
    fresh();
    at(T0);
    js("document.title = 'Салон — главная'");
    start();
    go("/services");
    tracker::page(); // replaceState/popstate with the same URL
    js("history.replaceState(null, '', '/services#prices')");
    tracker::page(); // only the hash changed
    js(r#"document.title = 'Услуги "VIP" \\ цены'"#);
    go("/services?cat=hair");
    track(0, "", "{}"); // a custom event needs a name
    track(0, "phone_click", r#"{"n":1}"#);
    track(0, "bad_props", "[1]");
    tracker::flush();
    let b = beacons();
    assert_eq!(b.len(), 1);
    let orig = js_str("return window.__orig");
    assert_eq!(
        paths(&b[0]),
        [
            (EventType::Pageview, orig.as_str()),
            (EventType::Pageview, "/services"),
            (EventType::Pageview, "/services?cat=hair"),
            (EventType::Custom, "/services?cat=hair"),
            (EventType::Custom, "/services?cat=hair"),
        ]
    );
    let e = &b[0].events;
    assert_eq!(e[0].title.as_deref(), Some("Салон — главная"));
    assert_eq!(e[2].title.as_deref(), Some(r#"Услуги "VIP" \ цены"#));
    assert_eq!(
        (
            e[3].name.as_deref(),
            e[3].props.as_ref().map(|p| p["n"].clone())
        ),
        (Some("phone_click"), Some(1.into()))
    );
    assert_eq!(
        (e[4].name.as_deref(), e[4].props.as_ref()),
        (Some("bad_props"), None)
    );
    assert_eq!(
        b[0].touch.landing.as_deref(),
        Some(orig.as_str()),
        "SPA views stay in the landing's session"
    );
}

#[wasm_bindgen_test]
fn widget_events_and_booked_goes_out_at_once() {
    fresh();
    start();
    track(1, "ignored", "");
    assert!(beacons().is_empty());
    track(2, "", r#"{"booking":"b-1"}"#);
    let b = beacons();
    assert_eq!(b.len(), 1);
    let types: Vec<EventType> = b[0].events.iter().map(|e| e.t).collect();
    assert_eq!(
        types,
        [
            EventType::Pageview,
            EventType::WidgetOpen,
            EventType::Booked
        ]
    );
    assert_eq!(b[0].events[1].name, None);
    assert_eq!(b[0].events[2].props.as_ref().unwrap()["booking"], "b-1");
    track(7, "x", "");
    tracker::flush();
    assert!(beacons().is_empty(), "unknown kinds are dropped");
}

#[wasm_bindgen_test]
fn full_batches_go_out_and_stay_within_the_limits() {
    fresh();
    start();
    for i in 0..120 {
        track(0, &format!("e{i}"), "");
    }
    let b = beacons();
    assert_eq!(
        b.iter().map(|b| b.events.len()).collect::<Vec<_>>(),
        [MAX_EVENTS_PER_BATCH, MAX_EVENTS_PER_BATCH]
    );
    tracker::flush();
    let rest = beacons();
    assert_eq!(rest[0].events.len(), 121 - 2 * MAX_EVENTS_PER_BATCH);
    assert_eq!(rest[0].events.last().unwrap().name.as_deref(), Some("e119"));

    // Big events: the byte limit splits batches before the event limit does.
    let props = format!(r#"{{"text":"{}"}}"#, "я".repeat(1000));
    for _ in 0..30 {
        track(0, "big", &props);
    }
    tracker::flush();
    let b = beacons();
    assert!(b.len() >= 2, "{}", b.len());
    assert_eq!(b.iter().map(|b| b.events.len()).sum::<usize>(), 30);
}

#[wasm_bindgen_test]
fn offline_batches_wait_in_local_storage_for_the_next_page() {
    fresh();
    js("window.__offline = true");
    start();
    track(0, "call", "");
    tracker::flush();
    assert!(beacons().is_empty());
    let queued = stored("zapis_q").expect("queued");
    assert!(queued.contains("\"call\""));
    js("window.__offline = false");
    go("/next");
    start(); // the next page sends the queue first
    let b = beacons();
    assert_eq!(b.len(), 1);
    assert_eq!(
        b[0].events
            .iter()
            .map(|e| e.name.as_deref())
            .collect::<Vec<_>>(),
        [None, Some("call")]
    );
    assert_eq!(stored("zapis_q"), None);
}

#[wasm_bindgen_test]
fn a_batch_the_browser_refuses_to_beacon_waits_for_the_next_page() {
    fresh();
    js("window.__noBeacon = true");
    start();
    track(0, "call", "");
    tracker::flush();
    assert!(beacons().is_empty());
    assert_eq!(js_str("return JSON.stringify(window.__fetches)"), "[]");
    assert!(stored("zapis_q").expect("queued").contains("\"call\""));
    js("window.__noBeacon = false");
    go("/next");
    start();
    let b = beacons();
    assert_eq!(b.len(), 1);
    assert_eq!(
        b[0].events.len(),
        2,
        "the refused batch's page view and event"
    );
    assert_eq!(stored("zapis_q"), None);
}

#[wasm_bindgen_test]
fn do_not_track_is_honoured_when_the_site_says_so() {
    let off = |what: &str| {
        assert_eq!(
            tracker::context().as_string().as_deref(),
            Some("null"),
            "{what}"
        );
        track(0, "x", "");
        tracker::flush();
        assert!(beacons().is_empty(), "{what}");
        assert_eq!(
            js("return localStorage.length").as_f64(),
            Some(0.0),
            "{what}"
        );
        assert_eq!(cookie("zapis_vid"), None, "{what}");
    };
    // embed.js passes `dnt` when the site honours DNT/GPC and the browser sends one.
    fresh();
    start_with(false, true);
    off("DNT or GPC");
    start(); // a site that does not honour them, or a browser without them
    assert!(is_id(&vid()));

    // Automated browsers (this one is) and localhost (this page is served from 127.0.0.1) are
    // the server's to refuse (`zapis::ingest`): the tracker runs.
    fresh();
    js("window.__bot = true");
    start();
    assert!(is_id(&vid()));
}

#[wasm_bindgen_test]
fn opt_out_clears_ids_and_is_remembered() {
    fresh();
    start();
    let v = vid();
    tracker::optout(true);
    assert_eq!(tracker::context().as_string().as_deref(), Some("null"));
    assert_eq!(stored("zapis_vid"), None);
    assert_eq!(cookie("zapis_vid"), None);
    assert_eq!(cookie("zapis_optout").as_deref(), Some("1"));
    start(); // the next page
    assert_eq!(tracker::context().as_string().as_deref(), Some("null"));
    js("localStorage.clear()");
    start(); // the cookie alone remembers it
    assert_eq!(tracker::context().as_string().as_deref(), Some("null"));
    tracker::optout(false);
    assert_eq!(cookie("zapis_optout"), None);
    start();
    let w = vid();
    assert!(is_id(&w) && w != v);
}
