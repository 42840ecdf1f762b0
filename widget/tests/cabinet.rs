//! The client cabinet against a fake cabinet API, in a real browser: signing in (SMS code with
//! a resend countdown and the name of a new client; email + password with the wrong-layout and
//! Caps Lock hints and the SMS second step; a booking's receipt), a session that ended returning
//! to sign-in, the phone and desktop layouts, and English.

mod common;

use common::*;
use wasm_bindgen_test::*;
use widget::embed;

wasm_bindgen_test_configure!(run_in_browser);

/// A `<div>` of `width` px on the page, for an inline cabinet.
fn container(width: u32) -> web_sys::Element {
    let div = document().create_element("div").unwrap();
    div.set_attribute("style", &format!("width:{width}px"))
        .unwrap();
    document().body().unwrap().append_child(&div).unwrap();
    div
}

fn flex_direction(w: &W, sel: &str) -> String {
    web_sys::window()
        .unwrap()
        .get_computed_style(&w.q(sel))
        .unwrap()
        .unwrap()
        .get_property_value("flex-direction")
        .unwrap()
}

#[wasm_bindgen_test]
async fn a_new_client_signs_in_by_sms_on_a_phone_width_screen() {
    keep_session(None);
    let fake = FakeCabinet::new();
    let div = container(360);
    widget::cabinet::mount_with(div.clone(), opts(""), fake.api()).unwrap();
    let w = inline(&div);
    w.wait_step("sign-in").await;
    assert_eq!(w.text("h3"), "Вход в кабинет");

    w.type_in("#zw-phone", "89035550011");
    assert_eq!(w.value("#zw-phone"), "+7 (903) 555-00-11");
    w.click("[data-testid=submit]");
    w.shows("#zw-code").await;
    assert_eq!(fake.calls_named("code"), ["code 79035550011"]);
    let resend = w.q("[data-testid=resend]");
    assert!(
        resend.has_attribute("disabled"),
        "no resend during the cooldown"
    );
    assert!(
        w.text("[data-testid=resend]").contains("0:3")
            || w.text("[data-testid=resend]").contains("0:2"),
        "the cooldown is shown: {}",
        w.text("[data-testid=resend]")
    );

    w.type_in("#zw-code", CODE);
    w.click("[data-testid=submit]");
    w.shows("#zw-name").await;
    assert!(w.text("[data-testid=new-here]").contains("впервые"));
    assert!(
        w.find("[data-testid=error]").is_none(),
        "asking the name is no error"
    );
    w.type_in("#zw-name", "Ольга");
    w.click("[data-testid=submit]");
    w.wait_step("visits").await;

    let last = fake.sign_ins.borrow().last().cloned().unwrap();
    assert_eq!(
        last,
        protocol::cabinet::SignIn::Sms {
            phone: "+7 (903) 555-00-11".into(),
            code: CODE.into(),
            name: Some("Ольга".into()),
        }
    );
    let kept = kept_session().expect("the session is kept in the site's localStorage");
    assert!(fake.sessions.borrow().contains(&kept));
    assert_eq!(
        flex_direction(&w, ".zc-main"),
        "column",
        "on a phone the sections are a row of tabs above the screen"
    );
    div.remove();
    keep_session(None);
}

#[wasm_bindgen_test]
async fn on_a_wide_screen_the_sections_stand_beside_the_screen() {
    let fake = FakeCabinet::new();
    keep_session(Some(&fake.session()));
    let div = container(900);
    widget::cabinet::mount_with(div.clone(), opts(""), fake.api()).unwrap();
    let w = inline(&div);
    w.wait_step("visits").await;
    assert_eq!(flex_direction(&w, ".zc-main"), "row");
    assert_eq!(
        w.attr("[data-testid=tab-visits]", "aria-current")
            .as_deref(),
        Some("page")
    );
    div.remove();
    keep_session(None);
}

#[wasm_bindgen_test]
async fn a_wrong_code_is_said_and_the_client_can_try_again() {
    keep_session(None);
    let fake = FakeCabinet::new();
    let w = open_cabinet(&fake, opts("")).await;
    w.type_in("#zw-phone", PHONE);
    w.click("[data-testid=submit]");
    w.shows("#zw-code").await;
    w.type_in("#zw-code", "0000");
    w.click("[data-testid=submit]");
    w.shows("[data-testid=error]").await;
    assert_eq!(
        w.attr("[data-testid=error]", "data-code").as_deref(),
        Some("wrong_code")
    );
    w.type_in("#zw-code", CODE);
    w.click("[data-testid=submit]");
    w.wait_step("visits").await;
    embed::close();
    keep_session(None);
}

