//! Group events in the sandbox: the schedule as documented, and sign-ups that never oversell.

use std::sync::{Arc, Mutex};

use yclients::BookingCode;
use yclients::model::{ActivityBooking, ActivityQuery, Contact};
use yclients::sandbox::{Sandbox, SandboxConfig};

use crate::common::*;

/// «Лекция «Здоровые волосы дома»», day +1 18:30, 20 places, 17 taken.
const LECTURE: u64 = 7400103;
/// «Практикум «Дневной макияж»», day +2 20:00, 6 of 6 taken (full).
const FULL_PRACTICE: u64 = 7400104;
/// The next practice, day +9, 2 of 6 taken.
const NEXT_PRACTICE: u64 = 7400105;
/// Master class, day +10 11:00, 8 places, none taken.
const EMPTY_CLASS: u64 = 7400102;
/// Master class in Yekaterinburg (SMS codes asked), day +1 19:30, 2 of 10 left.
const EKB_CLASS: u64 = 7400201;

fn sign_up(api_id: &str, phone: &str, seats: u32) -> ActivityBooking {
    ActivityBooking {
        contact: Contact {
            api_id: Some(api_id.to_owned()),
            ..Contact::new(phone, "Алиса Воронцова")
        },
        clients_count: Some(seats),
        ..ActivityBooking::default()
    }
}

fn seats_taken(sandbox: &Sandbox, event: u64) -> u32 {
    sandbox
        .records()
        .iter()
        .filter(|r| r.activity_id == event && !r.deleted)
        .map(|r| r.clients_count)
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_sign_ups_for_the_last_three_seats_sell_exactly_three() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let tasks: Vec<_> = (0..20)
        .map(|n| {
            let client = client.clone();
            let request = sign_up(&format!("race-{n}"), &format!("7903555{n:04}"), 1);
            tokio::spawn(async move { client.activity_book(MOSCOW, LECTURE, &request).await })
        })
        .collect();
    let (mut won, mut full) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => won += 1,
            Err(e) if e.booking_code() == Some(BookingCode::SlotTaken) => full += 1,
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!((won, full), (3, 17));
    assert_eq!(seats_taken(&sandbox, LECTURE), 3);
    let event = client.activity(MOSCOW, LECTURE).await.unwrap();
    assert_eq!((event.records_count, event.places_left()), (20, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sign_ups_of_two_seats_never_take_more_than_are_left() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    // 3 left: one sign-up of two fits, then only sign-ups of one would.
    let tasks: Vec<_> = (0..10)
        .map(|n| {
            let client = client.clone();
            let request = sign_up(&format!("pair-{n}"), &format!("7903666{n:04}"), 2);
            tokio::spawn(async move { client.activity_book(MOSCOW, LECTURE, &request).await })
        })
        .collect();
    let mut won = 0;
    for task in tasks {
        won += usize::from(task.await.unwrap().is_ok());
    }
    assert_eq!(won, 1);
    assert_eq!(seats_taken(&sandbox, LECTURE), 2);
}

#[tokio::test]
async fn a_full_event_refuses_like_a_taken_slot_and_names_itself() {
    let sandbox = quiet_sandbox().await;
    let err = client(&sandbox)
        .activity_book(MOSCOW, FULL_PRACTICE, &sign_up("late", PHONE, 1))
        .await
        .unwrap_err();
    assert_eq!(err.booking_code(), Some(BookingCode::SlotTaken));
    let yclients::Error::Booking(refusal) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(refusal.status, 422);
    assert!(
        refusal.message.contains("нет свободных мест"),
        "{}",
        refusal.message
    );
    assert_eq!(seats_taken(&sandbox, FULL_PRACTICE), 0);
}

#[tokio::test]
async fn more_seats_than_the_company_allows_per_sign_up_are_refused() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let company = client.company(MOSCOW).await.unwrap();
    assert_eq!(company.activity_online_record_clients_count_max, 4);
    let err = client
        .activity_book(MOSCOW, EMPTY_CLASS, &sign_up("five", PHONE, 5))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            yclients::Error::Api { status: 422, .. } | yclients::Error::Booking(_)
        ),
        "{err:?}"
    );
    assert_eq!(seats_taken(&sandbox, EMPTY_CLASS), 0);
    client
        .activity_book(MOSCOW, EMPTY_CLASS, &sign_up("four", PHONE, 4))
        .await
        .unwrap();
    let event = client.activity(MOSCOW, EMPTY_CLASS).await.unwrap();
    assert_eq!(event.places_left(), 4);
}

