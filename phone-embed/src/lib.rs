//! The call-tracking module (`phone` in embed.js): loaded only for a site that tracks calls
//! (`EmbedConfig.calls`), it asks the server which number this visitor should see
//! (`GET /api/v1/sites/{site}/number`) and shows it in place of the salon's default number —
//! in elements marked `data-zapis-phone`, in `tel:` links, and wherever the default number
//! appears in the page's text, in any format, keeping that format (see [`digits`]).
//!
//! - Only for a visitor the tracker keeps (its id stored: not opted out, not Do-Not-Track, and
//!   the consent the site requires given); otherwise the server answers the default number and
//!   nothing changes.
//! - zapis down, slow or refusing: the page keeps the salon's own number, usable as it was.
//! - Pool numbers are held while the visitor is active: the module asks again every half hold
//!   period when there was input since the last ask, and swaps the number if it changed.
//! - Pages that render later (SPAs) are rewritten as their nodes appear.
//!
//! embed.js calls `mount(document.body, opts_json)` once the tracker has its context; opts_json is
//! the one every module gets (`site`, `api`, `ctx`).

pub mod digits;
#[cfg(target_arch = "wasm32")]
mod page;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mount(root: web_sys::Element, opts_json: &str) -> Result<(), wasm_bindgen::JsValue> {
    page::start(root, opts_json)
}
