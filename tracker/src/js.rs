//! Browser access through a handful of hand-declared bindings (`Reflect.get/set`,
//! `Function.prototype.call`, …) instead of js-sys/web-sys: every binding becomes a JS glue
//! function, and the glue counts against the tracker's size budget as much as the wasm does.

use alloc::string::String;
use wasm_bindgen::prelude::*;

pub const UNDEF: JsValue = JsValue::UNDEFINED;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL: JsValue;

    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    fn reflect_get(o: &JsValue, k: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Reflect, js_name = set, catch)]
    fn reflect_set(o: &JsValue, k: &str, v: &JsValue) -> Result<JsValue, JsValue>;

    type Func;
    #[wasm_bindgen(method, js_name = call, catch)]
    fn call2(f: &Func, this: &JsValue, a: &JsValue, b: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(b: &mut [u8]) -> Result<JsValue, JsValue>;
    /// `Object()`: a new empty object.
    #[wasm_bindgen(js_name = Object)]
    pub fn object() -> JsValue;

    type Params;
    #[wasm_bindgen(constructor, js_class = URLSearchParams, catch)]
    fn new(s: &str) -> Result<Params, JsValue>;
    #[wasm_bindgen(method, js_class = URLSearchParams)]
    fn get(this: &Params, k: &str) -> Option<String>;

    type Url;
    #[wasm_bindgen(constructor, js_class = URL, catch)]
    fn new(s: &str) -> Result<Url, JsValue>;
    #[wasm_bindgen(method, getter, js_class = URL)]
    fn hostname(this: &Url) -> String;
}

/// `globalThis`.
pub fn global() -> JsValue {
    GLOBAL.with(JsValue::clone)
}

/// `globalThis[k]`: `location`, `document`, `navigator`, `localStorage`.
pub fn root(k: &str) -> JsValue {
    get(&global(), k)
}

/// `o[k]`, or `undefined` when it throws (e.g. `localStorage` with storage disabled).
pub fn get(o: &JsValue, k: &str) -> JsValue {
    reflect_get(o, k).unwrap_or(UNDEF)
}

/// `o[k]` as a string ("" when it is none).
pub fn text(o: &JsValue, k: &str) -> String {
    get(o, k).as_string().unwrap_or_default()
}

pub fn set(o: &JsValue, k: &str, v: &JsValue) {
    let _ = reflect_set(o, k, v);
}

/// `o[m](a, b)`, or `undefined` when it is no function or throws.
pub fn call(o: &JsValue, m: &str, a: &JsValue, b: &JsValue) -> JsValue {
    get(o, m)
        .unchecked_into::<Func>()
        .call2(o, a, b)
        .unwrap_or(UNDEF)
}

/// `location[k]`: `pathname`, `search`, `hostname`, `protocol`.
pub fn location(k: &str) -> String {
    text(&root("location"), k)
}

pub fn now() -> u64 {
    date_now() as u64
}

/// Fills `b` from `crypto.getRandomValues`.
pub fn random(b: &mut [u8]) {
    let _ = get_random_values(b);
}

/// `new URLSearchParams(s).get(k)`: decoded, non-empty.
pub fn param(s: &str, k: &str) -> Option<String> {
    Params::new(s).ok()?.get(k).filter(|v| !v.is_empty())
}

/// The host of an absolute URL (`new URL(u).hostname`), "" when it has none.
pub fn hostname(u: &str) -> String {
    Url::new(u).map(|u| u.hostname()).unwrap_or_default()
}
