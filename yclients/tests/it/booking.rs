//! Booking through the client against the sandbox: success, every refusal 431–438,
//! SMS confirmation, the visitor's own records, group events.

use yclients::model::{ActivityBooking, ActivityQuery, Appointment, Contact, RecordsQuery};
use yclients::sandbox::ErrorStyle;
use yclients::{BookingCode, Error};

use crate::common::*;

fn one(staff: u64, datetime: &str) -> Vec<Appointment> {
    vec![Appointment::new(1, &[WOMEN_CUT], staff, datetime)]
}

fn code_of(result: yclients::Result<impl std::fmt::Debug>) -> BookingCode {
    let err = result.expect_err("the booking should be refused");
    err.booking_code()
        .unwrap_or_else(|| panic!("not a booking refusal: {err:?}"))
}

#[tokio::test]
async fn booking_a_free_slot_returns_a_record_id_and_a_32_hex_hash() {
    let sandbox = busy_sandbox().await;
    let client = client(&sandbox);
    let slot = first_slot(&client, MOSCOW, ANNA, day(1), &[WOMEN_CUT]).await;
    let made = client
        .book_record(MOSCOW, &visitor("bk-1", one(ANNA, &slot.datetime)))
        .await
        .unwrap();
    assert_eq!(made.len(), 1);
    assert_eq!(made[0].id, 1);
    assert!(
        made[0].record_hash.len() == 32
            && made[0].record_hash.chars().all(|c| c.is_ascii_hexdigit())
    );
    assert_eq!(sandbox.calls("book_record"), 1);
}

#[tokio::test]
async fn api_id_comment_and_custom_fields_are_readable_back() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let slot = first_slot(&client, MOSCOW, ANNA, day(1), &[WOMEN_CUT]).await;
    let mut appointments = one(ANNA, &slot.datetime);
    appointments[0]
        .custom_fields
        .insert("utm_source".into(), "yandex".into());
    let mut request = visitor("zapis-7f3e", appointments);
    request.contact.comment = Some("Источник: zapis / yandex / весна".into());
    request.contact.source = Some("zapis".into());
    let made = client.book_record(MOSCOW, &request).await.unwrap();
    let record = client.record(MOSCOW, made[0].record_id).await.unwrap();
    assert_eq!(record.api_id, "zapis-7f3e");
    assert_eq!(record.comment, "Источник: zapis / yandex / весна");
    assert_eq!(record.custom_fields["utm_source"], "yandex");
    assert_eq!(
        (
            record.online,
            record.attendance,
            record.paid_full,
            record.length
        ),
        (true, 0, 0, 3000)
    );
    assert_eq!(record.datetime, slot.datetime);
    assert_eq!(record.client.as_ref().unwrap().name, "Алиса Воронцова");
    let page = client
        .records(MOSCOW, &RecordsQuery::visits(day(1), day(1)))
        .await
        .unwrap();
    assert!(
        page.records
            .iter()
            .any(|r| r.api_id == "zapis-7f3e" && r.custom_fields["utm_source"] == "yandex")
    );
}

/// Books Anna's first free slot tomorrow for the visitor changed by `edit`; returns the
/// refusal's code and HTTP status.
async fn refusal_for(edit: impl FnOnce(&mut Contact)) -> (Option<BookingCode>, Option<u16>) {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let slot = first_slot(&client, MOSCOW, ANNA, day(1), &[WOMEN_CUT]).await;
    let mut request = visitor("refused", one(ANNA, &slot.datetime));
    edit(&mut request.contact);
    let err = client
        .book_record(MOSCOW, &request)
        .await
        .expect_err("the booking should be refused");
    assert!(sandbox.records().iter().all(|r| r.api_id != "refused"));
    (err.booking_code(), err.status())
}

#[tokio::test]
async fn a_phone_in_a_wrong_format_is_refused_with_431() {
    let refusal = refusal_for(|c| c.phone = "позвоните мне".into()).await;
    assert_eq!(refusal, (Some(BookingCode::InvalidPhone), Some(422)));
}

#[tokio::test]
async fn a_blacklisted_phone_is_refused_with_434_and_http_403() {
    let refusal = refusal_for(|c| c.phone = "+7 (999) 000-00-13".into()).await;
    assert_eq!(refusal, (Some(BookingCode::PhoneBlacklisted), Some(403)));
}

#[tokio::test]
async fn a_missing_name_is_refused_with_435() {
    let refusal = refusal_for(|c| c.fullname = "  ".into()).await;
    assert_eq!(refusal, (Some(BookingCode::NameMissing), Some(422)));
}

