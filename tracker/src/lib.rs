//! zapis visitor tracker (no_std wasm): visitor id, sessions, touches, page views (SPA
//! included), custom events, consent, beacons to `{api}/api/v1/t`.
//!
//! Exports (wasm-bindgen), called only by `embed/embed.js`, which also does the DOM wiring
//! (in JS that wiring costs a tenth of what wasm closures and their glue cost):
//!
//! | export | what |
//! |---|---|
//! | `start(globalThis, site, api, consent_required, dnt)` | Start on this page (`api` is the booking host's base URL, ending with `/`) with the site's `EmbedConfig` consent flag and `dnt` (the site honours DNT/GPC and the browser sends one; bots and localhost are the server's to refuse): decides whether and how to track, restores the visitor, sends what earlier pages queued, records the page view. Calling it again restarts (tests do). |
//! | `page()` | A page view if the path or query changed: embed.js calls it after `pushState`, `replaceState` and on `popstate`. |
//! | `flush()` | Sends the batch: embed.js calls it on `pagehide` and on `visibilitychange` to hidden. Batches also go out when full and on `booked`. |
//! | `track(kind, name, props_json)` | kind 0: custom event `name`; 1: `widget_open`; 2: `booked` (sent at once). `props_json` is a JSON object (`JSON.stringify(props)`) or "". |
//! | `consent(granted)` | `true`: persist ids, remember the consent (mode `required`) and send what was held. `false`: forget everything stored and hold events in memory again. |
//! | `optout(on)` | `true`: stop, clear ids, remember the opt-out (cookie + localStorage). `false`: forget the opt-out (tracking resumes on the next page). |
//! | `context() -> string` | `{"vid","sid","first":Touch,"last":Touch\|null}` for a booking (last = last non-direct touch within 90 days), or `null` when not tracking. Counts as activity. |
//!
//! Modules: `id` (random ids, cookies), `touch` (what a landing saw: campaign parameters,
//! another site's referrer; the server classifies it), `session`
//! (idle/campaign rules, first/last touch, the stored record), `json` (the wire format,
//! hand-built), `consent` (whether and how to track), `store` (cookie/localStorage),
//! `transport` (beacon, fetch, retry queue), `js` (the few browser bindings). Pure logic has
//! native tests (`cargo test`); `tests/web.rs` runs in headless browsers.

#![cfg_attr(all(target_arch = "wasm32", not(test)), no_std)]
// `String::push(char)` brings a UTF-8 encoder into the wasm; `push_str("x")` does not.
#![allow(clippy::single_char_add_str)]
extern crate alloc;

mod buf;
mod consent;
mod id;
mod js;
mod json;
mod session;
mod store;
mod touch;
mod transport;

use buf::Buf;

/// Text that lives as long as the page: the bump allocator never frees, so leaking a `String`
/// into one costs nothing, and copies of it are pointer copies (no clone code in the wasm).
pub type Text = &'static str;
use consent::Mode;
use core::cell::{Cell, UnsafeCell};
use session::Visit;
use touch::{Touch, clip};
use wasm_bindgen::prelude::*;

/// `protocol::track::MAX_EVENTS_PER_BATCH`.
pub const MAX_EVENTS: u32 = 50;
/// `protocol::track::MAX_BATCH_BYTES`.
pub const MAX_BYTES: usize = 32 * 1024;

struct Tracker {
    mode: Mode,
    consent_required: bool,
    site: Text,
    /// `{api}/api/v1/t`
    url: Text,
    vid: Text,
    v: Visit,
    /// The events of the batch being filled, joined by `,`.
    events: Buf,
    n: u32,
    /// Path + query of the last page view.
    path: Text,
}

impl Tracker {
    /// Not started (or stopped by an opt-out).
    const OFF: Tracker = Tracker {
        mode: Mode::Off,
        consent_required: false,
        site: "",
        url: "",
        vid: "",
        v: Visit::NONE,
        events: Buf::new(),
        n: 0,
        path: "",
    };
}

struct Global(UnsafeCell<Tracker>, Cell<bool>);
// wasm32-unknown-unknown is single-threaded; the `Cell<bool>` guards against re-entry.
unsafe impl Sync for Global {}
static G: Global = Global(UnsafeCell::new(Tracker::OFF), Cell::new(false));

/// Runs `f` on the tracker, unless already inside (a JS call back into us).
fn slot(f: impl FnOnce(&mut Tracker)) {
    if !G.1.replace(true) {
        // SAFETY: single thread, and the flag makes this the only live reference.
        f(unsafe { &mut *G.0.get() });
        G.1.set(false);
    }
}

/// Runs `f` on the started tracker, unless it is off.
fn with(f: impl FnOnce(&mut Tracker)) {
    slot(|t| {
        if t.mode != Mode::Off {
            f(t)
        }
    });
}

