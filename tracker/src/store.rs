//! What the tracker keeps on the salon's domain, and only in `Mode::Persist` (opt-out aside):
//! the visitor id in a first-party cookie mirrored in localStorage, plus in localStorage the
//! session with the attribution touches, the remembered consent and the retry queue.

use super::Text;
use super::id::{cookie_line, cookie_value, is_id};
use super::js::{self, UNDEF, s};
use wasm_bindgen::JsValue;

pub const VID: &str = "zapis_vid";
/// The session and attribution touches (`session::Visit::record`).
pub const VISIT: &str = "zapis_visit";
pub const QUEUE: &str = "zapis_q";
pub const CONSENT: &str = "zapis_consent";
/// Opt-out: localStorage and cookie, so that it survives either being cleared.
pub const OPTOUT: &str = "zapis_optout";

const YEAR: u32 = 365 * 24 * 60 * 60;

/// `localStorage[m](k, v)`; storage that is disabled or full is as good as empty.
fn storage(m: &str, k: &str, v: &JsValue) -> js::Js {
    js::call(&js::at("localStorage"), m, &s(k), v, &UNDEF)
}

/// The stored value ("" when there is none).
pub fn get(k: &str) -> Text {
    js::str(&storage("getItem", k, &UNDEF))
}

pub fn set(k: &str, v: &str) {
    storage("setItem", k, &s(v));
}

pub fn del(k: &str) {
    storage("removeItem", k, &UNDEF);
}

/// The cookie's value ("" when there is none).
pub fn cookie(name: &str) -> Text {
    cookie_value(js::text("document.cookie"), name)
}

pub fn set_cookie(name: &str, value: &str, keep: bool) {
    let line = cookie_line(
        name,
        value,
        if keep { YEAR } else { 0 },
        js::text("location.protocol") == "https:",
    );
    js::set(&js::at("document"), "cookie", &s(&line));
}

/// The visitor id from the cookie, else from localStorage ("" when neither has one).
pub fn visitor() -> Text {
    let vid = cookie(VID);
    if is_id(vid) {
        return vid;
    }
    let vid = get(VID);
    if is_id(vid) { vid } else { "" }
}

/// Keeps `value` under `name` in a cookie and in localStorage; "" forgets both.
pub fn keep(name: &str, value: &str) {
    set_cookie(name, value, !value.is_empty());
    if value.is_empty() {
        del(name);
    } else {
        set(name, value);
    }
}

pub fn opted_out() -> bool {
    !get(OPTOUT).is_empty() || !cookie(OPTOUT).is_empty()
}

/// Removes all the tracker keeps (ids, session, touches, queue, consent).
#[inline(always)] // (measured: smaller wasm)
pub fn clear() {
    keep(VID, "");
    del(VISIT);
    del(QUEUE);
    del(CONSENT);
}
