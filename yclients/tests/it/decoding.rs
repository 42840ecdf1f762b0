//! The client decodes the documented samples (tests/fixtures/) served over HTTP: ids as
//! strings, `meta` as `[]` or `{}`, both error shapes, `success:false` under 200.

use jiff::civil::date;
use yclients::model::{
    ActivityBooking, ActivityQuery, Appointment, BookQuery, RecordsQuery, WebhookEvent,
    WebhookStatus,
};
use yclients::{BookingCode, Error, Secret};

use crate::common::fixture::{Canned, FixtureServer};
use crate::common::visitor;

async fn serving(path: &str, status: u16, fixture: &str) -> FixtureServer {
    let server = FixtureServer::start().await;
    server.script(path, vec![Canned::fixture(status, fixture)]);
    server
}

#[tokio::test]
async fn bookform_flags_sent_as_strings_or_booleans_decode() {
    let server = serving("/api/v1/bookform/1", 200, "bookform.json").await;
    let form = server.client().bookform(1).await.unwrap();
    assert_eq!(
        (form.company_id, form.group_id, form.phone_confirmation),
        (1, 1, false)
    );
    let hidden: Vec<bool> = form.steps.iter().map(|s| s.hidden).collect();
    assert_eq!(hidden, [false, true, false, false]);
    assert_eq!(form.steps[1].default, serde_json::json!("196"));
    assert_eq!(form.metrika_counter_id, "50217133");
}

#[tokio::test]
async fn a_company_with_object_meta_decodes_and_knows_its_time_zone() {
    let server = serving("/api/v1/company/37532", 200, "company.json").await;
    let company = server.client().company(37532).await.unwrap();
    assert_eq!(company.title, "Новая компания");
    assert!(company.phone_confirmation);
    assert_eq!(
        company.time_zone().unwrap().iana_name(),
        Some("Europe/Moscow")
    );
    assert_eq!(company.bookforms[0].id, 19203);
    assert!(!company.bookforms[0].is_default);
}

#[tokio::test]
async fn companies_with_string_ids_and_coordinates_decode() {
    let server = serving("/api/v1/companies", 200, "companies.json").await;
    let companies = server.client().chain_companies(83).await.unwrap();
    assert_eq!(companies[0].id, 1050);
    assert!((companies[0].coordinate_lat - 55.735662).abs() < 1e-9);
    let seen = &server.seen()[0];
    assert!(
        seen.query.contains("group_id=83") && seen.query.contains("forBooking=1"),
        "{}",
        seen.query
    );
}

#[tokio::test]
async fn book_services_reads_the_singular_category_key() {
    let server = serving("/api/v1/book_services/1", 200, "book_services.json").await;
    let answer = server
        .client()
        .book_services(1, &BookQuery::default())
        .await
        .unwrap();
    assert_eq!(answer.categories[0].title, "Уходы для волос");
    assert_eq!(answer.categories[0].api_id, "0");
    assert_eq!(answer.services[0].seance_length, Some(3600));
}

#[tokio::test]
async fn book_staff_accepts_empty_array_positions_string_ids_and_unix_dates() {
    let server = serving("/api/v1/book_staff/1", 200, "book_staff.json").await;
    let staff = server
        .client()
        .book_staff(1, &BookQuery::new(0, &[331, 99055]))
        .await
        .unwrap();
    assert_eq!(staff[0].position.as_ref().unwrap().title, "Администратор");
    assert_eq!(
        (staff[1].id, staff[1].position.clone(), staff[1].rating),
        (32, None, 4.0)
    );
    assert_eq!(staff[0].seance_date, Some(date(2015, 9, 25)));
    assert_eq!(staff[1].seance_date, Some(date(2015, 9, 25)));
    let query = &server.seen()[0].query;
    assert_eq!(query.matches("service_ids%5B%5D=").count(), 2, "{query}");
}

#[tokio::test]
async fn book_dates_read_string_days_int_days_and_empty_arrays() {
    let server = serving("/api/v1/book_dates/1", 200, "book_dates.json").await;
    let dates = server
        .client()
        .book_dates(1, &BookQuery::default())
        .await
        .unwrap();
    assert_eq!(dates.booking_days[&9], [4, 5]);
    assert_eq!(dates.booking_dates[2], date(2015, 10, 1));
    let server = serving("/api/v1/book_dates/1", 200, "book_dates_alt.json").await;
    let dates = server
        .client()
        .book_dates(1, &BookQuery::default())
        .await
        .unwrap();
    assert!(dates.booking_days.is_empty() && dates.booking_dates.is_empty());
    assert_eq!(dates.working_days[&12], [6, 20]);
}

