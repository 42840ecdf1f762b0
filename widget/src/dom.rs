//! A small DOM builder bound to the reactive core (`reactive.rs`): elements are made once, and
//! each reactive part (text, attribute, property, a list of children) is an effect that updates
//! just that part when the signals it read change.
//!
//! Why not Leptos' `view!`: the same flow written with it came to 227 KB gzip (211 KB with
//! `--cfg erase_components`), more than twice the 100 KB budget, because every view type is
//! monomorphised into its own build/rebuild/mount code; on `reactive_graph` with this builder it
//! was 100 KB. Here every binding goes through one boxed closure type, so the code is little
//! more than the calls that describe the markup.
//!
//! Lifetimes follow the reactive owner: effects and listeners made while building belong to the
//! current `Owner` and go away with it (a re-run of the enclosing effect, or the unmount).

use std::time::Duration;

use crate::reactive::*;
use wasm_bindgen::{JsCast, JsValue, UnwrapThrowExt, closure::Closure};
use web_sys::{Element, Event, HtmlElement};

pub fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect_throw("zapis widget runs in a page")
}

/// An element under construction.
pub struct El(Element);

/// `<tag>`.
pub fn el(tag: &str) -> El {
    El(document()
        .create_element(tag)
        .expect_throw("valid tag name"))
}

/// `<button type="button">`.
pub fn button() -> El {
    el("button").attr("type", "button")
}

/// Runs `f` now and again whenever a signal it read changes, for as long as the current owner
/// lives. Anything `f` creates belongs to this run and is cleaned up before the next one.
pub fn watch(f: impl Fn() + 'static) {
    watch_boxed(Box::new(f));
}

fn watch_boxed(f: Box<dyn Fn()>) {
    effect(f);
}

impl El {
    pub fn attr(self, name: &str, value: &str) -> El {
        let _ = self.0.set_attribute(name, value);
        self
    }

    pub fn cls(self, class: &str) -> El {
        self.attr("class", class)
    }

    /// `data-testid`: the hook end-to-end tests use.
    pub fn testid(self, id: &str) -> El {
        self.attr("data-testid", id)
    }

    /// Appends a text node.
    pub fn text(self, text: &str) -> El {
        let _ = self.0.append_with_str_1(text);
        self
    }

    pub fn child(self, child: El) -> El {
        let _ = self.0.append_child(&child.0);
        self
    }

    pub fn maybe(self, child: Option<El>) -> El {
        match child {
            Some(c) => self.child(c),
            None => self,
        }
    }

    pub fn kids(self, children: impl IntoIterator<Item = El>) -> El {
        for c in children {
            let _ = self.0.append_child(&c.0);
        }
        self
    }

    /// Listens for `event` while the current owner lives.
    pub fn on(self, event: &str, f: impl FnMut(Event) + 'static) -> El {
        self.listen(event, Box::new(f))
    }

    fn listen(self, event: &str, f: Box<dyn FnMut(Event)>) -> El {
        let closure = Closure::wrap(f);
        let _ = self
            .0
            .add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        StoredValue::new(closure);
        self
    }

    pub fn click(self, mut f: impl FnMut() + 'static) -> El {
        self.listen("click", Box::new(move |_| f()))
    }

    /// An attribute that follows `f` (`None` removes it).
    pub fn attr_dyn(self, name: &'static str, f: impl Fn() -> Option<String> + 'static) -> El {
        self.attr_boxed(name, Box::new(f))
    }

    fn attr_boxed(self, name: &'static str, f: Box<dyn Fn() -> Option<String>>) -> El {
        let node = self.0.clone();
        watch_boxed(Box::new(move || {
            let _ = match f() {
                Some(v) => node.set_attribute(name, &v),
                None => node.remove_attribute(name),
            };
        }));
        self
    }

    /// A present-or-absent attribute (`disabled`, `aria-current="true"`…).
    pub fn flag(
        self,
        name: &'static str,
        value: &'static str,
        f: impl Fn() -> bool + 'static,
    ) -> El {
        self.attr_boxed(name, Box::new(move || f().then(|| value.to_owned())))
    }

    /// A text node that follows `f`.
    pub fn text_dyn(self, f: impl Fn() -> String + 'static) -> El {
        let node = document().create_text_node("");
        let _ = self.0.append_child(&node);
        watch_boxed(Box::new(move || node.set_data(&f())));
        self
    }

    /// A DOM property that follows `f` (`value`, `checked`).
    pub fn prop_dyn(self, name: &'static str, f: impl Fn() -> JsValue + 'static) -> El {
        let node = self.0.clone();
        watch_boxed(Box::new(move || {
            let _ = js_sys::Reflect::set(&node, &JsValue::from_str(name), &f());
        }));
        self
    }

    /// All children of this element, rebuilt whenever `f`'s signals change.
    pub fn kids_dyn(self, f: impl Fn() -> Vec<El> + 'static) -> El {
        let node = self.0.clone();
        let f: Box<dyn Fn() -> Vec<El>> = Box::new(f);
        watch_boxed(Box::new(move || {
            for c in f() {
                let _ = node.append_child(&c.0);
            }
            let node = node.clone();
            on_cleanup(move || node.set_text_content(None));
        }));
        self
    }

    /// One optional child, rebuilt whenever `f`'s signals change.
    pub fn kid_dyn(self, f: impl Fn() -> Option<El> + 'static) -> El {
        self.kids_dyn(move || f().into_iter().collect())
    }

    pub fn node(&self) -> &Element {
        &self.0
    }

    pub fn into_element(self) -> Element {
        self.0
    }
}

/// Lower case by the browser's rules (no Unicode tables in the wasm).
pub fn lower(s: &str) -> String {
    js_sys::JsString::from(s).to_lower_case().into()
}

/// Focuses the first element matching `selector` under `root`.
pub fn focus(root: &Element, selector: &str) -> bool {
    let found = root
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    found.is_some_and(|e| e.focus().is_ok())
}

/// Runs `f` once after `ms` milliseconds.
pub fn after(ms: i32, f: impl FnOnce() + 'static) {
    let cb = Closure::once_into_js(f);
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), ms);
    }
}

/// Runs `f` every `period` while the current owner lives.
pub fn every(period: Duration, f: impl FnMut() + 'static) {
    let Some(w) = web_sys::window() else { return };
    let f: Box<dyn FnMut()> = Box::new(f);
    let closure = Closure::wrap(f);
    let id = w
        .set_interval_with_callback_and_timeout_and_arguments_0(
            closure.as_ref().unchecked_ref(),
            period.as_millis() as i32,
        )
        .unwrap_or(0);
    StoredValue::new(closure);
    on_cleanup(move || {
        if let Some(w) = web_sys::window() {
            w.clear_interval_with_handle(id);
        }
    });
}
