//! Payments flow back: the salon marks a visit in YCLIENTS, the sandbox sends real webhooks to
//! the app, and the booking's outcome and paid sum show in the leads report. With webhooks off,
//! the reconciler reads the same truth. Repeats change nothing; a wrong secret is refused.

use serde_json::{Value, json};

use crate::helpers::{Db, TestApp};
use crate::journey::{
    ANNA, SECRET, book, land, leads, logged_in, metrics, reconcile, spawn, touch, wait_for_lead,
};

const VID: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1";
const SID: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1";

async fn land_and_book(app: &TestApp, key: &str) -> (String, u64) {
    let spring = touch("yandex", "cpc", "spring", 1_700_000_000_000);
    land(app, VID, SID, &spring, 1_700_000_000_000).await;
    book(app, key, VID, SID, &spring, &spring).await
}

async fn post_hook(app: &TestApp, secret: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/hooks/yclients/demo/{secret}")))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn a_paid_visit_shows_its_revenue_in_the_leads_report(db: Db) {
    let app = spawn(db).await;
    let (b, _) = logged_in(&app, ANNA).await;
    let (id, record) = land_and_book(&app, "paid-visit-0001").await;
    let cost = app.sandbox.control().record(record).unwrap().total_cost();
    app.sandbox.control().set_attendance(record, 1).unwrap();
    app.sandbox.control().pay_in_full(record).unwrap();

    // The payment and the record update (paid_full) are separate webhooks: wait for both.
    let row = wait_for_lead(&app, &b, &id, |r| {
        r["state"] == "came" && r["paid"].as_f64() == Some(cost) && r["paid_full"] == true
    })
    .await;
    assert_eq!(
        (
            row["last"]["source"].as_str(),
            row["last"]["campaign"].as_str()
        ),
        (Some("yandex"), Some("spring"))
    );
    assert_eq!(row["first"]["source"], "yandex");
    assert_eq!(row["vid"], VID);
    assert_eq!(
        row["landing"],
        "/?utm_source=yandex&utm_medium=cpc&utm_campaign=spring&yclid=42"
    );
    assert!(
        !row["services"].as_array().unwrap().is_empty()
            && !row["master"].as_str().unwrap().is_empty()
            && !row["branch"].as_str().unwrap().is_empty()
    );
    assert_eq!(row["paid_full"], true);
    let m = metrics(&app).await;
    assert!(
        m.contains("zapis_webhooks_total{result=\"received\"}")
            && m.contains("zapis_webhooks_total{result=\"processed\"}"),
        "{m}"
    );
}

async fn cancellations_no_shows_and_moves_reach_the_booking(db: Db) {
    let app = spawn(db).await;
    let (b, _) = logged_in(&app, ANNA).await;
    let (first, record_a) = land_and_book(&app, "cancel-0001").await;
    let (second, record_b) = land_and_book(&app, "noshow-0001").await;
    let (third, record_c) = land_and_book(&app, "moved-0001").await;
    let (fourth, record_d) = land_and_book(&app, "client-cancel-0001").await;
    app.sandbox.control().cancel_record(record_a).unwrap();
    app.sandbox.control().set_attendance(record_b, -1).unwrap();
    wait_for_lead(&app, &b, &first, |r| r["state"] == "cancelled_salon").await;
    wait_for_lead(&app, &b, &second, |r| r["state"] == "no_show").await;
    // The salon moves a visit.
    app.sandbox
        .control()
        .move_record(record_c, "2031-05-05T12:30:00Z".parse().unwrap())
        .unwrap();
    let row = wait_for_lead(&app, &b, &third, |r| r["state"] == "rescheduled").await;
    assert_eq!(row["visit"], "2031-05-05T15:30:00+03:00");
    // A client who cancelled through us reads "cancelled by the client".
    app.store.mark_client_cancelled(&fourth, 1).await.unwrap();
    app.sandbox.control().cancel_record(record_d).unwrap();
    wait_for_lead(&app, &b, &fourth, |r| r["state"] == "cancelled_client").await;
}

