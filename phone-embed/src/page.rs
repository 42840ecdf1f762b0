//! The page side: asking for the number, rewriting the page, watching it, keeping the hold.

use std::cell::RefCell;

use js_sys::{JSON, Reflect};
use wasm_bindgen::{JsCast, prelude::*};
use web_sys::{Element, MutationObserver, MutationObserverInit, Node};

use crate::digits;

/// What the page shows in place of the default number.
struct Shown {
    /// Normalised digits.
    digits: String,
    /// Formatted by the server like the site's default number (used where the page's own
    /// format cannot carry the new digits).
    number: String,
    /// `+` and the digits.
    tel: String,
}

struct State {
    root: Element,
    /// The number endpoint with this visitor's query.
    url: String,
    /// The salon's default number and every number shown before (normalised digits).
    from: Vec<String>,
    shown: Option<Shown>,
    /// Input since the last ask: the visitor is still here, the pool number's hold is renewed.
    active: bool,
    /// A renewal is scheduled.
    renewing: bool,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

fn text(o: &JsValue, k: &str) -> String {
    get(o, k).as_string().unwrap_or_default()
}

fn enc(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

/// The number endpoint for this visitor: the id only when the tracker keeps it (stored under
/// `zapis_vid`, which it does only when it may track), the touch's campaign for a first page,
/// and the context itself (`touch`, JSON: its `first` and `last` touch).
fn url(opts: &JsValue) -> String {
    // The tracker's context, as JSON text (embed.js) or an object.
    let raw = get(opts, "ctx");
    let text_ctx = raw
        .as_string()
        .or_else(|| JSON::stringify(&raw).ok().and_then(|j| j.as_string()));
    let ctx = text_ctx
        .as_deref()
        .and_then(|s| JSON::parse(s).ok())
        .unwrap_or(raw);
    let vid = text(&ctx, "vid");
    let stored = web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item("zapis_vid").ok().flatten());
    // (Built with push_str: `format!` would bring core::fmt into the module.)
    let mut url = text(opts, "api");
    url.push_str("api/v1/sites/");
    url.push_str(&enc(&text(opts, "site")));
    url.push_str("/number");
    if !vid.is_empty() && stored.as_deref() == Some(vid.as_str()) {
        url.push_str("?consent=1&vid=");
        url.push_str(&enc(&vid));
        let last = get(&ctx, "last");
        let touch = if last.is_object() {
            last
        } else {
            get(&ctx, "first")
        };
        for k in ["source", "medium", "campaign"] {
            let v = text(&touch, k);
            if !v.is_empty() {
                url.push_str("&utm_");
                url.push_str(k);
                url.push('=');
                url.push_str(&enc(&v));
            }
        }
        // The whole context (its first and last touch are what the server reads): a call
        // dialled before the tracker's first beacon reaches the server is attributed to them.
        if let Some(t) = &text_ctx {
            url.push_str("&touch=");
            url.push_str(&enc(t));
        }
    }
    url
}

pub fn start(root: Element, opts_json: &str) -> Result<(), JsValue> {
    let opts = JSON::parse(opts_json)?;
    let url = url(&opts);
    let observer = MutationObserver::new(
        Closure::<dyn Fn()>::new(apply)
            .into_js_value()
            .unchecked_ref(),
    )?;
    let init = MutationObserverInit::new();
    init.set_child_list(true);
    init.set_subtree(true);
    init.set_character_data(true);
    observer.observe_with_options(&root, &init)?;
    if let Some(w) = web_sys::window() {
        let input = Closure::<dyn Fn()>::new(|| {
            with(|s| s.active = true);
        })
        .into_js_value();
        for kind in ["pointerdown", "keydown", "scroll", "touchstart"] {
            w.add_event_listener_with_callback(kind, input.unchecked_ref())?;
        }
    }
    STATE.with(|s| {
        *s.borrow_mut() = Some(State {
            root,
            url,
            from: Vec::new(),
            shown: None,
            active: false,
            renewing: false,
        })
    });
    ask();
    Ok(())
}

fn with<R>(f: impl FnOnce(&mut State) -> R) -> Option<R> {
    STATE.with(|s| s.borrow_mut().as_mut().map(f))
}

/// Asks for the number and shows it; an error leaves the page as it is.
fn ask() {
    let (Some(url), Some(w)) = (
        with(|s| {
            s.active = false;
            s.url.clone()
        }),
        web_sys::window(),
    ) else {
        return;
    };
    // fetch → json → show, as promise callbacks (no async runtime in the module).
    let json = Closure::once_into_js(|res: JsValue| -> JsValue {
        match res.dyn_into::<web_sys::Response>() {
            Ok(r) if r.ok() => r.json().map(JsValue::from).unwrap_or(JsValue::NULL),
            _ => JsValue::NULL,
        }
    });
    let show = Closure::once_into_js(|answer: JsValue| {
        if answer.is_object() {
            show(&answer);
        }
    });
    let ignore = Closure::once_into_js(|_: JsValue| {});
    let p = call(&w.fetch_with_str(&url), "then", &json);
    let p = call(&p, "then", &show);
    call(&p, "catch", &ignore);
}

/// `p[m](f)` (`then`/`catch` with a self-freeing closure; js-sys' typed `Promise::then` wants a
/// closure borrowed for the promise's life).
fn call(p: &JsValue, m: &str, f: &JsValue) -> JsValue {
    get(p, m)
        .dyn_into::<js_sys::Function>()
        .ok()
        .and_then(|m| m.call1(p, f).ok())
        .unwrap_or(JsValue::UNDEFINED)
}

fn show(answer: &JsValue) {
    let hold = get(answer, "hold_secs").as_f64().unwrap_or(0.0);
    with(|s| {
        let default = digits::normal(&text(answer, "replaces"));
        if !default.is_empty() && !s.from.contains(&default) {
            s.from.push(default);
        }
        let new = digits::normal(&text(answer, "tel"));
        if let Some(old) = s.shown.take().filter(|o| o.digits != new) {
            s.from.push(old.digits);
        }
        s.from.retain(|f| *f != new);
        if !new.is_empty() {
            s.shown = Some(Shown {
                digits: new,
                number: text(answer, "number"),
                tel: text(answer, "tel"),
            });
        }
    });
    apply();
    if hold > 0.0 {
        renew_in((hold * 500.0).max(15_000.0) as i32);
    }
}

/// Half the hold later, asks again if the visitor did anything meanwhile (else checks again).
fn renew_in(ms: i32) {
    if with(|s| std::mem::replace(&mut s.renewing, true)).unwrap_or(true) {
        return;
    }
    let tick = Closure::once_into_js(move || {
        let active = with(|s| {
            s.renewing = false;
            s.active
        });
        if active == Some(true) {
            ask();
        } else {
            renew_in(ms);
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(tick.unchecked_ref(), ms);
    }
}

/// Text that is not shown as text, or is the visitor's to edit.
fn skipped(parent: &Element) -> bool {
    matches!(
        parent.tag_name().as_str(),
        "SCRIPT" | "STYLE" | "NOSCRIPT" | "TEXTAREA" | "TEMPLATE" | "TITLE"
    )
}

/// Rewrites the page under the root: text nodes and `tel:` links.
fn apply() {
    with(|s| {
        let Some(shown) = &s.shown else { return };
        let Some(doc) = s.root.owner_document() else {
            return;
        };
        // NodeFilter.SHOW_TEXT
        let Ok(walker) = doc.create_tree_walker_with_what_to_show(&s.root, 4) else {
            return;
        };
        while let Ok(Some(node)) = walker.next_node() {
            let Some(parent) = node.parent_element() else {
                continue;
            };
            if skipped(&parent) {
                continue;
            }
            let marked = parent
                .closest("[data-zapis-phone]")
                .ok()
                .flatten()
                .is_some();
            let old = node.node_value().unwrap_or_default();
            if let Some(new) = digits::rewrite(&old, &s.from, &shown.digits, &shown.number, marked)
            {
                node.set_node_value(Some(&new));
            }
        }
        let Ok(links) = s.root.query_selector_all("a[href^='tel:'],a[href^='TEL:']") else {
            return;
        };
        for i in 0..links.length() {
            let Some(a) = links
                .item(i)
                .and_then(|n: Node| n.dyn_into::<Element>().ok())
            else {
                continue;
            };
            let href = a.get_attribute("href").unwrap_or_default();
            let marked = a.closest("[data-zapis-phone]").ok().flatten().is_some();
            let number = digits::normal(&href);
            let ours = s.from.iter().any(|f| digits::same(&href, f));
            if number != shown.digits && (marked || ours) {
                let mut tel = String::from("tel:");
                tel.push_str(&shown.tel);
                let _ = a.set_attribute("href", &tel);
            }
        }
    });
}
