//! Mounting: a host element, its open shadow root, the stylesheet, and a Leptos app inside
//! (`leptos::mount::mount_to` on a container in the shadow root: one reactive owner per mount).
//!
//! Every shipped module mounts this way: the booking widget (`widget-embed`, [`open`] /
//! [`mount`]), the events schedule and the client cabinet (their own cdylibs, [`open_app`] /
//! [`mount_app`] with their own app). The modal is one per module and page: opening again
//! replaces what it shows. Inline apps are one per container. The mounted apps' handles are kept in a thread-local registry (wasm is
//! single-threaded); that registry is the only state outside Leptos signals.

use std::{any::Any, cell::RefCell, rc::Rc};

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue, UnwrapThrowExt};
use web_sys::{CustomEvent, CustomEventInit, Element, HtmlElement, ShadowRootInit, ShadowRootMode};

use crate::{
    api::{Api, Http},
    booking::{app::BookingApp, state::Ctx},
    i18n::Lang,
    options::Options,
    style::CSS,
    ui::Language,
};

pub fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect_throw("zapis widget runs in a page")
}

/// Tag name of the element that hosts a shadow root.
pub const HOST_TAG: &str = "zapis-root";

struct Mounted {
    host: HtmlElement,
    lang: RwSignal<Lang>,
    /// Leptos' `UnmountHandle`: owns every signal, effect and listener of this widget; dropping
    /// it unmounts the view and disposes them.
    _app: Box<dyn Any>,
    /// Element focused before the modal opened; focus returns there on close.
    return_focus: Option<HtmlElement>,
}

thread_local! {
    static MODAL: RefCell<Option<Mounted>> = const { RefCell::new(None) };
    static INLINE: RefCell<Vec<Mounted>> = const { RefCell::new(Vec::new()) };
}

/// Creates `<zapis-root>` with an open shadow root holding the stylesheet and an app container.
fn make_host() -> Result<(HtmlElement, HtmlElement), JsValue> {
    let doc = document();
    let host: HtmlElement = doc.create_element(HOST_TAG)?.unchecked_into();
    // Inline style beats any host-page selector (`*`, `div`…) that could hide or move the host.
    host.set_attribute("style", "all:initial;display:block")?;
    let init = ShadowRootInit::new(ShadowRootMode::Open);
    let root = host.attach_shadow(&init)?;
    let style = doc.create_element("style")?;
    style.set_text_content(Some(CSS));
    root.append_child(&style)?;
    let container: HtmlElement = doc.create_element("div")?.unchecked_into();
    container.set_class_name("zw");
    root.append_child(&container)?;
    Ok((host, container))
}

/// Dispatches `zapis:<name>` on `window` for the host page (`zapis('on', name, fn)`); `open`
/// and `booked` also go to the tracker, as `widget_open` and `booked` events
/// (`zapis('track', '', detail, kind)`: embed.js hands them on).
pub fn dispatch(name: &str, detail: &JsValue) {
    let init = CustomEventInit::new();
    init.set_detail(detail);
    let Some(w) = web_sys::window() else { return };
    if let Ok(ev) = CustomEvent::new_with_event_init_dict(&format!("zapis:{name}"), &init) {
        let _ = w.dispatch_event(&ev);
    }
    let kind = match name {
        "open" => 1,
        "booked" => 2,
        _ => return,
    };
    let zapis = js_sys::Reflect::get(&w, &"zapis".into()).unwrap_or(JsValue::UNDEFINED);
    if let Ok(zapis) = zapis.dyn_into::<js_sys::Function>() {
        let args = js_sys::Array::of4(&"track".into(), &"".into(), detail, &kind.into());
        let _ = zapis.apply(&JsValue::UNDEFINED, &args);
    }
}

fn http(opts: &Options) -> Api {
    Rc::new(Http::new(&opts.api, &opts.site))
}

/// What an app gets when it is mounted: its options, its language (a signal `set_language`
/// changes; also provided as the [`Language`] context) and, in the modal, how to close it.
pub struct Mount {
    pub opts: Options,
    pub lang: RwSignal<Lang>,
    pub close: Option<fn()>,
}

/// Builds the app in a fresh host, under its own reactive owner.
fn build(
    opts: Options,
    modal: bool,
    app: impl FnOnce(Mount) -> AnyView + 'static,
) -> Result<Mounted, JsValue> {
    let (host, container) = make_host()?;
    let made = Rc::new(std::cell::Cell::new(None));
    let lang_out = made.clone();
    let close = modal.then_some(close as fn());
    let app = leptos::mount::mount_to(container, move || {
        let lang = RwSignal::new(opts.language().unwrap_or_default());
        lang_out.set(Some(lang));
        provide_context(Language(lang));
        app(Mount { opts, lang, close })
    });
    Ok(Mounted {
        host,
        lang: made.get().ok_or("the widget did not mount")?,
        _app: Box::new(app),
        return_focus: None,
    })
}

