//! The events mode: a branch's group events (classes, master classes, lectures) week by week,
//! and the sign-up for one or several seats: schedule → seats → contact → SMS code → signed up.
//!
//! Mounted like the booking widget (same shadow root, stylesheet, languages and themes) by the
//! `events-embed` cdylib through [`open`] / [`mount`]. [`state`] holds the draft and the fetched
//! week in Leptos signals; [`flow`] moves between the screens; [`submit`] sends the sign-up;
//! [`api`] is the only code here that talks to the network; [`steps`] a component per screen.

pub mod api;
pub mod app;
pub mod flow;
pub mod state;
pub mod steps;
mod style;
pub mod submit;
pub mod texts;
pub mod wire;

use leptos::prelude::*;
use wasm_bindgen::JsValue;
use web_sys::Element;

use crate::{
    embed::{self, Mount},
    options::Options,
};
use api::EventsApi;

/// The events app against `api`, for [`embed::open_app`] / [`embed::mount_app`].
pub fn app(api: EventsApi) -> impl FnOnce(Mount) -> AnyView + 'static {
    move |m: Mount| {
        state::Ctx::provide(api, m.opts, m.lang, m.close);
        view! { <app::EventsApp/> }.into_any()
    }
}

/// Opens the schedule in the modal, talking to the zapis server at `opts.api`.
pub fn open(opts: Options) -> Result<(), JsValue> {
    let api = api::http(&opts.api, &opts.site);
    open_with(opts, api)
}

/// [`open`] against any [`EventsBackend`](api::EventsBackend) (tests use a fake).
pub fn open_with(opts: Options, api: EventsApi) -> Result<(), JsValue> {
    embed::open_app(opts, app(api))
}

/// Mounts the schedule inline inside `el` (a `<div data-zapis-events>`), once per container.
pub fn mount(el: Element, opts: Options) -> Result<(), JsValue> {
    let api = api::http(&opts.api, &opts.site);
    mount_with(el, opts, api)
}

/// [`mount`] against any [`EventsBackend`](api::EventsBackend).
pub fn mount_with(el: Element, opts: Options, api: EventsApi) -> Result<(), JsValue> {
    embed::mount_app(el, opts, app(api))
}
