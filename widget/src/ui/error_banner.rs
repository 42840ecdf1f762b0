//! What the visitor sees instead of a blank screen: skeletons while loading, and errors that say
//! what happened with a way forward.

use leptos::prelude::*;

use super::{Act, language};
use crate::api::ApiError;

/// An error, announced (`role=alert`), with "Try again" when trying again may help.
#[component]
pub fn ErrorBanner(error: ApiError, #[prop(optional)] retry: Option<Act>) -> impl IntoView {
    let lang = language();
    let retry = retry.filter(|_| error.retryable());
    let code = error.code().to_owned();
    view! {
        <div class="zw-alert" role="alert" data-testid="error" data-code=code>
            <p>{move || error.message(lang.get())}</p>
            {retry.map(|f| view! {
                <button type="button" class="zw-btn zw-ghost" data-testid="retry"
                    on:click=move |_| f()>
                    {move || lang.t().retry}
                </button>
            })}
        </div>
    }
}

/// Grey rows in the shape of a list, while it loads.
#[component]
pub fn Skeleton() -> impl IntoView {
    let lang = language();
    view! {
        <div class="zw-skel" role="status" aria-busy="true" data-testid="loading">
            <span class="zw-sr">{move || lang.t().loading}</span>
            <i></i><i></i><i></i><i></i>
        </div>
    }
}
