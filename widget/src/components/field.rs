//! A labelled text field with its error beside it, as the contact form and the SMS step use it.

use wasm_bindgen::JsCast;

use super::service_step::input_value;
use crate::{
    dom::{El, el},
    reactive::*,
    state::Ctx,
};

/// The server's error about `field`, until the visitor edits that field.
pub fn server_error(ctx: Ctx, field: &str) -> Option<String> {
    ctx.submit.field_error.with(|e| {
        e.as_ref()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.clone())
    })
}

pub fn clear_server_error(ctx: Ctx, field: &str) {
    if ctx
        .submit
        .field_error
        .with_untracked(|e| e.as_ref().is_some_and(|(f, _)| f == field))
    {
        ctx.submit.field_error.set(None);
    }
}

/// How a text field looks and behaves.
#[derive(Clone, Copy)]
pub struct Spec {
    pub key: &'static str,
    pub kind: &'static str,
    pub autocomplete: &'static str,
    pub inputmode: &'static str,
    pub multiline: bool,
    pub mask: Option<fn(&str, &str, bool) -> String>,
    /// `maxlength` (the server's limit).
    pub max: &'static str,
}

impl Spec {
    pub const fn text(key: &'static str, autocomplete: &'static str) -> Spec {
        Spec {
            key,
            kind: "text",
            autocomplete,
            inputmode: "text",
            multiline: false,
            mask: None,
            max: "100",
        }
    }
}

/// A labelled text field with its error beside it (`aria-invalid` + `aria-describedby`);
/// `touched` (the field was left) is when its error starts to show.
pub fn field(
    ctx: Ctx,
    spec: Spec,
    label: impl Fn() -> String + 'static,
    value: RwSignal<String>,
    error: impl Fn() -> Option<String> + Copy + 'static,
    touched: impl Fn() + 'static,
) -> El {
    let id = format!("zw-{}", spec.key);
    let err_id = format!("zw-err-{}", spec.key);
    let control = if spec.multiline {
        el("textarea").attr("rows", "2")
    } else {
        el("input")
            .attr("type", spec.kind)
            .attr("autocomplete", spec.autocomplete)
            .attr("inputmode", spec.inputmode)
    };
    let control = control
        .attr("id", &id)
        .attr("name", spec.key)
        .attr("maxlength", spec.max)
        .testid(spec.key)
        .cls("zw-input")
        .attr("aria-describedby", &err_id)
        .attr_dyn("aria-invalid", move || Some(error().is_some().to_string()))
        .prop_dyn("value", move || value.get().into())
        .on("blur", move |_| touched())
        .on("input", move |ev| {
            let raw = input_value(&ev);
            let next = match spec.mask {
                Some(mask) => {
                    let deleting = ev
                        .dyn_ref::<web_sys::InputEvent>()
                        .is_some_and(|e| e.input_type().starts_with("delete"));
                    mask(&value.get_untracked(), &raw, deleting)
                }
                None => raw.clone(),
            };
            if next != raw
                && let Some(input) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                input.set_value(&next);
            }
            value.set(next);
            clear_server_error(ctx, spec.key);
        });
    el("div")
        .cls("zw-field")
        .child(el("label").attr("for", &id).text_dyn(label))
        .child(control)
        .child(
            el("p")
                .cls("zw-err")
                .attr("id", &err_id)
                .attr("aria-live", "polite")
                .text_dyn(move || error().unwrap_or_default()),
        )
}
