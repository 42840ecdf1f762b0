//! A labelled text field with its error beside it, as the contact form and the SMS step use it.

use leptos::{either::Either, prelude::*};
use wasm_bindgen::JsCast;

use super::{Act, Text, input_value};

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

/// A labelled text field with its error beside it (`aria-invalid` + `aria-describedby`).
/// `left` runs when the field is left (when its error starts to show), `edited` on each edit.
#[component]
pub fn Field(
    spec: Spec,
    label: Text<String>,
    value: RwSignal<String>,
    error: Text<Option<String>>,
    left: Act,
    edited: Act,
) -> impl IntoView {
    let id = format!("zw-{}", spec.key);
    let err_id = format!("zw-err-{}", spec.key);
    let has_error = error.clone();
    let invalid = move || has_error().is_some().to_string();
    let on_input = move |ev: web_sys::Event| {
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
        edited();
    };
    let control = if spec.multiline {
        Either::Left(view! {
            <textarea rows="2" id=id.clone() name=spec.key maxlength=spec.max
                data-testid=spec.key class="zw-input" aria-describedby=err_id.clone()
                aria-invalid=invalid prop:value=move || value.get()
                on:blur={ let left = left.clone(); move |_| left() } on:input=on_input></textarea>
        })
    } else {
        Either::Right(view! {
            <input type=spec.kind autocomplete=spec.autocomplete inputmode=spec.inputmode
                id=id.clone() name=spec.key maxlength=spec.max
                data-testid=spec.key class="zw-input" aria-describedby=err_id.clone()
                aria-invalid=invalid prop:value=move || value.get()
                on:blur={ let left = left.clone(); move |_| left() } on:input=on_input/>
        })
    };
    view! {
        <div class="zw-field">
            <label for=id>{move || label()}</label>
            {control}
            <p class="zw-err" id=err_id aria-live="polite">
                {move || error().unwrap_or_default()}
            </p>
        </div>
    }
}
