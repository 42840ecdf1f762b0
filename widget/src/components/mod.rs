//! The widget's pieces, one file per thing shown. Each step is a `<section data-step="…">`
//! whose heading takes focus when the step appears. Builders are plain functions over
//! [`Ctx`] returning an [`El`] (see `dom.rs` for why not `view!`).

pub mod branch_step;
pub mod calendar;
pub mod contact_form;
pub mod error_banner;
pub mod field;
pub mod service_step;
pub mod sms_code;
pub mod staff_step;
pub mod success;
pub mod summary;
pub mod time_step;

use wasm_bindgen::JsValue;

use crate::{
    dom::{El, el},
    i18n::Texts,
    state::{Cell, Ctx, Load},
};
use error_banner::{error_banner, skeleton};

/// A step: `<section data-step=name>` with its heading (`tabindex=-1`: the focus target on
/// step change, so screen readers announce it).
pub fn step(ctx: Ctx, name: &str, title: fn(&'static Texts) -> &'static str) -> El {
    el("section").cls("zw-step").attr("data-step", name).child(
        el("h3")
            .cls("zw-h")
            .attr("tabindex", "-1")
            .attr("data-step-title", "")
            .text_dyn(move || title(ctx.t()).into()),
    )
}

/// A fetched value: a skeleton while loading, the error with a retry when it failed.
pub fn loaded<T>(
    ctx: Ctx,
    cell: Cell<T>,
    retry: fn(Ctx, bool),
    ready: impl Fn(T) -> El + 'static,
) -> El
where
    T: Clone + Send + Sync + 'static,
{
    el("div").kid_dyn(move || {
        Some(match cell.state.get() {
            Load::Loading => skeleton(ctx),
            Load::Failed(e) => error_banner(ctx, e, Some(Box::new(move || retry(ctx, true)))),
            Load::Ready(v) => ready(v),
        })
    })
}

/// The visitor's IANA time zone, as the browser reports it.
pub fn visitor_zone() -> String {
    let fmt = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&fmt.resolved_options(), &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Says that times are the branch's when the visitor's zone is another.
pub fn zone_note(ctx: Ctx, zone: String) -> Option<El> {
    (!zone.is_empty() && zone != visitor_zone()).then(|| {
        let zone = zone.replace('_', " ");
        el("p")
            .cls("zw-note")
            .testid("tz-note")
            .text_dyn(move || format!("{}{zone}", ctx.t().tz_note))
    })
}
