//! The pure parts, in the browser: formatting per language, the phone mask and checks, the JSON
//! wire format, the calendar file, the keyed fetch, and how a re-rendered region keeps its
//! listeners (on Leptos).

mod common;

use std::{cell::Cell, rc::Rc};

use common::{document, tick};

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use widget::{
    api::{ApiError, Reply},
    booking::state::{Fetch, Load},
    format::{self, Ymd},
    i18n::Lang,
    ics, validate, wire,
};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn russian_and_english_plurals() {
    let forms = &Lang::Ru.t().services_forms;
    let ru: Vec<String> = [1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111]
        .iter()
        .map(|n| format::count(Lang::Ru, *n, forms))
        .collect();
    assert_eq!(
        ru,
        [
            "1 услуга",
            "2 услуги",
            "4 услуги",
            "5 услуг",
            "11 услуг",
            "12 услуг",
            "14 услуг",
            "21 услуга",
            "22 услуги",
            "25 услуг",
            "101 услуга",
            "111 услуг"
        ]
    );
    let en = &Lang::En.t().services_forms;
    assert_eq!(
        [
            format::count(Lang::En, 1, en),
            format::count(Lang::En, 2, en)
        ],
        ["1 service", "2 services"]
    );
}

#[wasm_bindgen_test]
fn prices_and_durations() {
    assert_eq!(
        format::price(Lang::Ru, 1500.0, 1500.0).unwrap(),
        "1\u{a0}500\u{a0}₽"
    );
    assert_eq!(
        format::price(Lang::Ru, 900.0, 12500.0).unwrap(),
        "900–12\u{a0}500\u{a0}₽"
    );
    assert_eq!(
        format::price(Lang::En, 1234567.5, 0.0).unwrap(),
        "1,234,567.50\u{a0}₽"
    );
    assert_eq!(
        format::price(Lang::Ru, 0.0, 0.0),
        None,
        "no price is shown as none"
    );
    assert_eq!(format::duration(Lang::Ru, 45 * 60), "45\u{a0}мин");
    assert_eq!(format::duration(Lang::Ru, 2 * 3600), "2\u{a0}ч");
    assert_eq!(format::duration(Lang::En, 5400), "1\u{a0}h 30\u{a0}min");
    assert_eq!(
        format::duration(Lang::Ru, 0),
        "",
        "no duration in the catalogue: none shown"
    );
    assert_eq!(
        format::durations(Lang::Ru, 30 * 60, 45 * 60),
        "30\u{a0}мин – 45\u{a0}мин",
        "masters differ"
    );
    assert_eq!(format::durations(Lang::En, 900, 900), "15\u{a0}min");
}

#[wasm_bindgen_test]
fn dates_by_hand() {
    let d = Ymd::parse("2024-02-29").unwrap();
    assert_eq!(d.add_days(1).iso(), "2024-03-01");
    assert_eq!(Ymd::from_days(d.days()), d);
    assert_eq!(Ymd::parse("1970-01-01").unwrap().days(), 0);
    assert_eq!(
        Ymd::parse("2031-03-12").unwrap().weekday(),
        2,
        "a Wednesday"
    );
    assert_eq!(Ymd::parse("2023-02-29"), None);
    assert_eq!(
        Ymd::parse("2031-01-31").unwrap().same_day_months(1).iso(),
        "2031-02-28"
    );
    assert_eq!(
        Ymd::parse("2031-12-15").unwrap().add_months(1).iso(),
        "2032-01-01"
    );
    assert_eq!(format::date_long(Lang::Ru, d), "29 февраля 2024");
    assert_eq!(format::date_short(Lang::En, d), "Thu, 29 February");
    assert_eq!(
        format::when(Lang::Ru, "2031-03-12T09:05:00+03:00"),
        "Ср, 12 марта, 09:05"
    );
    assert_eq!(
        format::to_utc_stamp("2031-03-12T01:30:00+03:00", 0).as_deref(),
        Some("20310311T223000Z")
    );
    assert_eq!(
        format::to_utc_stamp("2031-12-31T23:00:00-05:00", 90).as_deref(),
        Some("20320101T053000Z")
    );
    assert_eq!(
        format::to_utc_stamp("2031-03-12T10:00:00Z", 0).as_deref(),
        Some("20310312T100000Z")
    );
}

