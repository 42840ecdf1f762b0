//! The booking flow against the fake API, in a real browser: every step to success, Back,
//! several services, any master.

mod common;

use common::*;
use wasm_bindgen_test::*;
use widget::embed;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_whole_flow_books_and_tells_the_host_page() {
    let fake = Fake::new();
    let booked = Events::listen("booked");
    let ctx = r#","ctx":{"vid":"0123456789abcdef0123456789abcdef","sid":"fedcba9876543210fedcba9876543210","last":{"ch":"paid","source":"yandex","ts":5}}"#;
    let w = open(&fake, opts(ctx)).await;
    assert_eq!(
        w.step(),
        "services",
        "one branch: the branch step is skipped"
    );
    w.choose_up_to_contact(10, 5).await;
    assert!(
        w.text("[data-testid=summary]").contains("Женская стрижка"),
        "{}",
        w.text("[data-testid=summary]")
    );
    assert!(w.text("[data-testid=summary]").contains("Анна"));
    assert!(
        w.text("[data-testid=summary]")
            .contains("Ср, 12 марта, 10:00"),
        "{}",
        w.text("[data-testid=summary]")
    );
    assert!(
        w.find("#zw-email").is_none(),
        "no email field unless the company wants one"
    );
    assert_eq!(w.attr("#zw-name", "maxlength").as_deref(), Some("100"));
    w.fill_contact().await;
    assert_eq!(
        w.value("#zw-phone"),
        "+7 (916) 123-45-67",
        "the phone is masked as typed"
    );
    w.click("[data-testid=submit]");
    w.wait_step("success").await;

    let (key, req) = fake.bookings.borrow()[0].clone();
    assert_eq!(key.len(), 32, "a fresh 128-bit Idempotency-Key");
    assert_eq!(
        (req.branch, req.services.clone(), req.staff),
        (1, vec![10], 5)
    );
    assert_eq!(req.datetime, format!("{DAY}T10:00:00+03:00"));
    assert_eq!(
        (req.name.as_str(), req.phone.as_str(), req.consent),
        ("Мария", "+7 (916) 123-45-67", true)
    );
    assert_eq!(req.code, None);
    let attribution = req
        .attribution
        .expect("the tracker context goes with the booking");
    assert_eq!(attribution.vid, "0123456789abcdef0123456789abcdef");
    assert_eq!(attribution.last.unwrap().source.as_deref(), Some("yandex"));

    assert!(w.text("[data-step=success] h3").contains("Вы записаны"));
    assert!(w.text("[data-testid=summary]").contains("ул. Пушкина, 1"));
    let ics = w.attr("[data-testid=ics]", "href").unwrap();
    assert!(ics.starts_with("data:text/calendar"), "{ics}");
    let ics = js_sys::decode_uri_component(&ics)
        .unwrap()
        .as_string()
        .unwrap();
    assert!(
        ics.contains("DTSTART:20310312T070000Z") && ics.contains("DTEND:20310312T080000Z"),
        "{ics}"
    );
    assert_eq!(
        w.attr("[data-testid=cancel-link]", "href").as_deref(),
        Some("https://zapis.example/b/bk1?hash=x")
    );
    assert_eq!(booked.seen.borrow().len(), 1);
    assert!(
        booked.seen.borrow()[0].contains(r#""id":"bk1""#),
        "{}",
        booked.seen.borrow()[0]
    );
    assert!(
        !booked.seen.borrow()[0].contains("hash="),
        "the cancel link stays out of the host page's analytics"
    );

    let closed = Events::listen("close");
    w.click("[data-testid=done]");
    tick().await;
    assert!(modal().is_none(), "Done closes the modal");
    assert_eq!(closed.seen.borrow().len(), 1);
}

#[wasm_bindgen_test]
async fn back_keeps_every_choice() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    assert!(
        w.q("[data-testid=back]").has_attribute("disabled"),
        "no Back on the first step"
    );
    w.choose_up_to_contact(20, 6).await;
    w.type_in("#zw-name", "Пётр");

    w.click("[data-testid=back]");
    w.wait_step("time").await;
    assert_eq!(
        w.attr("[data-time='10:00']", "aria-current").as_deref(),
        Some("true")
    );
    w.click("[data-testid=back]");
    w.wait_step("date").await;
    w.shows(&format!("[data-date='{DAY}']")).await;
    assert!(
        w.attr(&format!("[data-date='{DAY}']"), "class")
            .unwrap()
            .contains("zw-on")
    );
    w.click("[data-testid=back]");
    w.wait_step("staff").await;
    w.shows("[data-testid=staff-6]").await;
    assert_eq!(
        w.attr("[data-testid=staff-6]", "aria-current").as_deref(),
        Some("true")
    );
    assert_eq!(w.attr("[data-testid=staff-5]", "aria-current"), None);
    w.click("[data-testid=back]");
    w.wait_step("services").await;
    w.shows("[data-testid=service-20]").await;
    assert!(w.checked("[data-testid=service-20]") && !w.checked("[data-testid=service-10]"));

    // Forward again: nothing was lost, and nothing was fetched twice.
    w.click("[data-testid=next]");
    w.master_to_contact(6).await;
    assert_eq!(
        w.value("#zw-name"),
        "Пётр",
        "typed text survives Back and forth"
    );
    assert_eq!(fake.calls_named("staff").len(), 1);
    assert_eq!(fake.calls_named("times").len(), 1);
    embed::close();
}

