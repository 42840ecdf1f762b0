//! The frame: a labelled modal dialog in a shadow root, focus moved in and trapped, Esc, the
//! language, themes, and inline widgets side by side.

mod common;

use common::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use widget::{embed, options::Options};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_modal_is_a_labelled_dialog_in_a_shadow_root() {
    let fake = Fake::new();
    let opened = Events::listen("open");
    let w = open(&fake, opts("")).await;
    let dialog = w.q("[role=dialog]");
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    assert_eq!(
        dialog.get_attribute("aria-labelledby").as_deref(),
        Some("zw-title")
    );
    assert_eq!(w.text("#zw-title"), "Онлайн-запись");
    assert_eq!(opened.seen.borrow().len(), 1);
    assert_eq!(
        document()
            .query_selector_all(embed::HOST_TAG)
            .unwrap()
            .length(),
        1
    );
    // Host CSS cannot reach inside: a page rule on buttons changes nothing in the widget.
    let style = document().create_element("style").unwrap();
    style.set_text_content(Some("button{display:none!important}"));
    document().head().unwrap().append_child(&style).unwrap();
    let close = w.q("[data-testid=close]");
    let shown = web_sys::window()
        .unwrap()
        .get_computed_style(&close)
        .unwrap()
        .unwrap()
        .get_property_value("display")
        .unwrap();
    style.remove();
    assert_ne!(shown, "none");
    embed::open_with(opts(""), fake.api()).unwrap();
    assert_eq!(
        document()
            .query_selector_all(embed::HOST_TAG)
            .unwrap()
            .length(),
        1,
        "opening again replaces"
    );
    embed::close();
    assert!(modal().is_none());
}

#[wasm_bindgen_test]
async fn focus_moves_in_is_trapped_and_esc_returns_it_to_the_trigger() {
    let fake = Fake::new();
    let trigger = document().create_element("button").unwrap();
    trigger.set_text_content(Some("Записаться"));
    document().body().unwrap().append_child(&trigger).unwrap();
    trigger
        .unchecked_ref::<web_sys::HtmlElement>()
        .focus()
        .unwrap();

    embed::close();
    embed::open_with(opts(""), fake.api()).unwrap();
    let w = modal().unwrap();
    assert_eq!(
        w.focused()
            .and_then(|e| e.get_attribute("data-testid"))
            .as_deref(),
        Some("close"),
        "focus moves into the dialog"
    );
    w.shows("[data-testid=service-10]").await;
    sleep(20).await;
    assert_eq!(
        w.focused().map(|e| e.tag_name()).as_deref(),
        Some("H3"),
        "a new step puts focus on its heading"
    );

    // From the last control, Tab wraps to the first; Shift+Tab from the first wraps to the last.
    w.click("[data-testid=service-10]");
    tick().await;
    let next = w.q("[data-testid=next]");
    next.unchecked_ref::<web_sys::HtmlElement>()
        .focus()
        .unwrap();
    w.key("[data-testid=next]", "Tab", false);
    assert_eq!(
        w.focused()
            .and_then(|e| e.get_attribute("data-testid"))
            .as_deref(),
        Some("close")
    );
    w.key("[data-testid=close]", "Tab", true);
    assert_eq!(
        w.focused()
            .and_then(|e| e.get_attribute("data-testid"))
            .as_deref(),
        Some("next")
    );
    // In the middle, Tab is left to the browser.
    w.q("[data-testid=service-search]")
        .unchecked_ref::<web_sys::HtmlElement>()
        .focus()
        .unwrap();
    w.key("[data-testid=service-search]", "Tab", false);
    assert_eq!(
        w.focused()
            .and_then(|e| e.get_attribute("data-testid"))
            .as_deref(),
        Some("service-search")
    );

    let closed = Events::listen("close");
    w.key("[data-testid=service-search]", "Escape", false);
    tick().await;
    assert!(modal().is_none(), "Esc closes");
    assert_eq!(closed.seen.borrow().len(), 1);
    assert!(
        document().active_element().is_some_and(|a| a == trigger),
        "focus is back on the trigger"
    );
    trigger.remove();
}