#[wasm_bindgen_test]
fn the_phone_mask_and_checks() {
    assert_eq!(
        validate::mask_phone("8 (916) 123 45 67"),
        "+7 (916) 123-45-67"
    );
    assert_eq!(validate::mask_phone("9161234567"), "+7 (916) 123-45-67");
    assert_eq!(
        validate::mask_phone("+7916123456789"),
        "+7 (916) 123-45-67",
        "extra digits are cut"
    );
    assert_eq!(validate::mask_phone("+7 9"), "+7 (9");
    assert_eq!(validate::mask_phone("+"), "+");
    assert_eq!(validate::mask_phone("+375 29 123 45 67"), "+375291234567");
    assert_eq!(validate::drop_last_digit("+7 (916) 1"), "+7 (916");
    let t = Lang::Ru.t();
    assert_eq!(validate::phone_error(t, ""), Some("Укажите телефон"));
    assert_eq!(
        validate::phone_error(t, "+7 (916) 123-45-6"),
        Some("Номер введён не полностью")
    );
    assert_eq!(validate::phone_error(t, "+7 (916) 123-45-67"), None);
    assert_eq!(validate::phone_error(t, "+3752912345"), None);
    assert_eq!(
        validate::phone_error(t, "+3751"),
        Some("Номер введён не полностью")
    );
    assert_eq!(validate::name_error(t, "  "), Some("Укажите имя"));
    assert_eq!(validate::email_error(t, "", false), None);
    assert_eq!(
        validate::email_error(t, "", true),
        Some("Проверьте адрес почты")
    );
    for bad in ["a@b", "@b.ru", "a b@c.ru", "a@@b.ru", "a@.ru"] {
        assert!(validate::email_error(t, bad, false).is_some(), "{bad}");
    }
    assert_eq!(validate::email_error(t, "a.b@c.ru", true), None);
}

