//! The sandbox's side doors: webhooks, HTTP test hooks, the seed and its determinism.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use yclients::model::{Appointment, WebhookEvent, WebhookStatus};
use yclients::sandbox::{Sandbox, SandboxConfig};

use crate::common::*;

type Inbox = Arc<Mutex<Vec<WebhookEvent>>>;

async fn receiver() -> (String, Inbox) {
    let inbox: Inbox = Arc::default();
    async fn take(State(inbox): State<Inbox>, Json(event): Json<WebhookEvent>) {
        inbox.lock().unwrap().push(event);
    }
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(take))
        .with_state(inbox.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, inbox)
}

async fn wait_for(inbox: &Inbox, count: usize) -> Vec<WebhookEvent> {
    for _ in 0..100 {
        if inbox.lock().unwrap().len() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    inbox.lock().unwrap().clone()
}

#[tokio::test]
async fn webhooks_report_creation_visit_payment_and_cancellation() {
    let (url, inbox) = receiver().await;
    let config = SandboxConfig {
        webhook_urls: vec![url],
        generate_bookings: false,
        ..SandboxConfig::at(now())
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    let request = visitor(
        "hooked",
        vec![Appointment::new(
            1,
            &[WOMEN_CUT],
            ANNA,
            "2025-03-11T12:00:00+03:00",
        )],
    );
    let id = client(&sandbox)
        .book_record(MOSCOW, &request)
        .await
        .unwrap()[0]
        .record_id;
    let created = wait_for(&inbox, 1).await;
    assert_eq!(
        (
            created[0].resource.as_str(),
            created[0].status,
            created[0].company_id
        ),
        ("record", WebhookStatus::Create, MOSCOW)
    );
    assert_eq!(created[0].record().unwrap().api_id, "hooked");
    sandbox.control().set_attendance(id, 1).unwrap();
    sandbox.control().pay_in_full(id).unwrap();
    sandbox.control().cancel_record(id).unwrap();
    let events = wait_for(&inbox, 5).await;
    let kinds: Vec<(String, WebhookStatus)> = events
        .iter()
        .map(|e| (e.resource.clone(), e.status))
        .collect();
    for expected in [
        ("record", WebhookStatus::Update),
        ("finances_operation", WebhookStatus::Create),
        ("record", WebhookStatus::Delete),
    ] {
        assert!(
            kinds.contains(&(expected.0.to_owned(), expected.1)),
            "{kinds:?}"
        );
    }
    let payment = events
        .iter()
        .find_map(WebhookEvent::finance_operation)
        .unwrap();
    assert_eq!(
        (payment.transaction.record_id, payment.transaction.amount),
        (id, 2200.0)
    );
    assert_eq!(payment.client.unwrap().phone, format!("+{PHONE}"));
    assert!(
        events
            .iter()
            .filter_map(WebhookEvent::record)
            .any(|r| r.paid_full == 1 && r.attendance == 1)
    );
    assert_eq!(events.len(), 5, "each event is sent once");
}

#[tokio::test]
async fn test_hooks_work_over_http_for_another_process() {
    let sandbox = quiet_sandbox().await;
    let base = sandbox.base_url();
    let http = reqwest::Client::new();
    let post = |path: &str, body: Value| http.post(format!("{base}{path}")).json(&body).send();
    post(
        "/sandbox/faults",
        json!({"kind": "status", "status": 503, "endpoint": "book_staff", "next": 1}),
    )
    .await
    .unwrap();
    post("/sandbox/clock", json!({"advance_seconds": 3600}))
        .await
        .unwrap();
    let clock: Value = http
        .get(format!("{base}/sandbox/clock"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(clock["now"], "2025-03-10T08:00:00Z");
    let client = client(&sandbox);
    client
        .book_staff(MOSCOW, &Default::default())
        .await
        .unwrap();
    let calls: Value = http
        .get(format!("{base}/sandbox/calls/book_staff"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(calls["calls"], 2, "the injected 503 was retried");
    client.book_code(MOSCOW, PHONE, "Алиса").await.unwrap();
    let sms: Value = http
        .get(format!("{base}/sandbox/sms/+{PHONE}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        sms["code"].as_str(),
        sandbox.last_sms_code(PHONE).as_deref()
    );
    let request = visitor(
        "http-hooks",
        vec![Appointment::new(
            1,
            &[WOMEN_CUT],
            ANNA,
            "2025-03-11T12:00:00+03:00",
        )],
    );
    let id = client.book_record(MOSCOW, &request).await.unwrap()[0].record_id;
    let visit: Value = post(
        &format!("/sandbox/records/{id}/attendance"),
        json!({"attendance": 1}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(visit["attendance"], 1);
    let paid: Value = post(&format!("/sandbox/records/{id}/payments"), json!({}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(paid["amount"], 2200.0);
    post(&format!("/sandbox/records/{id}/cancel"), json!({}))
        .await
        .unwrap();
    let record = client.record(MOSCOW, id).await.unwrap();
    assert_eq!(
        (record.attendance, record.paid_full, record.deleted),
        (1, 1, true)
    );
    let missing = post("/sandbox/records/1/attendance", json!({"attendance": 1}))
        .await
        .unwrap();
    assert_eq!(missing.status(), 422);
    let networks: Value = http
        .get(format!("{base}/sandbox/networks"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(networks[0]["partner_token"], sandbox.partner_token());
}

#[tokio::test]
async fn the_same_seed_and_clock_give_the_same_salon() {
    let first = busy_sandbox().await;
    let second = busy_sandbox().await;
    let summary = |s: &Sandbox| {
        s.records()
            .into_iter()
            .map(|r| (r.id, r.staff_id, r.datetime))
            .collect::<Vec<_>>()
    };
    assert_eq!(summary(&first), summary(&second));
    assert!(
        first.records().len() > 100,
        "a believable schedule: {}",
        first.records().len()
    );
}

#[tokio::test]
async fn on_the_real_clock_the_schedule_surrounds_today() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let now = jiff::Timestamp::now();
    let starts: Vec<jiff::Timestamp> = sandbox
        .records()
        .iter()
        .filter_map(|r| r.starts_at())
        .collect();
    assert!(starts.iter().any(|t| *t < now) && starts.iter().any(|t| *t > now));
    assert!(
        starts
            .iter()
            .all(|t| t.duration_since(now).abs().as_hours() < 24 * 16)
    );
    let client = client(&sandbox);
    let dates = client
        .book_dates(MOSCOW, &yclients::model::BookQuery::new(0, &[MANICURE]))
        .await
        .unwrap();
    assert!(!dates.booking_dates.is_empty());
}

#[tokio::test]
async fn a_custom_partner_token_and_forced_sms_confirmation_apply() {
    let config = SandboxConfig {
        partner_token: Some("my-partner".into()),
        phone_confirmation: Some(true),
        ..SandboxConfig::at(now())
    };
    let sandbox = Sandbox::start(config).await.unwrap();
    assert_eq!(sandbox.partner_token(), "my-partner");
    let company = client(&sandbox).company(MOSCOW).await.unwrap();
    assert!(company.phone_confirmation);
    sandbox.shutdown().await;
}