/// The page's path + query, and the touch of a view of it at `now` after `referrer`.
fn here(referrer: &str, now: u64) -> (Text, Touch) {
    let query = js::text("location.search");
    let mut path = Buf::from(js::text("location.pathname"));
    path.push(query);
    path.truncate(clip(&path).len());
    let rhost = js::hostname(referrer);
    let params = js::params(query);
    let t = Touch::of_page(
        &|k| js::param(&params, k),
        referrer,
        rhost,
        js::text("location.hostname"),
        &path,
        now,
    );
    (path.text(), t)
}

impl Tracker {
    /// Reads the visitor, session and touches kept by earlier pages.
    fn load(&mut self) {
        self.vid = store::visitor();
        if !self.vid.is_empty() {
            self.v.parse(store::get(store::VISIT));
        }
    }

    /// Keeps the visitor id (refreshing the cookie) and the visit, in `Mode::Persist` only.
    fn save(&self) {
        if self.mode == Mode::Persist {
            store::keep(store::VID, self.vid);
            store::set(store::VISIT, &self.v.record());
        }
    }

    /// Activity on this page: continues the session or starts a new one (after 30 minutes
    /// idle, or on a new campaign). With `view`, a page view after `referrer`, unless the path
    /// and query did not change since the last one (the first one of a start always counts:
    /// `path` is "" then). Returns (now, path).
    fn activity(&mut self, referrer: &str, view: bool) -> (u64, Text) {
        let now = js::now();
        let (path, page) = here(referrer, now);
        if !view || path != self.path {
            if self.v.expired(now, &page) {
                self.flush();
                self.v.begin(id::new_id(), &page);
            }
            self.v.last = now;
            self.save();
            if view {
                let title = js::text("document.title");
                self.event("pageview", now, path, clip(title), "", "");
                self.path = path;
            }
        }
        (now, path)
    }

    #[inline(always)] // (measured: smaller wasm)
    fn fits(&self, ev: &str) -> bool {
        // The batch's head: site, ids, touch, start and keys; ids and numbers take < 120 bytes.
        let head = 200 + self.site.len() + self.v.touch.len();
        self.n < MAX_EVENTS && head + self.events.len() + ev.len() <= MAX_BYTES
    }

    /// Adds an event to the batch, sending the batch first when it is full.
    fn event(&mut self, t: &str, now: u64, path: &str, title: &str, name: &str, props: &str) {
        let props = if json::is_object(props) && props.len() <= touch::MAX_TEXT {
            props
        } else {
            ""
        };
        let mut ev = Buf::new();
        json::event(&mut ev, t, now, path, title, clip(name), props);
        if !self.fits(&ev) {
            self.flush();
            if !self.fits(&ev) {
                return; // held in memory and full, or larger than any batch may be
            }
        }
        if self.n > 0 {
            self.events.push(",");
        }
        self.events.push(&ev);
        self.n += 1;
        if self.n == MAX_EVENTS {
            self.flush();
        }
    }

    /// Sends the batch (in `Mode::Persist`; otherwise it is held).
    fn flush(&mut self) {
        if self.mode == Mode::Persist && self.n > 0 {
            let mut body = json::head(
                self.site,
                self.vid,
                self.v.sid,
                self.v.touch,
                self.v.started,
            );
            body.push(&self.events);
            body.push("]}");
            self.events.clear();
            self.n = 0;
            transport::send(self.url, &body);
        }
    }
}

#[wasm_bindgen]
pub fn start(global: JsValue, site: JsValue, api: JsValue, consent_required: bool, dnt: bool) {
    js::set_root(global);
    let env = consent::Env {
        consent_required,
        dnt,
        opted_out: store::opted_out(),
        consented: !store::get(store::CONSENT).is_empty(),
    };
    let api = js::str(&api);
    slot(|t| {
        *t = Tracker::OFF;
        t.mode = consent::mode(env);
        t.consent_required = consent_required;
        t.site = js::str(&site);
        let mut url = Buf::from(api); // ends with "/"
        url.push("api/v1/t");
        t.url = url.text();
        if t.mode == Mode::Persist {
            t.load();
            transport::retry(t.url);
        }
        if t.vid.is_empty() {
            t.vid = id::new_id();
        }
    });
    with(|t| {
        t.activity(js::text("document.referrer"), true);
        t.save();
    });
}

/// A page view if the URL's path or query changed since the last one (SPA navigation).
#[wasm_bindgen]
pub fn page() {
    with(|t| {
        t.activity("", true);
    });
}

/// Sends the batch now (`pagehide`, `visibilitychange` to hidden).
#[wasm_bindgen]
pub fn flush() {
    with(Tracker::flush);
}

/// Event types `track` records: `custom`, `widget_open`, `booked`.
const KINDS: &str = "custom widget_open booked";