#[wasm_bindgen_test]
async fn several_services_go_in_one_booking() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    w.shows("[data-testid=service-10]").await;
    assert!(
        w.q("[data-testid=next]").has_attribute("disabled"),
        "nothing chosen yet"
    );
    assert_eq!(
        w.all("fieldset legend")
            .iter()
            .map(|l| l.text_content().unwrap())
            .collect::<Vec<_>>(),
        ["Стрижки", "Окрашивание"]
    );
    assert!(
        w.text("label.zw-svc:first-of-type")
            .contains("1\u{a0}500–2\u{a0}500\u{a0}₽"),
        "a range is from–to"
    );
    w.click("[data-testid=service-10]");
    w.click("[data-testid=service-20]");
    w.click("[data-testid=service-11]");
    w.click("[data-testid=service-11]");
    tick().await;
    assert_eq!(
        w.text("[data-testid=services-total]"),
        "Выбрано: 2 услуги · 4\u{a0}500–7\u{a0}000\u{a0}₽ · 2\u{a0}ч 30\u{a0}мин"
    );

    w.type_in("[data-testid=service-search]", "окраш");
    tick().await;
    assert_eq!(w.all("label.zw-svc").len(), 1, "search narrows the list");
    w.type_in("[data-testid=service-search]", "нет такой");
    tick().await;
    assert!(w.find(".zw-empty").is_some());
    w.type_in("[data-testid=service-search]", "");
    tick().await;

    w.click("[data-testid=next]");
    w.wait_step("staff").await;
    assert_eq!(fake.calls_named("staff"), ["staff 1 10,20"]);
    w.master_to_contact(5).await;
    w.fill_contact().await;
    w.click("[data-testid=submit]");
    w.wait_step("success").await;
    assert_eq!(fake.bookings.borrow()[0].1.services, [10, 20]);
    assert!(
        w.text("[data-testid=summary]")
            .contains("Женская стрижка, Окрашивание корней")
    );
    embed::close();
}

#[wasm_bindgen_test]
async fn any_master_books_with_staff_zero() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    w.tap("[data-testid=service-10]").await;
    tick().await;
    w.click("[data-testid=next]");
    w.shows("[data-testid=staff-0]").await;
    let any = w.text("[data-testid=staff-0]");
    assert!(
        any.contains("Любой мастер") && any.contains("Ближайшее время: Ср, 12 марта, 15:00"),
        "{any}"
    );
    assert!(w.text("[data-testid=staff-5]").contains("Топ-стилист"));
    assert!(w.text("[data-testid=staff-5]").contains("Рейтинг 4,9 из 5"));
    assert!(
        w.q("[data-testid=staff-7]").has_attribute("disabled"),
        "a master who can't do it is not offered"
    );
    w.click("[data-testid=staff-0]");
    w.shows(&format!("[data-date='{DAY}']")).await;
    assert_eq!(fake.calls_named("dates"), ["dates 1 10 0"]);
    w.click(&format!("[data-date='{DAY}']"));
    w.tap("[data-time='10:00']").await;
    w.wait_step("contact").await;
    assert!(w.text("[data-testid=summary]").contains("Любой мастер"));
    w.fill_contact().await;
    w.click("[data-testid=submit]");
    w.wait_step("success").await;
    assert_eq!(fake.bookings.borrow()[0].1.staff, 0);
    embed::close();
}

