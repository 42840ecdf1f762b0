//! Mounting: a host element, its open shadow root, the stylesheet, and the Leptos app inside.
//!
//! The modal is one per page: opening again replaces what it shows. Inline widgets are one per
//! container. The mounted apps are kept in a thread-local registry (wasm is single-threaded);
//! that registry is the only state outside Leptos signals.

use std::cell::RefCell;

use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CustomEvent, CustomEventInit, Element, HtmlElement, ShadowRootInit, ShadowRootMode};

use crate::{app::BookingDialog, i18n::Lang, options::Options, style::CSS};

/// Tag name of the element that hosts a shadow root.
pub const HOST_TAG: &str = "zapis-root";

struct Mounted {
    host: HtmlElement,
    set_lang: WriteSignal<Lang>,
    _handle: leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>,
    /// Element focused before the modal opened; focus returns there on close.
    return_focus: Option<HtmlElement>,
}

thread_local! {
    static MODAL: RefCell<Option<Mounted>> = const { RefCell::new(None) };
}

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("zapis widget runs in a page")
}

/// Creates `<zapis-root>` with an open shadow root holding the stylesheet and an app container.
fn make_host(theme_mode: &str) -> Result<(HtmlElement, HtmlElement), JsValue> {
    let doc = document();
    let host: HtmlElement = doc.create_element(HOST_TAG)?.unchecked_into();
    // Inline style beats any host-page selector (`*`, `div`…) that could hide or move the host.
    host.set_attribute("style", "all:initial;display:contents")?;
    host.set_attribute("data-theme", theme_mode)?;
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
    if let (Some(w), Ok(ev)) = (web_sys::window(), CustomEvent::new_with_event_init_dict(&format!("zapis:{name}"), &init)) {
        let _ = w.dispatch_event(&ev);
    }
}

/// Opens the booking modal with these options.
pub fn open(opts: Options) -> Result<(), JsValue> {
    close();
    let doc = document();
    let return_focus = doc.active_element().and_then(|e| e.dyn_into::<HtmlElement>().ok());
    let (host, container) = make_host("auto")?;
    doc.body().ok_or("no body")?.append_child(&host)?;
    let (lang, set_lang) = signal(opts.language());
    let handle = mount_to(container, move || {
        view! { <BookingDialog opts=opts.clone() lang=lang on_close=move |_| close() /> }.into_any()
    });
    focus_first(&host);
    MODAL.with(|m| *m.borrow_mut() = Some(Mounted { host, set_lang, _handle: handle, return_focus }));
    dispatch("open", &JsValue::NULL);
    Ok(())
}

/// Closes the modal, if open, and returns focus to whatever had it before.
pub fn close() {
    let Some(mounted) = MODAL.with(|m| m.borrow_mut().take()) else { return };
    mounted.host.remove();
    if let Some(el) = &mounted.return_focus {
        let _ = el.focus();
    }
    drop(mounted);
    dispatch("close", &JsValue::NULL);
}

/// Switches the language of whatever is mounted.
pub fn set_language(tag: &str) {
    let lang = Lang::pick(Some(tag));
    MODAL.with(|m| {
        if let Some(mounted) = m.borrow().as_ref() {
            mounted.set_lang.set(lang);
        }
    });
}

/// Mounts the widget inline inside `el` (a `[data-zapis-widget]` container). Not yet wired to
/// the booking flow; see the widget issue.
pub fn mount(el: Element, opts: Options) -> Result<(), JsValue> {
    if el.get_attribute("data-zapis-mounted").is_some() {
        return Ok(());
    }
    el.set_attribute("data-zapis-mounted", "")?;
    let (host, container) = make_host("auto")?;
    el.append_child(&host)?;
    let (lang, _set_lang) = signal(opts.language());
    let handle = mount_to(container, move || {
        view! { <BookingDialog opts=opts.clone() lang=lang on_close=|_| () /> }.into_any()
    });
    handle.forget();
    Ok(())
}

fn focus_first(host: &HtmlElement) {
    if let Some(root) = host.shadow_root() {
        if let Ok(Some(el)) = root.query_selector("button") {
            if let Ok(el) = el.dyn_into::<HtmlElement>() {
                let _ = el.focus();
            }
        }
    }
}
