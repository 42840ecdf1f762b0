//! Single steps against the fake API, in a real browser: the calendar grid, the times, the
//! branches of a chain, preselection from the host page, times said on whose clock, the
//! keyboard in the service list, what loading and errors look like.

mod common;

use common::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use widget::embed;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_calendar_offers_only_free_days_and_is_a_keyboard_grid() {
    let fake = Fake::new();
    let w = open(&fake, opts(r#","service":"10","staff":"5""#)).await;
    w.shows(&format!("[data-date='{DAY}']")).await;
    assert_eq!(w.text("[data-testid=month]"), "Март 2031");
    let free: Vec<String> = w
        .all("[data-date]:not([aria-disabled])")
        .iter()
        .map(|b| b.get_attribute("data-date").unwrap())
        .collect();
    assert_eq!(free, [DAY, "2031-03-13", "2031-03-20"]);
    assert_eq!(w.all("[data-date][aria-disabled=true]").len(), 31 - 3);
    assert_eq!(
        w.attr("[role=grid] thead th", "scope").as_deref(),
        Some("col")
    );
    assert_eq!(
        w.text("[role=grid] thead th"),
        "Пн",
        "weeks start on Monday"
    );
    assert_eq!(
        w.all("[data-date][tabindex='0']").len(),
        1,
        "one day in the tab order"
    );
    assert_eq!(
        w.attr(&format!("[data-date='{DAY}']"), "aria-label")
            .as_deref(),
        Some("12 марта 2031")
    );
    assert_eq!(
        w.text("[data-testid=tz-note]"),
        "Всё время указано по времени Москвы",
        "the branch's clock by its city, whatever the visitor's zone"
    );

    w.click("[data-date='2031-03-14']");
    tick().await;
    assert_eq!(w.step(), "date", "a day without free time can't be chosen");

    w.q(&format!("[data-date='{DAY}']"))
        .unchecked_ref::<web_sys::HtmlElement>()
        .focus()
        .unwrap();
    w.click(&format!("[data-date='{DAY}']"));
    w.wait_step("time").await;
    w.click("[data-testid=back]");
    w.shows(&format!("[data-date='{DAY}']")).await;
    w.key("[role=grid]", "ArrowRight", false);
    sleep(20).await;
    assert_eq!(w.focused_date().as_deref(), Some("2031-03-13"));
    w.key("[role=grid]", "ArrowDown", false);
    sleep(20).await;
    assert_eq!(w.focused_date().as_deref(), Some("2031-03-20"));
    w.key("[role=grid]", "PageDown", false);
    sleep(20).await;
    assert_eq!(w.text("[data-testid=month]"), "Апрель 2031");
    assert_eq!(w.focused_date().as_deref(), Some("2031-04-20"));
    assert!(
        w.q("[data-testid=next-month]").has_attribute("disabled"),
        "no months past the last free day"
    );
    w.click("[data-testid=prev-month]");
    tick().await;
    assert_eq!(w.text("[data-testid=month]"), "Март 2031");
    assert!(w.q("[data-testid=prev-month]").has_attribute("disabled"));
    embed::close();
}

#[wasm_bindgen_test]
async fn times_are_grouped_into_morning_day_and_evening() {
    let fake = Fake::new();
    let w = open(&fake, opts(r#","service":"10","staff":"5""#)).await;
    w.tap(&format!("[data-date='{DAY}']")).await;
    w.shows("[data-time='10:00']").await;
    let groups: Vec<(String, usize)> = w
        .all("[role=group]")
        .iter()
        .map(|g| {
            (
                g.get_attribute("aria-label").unwrap(),
                g.query_selector_all("button").unwrap().length() as usize,
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("Утро".to_owned(), 2),
            ("День".to_owned(), 2),
            ("Вечер".to_owned(), 2)
        ]
    );
    assert_eq!(w.text("[data-testid=time-date]"), "Ср, 12 марта");
    embed::close();
}

#[wasm_bindgen_test]
async fn a_preselected_service_skips_its_step_and_back_still_reaches_it() {
    let fake = Fake::new();
    let w = open(&fake, opts(r#","service":"20""#)).await;
    w.wait_step("staff").await;
    w.click("[data-testid=back]");
    w.wait_step("services").await;
    w.shows("[data-testid=service-20]").await;
    assert!(w.checked("[data-testid=service-20]"));
    embed::close();

    // An id the salon doesn't have is dropped and the visitor chooses.
    let w = open(&fake, opts(r#","service":"999""#)).await;
    w.shows("[data-testid=service-10]").await;
    sleep(20).await;
    assert_eq!(w.step(), "services");
    assert!(w.q("[data-testid=next]").has_attribute("disabled"));
    embed::close();
}

#[wasm_bindgen_test]
async fn a_chain_starts_with_its_branches_unless_one_is_preselected() {
    let fake = Fake::new();
    fake.site
        .borrow_mut()
        .branches
        .push(branch(2, "Лён на Невском"));
    let w = open(&fake, opts("")).await;
    assert_eq!(w.step(), "branch");
    let b2 = w.text("[data-testid=branch-2]");
    assert!(
        b2.contains("Лён на Невском")
            && b2.contains("ул. Пушкина, 2")
            && b2.contains("Ближайшее время: Ср, 12 марта, 10:00"),
        "{b2}"
    );
    w.click("[data-testid=branch-2]");
    w.shows("[data-testid=service-10]").await;
    assert_eq!(fake.calls_named("services"), ["services 2"]);
    w.click("[data-testid=back]");
    w.wait_step("branch").await;
    assert_eq!(
        w.attr("[data-testid=branch-2]", "aria-current").as_deref(),
        Some("true")
    );
    embed::close();

    let w = open(&fake, opts(r#","branch":"2","service":"10","staff":"6""#)).await;
    w.wait_step("date").await;
    assert_eq!(
        fake.calls_named("dates").last().map(String::as_str),
        Some("dates 2 10 6")
    );
    embed::close();
}

/// `HH:MM` of the demo slot (10:00 in Moscow) on this browser's clock, and whether its date
/// is another there.
fn own_clock() -> (String, bool) {
    let d = js_sys::Date::new(&"2031-03-12T10:00:00+03:00".into());
    (
        format!("{:02}:{:02}", d.get_hours(), d.get_minutes()),
        d.get_date() != 12,
    )
}

#[wasm_bindgen_test]
async fn times_are_said_on_the_branchs_clock_by_its_city_and_on_the_visitors_own() {
    let fake = Fake::new();
    let w = open(&fake, opts(r#","service":"10","staff":"5""#)).await;
    w.shows("[data-testid=tz-note]").await;
    w.tap(&format!("[data-date='{DAY}']")).await;
    w.shows("[data-time='10:00']").await;
    assert_eq!(
        w.text("[data-testid=tz-note]"),
        "Всё время указано по времени Москвы"
    );
    w.click("[data-time='10:00']");
    w.wait_step("contact").await;
    let summary = w.text("[data-testid=summary]");
    assert!(
        summary.contains("Ср, 12 марта, 10:00 по времени Москвы"),
        "{summary}"
    );
    let (own, other_day) = own_clock();
    if own == "10:00" && !other_day {
        assert!(!summary.contains("у вас"), "the same clock: {summary}");
    } else {
        assert!(summary.contains("у вас "), "{summary}");
        assert!(summary.contains(&own), "the visitor's own {own}: {summary}");
    }
    embed::set_language("en");
    tick().await;
    let summary = w.text("[data-testid=summary]");
    assert!(
        summary.contains("Wed, 12 March, 10:00 Moscow time"),
        "{summary}"
    );
    embed::set_language("ru");
    w.fill_contact().await;
    w.click("[data-testid=submit]");
    w.wait_step("success").await;
    assert!(
        w.text("[data-testid=summary]")
            .contains("10:00 по времени Москвы")
    );
    embed::close();
}

fn focused_testid(w: &W) -> Option<String> {
    w.focused().and_then(|e| e.get_attribute("data-testid"))
}

#[wasm_bindgen_test]
async fn the_service_list_is_one_tab_stop_and_the_arrows_move_through_it() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    w.shows("[data-testid=service-10]").await;
    let first = w.q("[data-testid=service-10]");
    first
        .unchecked_ref::<web_sys::HtmlElement>()
        .focus()
        .unwrap();
    tick().await;
    let stops: Vec<String> = w
        .all("input[type=checkbox]")
        .iter()
        .map(|b| b.get_attribute("tabindex").unwrap_or_default())
        .collect();
    assert_eq!(
        stops,
        ["0", "-1", "-1"],
        "one tab stop: Tab goes on to Next"
    );
    w.key("[data-testid=service-10]", "ArrowDown", false);
    tick().await;
    assert_eq!(focused_testid(&w).as_deref(), Some("service-11"));
    w.key("[data-testid=service-11]", "ArrowDown", false);
    w.key("[data-testid=service-20]", "ArrowDown", false);
    tick().await;
    assert_eq!(
        focused_testid(&w).as_deref(),
        Some("service-20"),
        "the last one stays"
    );
    assert_eq!(
        w.attr("[data-testid=service-20]", "tabindex").as_deref(),
        Some("0")
    );
    w.key("[data-testid=service-20]", " ", false);
    w.key("[data-testid=service-20]", "ArrowUp", false);
    tick().await;
    assert_eq!(focused_testid(&w).as_deref(), Some("service-11"));
    embed::close();
}

#[wasm_bindgen_test]
async fn the_calendar_loads_in_its_own_shape_without_a_jump() {
    let fake = Fake::new();
    fake.slow.borrow_mut().push("dates");
    let w = open(&fake, opts(r#","service":"10","staff":"5""#)).await;
    w.shows("[data-testid=loading]").await;
    let height = |w: &W| w.q(".zw-dates").get_bounding_client_rect().height();
    let loading = height(&w);
    w.shows(&format!("[data-date='{DAY}']")).await;
    let loaded = height(&w);
    assert!(
        (loading - loaded).abs() <= 40.0,
        "skeleton {loading}px, calendar {loaded}px"
    );
    embed::close();
}

#[wasm_bindgen_test]
async fn a_missing_consent_is_said_above_the_submit_bar_not_under_it() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    w.choose_up_to_contact(10, 5).await;
    w.type_in("#zw-name", "Мария");
    w.type_in("#zw-phone", "89161234567");
    w.type_in("#zw-comment", "Первый визит");
    tick().await;
    w.click("[data-testid=submit]");
    w.wait(
        |w| !w.text("#zw-err-consent").is_empty(),
        "the consent error",
    )
    .await;
    sleep(100).await;
    let error = w.q("#zw-err-consent").get_bounding_client_rect();
    let bar = w.q("[data-testid=submit]").get_bounding_client_rect();
    let bar_top = bar.top() - 12.0;
    assert_eq!(w.focused().map(|e| e.id()).as_deref(), Some("zw-consent"));
    assert!(
        error.bottom() <= bar_top + 1.0,
        "error ends at {}px, the bar starts at {bar_top}px",
        error.bottom()
    );
    embed::close();
}