#[tokio::test]
async fn a_wrong_sms_code_is_refused_with_432_and_the_right_one_books() {
    let sandbox = busy_sandbox().await;
    let client = client(&sandbox);
    let slot = first_slot(&client, EKB, SVETLANA, day(1), &[EKB_WOMEN_CUT]).await;
    let appointments = vec![Appointment::new(
        1,
        &[EKB_WOMEN_CUT],
        SVETLANA,
        slot.datetime.clone(),
    )];
    let without = visitor("sms-1", appointments.clone());
    assert_eq!(
        code_of(client.book_record(EKB, &without).await),
        BookingCode::WrongSmsCode
    );
    client.book_code(EKB, PHONE, "Алиса").await.unwrap();
    let code = sandbox.last_sms_code(PHONE).expect("book_code made a code");
    assert_eq!(code.len(), 5);
    let mut wrong = without.clone();
    wrong.contact.code = Some("00000x".into());
    assert_eq!(
        code_of(client.book_record(EKB, &wrong).await),
        BookingCode::WrongSmsCode
    );
    let mut right = without;
    right.contact.code = Some(code);
    assert_eq!(client.book_record(EKB, &right).await.unwrap().len(), 1);
}

#[tokio::test]
async fn booking_a_taken_slot_is_refused_with_433() {
    let sandbox = busy_sandbox().await;
    let client = client(&sandbox);
    let slot = first_slot(&client, MOSCOW, ANNA, day(2), &[WOMEN_CUT]).await;
    client
        .book_record(MOSCOW, &visitor("first", one(ANNA, &slot.datetime)))
        .await
        .unwrap();
    let Error::Booking(refusal) = client
        .book_record(MOSCOW, &visitor("second", one(ANNA, &slot.datetime)))
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(
        (refusal.code, refusal.status, refusal.appointment_id),
        (BookingCode::SlotTaken, 422, Some(1))
    );
    assert!(
        refusal.message.contains("Анна Соколова"),
        "{}",
        refusal.message
    );
    let check = client.book_check(MOSCOW, &one(ANNA, &slot.datetime)).await;
    assert_eq!(code_of(check), BookingCode::SlotTaken);
}

#[tokio::test]
async fn any_master_with_nobody_free_is_refused_with_436() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let at = "2025-03-13T20:30:00+03:00"; // Thursday 20:30: only Ekaterina works past 20:00, and she is off that day
    assert_eq!(
        code_of(
            client
                .book_record(MOSCOW, &visitor("any", one(0, at)))
                .await
        ),
        BookingCode::NoStaffAvailable
    );
    assert_eq!(
        code_of(client.book_check(MOSCOW, &one(0, at)).await),
        BookingCode::NoStaffAvailable
    );
}

#[tokio::test]
async fn overlapping_appointments_in_one_request_are_refused_with_437() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let appointments = vec![
        Appointment::new(1, &[WOMEN_CUT], ANNA, "2025-03-12T12:00:00+03:00"),
        Appointment::new(2, &[MANICURE], MARIA, "2025-03-12T12:30:00+03:00"),
    ];
    let Error::Booking(refusal) = client
        .book_record(MOSCOW, &visitor("ov", appointments.clone()))
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(
        (refusal.code, refusal.appointment_id),
        (BookingCode::AppointmentsOverlap, Some(2))
    );
    assert_eq!(
        code_of(client.book_check(MOSCOW, &appointments).await),
        BookingCode::AppointmentsOverlap
    );
    assert!(
        sandbox.records().iter().all(|r| r.api_id != "ov"),
        "nothing of a refused request is booked"
    );
}

#[tokio::test]
async fn a_service_no_longer_offered_is_refused_with_438() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let slot = first_slot(&client, MOSCOW, ANNA, day(1), &[WOMEN_CUT]).await;
    sandbox.control().retire_service(MOSCOW, WOMEN_CUT).unwrap();
    assert_eq!(
        code_of(client.book_check(MOSCOW, &one(ANNA, &slot.datetime)).await),
        BookingCode::ServiceUnavailable
    );
    assert_eq!(
        code_of(
            client
                .book_record(MOSCOW, &visitor("gone", one(ANNA, &slot.datetime)))
                .await
        ),
        BookingCode::ServiceUnavailable
    );
    let services = client
        .book_services(MOSCOW, &Default::default())
        .await
        .unwrap();
    assert!(services.services.iter().all(|s| s.id != WOMEN_CUT));
}

#[tokio::test]
async fn book_check_validates_without_booking_anything() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let before = sandbox.records().len();
    client
        .book_check(MOSCOW, &one(ANNA, "2025-03-11T12:00:00+03:00"))
        .await
        .unwrap();
    assert_eq!(sandbox.records().len(), before);
}

