//! The signed-in cabinet against a fake cabinet API, in a real browser: visits with the salon's
//! rules shown before the buttons, cancel, reschedule through the booking calendar, book again
//! through the booking widget, classes, balances, questions with the unread badge, profile and
//! sign-in methods, signing out, and deleting the account.

mod common;

use std::rc::Rc;

use common::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use widget::embed;

wasm_bindgen_test_configure!(run_in_browser);

/// The cabinet modal, signed in with a session the fake issued, on the visits.
async fn signed_in(fake: &Rc<FakeCabinet>) -> W {
    keep_session(Some(&fake.session()));
    let w = open_cabinet(fake, opts("")).await;
    w.wait_step("visits").await;
    w.shows("[data-testid=visit-101]").await;
    w
}

/// `a` comes before `b` in the document.
fn before(a: &web_sys::Element, b: &web_sys::Element) -> bool {
    a.compare_document_position(b) & web_sys::Node::DOCUMENT_POSITION_FOLLOWING != 0
}

#[wasm_bindgen_test]
async fn each_visit_shows_the_salons_rule_before_its_buttons() {
    let fake = FakeCabinet::new();
    let w = signed_in(&fake).await;
    let open = "[data-testid=visit-101]";
    assert!(w.text(open).contains("Женская стрижка"));
    assert!(
        w.text(open).contains("Ср, 12 марта, 10:00"),
        "{}",
        w.text(open)
    );
    assert_eq!(
        w.text(&format!("{open} [data-testid=cancel-rule]")),
        "Можно отменить до 11 марта 10:00"
    );
    assert_eq!(
        w.text(&format!("{open} [data-testid=reschedule-rule]")),
        "Можно перенести до 11 марта 10:00"
    );
    let rule = w.q(&format!("{open} [data-testid=cancel-rule]"));
    assert!(before(&rule, &w.q(&format!("{open} [data-testid=cancel]"))));
    assert!(before(
        &w.q(&format!("{open} [data-testid=reschedule-rule]")),
        &w.q(&format!("{open} [data-testid=reschedule]"))
    ));

    let locked = "[data-testid=visit-102]";
    assert!(w.find(&format!("{locked} [data-testid=cancel]")).is_none());
    assert!(
        w.find(&format!("{locked} [data-testid=reschedule]"))
            .is_none()
    );
    assert_eq!(
        w.text(&format!("{locked} [data-testid=cancel-rule]")),
        "Отменить онлайн можно было до 11 марта 12:00. Позвоните в салон."
    );
    assert!(
        w.text(&format!("{locked} [data-testid=reschedule-rule]"))
            .contains("не принимает перенос")
    );

    let past = "[data-testid=visit-90]";
    assert!(
        w.text(past).contains("записаны в салоне"),
        "a visit made at the salon"
    );
    assert!(w.text(past).contains("Укладка"));
    assert_eq!(
        w.text(&format!("{past} [data-testid=paid]")),
        "Оплачено: 2\u{a0}500\u{a0}₽"
    );
    assert_eq!(
        w.text(&format!("{past} [data-testid=attendance]")),
        "Визит состоялся"
    );
    embed::close();
}

#[wasm_bindgen_test]
async fn a_visit_is_cancelled_after_a_confirmation() {
    let fake = FakeCabinet::new();
    let w = signed_in(&fake).await;
    w.click("[data-testid=visit-101] [data-testid=cancel]");
    w.shows("[data-testid=cancel-yes]").await;
    assert!(
        fake.calls_named("cancel").is_empty(),
        "nothing before the confirmation"
    );
    w.click("[data-testid=cancel-yes]");
    w.shows("[data-testid=notice]").await;
    assert_eq!(w.text("[data-testid=notice]"), "Визит отменён.");
    assert_eq!(fake.calls_named("cancel"), ["cancel 101"]);
    w.wait(
        |w| w.find("[data-testid=visit-101]").is_none(),
        "the visit gone",
    )
    .await;
    embed::close();
}