async fn the_same_webhook_delivered_twice_changes_nothing(db: Db) {
    let app = spawn(db).await;
    app.sandbox.control().set_webhook_urls(Vec::new());
    let (b, _) = logged_in(&app, ANNA).await;
    let (id, record) = land_and_book(&app, "twice-0001").await;
    // What YCLIENTS holds (its own deliveries are off; ours below carry the same).
    let paid = app.sandbox.control().add_payment(record, 1500.0).unwrap();
    app.sandbox.control().set_attendance(record, 1).unwrap();
    let payment = json!({
        "company_id": 410201, "resource": "finances_operation", "resource_id": paid.id, "status": "create",
        "data": {"id": paid.id, "amount": 1500, "record_id": record, "date": "2026-01-01 12:00:00",
                 "client": {"id": 1, "name": "Анна", "phone": "+79165551234"}}
    });
    for _ in 0..2 {
        assert_eq!(post_hook(&app, SECRET, &payment).await.status(), 200);
    }
    let came = json!({"company_id": 410201, "resource": "record", "resource_id": record, "status": "update",
                      "data": {"id": record, "api_id": id, "attendance": 1, "last_change_date": "2026-01-01T12:00:00+0300"}});
    for _ in 0..2 {
        assert_eq!(post_hook(&app, SECRET, &came).await.status(), 200);
    }
    let row = wait_for_lead(&app, &b, &id, |r| {
        r["state"] == "came" && r["paid"].as_f64() == Some(1500.0)
    })
    .await;
    assert_eq!(row["paid"].as_f64(), Some(1500.0), "paid once, not twice");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(stored, 2, "each delivery stored once");
    assert!(
        metrics(&app)
            .await
            .contains("zapis_webhooks_total{result=\"duplicate\"} 2")
    );
    // A delivery about a record that is not ours is ignored.
    let foreign = json!({"company_id": 410201, "resource": "record", "resource_id": 123456789, "status": "update", "data": {"id": 123456789, "api_id": "", "attendance": 1}});
    assert_eq!(post_hook(&app, SECRET, &foreign).await.status(), 200);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !metrics(&app)
        .await
        .contains("zapis_webhooks_total{result=\"ignored\"} 1")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the foreign delivery is ignored"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(leads(&app, &b, "").await.len(), 1);
}

/// A visit marked paid sends YCLIENTS' record change and its finance operation together: the
/// record is read back once for both, not once per delivery (the YCLIENTS call budget).
async fn deliveries_about_one_record_are_read_back_once_per_batch(db: Db) {
    let app = spawn(db).await;
    app.sandbox.control().set_webhook_urls(Vec::new());
    let (b, _) = logged_in(&app, ANNA).await;
    let (id, record) = land_and_book(&app, "batch-0001").await;
    let paid = app.sandbox.control().add_payment(record, 1500.0).unwrap();
    app.sandbox.control().set_attendance(record, 1).unwrap();
    app.sandbox.control().reset_calls();
    // Both are stored back to back as deliveries not processed yet (the processor is idle); a
    // delivery about a record that is not ours wakes it: one batch holds all three.
    let payment = json!({
        "company_id": 410201, "resource": "finances_operation", "resource_id": paid.id, "status": "create",
        "data": {"id": paid.id, "amount": 1500, "record_id": record, "date": "2026-01-01 12:00:00"}
    });
    let came = json!({"company_id": 410201, "resource": "record", "resource_id": record, "status": "update",
                      "data": {"id": record, "api_id": id, "attendance": 1}});
    for (digest, body) in [("batch-payment", &payment), ("batch-came", &came)] {
        let stored = app
            .store
            .insert_delivery("demo", digest, &body.to_string(), 1)
            .await
            .unwrap();
        assert!(stored);
    }
    let foreign = json!({"company_id": 410201, "resource": "record", "resource_id": 123456789, "status": "update", "data": {"id": 123456789, "api_id": "", "attendance": 1}});
    assert_eq!(post_hook(&app, SECRET, &foreign).await.status(), 200);
    wait_for_lead(&app, &b, &id, |r| {
        r["state"] == "came" && r["paid"].as_f64() == Some(1500.0)
    })
    .await;
    assert_eq!(
        app.sandbox.control().calls("record"),
        1,
        "one read back for two deliveries: {:?}",
        app.sandbox.control().all_calls()
    );
}