#[tokio::test]
async fn refusals_in_the_legacy_error_shape_are_typed_the_same() {
    let sandbox = quiet_sandbox().await;
    sandbox.control().set_error_style(ErrorStyle::Legacy);
    let client = client(&sandbox);
    let at = "2025-03-11T17:00:00+03:00"; // Anna's seeded evening appointment
    let Error::Booking(refusal) = client
        .book_record(MOSCOW, &visitor("lg", one(ANNA, at)))
        .await
        .unwrap_err()
    else {
        panic!()
    };
    assert_eq!(
        (refusal.code, refusal.appointment_id),
        (BookingCode::SlotTaken, Some(1))
    );
}

#[tokio::test]
async fn the_visitor_signs_in_by_sms_sees_the_record_and_cancels_it() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let slot = first_slot(&client, MOSCOW, ANNA, day(1), &[WOMEN_CUT]).await;
    let made = client
        .book_record(MOSCOW, &visitor("mine", one(ANNA, &slot.datetime)))
        .await
        .unwrap();
    client.book_code(MOSCOW, PHONE, "Алиса").await.unwrap();
    let code = sandbox.last_sms_code(PHONE).unwrap();
    assert_eq!(
        code_of(client.user_auth(PHONE, "nope").await),
        BookingCode::WrongSmsCode
    );
    let user = client.user_auth(PHONE, &code).await.unwrap();
    assert_eq!(user.name, "Алиса Воронцова");
    let as_visitor = client.partner_only().with_user_token(user.user_token);
    let seen = as_visitor
        .user_records(made[0].record_id, "not-the-hash")
        .await
        .unwrap();
    assert_eq!(seen[0].api_id, "mine");
    as_visitor
        .delete_user_record(made[0].record_id, "not-the-hash")
        .await
        .unwrap();
    assert!(sandbox.control().record(made[0].record_id).unwrap().deleted);
    assert!(
        client
            .book_times(MOSCOW, ANNA, day(1), &[WOMEN_CUT])
            .await
            .unwrap()
            .iter()
            .any(|s| s.datetime == slot.datetime)
    );
}

#[tokio::test]
async fn the_record_hash_alone_opens_the_record_and_a_wrong_one_does_not() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let slot = first_slot(&client, MOSCOW, ANNA, day(2), &[WOMEN_CUT]).await;
    let made = client
        .book_record(MOSCOW, &visitor("hash", one(ANNA, &slot.datetime)))
        .await
        .unwrap();
    let anonymous = client.partner_only();
    let records = anonymous
        .user_records(made[0].record_id, &made[0].record_hash)
        .await
        .unwrap();
    assert_eq!(records[0].id, made[0].record_id);
    let err = anonymous
        .user_records(made[0].record_id, "0123456789abcdef0123456789abcdef")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
}

#[tokio::test]
async fn cancelling_within_two_hours_of_the_visit_is_refused() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let slot = first_slot(&client, MOSCOW, YULIA, day(0), &[WOMEN_CUT]).await;
    let made = client
        .book_record(
            MOSCOW,
            &visitor(
                "late",
                vec![Appointment::new(1, &[WOMEN_CUT], YULIA, slot.datetime)],
            ),
        )
        .await
        .unwrap();
    let err = client
        .partner_only()
        .delete_user_record(made[0].record_id, &made[0].record_hash)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert!(!sandbox.control().record(made[0].record_id).unwrap().deleted);
}

#[tokio::test]
async fn a_group_event_place_is_booked_and_counted() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let query = ActivityQuery {
        service_ids: vec![MASTER_CLASS],
        ..ActivityQuery::between(day(0), day(14))
    };
    let events = client.activity_search(MOSCOW, &query).await.unwrap();
    assert_eq!(events.len(), 4);
    let first = &events[0];
    assert_eq!(
        (first.places_left(), first.date.as_str()),
        (3, "2025-03-13 19:00:00")
    );
    let booking = ActivityBooking {
        contact: contact("ev-1"),
        ..ActivityBooking::default()
    };
    let booked = client
        .activity_book(MOSCOW, first.id, &booking)
        .await
        .unwrap();
    assert_eq!(booked.hash.len(), 32);
    let again = client
        .activity_search(MOSCOW, &ActivityQuery::between(day(3), day(3)))
        .await
        .unwrap();
    assert_eq!(again[0].places_left(), 2);
    let record = client.record(MOSCOW, booked.id).await.unwrap();
    assert_eq!(
        (record.activity_id, record.api_id.as_str()),
        (first.id, "ev-1")
    );
}
