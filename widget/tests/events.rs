//! The events mode in a real browser against a fake API: the week's classes with seats left,
//! the weeks and filters, a full class's next one, the seats (never more than are left), the
//! contact form, the SMS code, success with a calendar file and the cancel link, errors that
//! leave a way forward, both languages.

mod common;
#[path = "events/drive.rs"]
mod drive;
#[path = "events/fake.rs"]
mod fake;

use common::{Events, modal, opts, server_error, tick};
use drive::{open, pick, shown_events, up_to_contact};
use fake::{FIRST, Fake, SECOND};
use wasm_bindgen_test::*;
use widget::{api::ApiError, embed, events, options::Options};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_week_shows_each_class_by_day_with_time_master_length_price_and_seats_left() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    assert_eq!(w.text("[data-testid=week]"), "10 марта – 16 марта");
    let days: Vec<String> = w
        .all(".ze-day")
        .iter()
        .map(|d| d.get_attribute("data-date").unwrap())
        .collect();
    assert_eq!(days, ["2031-03-11", "2031-03-12", "2031-03-14"]);
    assert_eq!(w.text(".ze-day h4"), "Вт, 11 марта");
    let class = w.text("[data-testid=event-101]");
    for part in [
        "19:00",
        "Укладка дома",
        "Анна Соколова",
        "1\u{a0}ч 30\u{a0}мин",
        "2\u{a0}500\u{a0}₽",
        "Осталось 3 места",
    ] {
        assert!(class.contains(part), "{part:?} in {class:?}");
    }
    assert_eq!(
        w.attr("[data-testid=event-101]", "data-left").as_deref(),
        Some("3")
    );
    assert!(
        w.text("[data-testid=event-102]")
            .contains("Осталось 2 места")
    );
    assert_eq!(
        w.q("[data-testid=event-101]").tag_name(),
        "BUTTON",
        "a seat to take: a button"
    );
    assert_eq!(
        fake.calls_named("schedule"),
        ["schedule 1 2031-03-10 cached"]
    );
}

#[wasm_bindgen_test]
async fn the_visitor_goes_to_the_next_week_and_back_but_not_before_the_first() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    assert!(w.q("[data-testid=prev-week]").has_attribute("disabled"));
    w.click("[data-testid=next-week]");
    w.wait(|w| shown_events(w) == ["event-201"], "next week's class")
        .await;
    assert_eq!(w.text("[data-testid=week]"), "17 марта – 23 марта");
    assert!(
        fake.calls_named("schedule")
            .last()
            .unwrap()
            .contains(SECOND)
    );
    w.click("[data-testid=prev-week]");
    w.wait(|w| shown_events(w).len() == 4, "the first week again")
        .await;
    assert!(w.q("[data-testid=prev-week]").has_attribute("disabled"));
    assert_eq!(fake.calls_named("schedule").len(), 3);
    assert!(fake.calls_named("schedule")[2].contains(FIRST));
}

#[wasm_bindgen_test]
async fn filters_by_category_and_master_narrow_the_week_without_asking_again() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    assert_eq!(
        w.attr("#ze-category", "data-testid").as_deref(),
        Some("category")
    );
    assert!(
        w.find("label[for=ze-master]").is_some(),
        "each filter has its label"
    );
    pick(&w, "#ze-category", "2");
    w.wait(|w| shown_events(w) == ["event-102"], "lectures only")
        .await;
    pick(&w, "#ze-category", "1");
    pick(&w, "#ze-master", "6");
    w.wait(
        |w| shown_events(w) == ["event-103", "event-104"],
        "her classes",
    )
    .await;
    pick(&w, "#ze-master", "5");
    pick(&w, "#ze-category", "2");
    w.shows("[data-testid=no-events]").await;
    assert!(w.text("[data-testid=no-events]").contains("фильтры"));
    assert_eq!(
        fake.calls_named("schedule").len(),
        1,
        "the week is asked for once"
    );
}

#[wasm_bindgen_test]
async fn a_full_class_says_so_and_offers_the_next_one_of_the_same_service() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    let full = w.q("[data-testid=event-103]");
    assert!(full.has_attribute("data-full"));
    assert_ne!(full.tag_name(), "BUTTON", "a full class cannot be picked");
    assert!(w.text("[data-testid=event-103]").contains("Мест нет"));
    let offer = w.q("[data-testid=event-103] [data-testid=next-event]");
    assert_eq!(offer.get_attribute("data-event").as_deref(), Some("104"));
    assert!(
        offer
            .text_content()
            .unwrap()
            .contains("Пт, 14 марта, 20:00")
    );
    w.click("[data-testid=event-103] [data-testid=next-event]");
    w.wait_step("seats").await;
    assert!(
        w.text("[data-testid=summary]")
            .contains("Пт, 14 марта, 20:00")
    );
}

