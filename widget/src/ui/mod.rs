//! What every screen shares: the step frame, the loading/failed/ready switch, the time-zone
//! note, and (in their own files) the field, calendar, error banner, skeleton and summary —
//! Leptos components the booking flow uses today and the events and cabinet screens will.

pub mod calendar;
pub mod error_banner;
pub mod field;
pub mod summary;

use std::time::Duration;

use leptos::{either::EitherOf3, prelude::*};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement};

use crate::{
    api::ApiError,
    booking::state::{Fetch, Load},
    i18n::{Lang, Texts},
};
use error_banner::{ErrorBanner, Skeleton};

/// The language of one mounted widget (provided as context beside the screen's own state).
#[derive(Clone, Copy)]
pub struct Language(pub RwSignal<Lang>);

impl Language {
    /// The language (tracks it).
    pub fn get(self) -> Lang {
        self.0.get()
    }

    /// The texts of the current language (tracks the language).
    pub fn t(self) -> &'static Texts {
        self.0.get().t()
    }
}

/// The mounted widget's [`Language`].
pub fn language() -> Language {
    expect_context()
}

/// A step: `<section data-step=name>` with its heading (`tabindex=-1`: the focus target on
/// step change, so screen readers announce it). `done` adds the success tick.
#[component]
pub fn StepSection(
    name: &'static str,
    title: fn(&'static Texts) -> &'static str,
    #[prop(optional)] done: bool,
    children: Children,
) -> impl IntoView {
    let lang = language();
    view! {
        <section class=if done { "zw-step zw-done" } else { "zw-step" } data-step=name>
            {done.then(|| view! { <div class="zw-tick" aria-hidden="true">"✓"</div> })}
            <h3 class="zw-h" tabindex="-1" data-step-title="">
                {move || title(lang.t())}
            </h3>
            {children()}
        </section>
    }
}

/// A fetched value: a skeleton while loading, the error with a retry when it failed, `ready`
/// once it is in. Only the small closure that reads the value is generic: the switch itself is
/// one function for every fetched type (each generic copy cost ~3 KB of wasm).
pub fn loaded<T>(
    fetch: Fetch<T>,
    retry: impl Fn() + Send + Sync + 'static,
    ready: impl Fn(T) -> AnyView + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
{
    shown(
        Box::new(move || match fetch.state.get() {
            Load::Loading => Shown::Loading,
            Load::Failed(e) => Shown::Failed(e),
            Load::Ready(v) => Shown::Ready(ready(v)),
        }),
        std::sync::Arc::new(retry),
    )
}

/// An error banner with a retry (one concrete function for every failed load).
pub fn failed(error: ApiError, retry: Act) -> impl IntoView {
    view! { <ErrorBanner error retry/> }
}

/// What [`loaded`] shows.
pub enum Shown {
    Loading,
    Failed(ApiError),
    Ready(AnyView),
}

fn shown(state: Box<dyn Fn() -> Shown + Send + Sync>, retry: Act) -> impl IntoView {
    move || match state() {
        Shown::Loading => EitherOf3::A(view! { <Skeleton/> }),
        Shown::Failed(e) => EitherOf3::B(failed(e, retry.clone())),
        Shown::Ready(v) => EitherOf3::C(v),
    }
}

/// The visitor's IANA time zone, as the browser reports it.
pub fn visitor_zone() -> String {
    let fmt = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
    js_sys::Reflect::get(&fmt.resolved_options(), &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Says whose clock the times are on: the branch's city when the server names it (`named`: ru,
/// en) — «Всё время указано по времени Екатеринбурга» —, else the zone itself when the visitor's
/// is another.
pub fn zone_note(zone: String, named: Option<(String, String)>) -> Option<impl IntoView> {
    let lang = language();
    let named = named.filter(|(ru, _)| !ru.is_empty());
    (named.is_some() || (!zone.is_empty() && zone != visitor_zone())).then(|| {
        let zone = zone.replace('_', " ");
        view! {
            <p class="zw-note" data-testid="tz-note">
                {move || match (&named, lang.get()) {
                    (Some((ru, _)), Lang::Ru) => format!("{}{ru}", lang.t().tz_named),
                    (Some((_, en)), _) => format!("{}{en}", lang.t().tz_named),
                    (None, _) => format!("{}{zone}", lang.t().tz_note),
                }}
            </p>
        }
    })
}

/// The value of the input an event came from.
pub fn input_value(ev: &web_sys::Event) -> String {
    ev.target()
        .and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("value")).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Focuses the first element matching `selector` under `root`.
pub fn focus(root: &Element, selector: &str) -> bool {
    let found = root.query_selector(selector).ok().flatten();
    found.is_some_and(|e| focus_element(&e))
}

/// Focuses `e`, when it can take focus.
pub fn focus_element(e: &Element) -> bool {
    e.dyn_ref::<HtmlElement>()
        .is_some_and(|e| e.focus().is_ok())
}

/// Runs `f` now-ish and again whenever a signal it read changes, while the current owner lives
/// (a Leptos `Effect`). Every effect of the widget has this one boxed type, so Leptos' effect
/// code is in the wasm once rather than once per closure (~1.5 KB each).
pub fn effect(f: impl Fn() + 'static) {
    let f: Box<dyn Fn()> = Box::new(f);
    Effect::new(f);
}

/// A text that follows the signals it reads; one boxed type for every field label and error.
pub type Text<T> = std::sync::Arc<dyn Fn() -> T + Send + Sync>;

/// What a button or a field does, one boxed type for all of them (each `Callback` type or
/// closure type would bring its own copy of the code that stores and calls it). Called only
/// from events of a mounted view; a `blur` fired while a view is taken out may still call one,
/// so those write signals with `set`/`update`, which ignore a disposed signal.
pub type Act = std::sync::Arc<dyn Fn() + Send + Sync>;

/// Runs `f` once after `ms` milliseconds (after the DOM caught up with the signals).
pub fn after(ms: u64, f: impl FnOnce() + 'static) {
    set_timeout(f, Duration::from_millis(ms));
}
