//! The shipped events module (group classes: the week's schedule and the sign-up): the
//! functions embed.js calls for `[data-zapis-events]`, `zapis('events', …)` and
//! `zapis('open', {mode: 'events'})`. cdylib only, so LTO applies.
//!
//! - `open(opts_json)`: the schedule in the modal;
//! - `mount(el, opts_json)`: inline in a `<div data-zapis-events>`;
//! - `close()`, `set_language(lang)`.

use wasm_bindgen::prelude::*;
use widget::{Options, embed, events};

// wasm is single-threaded here (no atomics, no workers share this module).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

#[wasm_bindgen]
pub fn open(opts_json: &str) -> Result<(), JsValue> {
    events::open(Options::parse(opts_json)?)
}

#[wasm_bindgen]
pub fn mount(el: web_sys::Element, opts_json: &str) -> Result<(), JsValue> {
    events::mount(el, Options::parse(opts_json)?)
}

#[wasm_bindgen]
pub fn close() {
    embed::close()
}

#[wasm_bindgen]
pub fn set_language(lang: &str) {
    embed::set_language(lang)
}