#[wasm_bindgen_test]
async fn a_password_typed_in_the_russian_layout_or_with_caps_lock_gets_a_hint() {
    keep_session(None);
    let fake = FakeCabinet::new();
    let w = open_cabinet(&fake, opts("")).await;
    w.click("[data-testid=by-email]");
    w.shows("#zw-password").await;
    assert_eq!(w.attr("#zw-password", "type").as_deref(), Some("password"));
    w.type_in("#zw-password", "gfhjkm");
    tick().await;
    assert!(w.find("[data-testid=password-layout]").is_none());
    w.type_in("#zw-password", "пароль");
    w.shows("[data-testid=password-layout]").await;
    assert!(
        w.text("[data-testid=password-layout]")
            .contains("раскладка")
    );

    let init = web_sys::KeyboardEventInit::new();
    init.set_key("A");
    init.set_bubbles(true);
    init.set_modifier_caps_lock(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    w.q("#zw-password").dispatch_event(&ev).unwrap();
    w.shows("[data-testid=password-caps]").await;
    assert!(w.text("[data-testid=password-caps]").contains("Caps Lock"));
    embed::close();
}

#[wasm_bindgen_test]
async fn a_password_with_any_characters_then_the_sms_second_step_signs_in() {
    keep_session(None);
    let fake = FakeCabinet::new();
    *fake.second_step.borrow_mut() = true;
    let w = open_cabinet(&fake, opts("")).await;
    w.click("[data-testid=by-email]");
    w.shows("#zw-email").await;
    w.type_in("#zw-email", EMAIL);
    w.type_in("#zw-password", PASSWORD);
    w.click("[data-testid=submit]");
    w.wait_step("second-step").await;
    assert!(
        w.text("[data-step=second-step]")
            .contains("+7 916 ***-**-67")
    );
    assert_eq!(kept_session(), None, "not kept before the second step");
    sleep(20).await;
    assert_eq!(
        w.focused().map(|e| e.tag_name()).as_deref(),
        Some("H3"),
        "focus moves to the new screen's heading"
    );
    w.type_in("#zw-code", CODE);
    w.click("[data-testid=submit]");
    w.wait_step("visits").await;
    assert!(kept_session().is_some());
    embed::close();
    keep_session(None);
}

#[wasm_bindgen_test]
async fn a_booking_receipt_opens_the_cabinet_signed_in() {
    keep_session(None);
    let fake = FakeCabinet::new();
    let w = open_cabinet(&fake, opts(r#","receipt":"receipt-1""#)).await;
    w.wait_step("visits").await;
    assert_eq!(
        fake.sign_ins.borrow()[0],
        protocol::cabinet::SignIn::Booking {
            receipt: "receipt-1".into()
        }
    );
    embed::close();
    keep_session(None);
}

#[wasm_bindgen_test]
async fn a_session_that_ended_returns_to_sign_in() {
    let fake = FakeCabinet::new();
    keep_session(Some("stolen-or-expired"));
    let w = open_cabinet(&fake, opts("")).await;
    w.wait_step("sign-in").await;
    w.shows("[data-testid=notice]").await;
    assert!(w.text("[data-testid=notice]").contains("войдите снова"));
    assert_eq!(kept_session(), None, "the dead session is forgotten");
    assert!(
        w.find("[data-testid=tab-visits]").is_none(),
        "no sections before sign-in"
    );

    // Signed in, then the server ends the session: the next call returns to sign-in.
    let s = fake.session();
    keep_session(Some(&s));
    let w = open_cabinet(&fake, opts("")).await;
    w.wait_step("visits").await;
    fake.sessions.borrow_mut().clear();
    w.click("[data-testid=tab-balances]");
    w.wait_step("sign-in").await;
    embed::close();
}

#[wasm_bindgen_test]
async fn the_cabinet_speaks_english() {
    let fake = FakeCabinet::new();
    keep_session(Some(&fake.session()));
    let o = widget::options::Options::parse(
        r#"{"site":"demo","api":"http://127.0.0.1:9/","lang":"en"}"#,
    )
    .unwrap();
    let w = open_cabinet(&fake, o).await;
    w.wait_step("visits").await;
    assert_eq!(w.text("#zc-title"), "My account");
    w.shows("[data-testid=visit-101]").await;
    assert!(
        w.text("[data-testid=visit-101] [data-testid=cancel-rule]")
            .contains("You can cancel until 11 March 10:00"),
        "{}",
        w.text("[data-testid=visit-101] [data-testid=cancel-rule]")
    );
    embed::set_language("ru");
    tick().await;
    assert_eq!(w.text("#zc-title"), "Личный кабинет");
    embed::close();
    keep_session(None);
}

#[wasm_bindgen_test]
async fn escape_closes_the_cabinet_modal() {
    let fake = FakeCabinet::new();
    keep_session(Some(&fake.session()));
    let w = open_cabinet(&fake, opts("")).await;
    w.key("[data-testid=cabinet]", "Escape", false);
    tick().await;
    assert!(modal().is_none());
    keep_session(None);
    drop(w);
}

#[wasm_bindgen_test]
async fn a_booking_that_proved_the_phone_offers_to_open_the_cabinet() {
    fake_zapis();
    let fake = Fake::new();
    *fake.receipt.borrow_mut() = Some("receipt-1".into());
    let w = open(&fake, opts("")).await;
    w.choose_up_to_contact(10, 5).await;
    w.fill_contact().await;
    w.click("[data-testid=submit]");
    w.wait_step("success").await;
    w.click("[data-testid=open-cabinet]");
    tick().await;
    assert_eq!(zapis_calls(), [r#"["cabinet",{"receipt":"receipt-1"}]"#]);
    assert!(modal().is_none(), "the booking's modal closed first");

    // No receipt (the phone was not proved): no such button.
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    w.choose_up_to_contact(10, 5).await;
    w.fill_contact().await;
    w.click("[data-testid=submit]");
    w.wait_step("success").await;
    assert!(w.find("[data-testid=open-cabinet]").is_none());
    embed::close();
}

#[wasm_bindgen_test]
async fn the_cabinet_wears_the_salons_brand_colour_and_dark_mode_like_the_booking_widget() {
    keep_session(None);
    let fake = FakeCabinet::new();
    let div = container(600);
    widget::cabinet::mount_with(div.clone(), opts(""), fake.api()).unwrap();
    let w = inline(&div);
    w.wait_step("sign-in").await;
    w.wait(
        |w| w.q(".zw-app").get_attribute("data-theme").as_deref() == Some("dark"),
        "the site's theme applied",
    )
    .await;
    let style = w.q(".zw-app").get_attribute("style").unwrap_or_default();
    assert!(style.contains(BRAND), "the brand colour is set: {style}");
    assert_eq!(fake.calls_named("theme").len(), 1);
    div.remove();
}
