//! Browser access through a handful of generic imports (`Reflect.get/set`, `Function.call`)
//! instead of one web-sys binding per property and method: each binding adds a JS glue function,
//! and the glue counts against the tracker's size budget as much as the wasm does.

use alloc::string::String;
use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

pub const UNDEF: JsValue = JsValue::UNDEFINED;

/// `globalThis`.
pub fn global() -> JsValue {
    js_sys::global().into()
}

/// `globalThis[k]`: `location`, `document`, `navigator`, `localStorage`, `history`, `crypto`.
pub fn root(k: &str) -> JsValue {
    get(&global(), k)
}

/// `o[k]`, or `undefined` when it throws (e.g. `localStorage` with storage disabled).
pub fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(UNDEF)
}

/// `o[k]` as a string ("" when it is none).
pub fn text(o: &JsValue, k: &str) -> String {
    get(o, k).as_string().unwrap_or_default()
}

pub fn set(o: &JsValue, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

/// `o[m](a, b)`, or `undefined` when it is no function or throws.
pub fn call(o: &JsValue, m: &str, a: &JsValue, b: &JsValue) -> JsValue {
    get(o, m).unchecked_into::<Function>().call2(o, a, b).unwrap_or(UNDEF)
}

/// `location.pathname` and friends.
pub fn location(k: &str) -> String {
    text(&root("location"), k)
}

/// `new URLSearchParams(s).get(k)`: decoded, non-empty.
pub fn param(s: &str, k: &str) -> Option<String> {
    let p = web_sys::UrlSearchParams::new_with_str(s).ok()?;
    call(&p, "get", &JsValue::from_str(k), &UNDEF).as_string().filter(|v| !v.is_empty())
}

/// The host of an absolute URL (`new URL(u).hostname`), "" when it has none.
pub fn hostname(u: &str) -> String {
    web_sys::Url::new(u).map(|u| text(&u, "hostname")).unwrap_or_default()
}