#[wasm_bindgen_test]
async fn seats_go_from_one_to_the_seats_left_never_past_them_nor_the_salons_maximum() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    w.click("[data-testid=event-102]");
    w.wait_step("seats").await;
    assert_eq!(w.text("[data-testid=seats]"), "1");
    assert!(w.q("[data-testid=seats-minus]").has_attribute("disabled"));
    w.click("[data-testid=seats-plus]");
    tick().await;
    assert_eq!(w.text("[data-testid=seats]"), "2");
    assert!(
        w.q("[data-testid=seats-plus]").has_attribute("disabled"),
        "two seats left"
    );
    w.click("[data-testid=seats-plus]");
    tick().await;
    assert_eq!(w.text("[data-testid=seats]"), "2");
    assert!(
        w.text("[data-testid=summary]")
            .contains("2\u{a0}000\u{a0}₽"),
        "the price of both"
    );
    // Six left, the salon takes four per sign-up.
    w.click("[data-testid=back]");
    w.wait_step("schedule").await;
    w.tap("[data-testid=event-104]").await;
    w.wait_step("seats").await;
    for _ in 0..6 {
        w.click("[data-testid=seats-plus]");
        tick().await;
    }
    assert_eq!(w.text("[data-testid=seats]"), "4");
    assert!(w.text("[data-testid=seats-limit]").ends_with("не больше 4"));
}

#[wasm_bindgen_test]
async fn a_sign_up_for_two_carries_the_ad_and_ends_with_a_calendar_file_and_the_cancel_link() {
    let fake = Fake::new();
    fake.site.borrow_mut().goals = protocol::site::Goals {
        metrika: Some("4242".into()),
        ga4: false,
    };
    js_sys::eval("window.ymCalls = []; window.ym = (...a) => ymCalls.push(a);").unwrap();
    let booked = Events::listen("booked");
    let ctx = r#","ctx":{"vid":"v1","sid":"s1","last":{"ch":"paid","source":"yandex","medium":"cpc","campaign":"spring","ts":1}}"#;
    let w = open(&fake, opts(ctx)).await;
    up_to_contact(&w, 101, 2).await;
    assert!(w.text("[data-testid=summary]").contains("Укладка дома"));
    w.click("[data-testid=submit]");
    w.wait_step("success").await;

    let (key, req) = fake.signups.borrow()[0].clone();
    assert_eq!((req.branch, req.event, req.seats), (1, 101, 2));
    assert_eq!(
        (req.name.as_str(), req.consent, req.code.as_deref()),
        ("Мария", true, None)
    );
    let touch = req
        .attribution
        .expect("the tracker's context")
        .last
        .unwrap();
    assert_eq!(touch.campaign.as_deref(), Some("spring"));
    assert!(key.len() >= 16);

    let summary = w.text("[data-testid=summary]");
    assert!(
        summary.contains("Укладка дома") && summary.contains("5\u{a0}000\u{a0}₽"),
        "{summary}"
    );
    let ics = w.attr("[data-testid=ics]", "href").unwrap();
    assert!(ics.starts_with("data:text/calendar"));
    let ics = String::from(js_sys::decode_uri_component(&ics).unwrap());
    assert!(
        ics.contains("SUMMARY:Укладка дома") && ics.contains("DTSTART:20310311T160000Z"),
        "{ics}"
    );
    assert_eq!(
        w.attr("[data-testid=cancel-link]", "href").as_deref(),
        Some("https://zapis.example/cancel/demo/su1?t=h")
    );
    let goal = js_sys::JSON::stringify(&js_sys::eval("ymCalls").unwrap()).unwrap();
    assert_eq!(
        String::from(goal),
        r#"[[4242,"reachGoal","zapis_booked"]]"#,
        "the site's Metrica goal, as for a booking"
    );
    js_sys::eval("delete window.ym;").unwrap();
    let detail = booked.seen.borrow()[0].clone();
    for part in [
        r#""kind":"event_signup""#,
        r#""seats":2"#,
        r#""event":101"#,
        r#""id":"su1""#,
    ] {
        assert!(detail.contains(part), "{part} in {detail}");
    }
    assert!(
        !detail.contains("cancel"),
        "the cancel link stays out of analytics: {detail}"
    );
    w.click("[data-testid=done]");
    assert!(modal().is_none(), "Done closes the modal");
}