/// Whoever knows the URL can post a delivery: it is a hint, and what is stored is what YCLIENTS
/// answers when the record is read back.
async fn a_forged_payment_or_visit_changes_nothing(db: Db) {
    let app = spawn(db).await;
    app.sandbox.control().set_webhook_urls(Vec::new());
    let (b, _) = logged_in(&app, ANNA).await;
    let (id, record) = land_and_book(&app, "forged-0001").await;
    let forged_payment = json!({
        "company_id": 410201, "resource": "finances_operation", "resource_id": 770001, "status": "create",
        "data": {"id": 770001, "amount": 999999, "record_id": record, "date": "2026-01-01 12:00:00"}
    });
    let forged_visit = json!({"company_id": 410201, "resource": "record", "resource_id": record, "status": "update",
        "data": {"id": record, "api_id": id, "attendance": 1, "paid_full": 1}});
    assert_eq!(post_hook(&app, SECRET, &forged_payment).await.status(), 200);
    assert_eq!(post_hook(&app, SECRET, &forged_visit).await.status(), 200);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !metrics(&app)
        .await
        .contains("zapis_webhooks_total{result=\"processed\"} 2")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "both deliveries processed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let row = wait_for_lead(&app, &b, &id, |_| true).await;
    println!(
        "RELIABILITY forged webhooks: paid {} state {}",
        row["paid"], row["state"]
    );
    assert_eq!(
        row["paid"].as_f64().unwrap_or(0.0),
        0.0,
        "no forged 999,999 ₽"
    );
    assert_eq!(row["state"], "upcoming", "no forged visit");
    // The real payment, announced by the same kind of delivery, is stored.
    let real = app.sandbox.control().pay_in_full(record).unwrap();
    let cost = app.sandbox.control().record(record).unwrap().total_cost();
    let mut announced = forged_payment.clone();
    announced["resource_id"] = json!(real.id);
    announced["data"]["id"] = json!(real.id);
    assert_eq!(post_hook(&app, SECRET, &announced).await.status(), 200);
    wait_for_lead(&app, &b, &id, |r| r["paid"].as_f64() == Some(cost)).await;
}

async fn a_webhook_with_a_wrong_secret_is_refused(db: Db) {
    let app = spawn(db).await;
    let body = json!({"company_id": 410201, "resource": "record", "resource_id": 1, "status": "delete", "data": {"id": 1}});
    let res = post_hook(&app, "test-webhook-secret-5f1e0c9b", &body).await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "webhook_refused"
    );
    let res = app
        .client
        .post(app.url(&format!("/hooks/yclients/nosuchsite/{SECRET}")))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(stored, 0);
    assert!(
        metrics(&app)
            .await
            .contains("zapis_webhooks_total{result=\"refused\"} 2")
    );
    // An address guessing secrets is stopped: after 10 wrong ones even the right one waits.
    for n in 0..9 {
        let res = post_hook(&app, &format!("guess-{n}"), &body).await;
        assert_eq!(res.status(), 403);
    }
    assert_eq!(post_hook(&app, "guess-10", &body).await.status(), 429);
    assert_eq!(post_hook(&app, SECRET, &body).await.status(), 429);
}

