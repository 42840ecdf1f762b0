//! A password field that takes any characters and any length, and says so when what is typed
//! looks like the wrong keyboard layout (Cyrillic letters in it) or Caps Lock is on — a hint
//! beside the field, never a refusal.

use leptos::prelude::*;
use web_sys::KeyboardEvent;

use super::state::Ctx;
use crate::ui::{
    Text,
    field::{Field, Spec},
};

/// Cyrillic letters: the password was most likely meant in Latin with the Russian layout on.
pub fn looks_cyrillic(s: &str) -> bool {
    s.chars().any(|c| matches!(c, '\u{400}'..='\u{4ff}'))
}

/// `name` names the field (`zw-{key}`); `autocomplete` is `current-password` or `new-password`.
#[component]
pub fn PasswordField(
    name: &'static str,
    autocomplete: &'static str,
    label: Text<String>,
    value: RwSignal<String>,
    error: Text<Option<String>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let caps = RwSignal::new(false);
    let spec = Spec {
        kind: "password",
        max: "4096",
        ..Spec::text(name, autocomplete)
    };
    let on_key = move |ev: KeyboardEvent| caps.set(ev.get_modifier_state("CapsLock"));
    let hint = move || {
        let t = ctx.t();
        let mut out = Vec::new();
        if value.with(|v| looks_cyrillic(v)) {
            out.push(
                view! { <p class="zc-hint" data-testid=format!("{name}-layout")>{t.cyrillic}</p> },
            );
        }
        if caps.get() {
            out.push(view! { <p class="zc-hint" data-testid=format!("{name}-caps")>{t.caps}</p> });
        }
        out
    };
    view! {
        <div on:keydown=on_key on:keyup=on_key>
            <Field spec label value error left=std::sync::Arc::new(|| {})
                edited=std::sync::Arc::new(|| {})/>
            <div aria-live="polite" id=format!("zw-hint-{name}")>{hint}</div>
        </div>
    }
}
