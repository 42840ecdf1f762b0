//! The administrator's writes imports make: a record with `api_id` (found again after a lost
//! answer), `save_if_busy`, client cards and the search by phone, with the documented errors.

use yclients::model::{NewClient, NewRecord, NewRecordClient, NewRecordService};
use yclients::sandbox::{Fault, FaultKind};
use yclients::{BookingCode, Error};

use crate::common::*;

fn record(api_id: &str, at: &str) -> NewRecord {
    NewRecord {
        staff_id: ANNA,
        services: vec![NewRecordService {
            id: WOMEN_CUT,
            ..NewRecordService::default()
        }],
        client: NewRecordClient {
            phone: "+7 (903) 555-01-02".into(),
            name: "Вера Промо".into(),
            ..NewRecordClient::default()
        },
        datetime: at.into(),
        api_id: api_id.into(),
        comment: "из таблицы".into(),
        ..NewRecord::default()
    }
}

/// Records made by these tests (the sandbox's own carry no comment of ours).
fn imported(sandbox: &yclients::sandbox::Sandbox) -> usize {
    sandbox
        .records()
        .iter()
        .filter(|r| r.comment == "из таблицы")
        .count()
}

#[tokio::test]
async fn an_admin_record_keeps_its_api_id_and_is_found_by_it() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let made = client
        .create_record(MOSCOW, &record("imp-1-row-7", "2025-03-11 12:00:00"))
        .await
        .unwrap();
    assert_eq!(
        (made.api_id.as_str(), made.staff_id, made.comment.as_str()),
        ("imp-1-row-7", ANNA, "из таблицы")
    );
    let found = client
        .find_record_by_api_id(MOSCOW, "imp-1-row-7", day(1))
        .await
        .unwrap()
        .expect("found by api_id");
    assert_eq!(found.id, made.id);
}

#[tokio::test]
async fn a_busy_slot_is_refused_unless_save_if_busy() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    client
        .create_record(MOSCOW, &record("a", "2025-03-11 12:00:00"))
        .await
        .unwrap();
    let again = client
        .create_record(MOSCOW, &record("b", "2025-03-11 12:00:00"))
        .await
        .unwrap_err();
    assert_eq!(again.booking_code(), Some(BookingCode::SlotTaken));
    let over = NewRecord {
        save_if_busy: true,
        ..record("c", "2025-03-11 12:00:00")
    };
    client.create_record(MOSCOW, &over).await.unwrap();
    assert_eq!(imported(&sandbox), 2);
}

#[tokio::test]
async fn an_admin_record_needs_an_admin_token_a_phone_and_a_known_master() {
    let sandbox = quiet_sandbox().await;
    let partner = client(&sandbox).partner_only();
    let err = partner
        .create_record(MOSCOW, &record("x", "2025-03-11 12:00:00"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UserTokenRequired { .. }), "{err}");
    let client = client(&sandbox);
    let mut bad_phone = record("x", "2025-03-11 12:00:00");
    bad_phone.client.phone = "8 (916) 12".into();
    let err = client.create_record(MOSCOW, &bad_phone).await.unwrap_err();
    assert_eq!(err.booking_code(), Some(BookingCode::InvalidPhone));
    let stranger = NewRecord {
        staff_id: 1,
        ..record("x", "2025-03-11 12:00:00")
    };
    let err = client.create_record(MOSCOW, &stranger).await.unwrap_err();
    assert_eq!(err.status(), Some(422), "{err}");
    assert_eq!(imported(&sandbox), 0);
}

#[tokio::test]
async fn a_lost_answer_leaves_the_record_made_and_findable() {
    let sandbox = quiet_sandbox().await;
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::ProcessThenStatus { status: 502 }).on("create_record"));
    let client = client(&sandbox);
    let err = client
        .create_record(MOSCOW, &record("lost-1", "2025-03-11 15:00:00"))
        .await
        .unwrap_err();
    assert!(err.outcome_unknown(), "{err}");
    assert_eq!(sandbox.calls("create_record"), 1, "a write is not retried");
    let found = client
        .find_record_by_api_id(MOSCOW, "lost-1", day(1))
        .await
        .unwrap();
    assert!(found.is_some());
}

#[tokio::test]
async fn a_client_card_is_made_and_found_by_its_phone() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    assert!(
        client
            .clients_by_phone(MOSCOW, "79035550777")
            .await
            .unwrap()
            .is_empty()
    );
    let made = client
        .create_client(
            MOSCOW,
            &NewClient {
                name: "Ирина".into(),
                phone: "+7 903 555-07-77".into(),
                birth_date: "14-02-1990".into(),
                categories: vec![5],
                ..NewClient::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (made.name.as_str(), made.birth_date.as_str()),
        ("Ирина", "1990-02-14")
    );
    let found = client
        .clients_by_phone(MOSCOW, "79035550777")
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, made.id);
    let err = client
        .create_client(
            MOSCOW,
            &NewClient {
                name: "Без телефона".into(),
                ..NewClient::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.booking_code(), Some(BookingCode::InvalidPhone));
}
