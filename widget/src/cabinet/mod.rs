//! The client cabinet on the salon's own site: sign in by phone + SMS code (or email +
//! password, with an SMS second step when turned on), then the client's visits and class
//! sign-ups (cancel and reschedule inside the salon's rules, shown before the buttons), past
//! visits with "book again", bonuses and balances, questions to the salon, profile, sign-in
//! methods and deleting the account.
//!
//! Shipped by the cdylib `cabinet-embed` through [`open`] / [`mount`] (the generic
//! [`embed::open_app`](crate::embed::open_app)); [`api`] is its only network code, [`state`] its
//! signals, [`app`] the frame and tabs, and a component per screen in the other files.

pub mod api;
pub mod app;
pub mod balances;
pub mod fields;
pub mod methods;
pub mod more;
pub mod password;
pub mod profile;
pub mod questions;
pub mod reschedule;
pub mod sign_in;
pub mod split;
pub mod state;
mod style;
pub mod texts;
pub mod visits;
pub mod wire;

use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsValue;
use web_sys::Element;

use crate::{
    embed::{self, Mount},
    options::Options,
};
use api::{CabinetApi, Http};
use state::Ctx;

/// The cabinet, with the screens after the visits drawn by `more` (see [`state::Link`]).
fn cabinet(api: CabinetApi, more: fn(Ctx) -> AnyView) -> impl FnOnce(Mount) -> AnyView + 'static {
    move |m: Mount| {
        let link = state::Link { more, tell: None };
        Ctx::provide(api, m.opts, m.lang, m.close, link);
        view! { <app::CabinetApp/> }.into_any()
    }
}

fn http(opts: &Options) -> CabinetApi {
    Rc::new(Http::new(&opts.api, &opts.site))
}

/// Opens the shipped cabinet in its modal (the screens after the visits from `account`).
pub fn open(opts: Options) -> Result<(), JsValue> {
    let api = http(&opts);
    embed::open_app(opts, cabinet(api, split::host))
}

/// The whole cabinet in one app, in its modal, against any [`Cabinet`](api::Cabinet) (tests
/// use a fake).
pub fn open_with(opts: Options, api: CabinetApi) -> Result<(), JsValue> {
    embed::open_app(opts, cabinet(api, more::here))
}

/// Mounts the shipped cabinet inline in a `<div data-zapis-cabinet>`.
pub fn mount(el: Element, opts: Options) -> Result<(), JsValue> {
    let api = http(&opts);
    embed::mount_app(el, opts, cabinet(api, split::host))
}

/// The whole cabinet in one app, inline, against any [`Cabinet`](api::Cabinet).
pub fn mount_with(el: Element, opts: Options, api: CabinetApi) -> Result<(), JsValue> {
    embed::mount_app(el, opts, cabinet(api, more::here))
}
