//! What followed a call: the caller is booked by the salon's admin in YCLIENTS (a record zapis
//! did not make), and the visit and its payment join the call in the leads report, the channels
//! report and the visitor card. And a visitor who dials before their first beacon arrives: the
//! touch their page sent with its number ask is the call's.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::calls::{CALLER, campaign_line, from_campaign, notify, number, spawn, vid};
use crate::helpers::{Db, TestApp};
use crate::journey::{ANNA, SECRET, leads, logged_in};
use crate::owner_views::page;

/// The salon's admin books `phone` in YCLIENTS (the sandbox sends the record webhook).
async fn salon_books(app: &TestApp, phone: &str) -> u64 {
    let control = app.sandbox.control();
    let net = control.networks()[0].clone();
    let company = net.company_ids[0];
    let sample = control
        .records()
        .into_iter()
        .find(|r| r.company_id == company && r.services.iter().any(|s| s.cost > 0.0))
        .expect("a record to take a master and a priced service from");
    let body = json!({
        "staff_id": sample.staff_id,
        "services": [{"id": sample.services.iter().find(|s| s.cost > 0.0).unwrap().id}],
        "client": {"phone": phone, "name": "Мария"},
        "datetime": "2031-12-12 12:00:00",
        "save_if_busy": true,
    });
    let res = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/records/{company}",
            app.sandbox.base_url()
        ))
        .header("accept", "application/vnd.yclients.v2+json")
        .header(
            "authorization",
            format!("Bearer {}, User {}", net.partner_token, net.user_token),
        )
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let v: Value = res.json().await.unwrap();
    v["data"]["id"].as_u64().expect("the record's id")
}