#[wasm_bindgen_test]
async fn a_booking_fires_the_sites_goals_and_tells_the_tracker() {
    let fake = Fake::new();
    fake.site.borrow_mut().goals = protocol::site::Goals {
        metrika: Some("98765432".into()),
        ga4: true,
    };
    // The page's Metrica, its GTM data layer, and embed.js's zapis(), recording their calls.
    js_sys::eval(
        "window.ymCalls = []; window.ym = (...a) => ymCalls.push(a); window.dataLayer = []; \
         window.zapisCalls = []; window.zapis = (...a) => zapisCalls.push(a);",
    )
    .unwrap();
    // embed.js passes the tracker's context as its JSON text.
    let ctx = r#","ctx":"{\"vid\":\"0123456789abcdef0123456789abcdef\",\"sid\":\"fedcba9876543210fedcba9876543210\",\"first\":null,\"last\":null}""#;
    let w = open(&fake, opts(ctx)).await;
    w.choose_up_to_contact(10, 5).await;
    w.fill_contact().await;
    w.click("[data-testid=submit]");
    w.wait_step("success").await;
    let read = |js: &str| {
        js_sys::JSON::stringify(&js_sys::eval(js).unwrap())
            .unwrap()
            .as_string()
            .unwrap()
    };
    assert_eq!(
        read("ymCalls"),
        r#"[[98765432,"reachGoal","zapis_booked"]]"#
    );
    let layer = read("dataLayer");
    assert!(
        layer.starts_with(r#"[{"event":"zapis_booked","zapis":{"id":"bk1""#),
        "{layer}"
    );
    let tracker = read("zapisCalls");
    assert!(
        tracker.contains(r#"["track","",null,1]"#)
            && tracker.contains(r#"["track","",{"id":"bk1""#),
        "widget_open (1) and booked (2) go to the tracker: {tracker}"
    );
    assert!(tracker.ends_with(",2]]"), "{tracker}");
    let attribution = fake.bookings.borrow()[0].1.attribution.clone();
    assert_eq!(
        attribution.map(|a| a.vid).as_deref(),
        Some("0123456789abcdef0123456789abcdef"),
        "the context given as JSON text reaches the booking"
    );
    js_sys::eval("delete window.ym; delete window.dataLayer; delete window.zapis;").unwrap();
    embed::close();
}

/// The draft this tab keeps for the site, as JSON text.
fn kept() -> String {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
        .get_item("zapis_draft_demo")
        .unwrap()
        .unwrap_or_default()
}

/// `window.confirm` answers `yes` and counts the questions (`window.__asked`).
fn confirm_answers(yes: bool) {
    js_sys::eval(&format!(
        "window.__asked = 0; window.confirm = () => {{ window.__asked++; return {yes}; }}"
    ))
    .unwrap();
}

fn asked() -> f64 {
    js_sys::eval("window.__asked").unwrap().as_f64().unwrap()
}

#[wasm_bindgen_test]
async fn a_closed_or_reloaded_widget_reopens_where_the_visitor_was_but_never_with_the_code() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    w.choose_up_to_contact(20, 6).await;
    w.type_in("#zw-name", "Пётр");
    w.type_in("#zw-phone", "89161234567");
    tick().await;
    let draft = kept();
    assert!(
        draft.contains("Пётр") && draft.contains("\"step\":\"contact\""),
        "{draft}"
    );
    assert!(!draft.contains("code"), "no SMS code is kept: {draft}");

    // × on a filled form asks first; "no" keeps it open.
    confirm_answers(false);
    w.click("[data-testid=close]");
    assert_eq!(asked(), 1.0);
    assert!(modal().is_some(), "the visitor chose to stay");
    confirm_answers(true);
    w.click("[data-testid=close]");
    assert!(modal().is_none());

    // Opening again (or a reload: a new mount reads the same storage) is where they were.
    embed::open_with(opts_keeping(""), fake.api()).unwrap();
    let w = modal().unwrap();
    w.wait_step("contact").await;
    assert_eq!(w.value("#zw-name"), "Пётр");
    assert_eq!(
        w.value("#zw-phone")
            .chars()
            .filter(char::is_ascii_digit)
            .count(),
        11
    );
    w.click("[data-testid=back]");
    w.wait_step("time").await;
    assert_eq!(
        w.attr("[data-time='10:00']", "aria-current").as_deref(),
        Some("true"),
        "the chosen time is back too"
    );
    embed::close();

    // A trigger that preselects another service starts afresh.
    embed::open_with(opts_keeping(r#","service":"10""#), fake.api()).unwrap();
    let w = modal().unwrap();
    w.wait_step("staff").await;
    confirm_answers(true);
    embed::close();
}

#[wasm_bindgen_test]
async fn the_phones_back_button_steps_back_inside_the_modal_and_closes_it_at_the_start() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    let history = web_sys::window().unwrap().history().unwrap();
    w.choose_up_to_contact(20, 6).await;
    history.back().unwrap();
    w.wait_step("time").await;
    history.back().unwrap();
    w.wait_step("date").await;
    for _ in 0..2 {
        history.back().unwrap();
        sleep(50).await;
    }
    w.wait_step("services").await;
    assert!(modal().is_some());
    history.back().unwrap();
    for _ in 0..100 {
        if modal().is_none() {
            break;
        }
        sleep(10).await;
    }
    assert!(modal().is_none(), "Back on the first step closes the modal");
}
