//! A component per events screen, in the order the visitor meets them.

pub mod branch;
pub mod code;
pub mod contact;
pub mod schedule;
pub mod seats;
pub mod success;

use leptos::prelude::*;

use super::texts::{EventTexts, et};
use crate::ui::language;

/// A screen: `<section data-step=name>` with its heading (`tabindex=-1`: the focus target on
/// each new screen), as the booking flow's `StepSection` but titled from the events texts.
#[component]
pub fn EventSection(
    name: &'static str,
    title: fn(&'static EventTexts) -> &'static str,
    #[prop(optional)] done: bool,
    children: Children,
) -> impl IntoView {
    let lang = language();
    view! {
        <section class=if done { "zw-step zw-done" } else { "zw-step" } data-step=name>
            {done.then(|| view! { <div class="zw-tick" aria-hidden="true">"✓"</div> })}
            <h3 class="zw-h" tabindex="-1" data-step-title="">
                {move || title(et(lang.get()))}
            </h3>
            {children()}
        </section>
    }
}
