//! The shipped client cabinet module: the functions embed.js calls. cdylib only, so LTO applies.
//!
//! - `open(opts_json)`: the cabinet in a modal (`[data-zapis-cabinet]` buttons, `zapis('cabinet')`,
//!   with `receipt` after a booking);
//! - `mount(el, opts_json)`: inline in a `<div data-zapis-cabinet>`;
//! - `close()`, `set_language(lang)`.

use wasm_bindgen::prelude::*;
use widget::{Options, cabinet, embed};

// wasm is single-threaded here (no atomics, no workers share this module).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

#[wasm_bindgen]
pub fn open(opts_json: &str) -> Result<(), JsValue> {
    cabinet::open(Options::parse(opts_json)?)
}

#[wasm_bindgen]
pub fn mount(el: web_sys::Element, opts_json: &str) -> Result<(), JsValue> {
    cabinet::mount(el, Options::parse(opts_json)?)
}

#[wasm_bindgen]
pub fn close() {
    embed::close()
}

#[wasm_bindgen]
pub fn set_language(lang: &str) {
    embed::set_language(lang)
}
