//! What the browser tests share: a fake booking API with canned data and programmable errors
//! (`fake.rs`), and small helpers to drive the widget's DOM inside its shadow root.
#![allow(dead_code)]

mod cabinet;
mod cabinet_api;
mod fake;

use std::{cell::RefCell, rc::Rc};

pub use cabinet::*;
pub use fake::*;
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{Element, HtmlElement, ShadowRoot};
use widget::{embed, options::Options};

/// A test's options; each test is a new tab (no draft kept by an earlier one).
pub fn opts(extra: &str) -> Options {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    opts_keeping(extra)
}

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

pub async fn tick() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

pub async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// Options without starting a new tab: the draft an earlier open kept is still there.
pub fn opts_keeping(extra: &str) -> Options {
    let mut o = Options::parse(&format!(
        r#"{{"site":"demo","api":"http://127.0.0.1:9/","lang":"ru"{extra}}}"#
    ))
    .unwrap();
    o.resend_after = Some(1);
    o
}

/// The widget's shadow root: the modal's, or the one inside `container`.
#[derive(Clone)]
pub struct W(pub ShadowRoot);

pub fn modal() -> Option<W> {
    let host = document().query_selector(embed::HOST_TAG).ok()??;
    host.shadow_root().map(W)
}

pub fn inline(container: &Element) -> W {
    W(container
        .query_selector(embed::HOST_TAG)
        .unwrap()
        .expect("a mounted widget")
        .shadow_root()
        .unwrap())
}

/// Opens a fresh modal on `fake`, and waits for its first step.
pub async fn open(fake: &Rc<Fake>, o: Options) -> W {
    embed::close();
    embed::open_with(o, fake.api()).unwrap();
    let w = modal().expect("modal");
    w.wait(|w| w.step() != "start", "the first step").await;
    w
}

/// Opens a fresh cabinet modal on `fake` (a kept session for site `demo` is used), and waits
/// for its first screen.
pub async fn open_cabinet(fake: &Rc<FakeCabinet>, o: Options) -> W {
    embed::close();
    widget::cabinet::open_with(o, fake.api()).unwrap();
    let w = modal().expect("modal");
    w.wait(
        |w| w.step() != "start" && !w.step().is_empty(),
        "the first screen",
    )
    .await;
    w
}

/// The session the cabinet keeps for site `demo`.
pub fn kept_session() -> Option<String> {
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item("zapis-cabinet:demo")
        .unwrap()
}

pub fn keep_session(s: Option<&str>) {
    let st = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    match s {
        Some(s) => st.set_item("zapis-cabinet:demo", s).unwrap(),
        None => st.remove_item("zapis-cabinet:demo").unwrap(),
    }
}

/// `window.zapis` recording its calls as JSON in `window.__zapisCalls`.
pub fn fake_zapis() {
    js_sys::eval("window.__zapisCalls=[];window.zapis=function(){window.__zapisCalls.push(JSON.stringify(Array.from(arguments)))}").unwrap();
}

