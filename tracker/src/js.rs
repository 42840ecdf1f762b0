//! Browser access through two generic bindings, `Reflect.get` and `Function.prototype.call`,
//! instead of js-sys/web-sys or one binding per API: every binding becomes a JS glue function
//! plus an import with a long hashed name, and the glue counts against the tracker's size
//! budget as much as the wasm does. Everything else (`Reflect.set`, `Date.now`, `new URL`,
//! `String(v)`, `JSON.stringify`, …) is reached through those two.
//!
//! JS values are never released ([`Js`]), like the memory of the bump allocator: a page view
//! holds on to a few dozen small strings and objects, and without drops the wasm has no drop
//! code at all (0.2 KB gzip).

use super::Text;
use super::buf::Buf;
use super::touch::Parts;
use core::cell::UnsafeCell;
use core::mem::{ManuallyDrop, forget};
use wasm_bindgen::prelude::*;

/// A JS value that is never released (its externref slot is kept).
pub type Js = ManuallyDrop<JsValue>;

/// `undefined` (a `Js`: a `JsValue` constant would be dropped at every use).
pub const UNDEF: Js = ManuallyDrop::new(JsValue::UNDEFINED);

/// The value, or `undefined` for an exception.
fn keep(r: Result<JsValue, JsValue>) -> Js {
    ManuallyDrop::new(r.unwrap_or_else(|e| {
        forget(e);
        JsValue::UNDEFINED
    }))
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    fn reflect_get(o: &JsValue, k: &JsValue) -> Result<JsValue, JsValue>;

    type Func;
    #[wasm_bindgen(method, js_name = call, catch)]
    fn call3(
        f: &Func,
        this: &JsValue,
        a: &JsValue,
        b: &JsValue,
        c: &JsValue,
    ) -> Result<JsValue, JsValue>;
    /// `f.call(this, a, b)` as a number (NaN when it is none).
    #[wasm_bindgen(method, js_name = call, catch)]
    fn call_num(f: &Func, this: &JsValue, a: &JsValue, b: &JsValue) -> Result<f64, JsValue>;
}

/// A JS string.
pub fn s(v: &str) -> Js {
    ManuallyDrop::new(JsValue::from_str(v))
}

/// `o[k]`, or `undefined` when it throws (e.g. `localStorage` with storage disabled).
pub fn get(o: &JsValue, k: &str) -> Js {
    keep(reflect_get(o, &s(k)))
}

/// `globalThis.a.b…` for the path `a.b…`.
pub fn at(path: &str) -> Js {
    // SAFETY: single thread; `set_root` does not run while this reads.
    let root = unsafe { (*ROOT.0.get()).clone() };
    Parts(path, b'.').fold(ManuallyDrop::new(root), |o, k| get(&o, k))
}

/// `globalThis`, as embed.js passes it to `start` (a binding for it costs 0.14 KB gzip).
struct Root(UnsafeCell<JsValue>);
// SAFETY: wasm32-unknown-unknown is single-threaded.
unsafe impl Sync for Root {}
static ROOT: Root = Root(UnsafeCell::new(JsValue::UNDEFINED));

pub fn set_root(global: JsValue) {
    // SAFETY: single thread, and no reference to it is alive.
    unsafe { *ROOT.0.get() = global };
}

/// `v` if it is a string, else "". The bytes come from `TextEncoder.encode`, copied through a
/// view of the wasm memory (`JsValue::as_string`'s glue, string encoder and the
/// `__wbindgen_malloc`/`realloc` exports it needs cost 0.2 KB gzip more).
#[inline(never)]
pub fn str(v: &JsValue) -> Text {
    let mut out = Buf::new();
    if v.is_string() {
        let bytes = call(&new("TextEncoder", &UNDEF), "encode", v, &UNDEF, &UNDEF);
        let n = num(&bytes, "length") as usize;
        out.reserve(n);
        let mut off = Buf::new();
        super::json::num(&mut off, out.as_ptr() as u64);
        let (off, mem) = (s(&off), ManuallyDrop::new(wasm_bindgen::memory()));
        // Keeping a JS value can grow the wasm memory (when the externref table's slab grows),
        // which detaches a view made just before: `set` throws then, the view stays detached
        // (`byteLength` 0), and a second copy works (the slab has 128 free slots or more after
        // growing). A copy that worked is kept even if the view is detached after it.
        for _ in 0..2 {
            let view = new("Uint8Array", &get(&mem, "buffer"));
            call(&view, "set", &bytes, &off, &UNDEF);
            if num(&view, "byteLength") > 0.0 {
                break;
            }
        }
        out.set_len(n);
    }
    out.text()
}

