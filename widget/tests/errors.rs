//! Every error leaves a way forward: taken slots, network and upstream failures, validation,
//! the SMS code. Against the fake API, in a real browser.

mod common;

use common::*;
use protocol::catalog::Slot;
use wasm_bindgen_test::*;
use widget::{api::ApiError, embed};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn a_taken_slot_returns_to_fresh_times_with_a_message() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    w.choose_up_to_contact(10, 5).await;
    w.fill_contact().await;
    let fresh: Vec<Slot> = vec![slot(DAY, "12:15"), slot(DAY, "17:45")];
    let mut taken = server_error(
        409,
        "slot_taken",
        "Это время только что заняли. Выберите другое.",
        None,
    );
    if let ApiError::Server { detail, .. } = &mut taken {
        detail.times = Some(fresh);
    }
    fake.fail("book", taken);
    w.click("[data-testid=submit]");
    w.wait_step("time").await;
    assert_eq!(
        w.text("[data-testid=notice]"),
        "Это время только что заняли. Выберите другое."
    );
    assert_eq!(
        w.attr("[data-testid=notice]", "role").as_deref(),
        Some("alert")
    );
    let shown: Vec<String> = w
        .all("[data-time]")
        .iter()
        .map(|b| b.get_attribute("data-time").unwrap())
        .collect();
    assert_eq!(
        shown,
        ["12:15", "17:45"],
        "the fresh times of that day, not the stale ones"
    );
    assert_eq!(
        fake.calls_named("times").len(),
        1,
        "they came with the error, no refetch"
    );

    w.click("[data-time='17:45']");
    w.wait_step("contact").await;
    assert!(
        w.find("[data-testid=notice]").is_none(),
        "the message goes with the step"
    );
    assert_eq!(
        (w.value("#zw-name"), w.checked("#zw-consent")),
        ("Мария".to_owned(), true),
        "the form is kept"
    );
    w.click("[data-testid=submit]");
    w.wait_step("success").await;
    let bookings = fake.bookings.borrow();
    assert_eq!(bookings[1].1.datetime, format!("{DAY}T17:45:00+03:00"));
    assert_ne!(
        bookings[0].0, bookings[1].0,
        "a new attempt gets a new Idempotency-Key"
    );
    drop(bookings);
    embed::close();
}

#[wasm_bindgen_test]
async fn a_network_failure_offers_a_retry_that_keeps_the_form_and_the_key() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    w.choose_up_to_contact(10, 5).await;
    w.fill_contact().await;
    fake.fail("book", ApiError::Network);
    fake.fail(
        "book",
        server_error(
            503,
            "upstream_unavailable",
            "YCLIENTS не отвечает. Попробуйте ещё раз.",
            None,
        ),
    );
    w.click("[data-testid=submit]");
    w.shows("[data-testid=retry]").await;
    assert_eq!(w.step(), "contact");
    assert!(
        w.text("[data-testid=error]")
            .contains("Нет связи с сервером"),
        "{}",
        w.text("[data-testid=error]")
    );
    assert_eq!(w.value("#zw-name"), "Мария");
    assert_eq!(w.value("#zw-phone"), "+7 (916) 123-45-67");
    assert!(
        w.find("[data-testid=submit]:not([disabled])").is_some(),
        "the form stays usable"
    );

    w.click("[data-testid=retry]");
    w.wait(
        |w| {
            w.find("[data-testid=error]")
                .is_some_and(|e| e.text_content().unwrap().contains("YCLIENTS"))
        },
        "the upstream error",
    )
    .await;
    w.click("[data-testid=retry]");
    w.wait_step("success").await;
    let keys: Vec<String> = fake
        .bookings
        .borrow()
        .iter()
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(
        keys.iter().all(|k| *k == keys[0]),
        "retries of one attempt reuse its Idempotency-Key: {keys:?}"
    );
    embed::close();
}

