//! The widget's root component: the dialog frame and its current step.

use leptos::prelude::*;

use crate::{i18n::Lang, options::Options};

/// The booking dialog. `on_close` is called by the close button and Esc.
#[component]
pub fn BookingDialog(opts: Options, lang: ReadSignal<Lang>, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let _ = opts;
    let t = move || lang.get().t();
    view! {
        <div class="zw-backdrop" on:click=move |_| on_close.run(())></div>
        <div class="zw-dialog" role="dialog" aria-modal="true" aria-labelledby="zw-title"
            on:keydown=move |ev| if ev.key() == "Escape" { on_close.run(()) }>
            <header class="zw-head">
                <h2 id="zw-title">{move || t().title}</h2>
                <button type="button" class="zw-close" aria-label=move || t().close
                    on:click=move |_| on_close.run(())>"×"</button>
            </header>
            <section class="zw-step" data-step="services" aria-busy="true">
                <h3>{move || t().choose_service}</h3>
                <p class="zw-skeleton" role="status">{move || t().loading}</p>
            </section>
        </div>
    }
}