#[wasm_bindgen]
pub fn track(kind: usize, name: JsValue, props_json: JsValue) {
    let (name, props_json) = (js::str(&name), js::str(&props_json));
    with(|t| {
        let ty = touch::word(KINDS, kind);
        if !ty.is_empty() && (kind > 0 || !name.is_empty()) {
            let (now, path) = t.activity("", false);
            t.event(
                ty,
                now,
                path,
                "",
                if kind == 0 { name } else { "" },
                props_json,
            );
            if kind == 2 {
                t.flush();
            }
        }
    });
}

#[wasm_bindgen]
pub fn consent(granted: bool) {
    with(|t| {
        if !granted {
            store::clear();
            t.mode = Mode::Memory;
            return;
        }
        if t.consent_required {
            store::set(store::CONSENT, "1");
        }
        if t.mode == Mode::Memory {
            t.mode = Mode::Persist;
            t.save();
            transport::retry(t.url);
            t.flush();
        }
    });
}

#[wasm_bindgen]
pub fn optout(on: bool) {
    if on {
        slot(|t| t.mode = Mode::Off);
        store::clear();
    }
    store::keep(store::OPTOUT, if on { "1" } else { "" });
}

#[wasm_bindgen]
pub fn context() -> JsValue {
    let mut out = Buf::from("null");
    with(|t| {
        let (now, _) = t.activity("", false);
        let first = if t.v.first.is_empty() {
            t.v.touch
        } else {
            t.v.first
        };
        out = json::context(t.vid, t.v.sid, first, t.v.last_touch(now));
    });
    JsValue::from_str(&out)
}

/// For `fuzz/` only (cargo-fuzz sets `cfg(fuzzing)`; never in the wasm): the stored visit
/// record as localStorage may hold it — cut, edited by hand or by a page script, from another
/// version — read the way `start` reads it.
#[cfg(fuzzing)]
pub mod fuzzing {
    use super::{Text, Visit, json};
    use alloc::string::String;

    /// `None` when the tracker refuses `s` as its record; else what it would write from it:
    /// `[the record again, the booking context, a one-event batch]`.
    pub fn stored_visit(s: Text) -> Option<[String; 3]> {
        let mut v = Visit::NONE;
        if !v.parse(s) {
            return None;
        }
        let vid = "0123456789abcdef0123456789abcdef";
        let first = if v.first.is_empty() { v.touch } else { v.first };
        let context = json::context(vid, v.sid, first, v.last_touch(v.nondirect_ts));
        let mut batch = json::head("demo", vid, v.sid, v.touch, v.started);
        json::event(&mut batch, "pageview", v.last, "/", "", "", "");
        batch.push("]}");
        Some([
            v.record().into_string(),
            context.into_string(),
            batch.into_string(),
        ])
    }
}

#[cfg(all(target_arch = "wasm32", not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// A bump allocator: the tracker allocates little. Growing the newest block works in place,
/// which covers building strings.
#[cfg(all(target_arch = "wasm32", not(test)))]
mod bump {
    use core::alloc::{GlobalAlloc, Layout};
    use core::arch::wasm32;
    use core::cell::UnsafeCell;

    const PAGE: usize = 65536;

    /// (next free byte, end of memory, start of the newest block)
    struct Bump(UnsafeCell<(usize, usize, usize)>);
    unsafe impl Sync for Bump {}

    #[global_allocator]
    static A: Bump = Bump(UnsafeCell::new((0, 0, 0)));

    impl Bump {
        /// Moves the free pointer to `end`, growing memory as needed.
        fn reach(s: &mut (usize, usize, usize), end: usize) -> bool {
            if end > s.1 {
                let pages = (end - s.1).div_ceil(PAGE);
                if wasm32::memory_grow(0, pages) == usize::MAX {
                    return false;
                }
                s.1 += pages * PAGE;
            }
            s.0 = end;
            true
        }
    }

    unsafe impl GlobalAlloc for Bump {
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            let s = unsafe { &mut *self.0.get() };
            if s.1 == 0 {
                s.1 = wasm32::memory_size(0) * PAGE;
                s.0 = s.1;
            }
            let p = (s.0 + l.align() - 1) & !(l.align() - 1);
            if !Self::reach(s, p + l.size()) {
                return core::ptr::null_mut();
            }
            s.2 = p;
            p as *mut u8
        }

        /// Nothing is freed: a page allocates a few KB per event, and without frees the
        /// compiler drops all the drop code (0.6 KB gzip of wasm).
        unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}

        unsafe fn realloc(&self, p: *mut u8, l: Layout, size: usize) -> *mut u8 {
            let s = unsafe { &mut *self.0.get() };
            if p as usize == s.2 && s.2 + l.size() == s.0 {
                return if Self::reach(s, s.2 + size) {
                    p
                } else {
                    core::ptr::null_mut()
                };
            }
            let n = unsafe { self.alloc(Layout::from_size_align_unchecked(size, l.align())) };
            if !n.is_null() {
                unsafe { core::ptr::copy_nonoverlapping(p, n, l.size().min(size)) };
            }
            n
        }
    }
}