#[wasm_bindgen_test]
async fn loading_failures_show_a_retry_instead_of_a_blank_screen() {
    let fake = Fake::new();
    fake.fail("config", ApiError::Network);
    embed::close();
    embed::open_with(opts(""), fake.api()).unwrap();
    let w = modal().unwrap();
    w.shows("[data-testid=retry]").await;
    assert_eq!(w.step(), "start");
    fake.fail(
        "services",
        server_error(502, "upstream_unavailable", "YCLIENTS недоступен", None),
    );
    w.click("[data-testid=retry]");
    w.wait(
        |w| w.step() == "services" && w.find("[data-testid=retry]").is_some(),
        "a retry for the services",
    )
    .await;
    assert_eq!(
        w.attr("[data-testid=error]", "data-code").as_deref(),
        Some("upstream_unavailable")
    );
    assert!(
        w.text("[data-testid=error]")
            .contains("YCLIENTS недоступен")
    );
    w.click("[data-testid=retry]");
    w.shows("[data-testid=service-10]").await;
    assert_eq!(fake.calls_named("services").len(), 2);
    embed::close();
}

#[wasm_bindgen_test]
async fn contact_errors_sit_beside_their_fields_and_are_announced() {
    let fake = Fake::new();
    fake.site.borrow_mut().branches[0].email_required = true;
    let w = open(&fake, opts("")).await;
    w.choose_up_to_contact(10, 5).await;
    assert_eq!(
        w.text("label[for=zw-email]"),
        "Email",
        "required: no \"optional\""
    );
    assert_eq!(
        w.text("label[for=zw-comment]"),
        "Комментарий (необязательно)"
    );
    assert_eq!(
        w.attr("[data-testid=policy]", "href").as_deref(),
        Some("https://salon.example/privacy")
    );
    assert_eq!(
        w.text("#zw-err-name"),
        "",
        "no errors before the visitor does anything"
    );

    w.click("[data-testid=submit]");
    tick().await;
    assert_eq!(w.text("#zw-err-name"), "Укажите имя");
    assert_eq!(w.text("#zw-err-phone"), "Укажите телефон");
    assert_eq!(w.text("#zw-err-email"), "Проверьте адрес почты");
    assert_eq!(w.text("#zw-err-consent"), "Без согласия записаться нельзя");
    assert_eq!(w.text(".zw-form-err"), "Проверьте отмеченные поля");
    assert_eq!(w.attr("#zw-name", "aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        w.attr("#zw-name", "aria-describedby").as_deref(),
        Some("zw-err-name")
    );
    assert_eq!(
        w.attr("#zw-err-name", "aria-live").as_deref(),
        Some("polite")
    );
    assert_eq!(
        w.focused().and_then(|e| e.get_attribute("id")).as_deref(),
        Some("zw-name"),
        "focus goes to the first error"
    );
    assert!(fake.bookings.borrow().is_empty());

    w.type_in("#zw-name", "Мария");
    tick().await;
    assert_eq!(
        (w.text("#zw-err-name"), w.attr("#zw-name", "aria-invalid")),
        (String::new(), Some("false".into())),
        "fixed as typed"
    );
    w.type_in("#zw-phone", "916 12");
    tick().await;
    assert_eq!(w.value("#zw-phone"), "+7 (916) 12");
    assert_eq!(w.text("#zw-err-phone"), "Номер введён не полностью");
    w.type_in("#zw-phone", "+44 20 7946 0958");
    tick().await;
    assert_eq!(
        (w.value("#zw-phone"), w.text("#zw-err-phone")),
        ("+442079460958".to_owned(), String::new()),
        "international numbers"
    );
    w.type_in("#zw-email", "maria@example");
    tick().await;
    assert_eq!(w.text("#zw-err-email"), "Проверьте адрес почты");
    w.type_in("#zw-email", "maria@example.com");
    w.click("#zw-consent");
    tick().await;
    assert_eq!(w.text(".zw-form-err"), "");

    // The server has the last word on the phone; its message lands beside the field.
    fake.fail(
        "book",
        server_error(
            422,
            "invalid_phone",
            "Такого номера не существует",
            Some("phone"),
        ),
    );
    w.click("[data-testid=submit]");
    w.wait(
        |w| !w.text("#zw-err-phone").is_empty(),
        "the server's phone error",
    )
    .await;
    assert_eq!(w.text("#zw-err-phone"), "Такого номера не существует");
    assert_eq!(w.attr("#zw-phone", "aria-invalid").as_deref(), Some("true"));
    w.type_in("#zw-phone", "+44 20 7946 0959");
    tick().await;
    assert_eq!(w.text("#zw-err-phone"), "", "editing the field clears it");
    w.click("[data-testid=submit]");
    w.wait_step("success").await;
    let req = fake.bookings.borrow()[1].1.clone();
    assert_eq!(
        (req.email.as_deref(), req.phone.as_str()),
        (Some("maria@example.com"), "+442079460959")
    );
    embed::close();
}

#[wasm_bindgen_test]
async fn the_sms_code_step_with_a_resend_countdown() {
    let fake = Fake::new();
    fake.site.borrow_mut().branches[0].phone_confirmation = true;
    let w = open(&fake, opts("")).await;
    w.choose_up_to_contact(10, 5).await;
    w.fill_contact().await;
    assert_eq!(w.text("[data-testid=submit]"), "Получить код");
    w.click("[data-testid=submit]");
    w.wait_step("code").await;
    assert_eq!(fake.codes.borrow()[0].phone, "+7 (916) 123-45-67");
    assert!(
        w.text("[data-step=code] .zw-sub")
            .contains("+7 (916) 123-45-67")
    );
    assert_eq!(
        w.attr("#zw-code", "autocomplete").as_deref(),
        Some("one-time-code")
    );
    assert!(w.q("[data-testid=resend]").has_attribute("disabled"));
    assert_eq!(w.text("[data-testid=resend]"), "Новый код через 0:01");

    w.click("[data-testid=confirm]");
    tick().await;
    assert_eq!(w.text("#zw-err-code"), "Введите код из SMS");
    assert!(fake.bookings.borrow().is_empty());

    w.wait(
        |w| !w.q("[data-testid=resend]").has_attribute("disabled"),
        "the countdown to end",
    )
    .await;
    assert_eq!(w.text("[data-testid=resend]"), "Отправить код ещё раз");
    w.click("[data-testid=resend]");
    w.wait(|_| fake.codes.borrow().len() == 2, "a second code")
        .await;
    w.wait(
        |w| w.q("[data-testid=resend]").has_attribute("disabled"),
        "the countdown to restart",
    )
    .await;

    fake.fail(
        "book",
        server_error(422, "wrong_code", "Неверный код", Some("code")),
    );
    w.type_in("#zw-code", "0000");
    w.click("[data-testid=confirm]");
    w.wait(
        |w| w.text("#zw-err-code") == "Неверный код",
        "the wrong-code error beside the field",
    )
    .await;
    assert_eq!(w.step(), "code");
    w.type_in("#zw-code", "1234");
    w.click("[data-testid=confirm]");
    w.wait_step("success").await;
    let bookings = fake.bookings.borrow();
    assert_eq!(bookings.last().unwrap().1.code.as_deref(), Some("1234"));
    assert_ne!(
        bookings[0].0, bookings[1].0,
        "a corrected code is a new attempt"
    );
    drop(bookings);
    embed::close();
}

#[wasm_bindgen_test]
async fn a_gone_service_or_master_goes_back_to_choose_again() {
    let fake = Fake::new();
    let w = open(&fake, opts("")).await;
    w.choose_up_to_contact(10, 5).await;
    w.fill_contact().await;
    fake.fail(
        "book",
        server_error(409, "staff_unavailable", "Мастер больше не принимает", None),
    );
    w.click("[data-testid=submit]");
    w.wait_step("staff").await;
    assert_eq!(w.text("[data-testid=notice]"), "Мастер больше не принимает");
    w.wait(
        |_| fake.calls_named("staff").len() == 2,
        "a fresh list of masters",
    )
    .await;

    fake.fail(
        "book",
        server_error(403, "blacklisted", "Онлайн-запись для вас недоступна", None),
    );
    w.master_to_contact(5).await;
    w.click("[data-testid=submit]");
    w.shows("[data-testid=error]").await;
    assert_eq!(
        w.text("[data-testid=error]"),
        "Онлайн-запись для вас недоступна",
        "said, without a pointless retry"
    );
    assert!(w.find("[data-testid=retry]").is_none());
    embed::close();
}