#[tokio::test]
async fn a_branch_that_asks_for_an_sms_code_signs_up_only_with_the_texted_code() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let err = client
        .activity_book(EKB, EKB_CLASS, &sign_up("no-code", PHONE, 1))
        .await
        .unwrap_err();
    assert_eq!(err.booking_code(), Some(BookingCode::WrongSmsCode));
    client.book_code(EKB, PHONE, "Алиса").await.unwrap();
    let code = sandbox.last_sms_code(PHONE).unwrap();
    let mut request = sign_up("with-code", PHONE, 2);
    request.contact.code = Some(code);
    client
        .activity_book(EKB, EKB_CLASS, &request)
        .await
        .unwrap();
    assert_eq!(seats_taken(&sandbox, EKB_CLASS), 2);
}

#[tokio::test]
async fn the_schedule_filters_by_master_room_and_service_and_pages() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let week = ActivityQuery::between(day(0), day(13));
    let all = client.activity_search(MOSCOW, &week).await.unwrap();
    assert_eq!(all.len(), 8);
    assert!(all.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
    let by_master = ActivityQuery {
        staff_ids: vec![MARIA],
        ..week.clone()
    };
    let ids: Vec<u64> = client
        .activity_search(MOSCOW, &by_master)
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids, [FULL_PRACTICE, NEXT_PRACTICE]);
    let lounge = ActivityQuery {
        resource_ids: vec![83102],
        ..week.clone()
    };
    let in_lounge = client.activity_search(MOSCOW, &lounge).await.unwrap();
    assert_eq!(in_lounge.len(), 2);
    assert_eq!(in_lounge[0].resource_instances[0]["title"], "Лаунж");
    let second_page = ActivityQuery {
        page: Some(2),
        count: Some(3),
        ..week.clone()
    };
    let page = client.activity_search(MOSCOW, &second_page).await.unwrap();
    assert_eq!(
        page.iter().map(|a| a.id).collect::<Vec<_>>(),
        all[3..6].iter().map(|a| a.id).collect::<Vec<_>>()
    );
    let lecture = &all[0];
    let service = lecture.service.as_ref().unwrap();
    assert_eq!(
        (
            lecture.id,
            lecture.places_left(),
            service.category.as_ref().unwrap().title.as_str()
        ),
        (LECTURE, 3, "Лекции")
    );
}

#[tokio::test]
async fn days_with_events_their_range_and_the_filters_are_served() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let days = client
        .activity_search_dates(MOSCOW, &ActivityQuery::between(day(0), day(6)))
        .await
        .unwrap();
    let expected: Vec<String> = [1, 2, 3, 5].iter().map(|d| day(*d).to_string()).collect();
    assert_eq!(days, expected);
    let range = client.activity_search_dates_range(MOSCOW).await.unwrap();
    assert_eq!(
        (range.min_date, range.max_date),
        (day(1).to_string(), day(12).to_string())
    );
    let filters = client
        .activity_filters(MOSCOW, day(0), day(13))
        .await
        .unwrap();
    let codes: Vec<&str> = filters.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["service_ids", "staff_ids", "resource_ids"]);
    assert_eq!(filters[0].data.len(), 3);
    assert_eq!(filters[1].data.len(), 3);
    let missing = client.activity(MOSCOW, 1).await.unwrap_err();
    assert!(
        matches!(missing, yclients::Error::Api { status: 404, .. }),
        "{missing:?}"
    );
}

#[tokio::test]
async fn a_sign_up_is_a_record_with_its_event_seats_and_cost_and_is_announced_by_webhook() {
    let inbox: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
    let url = {
        let inbox = inbox.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(
                move |axum::Json(v): axum::Json<serde_json::Value>| async move {
                    inbox.lock().unwrap().push(v);
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        url
    };
    let sandbox = Sandbox::start(SandboxConfig {
        webhook_urls: vec![url],
        generate_bookings: false,
        ..SandboxConfig::at(now())
    })
    .await
    .unwrap();
    let client = client(&sandbox);
    let booked = client
        .activity_book(MOSCOW, NEXT_PRACTICE, &sign_up("zapis-42", PHONE, 2))
        .await
        .unwrap();
    let record = client.record(MOSCOW, booked.id).await.unwrap();
    assert_eq!(
        (
            record.activity_id,
            record.clients_count,
            record.api_id.as_str()
        ),
        (NEXT_PRACTICE, 2, "zapis-42")
    );
    assert_eq!(record.services[0].cost, 6000.0);
    for _ in 0..100 {
        if !inbox.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let hooks = inbox.lock().unwrap().clone();
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    assert_eq!(hooks[0]["data"]["activity_id"], NEXT_PRACTICE);
    assert_eq!(hooks[0]["status"], "create");
    sandbox.control().cancel_record(booked.id).unwrap();
    let event = client.activity(MOSCOW, NEXT_PRACTICE).await.unwrap();
    assert_eq!(
        event.places_left(),
        4,
        "a cancelled sign-up frees its seats"
    );
}