/// Polls the leads until the call lead `pbx_id`'s row satisfies `done`.
async fn call_lead(
    app: &TestApp,
    b: &reqwest::Client,
    caller: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let rows = leads(app, b, "").await;
        let row = rows
            .into_iter()
            .find(|r| r["kind"] == "call" && r["call"]["caller"] == caller);
        if let Some(r) = row.as_ref().filter(|r| done(r)) {
            return r.clone();
        }
        assert!(
            Instant::now() < deadline,
            "the call lead never got there: {row:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the sandbox's webhooks have arrived and every one was processed: some stored,
/// none left, and no new one for a moment (the sandbox sends them in the background).
async fn processed(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(15);
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(app.store.pool())
            .await
            .unwrap()
    };
    let mut seen = -1;
    loop {
        let all = count("SELECT COUNT(*) FROM webhook_deliveries").await;
        let left = count("SELECT COUNT(*) FROM webhook_deliveries WHERE processed IS NULL").await;
        if all > 0 && left == 0 && all == seen {
            return;
        }
        seen = if left == 0 { all } else { -1 };
        assert!(Instant::now() < deadline, "deliveries never processed");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

async fn a_caller_booked_by_the_salon_admin_brings_the_visit_and_its_payment_to_the_calls_campaign(
    db: Db,
) {
    let app = spawn(db, 2).await;
    from_campaign(&app, 1, "yandex", "cpc", "spring").await;
    let tel = number(&app, &format!("vid={}", vid(1))).await["tel"]
        .as_str()
        .unwrap()
        .to_owned();
    let call = json!({"call_id": "r-1", "event": "finished", "caller": CALLER, "called": tel,
        "duration": 60, "answered": true});
    assert_eq!(notify(&app, "generic", &call).await.status(), 200);

    // The admin books the caller, and someone who never called; only the caller's record is
    // read back from YCLIENTS (the call budget) and kept.
    let before = app.sandbox.control().calls("record");
    let record = salon_books(&app, "+7 916 700-11-22").await;
    let stranger = salon_books(&app, "+7 916 000-00-01").await;
    let (b, _) = logged_in(&app, ANNA).await;
    let row = call_lead(&app, &b, "79167001122", |r| {
        r["call"]["followed"]
            .as_array()
            .is_some_and(|f| !f.is_empty())
    })
    .await;
    processed(&app).await;
    assert_eq!(row["call"]["followed"][0]["record"], record);
    assert_eq!(row["call"]["followed"][0]["state"], "booked");
    assert!(
        row["visit"]
            .as_str()
            .unwrap()
            .starts_with("2031-12-12T12:00")
    );
    assert!(
        app.store
            .call_record("demo", stranger as i64)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(app.sandbox.control().calls("record") - before, 1);

    // The visit is made and paid: YCLIENTS sends the record change and the payment.
    let cost = app.sandbox.control().record(record).unwrap().total_cost();
    assert!(cost > 0.0);
    app.sandbox.control().set_attendance(record, 1).unwrap();
    app.sandbox.control().pay_in_full(record).unwrap();
    let row = call_lead(&app, &b, "79167001122", |r| {
        r["call"]["followed"][0]["state"] == "paid"
    })
    .await;
    assert_eq!(row["call"]["followed"][0]["paid"].as_f64(), Some(cost));
    assert_eq!(row["paid"].as_f64(), Some(cost));
    processed(&app).await;

    // A late, stale delivery (the record as it was before the payment) and a repeat of the
    // payment change nothing: the record is read back, its sums are absolute.
    let stale = json!({"company_id": 410201, "resource": "record", "resource_id": record, "status": "update",
        "data": {"id": record, "attendance": 0, "paid_full": 0, "client": {"phone": "+79167001122"}}});
    let payment = json!({"company_id": 410201, "resource": "finances_operation", "resource_id": 1, "status": "create",
        "data": {"id": 1, "amount": cost, "record_id": record, "date": "2026-01-01 12:00:00"}});
    for body in [&stale, &payment, &payment] {
        let res = app
            .client
            .post(app.url(&format!("/hooks/yclients/demo/{SECRET}")))
            .json(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    processed(&app).await;
    let row = call_lead(&app, &b, "79167001122", |_| true).await;
    assert_eq!(row["call"]["followed"].as_array().unwrap().len(), 1);
    assert_eq!(row["call"]["followed"][0]["state"], "paid");
    assert_eq!(row["paid"].as_f64(), Some(cost));

    // The channels: the visit and its revenue under the call's campaign.
    let spring = campaign_line(&app, &b, "spring").await;
    assert_eq!(spring["calls"], 1, "{spring}");
    assert_eq!(spring["call_visits"], 1, "{spring}");
    assert_eq!(spring["revenue"].as_f64(), Some(cost), "{spring}");
    assert_eq!(spring["paid"], 1, "{spring}");
    let first: Value = serde_json::from_str(
        &page(
            &app,
            &b,
            "/api/v1/sites/demo/channels?by=campaign&touch=first",
            "en",
        )
        .await,
    )
    .unwrap();
    assert_eq!(first["totals"]["revenue"].as_f64(), Some(cost), "{first}");
    // One booked (by the salon, for the caller) and it came: the funnel and the came rate agree.
    assert_eq!(first["funnel"]["booked"], 1, "{first}");
    assert_eq!(first["funnel"]["came"], 1, "{first}");
    assert_eq!(spring["came_rate"].as_f64(), Some(1.0), "{spring}");

    // The owner reads it in the leads and in the visitor's story.
    let html = page(&app, &b, "/dashboard/sites/demo/leads", "ru").await;
    assert!(html.contains("записан на 12 дек., оплачено"), "{html}");
    let card = page(
        &app,
        &b,
        &format!("/dashboard/sites/demo/visitors/{}", vid(1)),
        "en",
    )
    .await;
    assert!(card.contains("booked for 12 Dec, paid"), "{card}");

    // The salon cancels it: no revenue left, the lead says so.
    app.sandbox.control().cancel_record(record).unwrap();
    let row = call_lead(&app, &b, "79167001122", |r| {
        r["call"]["followed"][0]["state"] == "cancelled"
    })
    .await;
    assert_eq!(row["paid"].as_f64(), Some(0.0));
}

async fn a_record_made_long_after_the_call_joins_nothing_and_one_within_the_window_joins_the_last_call(
    db: Db,
) {
    let app = spawn(db, 1).await;
    // A call 31 days ago (the window is 30 days).
    let long_ago = (jiff::Timestamp::now().as_second() - 31 * 86_400).to_string();
    let call = json!({"call_id": "old-1", "event": "finished", "caller": CALLER,
        "called": "+7 (495) 120-45-17", "at": long_ago, "started_at": long_ago, "answered": false});
    assert_eq!(notify(&app, "generic", &call).await.status(), 200);
    let record = salon_books(&app, CALLER).await;
    processed(&app).await;
    assert!(
        app.store
            .call_record("demo", record as i64)
            .await
            .unwrap()
            .is_none()
    );
    // A call today: the next record joins it.
    let call = json!({"call_id": "new-1", "event": "started", "caller": CALLER,
        "called": "+7 (495) 120-45-17"});
    assert_eq!(notify(&app, "generic", &call).await.status(), 200);
    let again = salon_books(&app, CALLER).await;
    processed(&app).await;
    let kept = app.store.call_record("demo", again as i64).await.unwrap();
    let new = app.store.call("demo", "new-1").await.unwrap().unwrap();
    assert_eq!(kept.map(|k| k.call_id), Some(new.id));
}

/// A desktop visitor dials before the tracker's first beacon reaches the server: the touch the
/// page sent with its number ask is the call's, first and last.
async fn a_visitor_who_dials_before_their_first_beacon_gets_the_touch_their_page_sent(db: Db) {
    let app = spawn(db, 2).await;
    // The tracker's context, whole, as the phone module sends it.
    let ctx = json!({
        "vid": vid(9),
        "sid": vid(109),
        "first": {"referrer": "https://www.google.com/", "landing": "/", "ts": 1},
        "last": {"source": "yandex", "medium": "cpc", "campaign": "winter", "landing": "/?utm_campaign=winter", "ts": 2},
    })
    .to_string();
    let query = serde_urlencoded::to_string([
        ("vid", vid(9)),
        ("utm_source", "yandex".into()),
        ("utm_medium", "cpc".into()),
        ("utm_campaign", "winter".into()),
        ("touch", ctx),
    ])
    .unwrap();
    let shown = number(&app, &query).await;
    assert_eq!(shown["kind"], "pool");
    let call =
        json!({"call_id": "early-1", "event": "started", "caller": CALLER, "called": shown["tel"]});
    assert_eq!(notify(&app, "generic", &call).await.status(), 200);
    // An older phone module sends only the campaign parameters.
    let old = number(
        &app,
        &format!("vid={}&utm_source=vk&utm_campaign=snow", vid(10)),
    )
    .await;
    let call = json!({"call_id": "early-2", "event": "started", "caller": "+7 916 000-00-02", "called": old["tel"]});
    assert_eq!(notify(&app, "generic", &call).await.status(), 200);

    let (b, _) = logged_in(&app, ANNA).await;
    let rows = leads(&app, &b, "").await;
    let early = rows
        .iter()
        .find(|r| r["call"]["caller"] == "79167001122")
        .unwrap();
    assert_eq!(early["vid"], vid(9));
    assert_eq!(early["last"]["campaign"], "winter");
    assert_eq!(early["last"]["channel"], "paid_search");
    assert_eq!(early["first"]["source"], "Google");
    assert_eq!(early["first"]["channel"], "search");
    let older = rows
        .iter()
        .find(|r| r["call"]["caller"] == "79160000002")
        .unwrap();
    assert_eq!(
        (
            older["first"]["campaign"].as_str(),
            older["last"]["campaign"].as_str()
        ),
        (Some("snow"), Some("snow"))
    );
    // Once the visitor's sessions are stored, they are what a later call reads.
    from_campaign(&app, 9, "google", "cpc", "later").await;
    let again = number(&app, &format!("vid={}", vid(9))).await;
    let call = json!({"call_id": "early-3", "event": "started", "caller": "+7 916 000-00-03", "called": again["tel"]});
    assert_eq!(notify(&app, "generic", &call).await.status(), 200);
    let rows = leads(&app, &b, "").await;
    let later = rows
        .iter()
        .find(|r| r["call"]["caller"] == "79160000003")
        .unwrap();
    assert_eq!(later["last"]["campaign"], "later");
}

crate::on_both_databases!(
    a_caller_booked_by_the_salon_admin_brings_the_visit_and_its_payment_to_the_calls_campaign,
    a_record_made_long_after_the_call_joins_nothing_and_one_within_the_window_joins_the_last_call,
    a_visitor_who_dials_before_their_first_beacon_gets_the_touch_their_page_sent,
);