#[wasm_bindgen_test]
async fn a_visit_is_moved_to_a_free_time_from_the_calendar() {
    let fake = FakeCabinet::new();
    let w = signed_in(&fake).await;
    w.click("[data-testid=visit-101] [data-testid=reschedule]");
    w.wait_step("reschedule").await;
    assert!(
        w.text("[data-testid=move-now]")
            .contains("Ср, 12 марта, 10:00")
    );
    w.tap("[data-date='2031-03-13']").await;
    assert_eq!(
        fake.calls_named("dates"),
        ["dates 1 [10] 5"],
        "the same services and master"
    );
    w.tap("[data-time='16:00']").await;
    assert_eq!(fake.calls_named("times"), ["times 1 [10] 5 2031-03-13"]);
    w.shows("[data-testid=move-confirm]").await;
    assert!(
        w.text("[data-testid=move-confirm]")
            .contains("Чт, 13 марта, 16:00")
    );
    w.click("[data-testid=move-confirm]");
    w.wait_step("visits").await;
    assert_eq!(
        fake.calls_named("reschedule"),
        ["reschedule 101 2031-03-13T16:00:00+03:00"]
    );
    w.shows("[data-testid=notice]").await;
    assert!(
        w.text("[data-testid=notice]")
            .contains("перенесён на Чт, 13 марта, 16:00")
    );
    embed::close();
}

#[wasm_bindgen_test]
async fn a_time_taken_meanwhile_is_said_and_the_times_are_asked_again() {
    let fake = FakeCabinet::new();
    fake.fail("reschedule", error(409, "slot_taken", None));
    let w = signed_in(&fake).await;
    w.click("[data-testid=visit-101] [data-testid=reschedule]");
    w.tap("[data-date='2031-03-12']").await;
    w.tap("[data-time='11:30']").await;
    w.tap("[data-testid=move-confirm]").await;
    w.shows("[data-testid=error]").await;
    assert_eq!(
        w.attr("[data-testid=error]", "data-code").as_deref(),
        Some("slot_taken")
    );
    w.wait(
        |_| fake.calls_named("times").len() == 2,
        "the times asked again",
    )
    .await;
    assert_eq!(w.step(), "reschedule");
    embed::close();
}