#[tokio::test]
async fn book_times_keep_the_slot_datetime_verbatim() {
    let server = serving(
        "/api/v1/book_times/1/6544/2015-09-29",
        200,
        "book_times.json",
    )
    .await;
    let slots = server
        .client()
        .book_times(1, 6544, date(2015, 9, 29), &[331])
        .await
        .unwrap();
    assert_eq!(slots[0].datetime, "2015-09-29T12:00:00+04:00");
    assert_eq!((slots[1].seance_length, slots[1].sum_length), (3600, None));
    assert_eq!(
        slots[0].starts_at().unwrap().to_string(),
        "2015-09-29T08:00:00Z"
    );
}

#[tokio::test]
async fn book_staff_seances_decode_the_nearest_day() {
    let server = serving(
        "/api/v1/book_staff_seances/1/6544/",
        200,
        "book_staff_seances.json",
    )
    .await;
    let seances = server
        .client()
        .book_staff_seances(1, 6544, &BookQuery::default())
        .await
        .unwrap();
    assert_eq!(seances.seance_date, Some(date(2017, 4, 13)));
    assert_eq!(seances.seances.len(), 2);
}

#[tokio::test]
async fn created_answers_without_data_are_success_for_code_and_check() {
    let server = FixtureServer::start().await;
    server.script(
        "/api/v1/book_code/1",
        vec![Canned::fixture(201, "created.json")],
    );
    server.script(
        "/api/v1/book_check/1",
        vec![Canned::fixture(201, "created.json")],
    );
    let client = server.client();
    client.book_code(1, "79991234567", "Вася").await.unwrap();
    client
        .book_check(
            1,
            &[Appointment::new(
                1,
                &[331],
                6544,
                "2015-09-30T15:30:00+04:00",
            )],
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn book_record_returns_one_item_per_appointment_even_with_string_ids() {
    let server = serving("/api/v1/book_record/1", 201, "book_record.json").await;
    let made = server
        .client()
        .book_record(1, &visitor("777", vec![]))
        .await
        .unwrap();
    assert_eq!(made[1].record_id, 2820024);
    assert_eq!(made[0].record_hash, "567df655304da9b98487769426d4e76e");
    let sent: serde_json::Value = serde_json::from_str(&server.seen()[0].body).unwrap();
    assert_eq!(sent["api_id"], "777");
}

#[tokio::test]
async fn a_refusal_in_meta_errors_becomes_a_typed_433() {
    let server = serving("/api/v1/book_check/1", 422, "error_433_meta_errors.json").await;
    let err = server.client().book_check(1, &[]).await.unwrap_err();
    assert_eq!(err.booking_code(), Some(BookingCode::SlotTaken));
    assert_eq!(err.status(), Some(422));
}

#[tokio::test]
async fn the_legacy_errors_object_under_201_becomes_437_with_the_appointment_id() {
    let server = serving("/api/v1/book_check/1", 201, "error_437_legacy.json").await;
    let Error::Booking(refusal) = server.client().book_check(1, &[]).await.unwrap_err() else {
        panic!()
    };
    assert_eq!(
        (refusal.code, refusal.appointment_id),
        (BookingCode::AppointmentsOverlap, Some(2))
    );
    assert!(refusal.message.contains("Пересечение"));
}

#[tokio::test]
async fn a_blacklist_refusal_with_a_string_code_and_403_becomes_434() {
    let server = serving("/api/v1/book_record/1", 403, "error_434_forbidden.json").await;
    let err = server
        .client()
        .book_record(1, &visitor("1", vec![]))
        .await
        .unwrap_err();
    assert_eq!(err.booking_code(), Some(BookingCode::PhoneBlacklisted));
    assert_eq!(err.status(), Some(403));
}

#[tokio::test]
async fn success_false_with_http_200_is_an_error() {
    let server = serving("/api/v1/company/5", 200, "success_false_200.json").await;
    let Error::Api {
        status, message, ..
    } = server.client().company(5).await.unwrap_err()
    else {
        panic!()
    };
    assert_eq!((status, message.as_str()), (200, "Компания не найдена"));
}

#[tokio::test]
async fn legacy_401_403_and_404_bodies_become_api_errors_with_their_messages() {
    let server = FixtureServer::start().await;
    server.script(
        "/api/v1/company/1",
        vec![Canned::fixture(401, "error_401_legacy.json")],
    );
    server.script(
        "/api/v1/company/2",
        vec![Canned::fixture(403, "error_403_access_denied.json")],
    );
    server.script(
        "/api/v1/company/3",
        vec![Canned::fixture(404, "error_404_empty_meta.json")],
    );
    let client = server.client();
    for (id, want_status, want_message) in [
        (1, 401, "Необходима авторизация"),
        (2, 403, "Access denied."),
        (3, 404, "HTTP 404"),
    ] {
        let Error::Api {
            status, message, ..
        } = client.company(id).await.unwrap_err()
        else {
            panic!()
        };
        assert_eq!((status, message.as_str()), (want_status, want_message));
    }
}

#[tokio::test]
async fn a_record_sums_its_finance_transactions_whatever_their_types() {
    let server = serving("/api/v1/record/4564/2", 200, "record.json").await;
    let record = server.client().record(4564, 2).await.unwrap();
    assert_eq!(record.paid_amount(), 1100.0);
    assert_eq!(record.total_cost(), 100.0);
    assert_eq!(record.finance_transactions[1].account, None);
    assert_eq!(record.client.as_ref().unwrap().phone, "+79161234567");
    assert!(record.custom_fields.is_empty());
    assert_eq!(
        record.starts_at().unwrap().to_string(),
        "2019-01-01T03:00:00Z"
    );
    assert!(
        server.seen()[0]
            .query
            .contains("include_finance_transactions=1")
    );
}

#[tokio::test]
async fn a_records_page_reads_its_meta_and_php_flavoured_fields() {
    let server = serving("/api/v1/records/4564", 200, "records.json").await;
    let page = server
        .client()
        .records(
            4564,
            &RecordsQuery::visits(date(2016, 2, 23), date(2016, 2, 23)),
        )
        .await
        .unwrap();
    assert_eq!(
        (page.page, page.total_count, page.records.len()),
        (1, 10, 2)
    );
    let first = &page.records[0];
    assert_eq!(
        (
            first.id,
            first.visit_id,
            first.attendance,
            first.deleted,
            first.online
        ),
        (8263004, 8262996, -1, false, true)
    );
    assert_eq!(first.custom_fields["utm"], "yandex");
    assert_eq!(first.services[0].cost, 1500.0);
    assert_eq!(page.records[1].api_id, "zapis-bk-42");
}

#[tokio::test]
async fn group_events_decode_and_booking_reads_the_hash_key() {
    let server = FixtureServer::start().await;
    server.script(
        "/api/v1/activity/68570/search/",
        vec![Canned::fixture(200, "activity_search.json")],
    );
    server.script(
        "/api/v1/activity/68570/3480140/book",
        vec![Canned::fixture(200, "activity_book.json")],
    );
    let client = server.client();
    let events = client
        .activity_search(
            68570,
            &ActivityQuery::between(date(2021, 6, 1), date(2021, 6, 30)),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            events[0].places_left(),
            events[0].service.as_ref().unwrap().title.as_str()
        ),
        (40, "Лекция")
    );
    let booked = client
        .activity_book(68570, 3480140, &ActivityBooking::default())
        .await
        .unwrap();
    assert_eq!(booked.hash, "9e6a54a1a9b118b65cc39ab6f3c3b5b4");
}

#[tokio::test]
async fn auth_returns_a_user_token_that_debug_output_hides() {
    let server = serving("/api/v1/auth", 201, "auth.json").await;
    let user = server
        .client()
        .auth("79161001010", &Secret::new("secret"))
        .await
        .unwrap();
    assert_eq!(user.user_token.expose(), "wec23fh8cDfFV4432fc352456");
    assert!(!format!("{user:?}").contains("wec23fh8cDfFV4432fc352456"));
}

#[tokio::test]
async fn user_records_with_offsets_without_colons_decode() {
    let server = serving(
        "/api/v1/user/records/13132699/abc",
        200,
        "user_records.json",
    )
    .await;
    let records = server.client().user_records(13132699, "abc").await.unwrap();
    assert!(records[0].deleted);
    assert_eq!(
        records[0].starts_at().unwrap().to_string(),
        "2017-10-24T17:30:00Z"
    );
}

#[test]
fn a_captured_record_webhook_parses_into_a_record() {
    let path = format!(
        "{}/tests/fixtures/webhook_record.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let event = WebhookEvent::parse(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(
        (event.status, event.resource_id),
        (WebhookStatus::Update, 596792980)
    );
    let record = event.record().unwrap();
    assert_eq!(
        (record.api_id.as_str(), record.paid_full, record.attendance),
        ("01effc9e-09da-4db1-98a1-e317b214df2c", 1, 1)
    );
    assert_eq!(record.total_cost(), 4000.0);
    assert!(event.finance_operation().is_none());
}

#[tokio::test]
async fn every_call_sends_the_v2_accept_header_and_both_tokens_where_needed() {
    let server = FixtureServer::start().await;
    server.script(
        "/api/v1/company/1",
        vec![Canned::fixture(200, "company.json")],
    );
    server.script(
        "/api/v1/records/1",
        vec![Canned::fixture(200, "records.json")],
    );
    let client = server.client();
    client.company(1).await.unwrap();
    client.records(1, &RecordsQuery::default()).await.unwrap();
    let seen = server.seen();
    assert!(
        seen.iter()
            .all(|s| s.accept == "application/vnd.yclients.v2+json")
    );
    assert_eq!(seen[0].authorization, "Bearer partner-fixture-token");
    assert_eq!(
        seen[1].authorization,
        "Bearer partner-fixture-token, User user-fixture-token"
    );
}
