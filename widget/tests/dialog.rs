//! The booking dialog in a real browser (headless Chromium and Firefox via wasm-bindgen-test).

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use widget::{Options, embed};

wasm_bindgen_test_configure!(run_in_browser);

async fn tick() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

fn shadow_root() -> Option<web_sys::ShadowRoot> {
    let doc = web_sys::window()?.document()?;
    doc.query_selector(embed::HOST_TAG).ok()??.shadow_root()
}

fn opts(lang: &str) -> Options {
    Options::parse(&format!(r#"{{"site":"demo","lang":"{lang}"}}"#)).unwrap()
}

#[wasm_bindgen_test]
async fn opening_the_widget_shows_a_labelled_modal_dialog_inside_a_shadow_root() {
    embed::open(opts("ru")).unwrap();
    tick().await;
    let root = shadow_root().expect("host with an open shadow root");
    let dialog = root.query_selector("[role=dialog]").unwrap().expect("a dialog");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    let title = root.query_selector("#zw-title").unwrap().unwrap();
    assert_eq!(title.text_content().unwrap(), "Онлайн-запись");
    embed::close();
    tick().await;
    assert!(shadow_root().is_none(), "closing removes the host");
}

#[wasm_bindgen_test]
async fn opening_twice_keeps_a_single_widget_and_language_can_switch() {
    embed::open(opts("ru")).unwrap();
    embed::open(opts("ru")).unwrap();
    tick().await;
    let doc = web_sys::window().unwrap().document().unwrap();
    assert_eq!(doc.query_selector_all(embed::HOST_TAG).unwrap().length(), 1);
    embed::set_language("en");
    tick().await;
    let title = shadow_root().unwrap().query_selector("#zw-title").unwrap().unwrap();
    assert_eq!(title.text_content().unwrap(), "Book online");
    embed::close();
}

#[wasm_bindgen_test]
async fn escape_closes_the_dialog() {
    embed::open(opts("en")).unwrap();
    tick().await;
    let dialog = shadow_root().unwrap().query_selector("[role=dialog]").unwrap().unwrap();
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    dialog.dyn_ref::<web_sys::EventTarget>().unwrap().dispatch_event(&ev).unwrap();
    tick().await;
    assert!(shadow_root().is_none());
}