#[wasm_bindgen_test]
async fn inline_after_a_sign_up_the_schedule_shows_the_seats_that_are_left_now() {
    let fake = Fake::new();
    let host = common::document().create_element("div").unwrap();
    common::document()
        .body()
        .unwrap()
        .append_child(&host)
        .unwrap();
    events::mount_with(host.clone(), opts(""), fake.api()).unwrap();
    let w = common::inline(&host);
    w.wait_step("schedule").await;
    w.shows("[data-testid=event-101]").await;
    assert_eq!(
        w.attr("[role=region]", "data-mode").as_deref(),
        Some("events")
    );
    up_to_contact(&w, 101, 2).await;
    w.click("[data-testid=submit]");
    w.wait_step("success").await;
    w.click("[data-testid=done]");
    w.wait_step("schedule").await;
    w.wait(
        |w| w.attr("[data-testid=event-101]", "data-left").as_deref() == Some("1"),
        "one seat left",
    )
    .await;
    assert!(
        w.text("[data-testid=event-101]")
            .contains("Осталось 1 место")
    );
    assert_eq!(
        fake.calls_named("schedule").last().unwrap(),
        "schedule 1 2031-03-10 fresh"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn a_branch_that_asks_for_an_sms_code_gets_it_before_the_sign_up() {
    let fake = Fake::new();
    fake.tune(|w| w.phone_confirmation = true);
    let w = open(&fake, opts("")).await;
    up_to_contact(&w, 101, 1).await;
    assert_eq!(w.text("[data-testid=submit]"), "Получить код");
    w.click("[data-testid=submit]");
    w.wait_step("code").await;
    assert_eq!(fake.codes.borrow()[0].phone, "+7 (916) 123-45-67");
    assert!(
        fake.signups.borrow().is_empty(),
        "nothing signed up before the code"
    );
    w.type_in("#zw-code", "1234");
    w.click("[data-testid=confirm]");
    w.wait_step("success").await;
    assert_eq!(fake.signups.borrow()[0].1.code.as_deref(), Some("1234"));
}

#[wasm_bindgen_test]
async fn a_network_error_keeps_the_form_and_retries_the_same_attempt() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    up_to_contact(&w, 101, 1).await;
    fake.fail("signup", ApiError::Network);
    w.click("[data-testid=submit]");
    w.shows("[data-testid=retry]").await;
    assert_eq!(w.step(), "contact");
    assert_eq!(w.value("#zw-name"), "Мария", "what was typed is kept");
    w.click("[data-testid=retry]");
    w.wait_step("success").await;
    let keys: Vec<String> = fake
        .signups
        .borrow()
        .iter()
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1], "the retry is the same attempt");
}

#[wasm_bindgen_test]
async fn a_week_that_fails_to_load_offers_a_retry() {
    let fake = Fake::new();
    fake.fail("schedule", ApiError::Network);
    embed::close();
    events::open_with(opts(""), fake.api()).unwrap();
    let w = modal().unwrap();
    w.wait_step("schedule").await;
    w.tap("[data-testid=retry]").await;
    w.shows("[data-testid=event-101]").await;
}

#[wasm_bindgen_test]
async fn seats_gone_meanwhile_send_the_visitor_back_to_the_fresh_week_with_the_reason() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    up_to_contact(&w, 101, 2).await;
    let word = "Осталось мест: 1, а выбрано 2.";
    fake.fail("signup", server_error(409, "event_full", word, None));
    w.click("[data-testid=submit]");
    w.wait_step("schedule").await;
    assert_eq!(w.text("[data-testid=notice]"), word);
    assert_eq!(
        w.attr("[data-testid=notice]", "role").as_deref(),
        Some("alert")
    );
    assert_eq!(
        fake.calls_named("schedule").last().unwrap(),
        "schedule 1 2031-03-10 fresh"
    );
}

#[wasm_bindgen_test]
async fn in_english_the_schedule_counts_seats_and_says_full() {
    let fake = Fake::new();
    let o = Options::parse(r#"{"site":"demo","api":"http://127.0.0.1:9/","lang":"en"}"#).unwrap();
    let w = open(&fake, o).await;
    assert_eq!(w.text("#zw-title"), "Class schedule");
    assert_eq!(w.text("[data-testid=week]"), "10 March – 16 March");
    assert!(w.text("[data-testid=event-101]").contains("3 seats left"));
    assert!(w.text("[data-testid=event-103]").contains("Full"));
    embed::set_language("ru");
    tick().await;
    assert_eq!(w.text("#zw-title"), "Расписание занятий");
}

#[wasm_bindgen_test]
async fn the_modal_is_a_labelled_dialog_with_focus_on_each_screens_heading() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    assert_eq!(
        w.attr("[role=dialog]", "aria-modal").as_deref(),
        Some("true")
    );
    assert_eq!(
        w.attr("[role=dialog]", "aria-labelledby").as_deref(),
        Some("zw-title")
    );
    w.click("[data-testid=event-101]");
    w.wait_step("seats").await;
    w.wait(
        |w| {
            w.focused()
                .is_some_and(|e| e.has_attribute("data-step-title"))
        },
        "focus on the heading",
    )
    .await;
    assert_eq!(w.attr(".ze-stepper", "role").as_deref(), Some("group"));
    w.key("[role=dialog]", "Escape", false);
    assert!(modal().is_none(), "Esc closes");
}