#[wasm_bindgen_test]
async fn the_language_comes_from_the_host_the_page_or_the_browser_and_can_switch() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    w.shows("[data-testid=service-10]").await;
    assert_eq!(w.text("[data-step=services] h3"), "Выберите услуги");
    assert_eq!(w.attr(".zw-app", "lang").as_deref(), Some("ru"));
    w.click("[data-testid=service-10]");
    tick().await;
    assert_eq!(
        w.text("[data-testid=services-total]"),
        "Выбрано: 1 услуга · 1\u{a0}500–2\u{a0}500\u{a0}₽ · 1\u{a0}ч"
    );

    embed::set_language("en-GB");
    tick().await;
    assert_eq!(w.text("#zw-title"), "Book online");
    assert_eq!(w.text("[data-step=services] h3"), "Choose services");
    assert_eq!(
        w.text("[data-testid=services-total]"),
        "Selected: 1 service · 1,500–2,500\u{a0}₽ · 1\u{a0}h"
    );
    assert_eq!(
        w.attr("[data-testid=close]", "aria-label").as_deref(),
        Some("Close")
    );
    assert_eq!(w.attr(".zw-app", "lang").as_deref(), Some("en"));
    embed::set_language("de");
    tick().await;
    assert_eq!(
        w.text("#zw-title"),
        "Book online",
        "a language we don't have changes nothing"
    );
    embed::close();

    // No `lang` from the host: the page's <html lang> decides.
    let html = document().document_element().unwrap();
    let before = html.get_attribute("lang");
    html.set_attribute("lang", "en").unwrap();
    let mut o = Options::parse(r#"{"site":"demo"}"#).unwrap();
    o.resend_after = Some(1);
    let w = open(&fake, o.clone()).await;
    assert_eq!(w.text("#zw-title"), "Book online");
    embed::close();
    html.set_attribute("lang", "ru").unwrap();
    let w = open(&fake, o).await;
    assert_eq!(w.text("#zw-title"), "Онлайн-запись");
    embed::close();
    match before {
        Some(l) => html.set_attribute("lang", &l).unwrap(),
        None => html.remove_attribute("lang").unwrap(),
    }
}

#[wasm_bindgen_test]
async fn two_inline_widgets_on_one_page_keep_to_themselves() {
    let (a, b) = (Fake::new(), Fake::new());
    b.services.borrow_mut().services.retain(|s| s.id == 20);
    let body = document().body().unwrap();
    let (ca, cb) = (
        document().create_element("div").unwrap(),
        document().create_element("div").unwrap(),
    );
    for c in [&ca, &cb] {
        c.set_attribute("data-zapis-widget", "").unwrap();
        body.append_child(c).unwrap();
    }
    embed::mount_with(ca.clone(), opts(""), a.api()).unwrap();
    embed::mount_with(cb.clone(), opts(""), b.api()).unwrap();
    embed::mount_with(ca.clone(), opts(""), a.api()).unwrap();
    assert_eq!(
        ca.query_selector_all(embed::HOST_TAG).unwrap().length(),
        1,
        "mounted once per container"
    );
    let (wa, wb) = (inline(&ca), inline(&cb));
    wa.shows("[data-testid=service-10]").await;
    wb.shows("[data-testid=service-20]").await;
    assert_eq!(
        wa.attr("[data-testid=zapis]", "role").as_deref(),
        Some("region"),
        "inline is a region, not a modal"
    );
    assert!(wa.find("[data-testid=close]").is_none());
    assert!(
        document().active_element() == Some(body.clone().into()),
        "an inline widget never takes focus on load"
    );

    wa.click("[data-testid=service-10]");
    tick().await;
    wa.click("[data-testid=next]");
    wa.wait_step("staff").await;
    assert_eq!(wb.step(), "services");
    assert!(!wb.checked("[data-testid=service-20]"));
    assert_eq!(wb.text("[data-testid=services-total]"), "");
    assert!(b.calls_named("staff").is_empty());

    embed::set_language("en");
    tick().await;
    assert_eq!(
        (wa.text("#zw-title"), wb.text("#zw-title")),
        ("Book online".to_owned(), "Book online".to_owned())
    );
    embed::set_language("ru");
    ca.remove();
    cb.remove();
}

#[wasm_bindgen_test]
async fn the_site_theme_sets_brand_radius_font_and_mode() {
    let fake = Fake::new();
    {
        let mut site = fake.site.borrow_mut();
        site.theme.brand = "#c0392b".into();
        site.theme.radius = "4px".into();
        site.theme.font = "Georgia, serif".into();
        site.theme.mode = "dark".into();
    }
    let w = open(&fake, opts("")).await;
    let app = w.q(".zw-app");
    assert_eq!(app.get_attribute("data-theme").as_deref(), Some("dark"));
    let style = web_sys::window()
        .unwrap()
        .get_computed_style(&app)
        .unwrap()
        .unwrap();
    assert_eq!(style.get_property_value("--zb").unwrap().trim(), "#c0392b");
    assert_eq!(style.get_property_value("--zr").unwrap().trim(), "4px");
    assert_eq!(
        style.get_property_value("--bg").unwrap().trim(),
        "#1f1d22",
        "dark colours"
    );
    // The host page's custom properties win over the site config.
    let host = document().query_selector(embed::HOST_TAG).unwrap().unwrap();
    host.set_attribute("style", "all:initial;display:block;--zapis-brand:#123456")
        .unwrap();
    let style = web_sys::window()
        .unwrap()
        .get_computed_style(&app)
        .unwrap()
        .unwrap();
    assert_eq!(style.get_property_value("--zb").unwrap().trim(), "#123456");
    embed::close();
}