async fn with_webhooks_off_the_reconciler_gets_it_right(db: Db) {
    let app = spawn(db).await;
    app.sandbox.control().set_webhook_urls(Vec::new());
    let (b, csrf) = logged_in(&app, ANNA).await;
    let (first, record_a) = land_and_book(&app, "reconcile-0001").await;
    let (second, record_b) = land_and_book(&app, "reconcile-0002").await;
    app.sandbox.control().set_attendance(record_a, 1).unwrap();
    let paid = app.sandbox.control().pay_in_full(record_a).unwrap().amount;

    // The first run reads each open booking's record.
    let report = reconcile(&app, &b, &csrf).await;
    assert!(report["updated"].as_u64().unwrap() >= 2, "{report}");
    let rows = leads(&app, &b, "").await;
    let a = rows.iter().find(|r| r["id"] == first.as_str()).unwrap();
    assert_eq!(
        (a["state"].as_str(), a["paid"].as_f64()),
        (Some("came"), Some(paid))
    );
    assert_eq!(
        rows.iter().find(|r| r["id"] == second.as_str()).unwrap()["state"],
        "upcoming"
    );

    // The next reads what changed since (`changed_after`), a few calls at most. (Right after
    // startup the sandbox's lived-in schedule has hundreds of records "changed" a moment ago,
    // so the sweep gives up after its page limit and reads the open bookings one by one.)
    app.sandbox.control().cancel_record(record_b).unwrap();
    app.sandbox.control().reset_calls();
    reconcile(&app, &b, &csrf).await;
    let rows = leads(&app, &b, "").await;
    assert_eq!(
        rows.iter().find(|r| r["id"] == second.as_str()).unwrap()["state"],
        "cancelled_salon"
    );
    let calls = app.sandbox.control().all_calls();
    assert!(calls.get("records").is_some_and(|n| *n >= 1), "{calls:?}");
    // (Free times the visitors' calendars fetched ahead may still arrive: not the reconciler's.)
    let reconciler: u64 = calls
        .iter()
        .filter(|(k, _)| k.as_str() != "book_times")
        .map(|(_, n)| n)
        .sum();
    assert!(reconciler <= 6, "a polite run: {calls:?}");
}

async fn a_booking_whose_answer_was_lost_is_confirmed_by_the_reconciler(db: Db) {
    use yclients::sandbox::{Fault, FaultKind};
    let app = spawn(db).await;
    let (b, csrf) = logged_in(&app, ANNA).await;
    let spring = touch("yandex", "cpc", "spring", 1_700_000_000_000);
    land(&app, VID, SID, &spring, 1_700_000_000_000).await;
    let (service, datetime) = crate::booking::first_free_slot(&app).await;
    let mut body = crate::booking::booking(service, &datetime);
    body["attribution"] = json!({"vid": VID, "sid": SID, "first": spring, "last": spring});
    // The record is made but the answer is lost, and the lookup by api_id fails too.
    app.sandbox
        .control()
        .inject(Fault::next(2, FaultKind::ProcessThenDrop).on("book_record"));
    app.sandbox
        .control()
        .inject(Fault::next(20, FaultKind::Status { status: 503 }).on("records"));
    let res = crate::booking::post_booking(&app, "lost-answer-0001", &body).await;
    assert_eq!(res.status(), 503, "{}", res.text().await.unwrap());
    app.sandbox.control().clear_faults();
    assert_eq!(
        app.store.count_bookings("demo", "unknown").await.unwrap(),
        1
    );
    // Minutes later (the booking flow is long done with it):
    sqlx::query("UPDATE bookings SET updated = updated - 600000, created = created - 600000")
        .execute(app.store.pool())
        .await
        .unwrap();
    let report = reconcile(&app, &b, &csrf).await;
    assert_eq!(report["resolved"], 1, "{report}");
    assert_eq!(
        app.store.count_bookings("demo", "confirmed").await.unwrap(),
        1
    );
    // The visitor's retry gets the booking that was made; nothing is booked twice.
    let again = crate::booking::post_booking(&app, "lost-answer-0001", &body).await;
    assert_eq!(again.status(), 200);
    let id = again.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.sandbox
            .records()
            .iter()
            .filter(|r| r.api_id == id)
            .count(),
        1
    );
    let row = leads(&app, &b, "")
        .await
        .into_iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    assert_eq!(
        (row["state"].as_str(), row["last"]["campaign"].as_str()),
        (Some("upcoming"), Some("spring"))
    );
}

crate::on_both_databases!(
    a_paid_visit_shows_its_revenue_in_the_leads_report,
    cancellations_no_shows_and_moves_reach_the_booking,
    the_same_webhook_delivered_twice_changes_nothing,
    a_webhook_with_a_wrong_secret_is_refused,
    with_webhooks_off_the_reconciler_gets_it_right,
    a_booking_whose_answer_was_lost_is_confirmed_by_the_reconciler,
    a_forged_payment_or_visit_changes_nothing,
    deliveries_about_one_record_are_read_back_once_per_batch,
);