/// `o[m](a, b)` for the object at `path`, as a number (NaN when it is none or throws).
pub fn num_at(path: &str, m: &str, a: &JsValue, b: &JsValue) -> f64 {
    let o = at(path);
    let f = get(&o, m);
    f.unchecked_ref::<Func>()
        .call_num(&o, a, b)
        .unwrap_or_else(|e| {
            forget(e);
            f64::NAN
        })
}

/// `o[k]` as a number (0 when it is none).
pub fn num(o: &JsValue, k: &str) -> f64 {
    num_at("Reflect", "get", o, &s(k))
}

/// The string at `path` ("" when it is none).
#[inline(always)] // (measured: smaller wasm)
pub fn text(path: &str) -> Text {
    str(&at(path))
}

/// `o[m](a, b, c)`, or `undefined` when it is no function or throws.
pub fn call(o: &JsValue, m: &str, a: &JsValue, b: &JsValue, c: &JsValue) -> Js {
    let f = get(o, m);
    keep(f.unchecked_ref::<Func>().call3(o, a, b, c))
}

/// `o[m](a, b)` for the object at `path` (`invoke("JSON", "parse", …)`).
pub fn invoke(path: &str, m: &str, a: &JsValue, b: &JsValue) -> Js {
    call(&at(path), m, a, b, &UNDEF)
}

/// `String(v)`: how flags and numbers reach the wasm.
#[inline(always)] // (measured: smaller wasm)
pub fn string(v: &JsValue) -> Text {
    str(&invoke("", "String", v, &UNDEF))
}

/// `v` is `true`.
pub fn is_true(v: &JsValue) -> bool {
    string(v) == "true"
}

/// `Reflect.set(o, k, v)`.
pub fn set(o: &JsValue, k: &str, v: &JsValue) {
    call(&at("Reflect"), "set", o, &s(k), v);
}

/// `new C(arg)` for the constructor `C` at `class` (`Reflect.construct`); `undefined` when it
/// throws.
pub fn new(class: &str, arg: &JsValue) -> Js {
    let (c, args) = (at(class), invoke("Array", "of", arg, &UNDEF));
    // `newTarget` too: an explicit `undefined` there would throw.
    call(&at("Reflect"), "construct", &c, &args, &c)
}

/// `Date.now()`.
pub fn now() -> u64 {
    num_at("Date", "now", &UNDEF, &UNDEF) as u64
}

/// 16 random bytes from `crypto.getRandomValues`, as `String(bytes)`: `"12,255,…"`.
pub fn random16() -> Text {
    let bytes = invoke("Uint8Array", "from", &s("0123456789abcdef"), &UNDEF);
    string(&invoke("crypto", "getRandomValues", &bytes, &UNDEF))
}

/// `new URLSearchParams(query)`; read it with [`param`].
pub fn params(query: &str) -> Js {
    new("URLSearchParams", &s(query))
}

/// `params.get(k)`, decoded ("" when it is not there).
pub fn param(params: &JsValue, k: &str) -> Text {
    str(&call(params, "get", &s(k), &UNDEF, &UNDEF))
}

/// The host of an absolute URL (`new URL(u).hostname`), "" when it has none.
pub fn hostname(u: &str) -> Text {
    str(&get(&new("URL", &s(u)), "hostname"))
}