#[wasm_bindgen_test]
fn the_wire_format_reads_what_the_server_sends() {
    let v = wire::parse(
        r##"{"site":"demo","lang":"en","theme":{"brand":"#111","radius":"8px","mode":"dark"},
            "branches":[{"id":7,"title":"A","address":"B","timezone":"Asia/Yekaterinburg","phone_confirmation":true,
            "email_required":false,"nearest":"2031-03-12T10:00:00+05:00"}],"privacy_url":"https://p"}"##,
    )
    .unwrap();
    let site = wire::site(&v);
    assert_eq!(
        (
            site.lang.as_str(),
            site.theme.brand.as_str(),
            site.theme.font.as_str()
        ),
        ("en", "#111", "")
    );
    let b = &site.branches[0];
    assert_eq!(
        (
            b.id,
            b.phone_confirmation,
            b.comment_required,
            b.phone.clone()
        ),
        (7, true, false, None)
    );
    assert_eq!(site.privacy_url.as_deref(), Some("https://p"));

    let v = wire::parse(r#"{"categories":[{"id":1,"title":"C"}],"services":[{"id":3,"category_id":1,"title":"S","price_min":100.5,"price_max":200,"duration":1800}]}"#).unwrap();
    let s = &wire::services(&v).services[0];
    assert_eq!(
        (
            s.id,
            s.price_min,
            s.price_max,
            s.duration,
            s.comment.as_str()
        ),
        (3, 100.5, 200.0, 1800, "")
    );

    let v = wire::parse(r#"{"error":{"code":"slot_taken","message":"Занято","times":[{"time":"12:00","datetime":"2031-03-12T12:00:00+03:00","length":3600}]}}"#).unwrap();
    let e = wire::error_detail(&v).unwrap();
    assert_eq!(
        (e.code.as_str(), e.message.as_str(), e.field.clone()),
        ("slot_taken", "Занято", None)
    );
    assert_eq!(e.times.unwrap()[0].time, "12:00");
    assert!(wire::error_detail(&wire::parse(r#"{"oops":1}"#).unwrap()).is_none());
    assert!(
        wire::parse("[1,2]").is_none() && wire::parse("<html>").is_none(),
        "only objects are bodies"
    );
}

#[wasm_bindgen_test]
fn options_and_the_booking_request_round_trip_through_json() {
    let o = widget::Options::parse(
        r#"{"site":"s1","api":"https://z/","service":123,"staff":"0","ctx":{"vid":"v","sid":"s","first":{"ch":"search","referrer":"https://ya.ru/","ts":1}}}"#,
    )
    .unwrap();
    assert_eq!(
        (o.service.as_deref(), o.staff.as_deref(), o.branch.clone()),
        (Some("123"), Some("0"), None)
    );
    let ctx = o.ctx.clone().unwrap();
    assert_eq!(
        ctx.first.as_ref().unwrap().ch,
        protocol::track::Channel::Search
    );
    assert!(
        widget::Options::parse(r#"{"api":"x"}"#).is_err(),
        "a site is required"
    );
    assert!(
        widget::Options::parse(r#"{"site":"s","ctx":null}"#)
            .unwrap()
            .ctx
            .is_none()
    );

    let req = protocol::booking::BookingRequest {
        branch: 1,
        services: vec![2, 3],
        staff: 0,
        datetime: "2031-03-12T10:00:00+03:00".into(),
        name: "Мария".into(),
        phone: "+7 (916) 123-45-67".into(),
        email: None,
        comment: Some("Без опозданий".into()),
        consent: true,
        code: None,
        website: None,
        attribution: o.ctx,
    };
    let json = wire::booking_request(&req);
    let back: protocol::booking::BookingRequest = serde_json::from_str(&json).unwrap();
    assert_eq!(
        back, req,
        "what the widget sends is what the server's types read: {json}"
    );
}

#[wasm_bindgen_test]
fn the_calendar_file() {
    let res = protocol::booking::BookingResult {
        id: "b1".into(),
        branch: "Лён".into(),
        address: "ул. Мира, 1; вход со двора".into(),
        datetime: "2031-03-12T10:00:00+03:00".into(),
        timezone: "Europe/Moscow".into(),
        length: 90,
        services: vec!["Стрижка".into(), "Укладка".into()],
        staff: "Анна".into(),
        price_min: 0.0,
        price_max: 0.0,
        cancel_url: "https://z/c".into(),
        cabinet: None,
    };
    let cal = ics::calendar(&res).unwrap();
    for line in [
        "BEGIN:VCALENDAR\r\n",
        "UID:b1@zapis\r\n",
        "DTSTART:20310312T070000Z\r\n",
        "DTEND:20310312T083000Z\r\n",
        "SUMMARY:Стрижка\\, Укладка\r\n",
        "LOCATION:Лён\\, ул. Мира\\, 1\\; вход со двора\r\n",
        "DESCRIPTION:Анна\\nhttps://z/c\r\n",
        "END:VCALENDAR\r\n",
    ] {
        assert!(cal.contains(line), "{line} in {cal}");
    }
    assert!(ics::data_url(&cal).starts_with("data:text/calendar;charset=utf-8,BEGIN%3AVCALENDAR"));
}

/// A call the test answers by hand: `(future, answer)`.
fn pending_call(calls: &Rc<Cell<u32>>) -> (Reply<u32>, js_sys::Function) {
    calls.set(calls.get() + 1);
    let mut resolve = None;
    let promise = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
    let answer = wasm_bindgen_futures::JsFuture::from(promise);
    let fut = Box::pin(async move {
        answer
            .await
            .ok()
            .and_then(|v| v.as_f64())
            .map(|v| v as u32)
            .ok_or(ApiError::Network)
    });
    (fut, resolve.unwrap())
}

fn answer(with: &js_sys::Function, v: u32) {
    with.call1(&wasm_bindgen::JsValue::NULL, &v.into()).unwrap();
}

#[wasm_bindgen_test]
async fn fetched_values_are_kept_by_key_and_late_answers_are_dropped() {
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let owner = Owner::new();
    let fetch = owner.with(Fetch::<u32>::new);
    let calls = Rc::new(Cell::new(0));
    let ask = |key: &str| {
        let mut answer_with = None;
        fetch.fetch(key.into(), false, || {
            let (fut, a) = pending_call(&calls);
            answer_with = Some(a);
            fut
        });
        answer_with
    };

    let a = ask("a").expect("a first request");
    assert_eq!(fetch.state.get_untracked(), Load::Loading);
    answer(&a, 1);
    tick().await;
    assert_eq!(fetch.state.get_untracked(), Load::Ready(1));
    assert!(ask("a").is_none(), "the same key asks nothing again");
    assert_eq!(calls.get(), 1);

    let (b, c) = (ask("b").unwrap(), ask("c").unwrap());
    answer(&b, 2);
    tick().await;
    assert_eq!(
        fetch.state.get_untracked(),
        Load::Loading,
        "an answer for a key no longer asked is dropped"
    );
    answer(&c, 3);
    tick().await;
    assert_eq!(fetch.state.get_untracked(), Load::Ready(3));

    let d = ask("d").unwrap();
    owner.cleanup();
    answer(&d, 4);
    tick().await;
    assert_eq!(
        fetch.state.try_get_untracked(),
        None,
        "unmounted: the late answer lands nowhere, and nothing panics"
    );
}

#[wasm_bindgen_test]
async fn a_region_takes_its_dom_out_while_its_listeners_still_live() {
    // Removing a focused input fires `blur` in Chromium (not in Firefox); when it does, the
    // input's own listener must still be there to hear it, and writing to a signal of the
    // region being replaced must not panic.
    let root: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    let shown = Rc::new(Cell::new(None));
    let blurs = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let (b, out) = (blurs.clone(), shown.clone());
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let shown = RwSignal::new(0);
        out.set(Some(shown));
        move || {
            let b = b.clone();
            let left = RwSignal::new(0);
            let on_blur = move |_| {
                b.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                left.update(|n| *n += 1);
            };
            view! { <p>{shown.get().to_string()}</p><input on:blur=on_blur/> }
        }
    });
    let shown = shown.get().unwrap();
    let seen = Rc::new(Cell::new(0));
    let s = seen.clone();
    let spy = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || s.set(s.get() + 1));
    root.add_event_listener_with_callback_and_bool("blur", spy.as_ref().unchecked_ref(), true)
        .unwrap();
    let input: web_sys::HtmlElement = root
        .query_selector("input")
        .unwrap()
        .unwrap()
        .unchecked_into();
    input.focus().unwrap();
    shown.set(1);
    tick().await;
    assert_eq!(
        root.query_selector("p")
            .unwrap()
            .unwrap()
            .text_content()
            .as_deref(),
        Some("1"),
        "re-rendered"
    );
    assert_eq!(
        root.query_selector_all("input").unwrap().length(),
        1,
        "the old children are gone"
    );
    assert_eq!(
        blurs.load(std::sync::atomic::Ordering::Relaxed),
        seen.get(),
        "every blur the page saw reached the input's listener"
    );
    drop(handle);
    assert_eq!(
        root.child_element_count(),
        0,
        "unmounting empties the region"
    );
    root.remove();
}

#[wasm_bindgen_test]
fn a_message_time_is_shown_on_the_visitors_own_clock_whatever_zone_the_server_wrote() {
    // The same instant, written in UTC and in Moscow time, reads the same to the visitor.
    let utc = format::local_when(Lang::Ru, "2031-03-01T09:00:00Z");
    let msk = format::local_when(Lang::Ru, "2031-03-01T12:00:00+03:00");
    assert_eq!(utc, msk);
    // …and it is the visitor's clock: the browser's offset applied.
    let offset = js_sys::Date::new(&"2031-03-01T09:00:00Z".into()).get_timezone_offset() as i64;
    let minutes = (9 * 60 - offset).rem_euclid(24 * 60);
    let hhmm = format!("{:02}:{:02}", minutes / 60, minutes % 60);
    assert!(utc.ends_with(&hhmm), "{utc} ends with {hhmm}");
    // Not an instant: shown as written.
    assert_eq!(format::local_when(Lang::En, "soon"), "soon");
}

#[wasm_bindgen_test]
fn hover_styles_apply_only_where_there_is_a_pointer_that_hovers() {
    // On a phone a tap leaves :hover stuck on what was tapped: every :hover rule of the
    // widget's stylesheet sits inside `@media (hover:hover)`.
    let css = widget::style::CSS;
    for (at, _) in css.match_indices(":hover") {
        let before = &css[..at];
        if before.ends_with("(hover") {
            continue;
        }
        let opened = before.rfind("@media (hover:hover){");
        let closed = before.rfind("}}");
        assert!(
            opened.is_some_and(|o| closed.is_none_or(|c| c < o)),
            "a :hover outside @media (hover:hover): …{}",
            &css[at.saturating_sub(40)..at + 6]
        );
    }
    assert!(
        css.contains(":hover"),
        "the widget still shows hover where it can"
    );
}

#[wasm_bindgen_test]
fn weekdays_and_times_read_as_each_language_writes_them() {
    assert_eq!(
        format::date_short(Lang::En, format::Ymd::parse("2031-03-16").unwrap()),
        "Sun, 16 March"
    );
    assert_eq!(
        format::date_short(Lang::Ru, format::Ymd::parse("2031-03-16").unwrap()),
        "Вс, 16 марта"
    );
    // The branch's city, and the visitor's clock only when it reads otherwise.
    let there = format::zoned(Lang::En, "2031-03-16T10:00:00+03:00", "Moscow time");
    assert!(
        there.starts_with("Sun, 16 March, 10:00 Moscow time"),
        "{there}"
    );
    let d = js_sys::Date::new(&"2031-03-16T10:00:00+03:00".into());
    let same = d.get_hours() == 10 && d.get_minutes() == 0 && d.get_date() == 16;
    assert_eq!(!there.contains("your time"), same, "{there}");
}
