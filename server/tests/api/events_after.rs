//! Group event sign-ups after the visit and after a lost answer: the sign-up in the leads, the
//! visitor card and channels with its campaign, seats and paid amount; a lost answer found by
//! `api_id` and never made twice, also when the reconciler settles it.

use serde_json::{Value, json};
use yclients::sandbox::{Fault, FaultKind};

use crate::booking::{BRANCH, VID};
use crate::events::{LECTURE, NEXT_PRACTICE, owner_json, post_signup, signup};
use crate::helpers::{Db, spawn_app};
use crate::journey::{ANNA, land, logged_in, reconcile, spawn, touch, wait_for_lead};

async fn a_sign_up_is_a_lead_with_its_campaign_seats_and_the_amount_paid(db: Db) {
    let app = spawn(db).await;
    let (b, _) = logged_in(&app, ANNA).await;
    let sid = "fedcba9876543210fedcba9876543210";
    let ad = touch("yandex", "cpc", "classes", 2);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    land(&app, VID, sid, &ad, now).await;
    let mut body = signup(BRANCH, NEXT_PRACTICE, 2);
    body["attribution"] = json!({"vid": VID, "sid": sid, "first": ad, "last": ad});
    let res = post_signup(&app, "signup-lead-01", &body).await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let lead = wait_for_lead(&app, &b, &id, |_| true).await;
    assert_eq!(
        (
            lead["kind"].as_str(),
            lead["seats"].as_u64(),
            lead["last"]["campaign"].as_str(),
            lead["planned_min"].as_f64()
        ),
        (Some("event_signup"), Some(2), Some("classes"), Some(6000.0))
    );
    let record = app
        .sandbox
        .records()
        .into_iter()
        .find(|r| r.api_id == id)
        .unwrap()
        .id;
    app.sandbox.control().set_attendance(record, 1).unwrap();
    let paid = app.sandbox.control().pay_in_full(record).unwrap().amount;
    assert_eq!(paid, 6000.0);
    wait_for_lead(&app, &b, &id, |r| r["paid"].as_f64() == Some(paid)).await;
    let page = b
        .get(app.url("/dashboard/sites/demo/leads"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("запись на событие (2 места)"),
        "the leads page names the sign-up"
    );
    let card = owner_json(&app, &b, &format!("/api/v1/sites/demo/visitors/{VID}")).await;
    assert_eq!(card["bookings"][0]["kind"], "event_signup");
    let channels = owner_json(&app, &b, "/api/v1/sites/demo/channels").await;
    let row = channels["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["campaign"] == "classes")
        .expect("the campaign's row");
    assert_eq!(
        (
            row["signups"].as_i64(),
            row["signup_seats"].as_i64(),
            row["revenue"].as_f64()
        ),
        (Some(1), Some(2), Some(paid))
    );
}

async fn a_sign_up_made_but_unanswered_is_found_by_api_id_and_not_made_twice(db: Db) {
    let app = spawn_app(db).await;
    app.sandbox
        .control()
        .inject(Fault::next(1, FaultKind::ProcessThenDrop).on("activity_book"));
    let body = signup(BRANCH, LECTURE, 2);
    let res = post_signup(&app, "signup-lost-01", &body).await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"].clone();
    let again = post_signup(&app, "signup-lost-01", &body).await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!((&again["id"], again["seats"].as_u64()), (&id, Some(2)));
    let made = app.sandbox.records();
    assert_eq!(
        made.iter()
            .filter(|r| r.api_id == id.as_str().unwrap())
            .count(),
        1
    );
    assert_eq!(
        app.sandbox.calls("activity_book"),
        1,
        "found by api_id, not sent again"
    );
}

async fn a_sign_up_left_unknown_is_confirmed_by_the_reconciler_and_its_retry_reads_it(db: Db) {
    let app = spawn(db).await;
    let (b, csrf) = logged_in(&app, ANNA).await;
    let control = app.sandbox.control();
    control.inject(Fault::next(1, FaultKind::ProcessThenDrop).on("activity_book"));
    control.inject(Fault::next(20, FaultKind::Status { status: 503 }).on("records"));
    let body = signup(BRANCH, LECTURE, 2);
    let res = post_signup(&app, "signup-unknown-01", &body).await;
    assert_eq!(res.status(), 503, "the outcome is being checked");
    control.clear_faults();
    // Long untouched, as the reconciler next finds it.
    sqlx::query("UPDATE bookings SET updated = 0 WHERE idempotency_key = 'signup-unknown-01'")
        .execute(app.store.pool())
        .await
        .unwrap();
    let report = reconcile(&app, &b, &csrf).await;
    assert!(report.to_string().contains("\"resolved\":1"), "{report}");
    let again = post_signup(&app, "signup-unknown-01", &body).await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(
        (again["event"].as_u64(), again["seats"].as_u64()),
        (Some(LECTURE), Some(2))
    );
    assert_eq!(app.sandbox.calls("activity_book"), 1);
}

crate::on_both_databases!(
    a_sign_up_is_a_lead_with_its_campaign_seats_and_the_amount_paid,
    a_sign_up_made_but_unanswered_is_found_by_api_id_and_not_made_twice,
    a_sign_up_left_unknown_is_confirmed_by_the_reconciler_and_its_retry_reads_it,
);