/// The booking flow against `api`.
fn booking(api: Api) -> impl FnOnce(Mount) -> AnyView + 'static {
    move |m: Mount| {
        Ctx::provide(api, m.opts, m.lang, m.close);
        view! { <BookingApp/> }.into_any()
    }
}

/// Opens the booking modal with these options, talking to the zapis server at `opts.api`.
pub fn open(opts: Options) -> Result<(), JsValue> {
    let api = http(&opts);
    open_with(opts, api)
}

/// [`open`] against any [`Backend`](crate::api::Backend) (tests use a fake).
pub fn open_with(opts: Options, api: Api) -> Result<(), JsValue> {
    open_app(opts, booking(api))
}

/// Opens `app` in the modal (the one of this module; it replaces what was open). The app's
/// first `.zw-close` button gets the focus; focus returns where it was on close.
pub fn open_app(
    opts: Options,
    app: impl FnOnce(Mount) -> AnyView + 'static,
) -> Result<(), JsValue> {
    close_quietly();
    let doc = document();
    let return_focus = doc
        .active_element()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    let mut mounted = build(opts, true, app)?;
    doc.body().ok_or("no body")?.append_child(&mounted.host)?;
    focus_first(&mounted.host);
    mounted.return_focus = return_focus;
    MODAL.with(|m| *m.borrow_mut() = Some(mounted));
    dispatch("open", &JsValue::NULL);
    Ok(())
}

/// Removes the modal; `true` if one was open.
fn close_quietly() -> bool {
    let Some(mounted) = MODAL.with(|m| m.borrow_mut().take()) else {
        return false;
    };
    mounted.host.remove();
    if let Some(el) = &mounted.return_focus {
        let _ = el.focus();
    }
    true
}

/// Closes the modal, if open, and returns focus to whatever had it before; its history entry
/// goes too.
pub fn close() {
    if close_quietly() {
        crate::booking::keep::release_back_button();
        dispatch("close", &JsValue::NULL);
    }
}

/// The phone's Back on the modal's first step: its history entry is already gone.
pub fn closed_by_back() {
    if close_quietly() {
        dispatch("close", &JsValue::NULL);
    }
}

/// Switches the language of every mounted widget (`zapis('language', 'en')`).
pub fn set_language(tag: &str) {
    let Some(lang) = Lang::recognise(tag) else {
        return;
    };
    MODAL.with(|m| {
        if let Some(mounted) = m.borrow().as_ref() {
            mounted.lang.set(lang);
        }
    });
    INLINE.with(|list| list.borrow().iter().for_each(|m| m.lang.set(lang)));
}

/// Mounts the widget inline inside `el` (a `[data-zapis-widget]` container), once per container.
pub fn mount(el: Element, opts: Options) -> Result<(), JsValue> {
    let api = http(&opts);
    mount_with(el, opts, api)
}

/// [`mount`] against any [`Backend`](crate::api::Backend).
pub fn mount_with(el: Element, opts: Options, api: Api) -> Result<(), JsValue> {
    mount_app(el, opts, booking(api))
}

/// Mounts `app` inline inside `el`, once per container.
pub fn mount_app(
    el: Element,
    opts: Options,
    app: impl FnOnce(Mount) -> AnyView + 'static,
) -> Result<(), JsValue> {
    // Widgets whose container a SPA took off the page are unmounted here.
    INLINE.with(|list| list.borrow_mut().retain(|m| m.host.is_connected()));
    if el.get_attribute("data-zapis-mounted").is_some() && el.query_selector(HOST_TAG)?.is_some() {
        return Ok(());
    }
    el.set_attribute("data-zapis-mounted", "")?;
    let mounted = build(opts, false, app)?;
    el.append_child(&mounted.host)?;
    INLINE.with(|list| list.borrow_mut().push(mounted));
    Ok(())
}

fn focus_first(host: &HtmlElement) {
    let el = host
        .shadow_root()
        .and_then(|root| root.query_selector(".zw-close").ok().flatten());
    if let Some(el) = el.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// Calls the host page's `zapis(command, opts)` (embed.js): how one module opens another (the
/// booking's success opens the cabinet; the cabinet's "book again" opens the booking). `close`
/// (this module's modal) runs first, so two modals never stack. `false` when the page has no
/// `zapis` (nothing is closed then).
pub fn zapis(command: &str, opts: &js_sys::Object, close: Option<fn()>) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let zapis = crate::wire::get(&window, "zapis");
    if !zapis.is_function() {
        return false;
    }
    if let Some(close) = close {
        close();
    }
    let _ = zapis.unchecked_ref::<js_sys::Function>().call2(
        &JsValue::NULL,
        &JsValue::from_str(command),
        opts,
    );
    true
}