/// The page's `zapis(…)` calls a module made, but the tracker's (`zapis('track', …)`: every
/// modal's open and every booking tell it).
pub fn zapis_calls() -> Vec<String> {
    let calls = js_sys::eval("window.__zapisCalls").unwrap();
    js_sys::Array::from(&calls)
        .iter()
        .map(|c| c.as_string().unwrap())
        .filter(|c| !c.starts_with(r#"["track""#))
        .collect()
}

impl W {
    pub fn find(&self, sel: &str) -> Option<Element> {
        self.0.query_selector(sel).unwrap()
    }

    pub fn q(&self, sel: &str) -> Element {
        self.find(sel)
            .unwrap_or_else(|| panic!("no `{sel}` in step `{}`", self.step()))
    }

    pub fn all(&self, sel: &str) -> Vec<Element> {
        let list = self.0.query_selector_all(sel).unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().unchecked_into())
            .collect()
    }

    pub fn text(&self, sel: &str) -> String {
        self.q(sel).text_content().unwrap_or_default()
    }

    pub fn attr(&self, sel: &str, name: &str) -> Option<String> {
        self.q(sel).get_attribute(name)
    }

    /// `data-step` of the step shown.
    pub fn step(&self) -> String {
        self.find("[data-step]")
            .and_then(|e| e.get_attribute("data-step"))
            .unwrap_or_default()
    }

    pub fn click(&self, sel: &str) {
        self.q(sel).unchecked_into::<HtmlElement>().click();
    }

    /// Types `value` into a field as a user would: focus, value, `input` event, blur.
    pub fn type_in(&self, sel: &str, value: &str) {
        let el: web_sys::HtmlInputElement = self.q(sel).unchecked_into();
        el.focus().unwrap();
        el.set_value(value);
        let init = web_sys::InputEventInit::new();
        init.set_bubbles(true);
        init.set_input_type("insertText");
        el.dispatch_event(&web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap())
            .unwrap();
    }

    pub fn blur(&self, sel: &str) {
        self.q(sel).unchecked_into::<HtmlElement>().blur().unwrap();
    }

    pub fn value(&self, sel: &str) -> String {
        self.q(sel)
            .unchecked_into::<web_sys::HtmlInputElement>()
            .value()
    }

    pub fn checked(&self, sel: &str) -> bool {
        self.q(sel)
            .unchecked_into::<web_sys::HtmlInputElement>()
            .checked()
    }

    pub fn key(&self, sel: &str, key: &str, shift: bool) {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(key);
        init.set_shift_key(shift);
        init.set_bubbles(true);
        init.set_cancelable(true);
        let ev =
            web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        self.q(sel).dispatch_event(&ev).unwrap();
    }

    /// What has focus inside the widget.
    pub fn focused(&self) -> Option<Element> {
        self.0.active_element()
    }

    /// Waits (up to ~2 s) until `cond` holds.
    pub async fn wait(&self, cond: impl Fn(&W) -> bool, what: &str) {
        for _ in 0..200 {
            if cond(self) {
                return;
            }
            sleep(10).await;
        }
        panic!("timed out waiting for {what} (step `{}`)", self.step());
    }

    pub async fn wait_step(&self, step: &str) {
        self.wait(|w| w.step() == step, &format!("step `{step}`"))
            .await;
    }

    /// Waits until `sel` is shown.
    pub async fn shows(&self, sel: &str) {
        self.wait(|w| w.find(sel).is_some(), sel).await;
    }

    /// Waits until `sel` is shown, then clicks it.
    pub async fn tap(&self, sel: &str) {
        self.shows(sel).await;
        self.click(sel);
    }

    /// Master → the test day → 10:00; ends on the contact form.
    pub async fn master_to_contact(&self, staff: u64) {
        self.tap(&format!("[data-testid=staff-{staff}]")).await;
        self.tap(&format!("[data-date='{DAY}']")).await;
        self.tap("[data-time='10:00']").await;
        self.wait_step("contact").await;
    }

    /// Services → master → date → time; ends on the contact form.
    pub async fn choose_up_to_contact(&self, service: u64, staff: u64) {
        self.tap(&format!("[data-testid=service-{service}]")).await;
        tick().await;
        self.click("[data-testid=next]");
        self.master_to_contact(staff).await;
    }

    /// `data-date` of the focused calendar day.
    pub fn focused_date(&self) -> Option<String> {
        self.focused().and_then(|e| e.get_attribute("data-date"))
    }

    /// Fills the contact form validly.
    pub async fn fill_contact(&self) {
        self.type_in("#zw-name", "Мария");
        self.type_in("#zw-phone", "89161234567");
        self.click("#zw-consent");
        tick().await;
    }
}

/// Collects the `detail` of every `zapis:<name>` event on `window`, as JSON text.
pub struct Events {
    pub seen: Rc<RefCell<Vec<String>>>,
    name: String,
    listener: Closure<dyn FnMut(web_sys::CustomEvent)>,
}

impl Events {
    pub fn listen(name: &str) -> Events {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let sink = seen.clone();
        let listener =
            Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
                let json = js_sys::JSON::stringify(&e.detail())
                    .map(String::from)
                    .unwrap_or_default();
                sink.borrow_mut().push(json);
            });
        let name = format!("zapis:{name}");
        web_sys::window()
            .unwrap()
            .add_event_listener_with_callback(&name, listener.as_ref().unchecked_ref())
            .unwrap();
        Events {
            seen,
            name,
            listener,
        }
    }
}

impl Drop for Events {
    fn drop(&mut self) {
        let _ = web_sys::window()
            .unwrap()
            .remove_event_listener_with_callback(
                &self.name,
                self.listener.as_ref().unchecked_ref(),
            );
    }
}
