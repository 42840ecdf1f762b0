//! The shipped client cabinet's second module: the screens after the visits (moving a visit,
//! balances, questions, profile, deleting the account). The `cabinet` module loads it when a
//! client first reaches one of them and calls (`widget/src/cabinet/split.rs`):
//!
//! - `mount(el, opts_json, tell)`: the screens inside the cabinet's host `el`; `opts_json` adds
//!   `session`, `screen`, `about` and `focus` to the usual options; `tell(kind, arg)` reaches
//!   the cabinet;
//! - `go(screen)`: show another of them;
//! - `unmount()`.

use wasm_bindgen::prelude::*;
use widget::cabinet::split;

// wasm is single-threaded here (no atomics, no workers share this module).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

#[wasm_bindgen]
pub fn mount(el: web_sys::Element, opts_json: &str, tell: js_sys::Function) -> Result<(), JsValue> {
    split::mount(el, opts_json, tell)
}

#[wasm_bindgen]
pub fn go(screen: &str) {
    split::go(screen)
}

#[wasm_bindgen]
pub fn unmount() {
    split::unmount()
}
