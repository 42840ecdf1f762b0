//! Mounting: a host element, its open shadow root, the stylesheet, and the Leptos app inside.
//!
//! The modal is one per page: opening again replaces what it shows. Inline widgets are one per
//! container. The mounted apps are kept in a thread-local registry (wasm is single-threaded);
//! that registry is the only state outside Leptos signals.

use std::{cell::RefCell, rc::Rc};

use crate::reactive::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CustomEvent, CustomEventInit, Element, HtmlElement, ShadowRootInit, ShadowRootMode};

use crate::{
    api::{Api, Http},
    app::booking_app,
    dom::document,
    i18n::Lang,
    options::Options,
    state::Ctx,
    style::CSS,
};

/// Tag name of the element that hosts a shadow root.
pub const HOST_TAG: &str = "zapis-root";

struct Mounted {
    host: HtmlElement,
    lang: RwSignal<Lang>,
    /// Owns every signal, effect and listener of this widget.
    owner: Owner,
    /// Element focused before the modal opened; focus returns there on close.
    return_focus: Option<HtmlElement>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.owner.dispose();
    }
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

/// Dispatches `zapis:<name>` on `window` for the host page and embed.js.
pub fn dispatch(name: &str, detail: &JsValue) {
    let init = CustomEventInit::new();
    init.set_detail(detail);
    if let (Some(w), Ok(ev)) = (
        web_sys::window(),
        CustomEvent::new_with_event_init_dict(&format!("zapis:{name}"), &init),
    ) {
        let _ = w.dispatch_event(&ev);
    }
}

fn http(opts: &Options) -> Api {
    Rc::new(Http::new(&opts.api, &opts.site))
}

/// Builds the app in a fresh host, under its own reactive owner.
fn mount_app(opts: Options, api: Api, modal: bool) -> Result<Mounted, JsValue> {
    let (host, container) = make_host()?;
    let owner = Owner::new();
    let (lang, app) = owner.with(|| {
        let lang = RwSignal::new(opts.language().unwrap_or_default());
        let ctx = Ctx::new(api, opts, lang);
        (lang, booking_app(ctx, modal.then_some(close as fn())))
    });
    container.append_child(app.node())?;
    Ok(Mounted {
        host,
        lang,
        owner,
        return_focus: None,
    })
}

/// Opens the booking modal with these options, talking to the zapis server at `opts.api`.
pub fn open(opts: Options) -> Result<(), JsValue> {
    let api = http(&opts);
    open_with(opts, api)
}

/// [`open`] against any [`Backend`](crate::api::Backend) (tests use a fake).
pub fn open_with(opts: Options, api: Api) -> Result<(), JsValue> {
    close_quietly();
    let doc = document();
    let return_focus = doc
        .active_element()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    let mut mounted = mount_app(opts, api, true)?;
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

/// Closes the modal, if open, and returns focus to whatever had it before.
pub fn close() {
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
    // Widgets whose container a SPA took off the page are unmounted here.
    INLINE.with(|list| list.borrow_mut().retain(|m| m.host.is_connected()));
    if el.get_attribute("data-zapis-mounted").is_some() && el.query_selector(HOST_TAG)?.is_some() {
        return Ok(());
    }
    el.set_attribute("data-zapis-mounted", "")?;
    let mounted = mount_app(opts, api, false)?;
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
