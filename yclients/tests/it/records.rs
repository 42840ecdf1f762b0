//! Records as the salon sees them: visits, payments, cancellations, lists by date and by
//! change time, and the lookup by `api_id`.

use jiff::SignedDuration;
use yclients::model::{Appointment, Attendance, RecordsQuery};

use crate::common::*;

async fn book(sandbox: &yclients::sandbox::Sandbox, api_id: &str, staff: u64, at: &str) -> u64 {
    let made = client(sandbox)
        .book_record(
            MOSCOW,
            &visitor(api_id, vec![Appointment::new(1, &[WOMEN_CUT], staff, at)]),
        )
        .await
        .unwrap();
    made[0].record_id
}

#[tokio::test]
async fn a_visit_marked_attended_and_paid_shows_its_payments() {
    let sandbox = quiet_sandbox().await;
    let id = book(&sandbox, "paid", ANNA, "2025-03-11T12:00:00+03:00").await;
    let control = sandbox.control();
    control.set_attendance(id, 1).unwrap();
    control.add_payment(id, 1000.0).unwrap();
    let record = client(&sandbox).record(MOSCOW, id).await.unwrap();
    assert_eq!(
        (
            record.attendance_status(),
            record.paid_full,
            record.paid_amount()
        ),
        (Attendance::Came, 0, 1000.0)
    );
    control.pay_in_full(id).unwrap();
    let record = client(&sandbox).record(MOSCOW, id).await.unwrap();
    assert_eq!(
        (record.paid_full, record.paid_amount(), record.total_cost()),
        (1, 2200.0, 2200.0)
    );
    let payment = &record.finance_transactions[1];
    assert_eq!(
        (
            payment.record_id,
            payment.expense.as_ref().unwrap().title.as_str()
        ),
        (id, "Оказание услуг")
    );
}

#[tokio::test]
async fn the_records_list_filters_by_visit_date_and_pages() {
    let sandbox = quiet_sandbox().await;
    for (n, at) in ["10:00", "11:00", "13:00"].iter().enumerate() {
        book(
            &sandbox,
            &format!("p{n}"),
            ANNA,
            &format!("2025-03-12T{at}:00+03:00"),
        )
        .await;
    }
    let client = client(&sandbox);
    let annas = RecordsQuery {
        staff_id: Some(ANNA),
        count: Some(2),
        ..RecordsQuery::visits(day(2), day(2))
    };
    let first = client.records(MOSCOW, &annas).await.unwrap();
    assert_eq!(
        (first.page, first.total_count, first.records.len()),
        (1, 3, 2)
    );
    let second = client
        .records(
            MOSCOW,
            &RecordsQuery {
                page: Some(2),
                ..annas
            },
        )
        .await
        .unwrap();
    let everyone = client
        .records(MOSCOW, &RecordsQuery::visits(day(2), day(2)))
        .await
        .unwrap();
    assert_eq!(
        everyone.total_count, 4,
        "and the seed's lash appointment with Viktoria"
    );
    let ids: Vec<&str> = first
        .records
        .iter()
        .chain(&second.records)
        .map(|r| r.api_id.as_str())
        .collect();
    assert_eq!(ids, ["p0", "p1", "p2"]);
    let yesterday = client
        .records(MOSCOW, &RecordsQuery::visits(day(-1), day(-1)))
        .await
        .unwrap();
    assert_eq!(
        yesterday.total_count, 2,
        "the seed's two visits of yesterday"
    );
    assert!(
        yesterday
            .records
            .iter()
            .all(|r| r.attendance == 1 && r.paid_full == 1)
    );
}

#[tokio::test]
async fn changed_after_lists_only_what_changed_since() {
    let sandbox = quiet_sandbox().await;
    let early = book(&sandbox, "early", ANNA, "2025-03-12T10:00:00+03:00").await;
    let late = book(&sandbox, "late", ANNA, "2025-03-12T15:00:00+03:00").await;
    sandbox
        .control()
        .advance_clock(SignedDuration::from_hours(2));
    sandbox.control().set_attendance(early, 2).unwrap();
    let since = jiff::civil::datetime(2025, 3, 10, 11, 0, 0, 0);
    let changed = client(&sandbox)
        .records(MOSCOW, &RecordsQuery::changed_after(since))
        .await
        .unwrap();
    let ids: Vec<u64> = changed.records.iter().map(|r| r.id).collect();
    assert_eq!(ids, [early]);
    assert_ne!(early, late);
}

#[tokio::test]
async fn a_booking_is_found_by_its_api_id_and_an_unknown_id_is_not() {
    let sandbox = busy_sandbox().await;
    let client = client(&sandbox);
    let slot = first_slot(&client, MOSCOW, MARIA, day(3), &[MANICURE]).await;
    client
        .book_record(
            MOSCOW,
            &visitor(
                "zapis-find-me",
                vec![Appointment::new(
                    1,
                    &[MANICURE],
                    MARIA,
                    slot.datetime.clone(),
                )],
            ),
        )
        .await
        .unwrap();
    let found = client
        .find_record_by_api_id(MOSCOW, "zapis-find-me", day(3))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.staff_id, found.datetime.as_str()),
        (MARIA, slot.datetime.as_str())
    );
    assert!(
        client
            .find_record_by_api_id(MOSCOW, "zapis-never", day(3))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        client
            .find_record_by_api_id(MOSCOW, "zapis-find-me", day(4))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_salon_side_cancellation_frees_the_slot_and_shows_as_deleted() {
    let sandbox = quiet_sandbox().await;
    let at = "2025-03-12T16:00:00+03:00";
    let id = book(&sandbox, "cancel-me", ANNA, at).await;
    sandbox.control().cancel_record(id).unwrap();
    let client = client(&sandbox);
    assert!(client.record(MOSCOW, id).await.unwrap().deleted);
    let listed = client
        .records(MOSCOW, &RecordsQuery::visits(day(2), day(2)))
        .await
        .unwrap();
    assert!(
        listed.records.iter().all(|r| r.id != id),
        "deleted records are hidden by default"
    );
    let found = client
        .find_record_by_api_id(MOSCOW, "cancel-me", day(2))
        .await
        .unwrap()
        .unwrap();
    assert!(found.deleted, "the lookup sees deleted records");
    assert!(
        client
            .book_times(MOSCOW, ANNA, day(2), &[WOMEN_CUT])
            .await
            .unwrap()
            .iter()
            .any(|s| s.datetime == at)
    );
}

#[tokio::test]
async fn an_admin_deletes_a_record_and_a_second_delete_finds_nothing() {
    let sandbox = quiet_sandbox().await;
    let id = book(&sandbox, "admin-delete", ANNA, "2025-03-13T11:00:00+03:00").await;
    let client = client(&sandbox);
    client.delete_record(MOSCOW, id).await.unwrap();
    assert!(sandbox.control().record(id).unwrap().deleted);
    assert_eq!(
        client.delete_record(MOSCOW, id).await.unwrap_err().status(),
        Some(404)
    );
    assert_eq!(sandbox.calls("delete_record"), 2);
}