#[wasm_bindgen_test]
async fn book_again_opens_the_booking_widget_with_the_same_services_and_master() {
    fake_zapis();
    let fake = FakeCabinet::new();
    let w = signed_in(&fake).await;
    w.click("[data-testid=visit-90] [data-testid=book-again]");
    tick().await;
    assert_eq!(
        zapis_calls(),
        [r#"["open",{"service":"10,11","staff":"5","branch":"1"}]"#]
    );
    assert!(modal().is_none(), "the cabinet's modal closed first");
    drop(w);
}

#[wasm_bindgen_test]
async fn classes_lists_only_the_sign_ups() {
    let fake = FakeCabinet::new();
    let w = signed_in(&fake).await;
    w.click("[data-testid=tab-classes]");
    w.wait_step("classes").await;
    w.shows("[data-testid=visit-103]").await;
    assert!(w.find("[data-testid=visit-101]").is_none());
    assert!(w.text("[data-testid=visit-103]").contains("Занятие"));
    assert!(
        w.find("[data-testid=visit-103] [data-testid=reschedule]")
            .is_none()
    );
    assert_eq!(
        w.text("[data-testid=visit-103] [data-testid=cancel-rule]"),
        "Можно отменить до начала визита."
    );
    embed::close();
}

#[wasm_bindgen_test]
async fn bonuses_abonements_and_certificates_are_shown() {
    let fake = FakeCabinet::new();
    let w = signed_in(&fake).await;
    w.click("[data-testid=tab-balances]");
    w.wait_step("balances").await;
    w.shows("[data-testid=card-1]").await;
    assert!(w.text("[data-testid=card-1]").contains("Бонусы: 350"));
    assert!(w.text("[data-testid=card-1]").contains("кешбэк 5%"));
    assert!(
        w.text("[data-testid=abonement-2]")
            .contains("Осталось посещений: 8")
    );
    assert!(
        w.text("[data-testid=abonement-2]")
            .contains("Действует до 30 июня 2031")
    );
    assert!(
        w.text("[data-testid=certificate-3]")
            .contains("Баланс: 1\u{a0}500\u{a0}₽ из 3\u{a0}000\u{a0}₽")
    );
    embed::close();
}

#[wasm_bindgen_test]
async fn the_salons_answer_is_read_and_a_new_question_asked() {
    let fake = FakeCabinet::new();
    let w = signed_in(&fake).await;
    w.shows("[data-testid=unread]").await;
    assert!(w.text("[data-testid=unread]").ends_with('1'));
    w.click("[data-testid=tab-questions]");
    w.wait_step("questions").await;
    w.shows("[data-testid=thread-1] [data-testid=new-answer]")
        .await;
    w.click("[data-testid=thread-1]");
    w.wait_step("thread").await;
    w.shows("[data-testid=from-salon]").await;
    assert!(w.text("[data-testid=from-salon]").contains("Да, во дворе"));
    w.wait(
        |w| w.find("[data-testid=unread]").is_none(),
        "the badge gone once read",
    )
    .await;

    w.click("[data-testid=to-questions]");
    w.tap("[data-testid=ask]").await;
    w.wait_step("ask").await;
    let select: web_sys::HtmlSelectElement = w.q("[data-testid=about]").unchecked_into();
    w.wait(|_| select.length() > 1, "the visits to ask about")
        .await;
    select.set_value("90");
    select
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
    w.click("[data-testid=send]");
    tick().await;
    assert!(
        fake.asked.borrow().is_empty(),
        "an empty question is not sent"
    );
    w.type_in("#zw-question", "Можно ли оплатить картой?");
    w.click("[data-testid=send]");
    w.wait_step("thread").await;
    let (thread, ask) = fake.asked.borrow()[0].clone();
    assert_eq!((thread, ask.visit), (None, Some(90)));
    w.shows("[data-testid=from-me]").await;
    assert!(w.text("[data-testid=from-me]").contains("оплатить картой"));
    embed::close();
}

#[wasm_bindgen_test]
async fn the_profile_and_the_password_are_saved() {
    let fake = FakeCabinet::new();
    let w = signed_in(&fake).await;
    w.click("[data-testid=tab-profile]");
    w.wait_step("profile").await;
    w.shows("#zw-name").await;
    assert_eq!(w.value("#zw-name"), "Мария");
    w.type_in("#zw-name", "Мария Иванова");
    w.click("[data-testid=save]");
    w.shows("[data-testid=notice]").await;
    assert_eq!(fake.profiles.borrow()[0].name, "Мария Иванова");
    assert_eq!(
        fake.profiles.borrow()[0].phone,
        None,
        "the phone did not change"
    );

    w.type_in("#zw-login-email", EMAIL);
    w.type_in("#zw-new-password", PASSWORD);
    w.click("[data-testid=second-step]");
    w.click("[data-testid=set-password]");
    w.wait(|_| !fake.passwords.borrow().is_empty(), "the password sent")
        .await;
    let p = fake.passwords.borrow()[0].clone();
    assert_eq!(
        (p.email.as_str(), p.new_password.as_str(), p.second_step),
        (EMAIL, PASSWORD, true)
    );
    embed::close();
}

#[wasm_bindgen_test]
async fn signing_out_everywhere_forgets_the_session() {
    let fake = FakeCabinet::new();
    let w = signed_in(&fake).await;
    w.click("[data-testid=tab-profile]");
    w.tap("[data-testid=sign-out-all]").await;
    w.wait_step("sign-in").await;
    assert_eq!(fake.calls_named("sign_out"), ["sign_out true"]);
    assert_eq!(kept_session(), None);
    embed::close();
}

#[wasm_bindgen_test]
async fn deleting_the_account_says_what_goes_then_what_remains() {
    let fake = FakeCabinet::new();
    let w = signed_in(&fake).await;
    w.click("[data-testid=tab-profile]");
    w.tap("[data-testid=delete]").await;
    w.wait_step("delete").await;
    assert!(
        w.text("[data-testid=delete-what]")
            .contains("вопросы салону")
    );
    assert!(fake.calls_named("delete_account").is_empty());
    w.click("[data-testid=delete-yes]");
    w.wait_step("deleted").await;
    assert!(
        w.text("[data-testid=remains]")
            .contains("история визитов остаются в салоне")
    );
    assert_eq!(kept_session(), None);
    assert!(w.find("[data-testid=tab-visits]").is_none());
    embed::close();
}
