//! The widget's booking API against the sandbox over real HTTP: the happy path tags the
//! YCLIENTS record with the visitor; repeats and timeouts never make a second record; the
//! catalog is cached and coalesced.

use serde_json::{Value, json};

use crate::helpers::{Db, ORIGIN, TestApp, spawn_app};

pub const BRANCH: u64 = 410201;
pub const VID: &str = "0123456789abcdef0123456789abcdef";

pub async fn get(app: &TestApp, path: &str) -> Value {
    let res = app
        .client
        .get(app.url(path))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "GET {path}");
    res.json().await.unwrap()
}

/// The first free slot of the first service at `BRANCH` with any master: (service id, slot datetime).
pub async fn first_free_slot(app: &TestApp) -> (u64, String) {
    free_slot_skipping(app, 0).await
}

/// The first free slot on the second bookable day or later: far enough ahead to be cancelled
/// online (YCLIENTS refuses within 2 hours of the visit) whatever the time of day.
pub async fn free_slot_a_day_ahead(app: &TestApp) -> (u64, String) {
    free_slot_skipping(app, 1).await
}

async fn free_slot_skipping(app: &TestApp, skip_dates: usize) -> (u64, String) {
    let services = get(
        app,
        &format!("/api/v1/sites/demo/branches/{BRANCH}/services"),
    )
    .await;
    let service = services["services"][0]["id"].as_u64().unwrap();
    let dates = get(
        app,
        &format!("/api/v1/sites/demo/branches/{BRANCH}/dates?services={service}&staff=0"),
    )
    .await;
    for date in dates["dates"].as_array().unwrap().iter().skip(skip_dates) {
        let times = get(
            app,
            &format!(
                "/api/v1/sites/demo/branches/{BRANCH}/times?services={service}&staff=0&date={}",
                date.as_str().unwrap()
            ),
        )
        .await;
        if let Some(slot) = times["slots"].as_array().unwrap().first() {
            return (service, slot["datetime"].as_str().unwrap().to_owned());
        }
    }
    panic!("the sandbox has no free slot");
}

pub fn booking(service: u64, datetime: &str) -> Value {
    json!({
        "branch": BRANCH, "services": [service], "staff": 0, "datetime": datetime,
        "name": "Анна Петрова", "phone": "+7 (916) 555-12-34", "consent": true,
        "comment": "Хочу к окну",
        "attribution": {
            "vid": VID, "sid": "fedcba9876543210fedcba9876543210",
            "first": {"ch": "search", "referrer": "https://ya.ru/", "landing": "/", "ts": 1},
            "last": {"ch": "paid", "source": "yandex", "medium": "cpc", "campaign": "spring", "landing": "/?utm_source=yandex", "ts": 2}
        }
    })
}

pub async fn post_booking(app: &TestApp, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/sites/demo/bookings"))
        .header("origin", ORIGIN)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn a_visitor_books_and_the_yclients_record_carries_their_id_and_source(db: Db) {
    let app = spawn_app(db).await;
    let config = get(&app, "/api/v1/sites/demo/config").await;
    assert_eq!(
        config["branches"].as_array().unwrap().len(),
        2,
        "the demo chain has two branches"
    );
    let zones: Vec<&str> = config["branches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["timezone"].as_str().unwrap())
        .collect();
    assert!(zones.contains(&"Europe/Moscow") && zones.contains(&"Asia/Yekaterinburg"));

    let (service, datetime) = first_free_slot(&app).await;
    let staff = get(
        &app,
        &format!("/api/v1/sites/demo/branches/{BRANCH}/staff?services={service}"),
    )
    .await;
    assert!(
        staff["staff"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["bookable"] == true)
    );

    let res = post_booking(&app, "key-happy-path-1", &booking(service, &datetime)).await;
    assert_eq!(res.status(), 201);
    let result: Value = res.json().await.unwrap();
    let id = result["id"].as_str().unwrap().to_owned();
    assert_eq!(result["datetime"], datetime.as_str());
    assert!(result["cancel_url"].as_str().unwrap().contains(&id));

    let records: Vec<_> = app
        .sandbox
        .records()
        .into_iter()
        .filter(|r| r.api_id == id)
        .collect();
    assert_eq!(
        records.len(),
        1,
        "exactly one YCLIENTS record carries our id"
    );
    let record = &records[0];
    assert!(
        record.comment.contains("Хочу к окну")
            && record.comment.contains("zapis: yandex / cpc / spring"),
        "{}",
        record.comment
    );
    assert_eq!(record.custom_fields.get("zapis_visitor"), Some(&json!(VID)));
    assert_eq!(
        app.store.count_bookings("demo", "confirmed").await.unwrap(),
        1
    );
    let (campaign, first): (String, String) =
        sqlx::query_as("SELECT last_campaign, first_channel FROM bookings WHERE id = $1")
            .bind(&id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!((campaign.as_str(), first.as_str()), ("spring", "search"));

    // The slot is gone from the times the widget sees next.
    let date = &datetime[..10];
    let times = get(
        &app,
        &format!(
            "/api/v1/sites/demo/branches/{BRANCH}/times?services={service}&staff=0&date={date}"
        ),
    )
    .await;
    let still = times["slots"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["datetime"] == datetime.as_str())
        .count();
    let masters = staff["staff"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["bookable"] == true)
        .count();
    assert!(
        masters > 1 || still == 0,
        "a single master's taken slot is no longer offered"
    );
}

async fn fifty_concurrent_identical_posts_make_one_record(db: Db) {
    let app = spawn_app(db).await;
    let (service, datetime) = first_free_slot(&app).await;
    let body = booking(service, &datetime);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let (client, url, body) = (
            app.client.clone(),
            app.url("/api/v1/sites/demo/bookings"),
            body.clone(),
        );
        tasks.spawn(async move {
            let res = client
                .post(url)
                .header("origin", ORIGIN)
                .header("idempotency-key", "storm-key-0001")
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            (status, res.json::<Value>().await.unwrap())
        });
    }
    let mut ids = std::collections::HashSet::new();
    while let Some(r) = tasks.join_next().await {
        let (status, body) = r.unwrap();
        assert!(status == 201 || status == 200, "{status} {body}");
        ids.insert(body["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1, "every answer is the same booking");
    let id = ids.into_iter().next().unwrap();
    assert_eq!(
        app.sandbox
            .records()
            .iter()
            .filter(|r| r.api_id == id)
            .count(),
        1
    );
    assert_eq!(app.sandbox.calls("book_record"), 1);
}

async fn a_record_made_but_unanswered_is_found_by_api_id_and_not_made_twice(db: Db) {
    use yclients::sandbox::{Fault, FaultKind};
    let app = spawn_app(db).await;
    let (service, datetime) = first_free_slot(&app).await;
    app.sandbox
        .control()
        .inject(Fault::next(1, FaultKind::ProcessThenDrop).on("book_record"));
    let res = post_booking(&app, "key-lost-answer-1", &booking(service, &datetime)).await;
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"]
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
    assert_eq!(
        app.sandbox.calls("book_record"),
        1,
        "found by api_id, not sent again"
    );
    // The visitor's retry of the same key gets the same booking.
    let again = post_booking(&app, "key-lost-answer-1", &booking(service, &datetime)).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], id.as_str());
}

async fn a_failure_before_the_record_is_made_frees_the_key_for_a_retry(db: Db) {
    use yclients::sandbox::{Fault, FaultKind};
    let app = spawn_app(db).await;
    let (service, datetime) = first_free_slot(&app).await;
    app.sandbox
        .control()
        .inject(Fault::next(3, FaultKind::Status { status: 503 }).on("book_check"));
    let res = post_booking(&app, "key-retry-00001", &booking(service, &datetime)).await;
    assert_eq!(res.status(), 503);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "upstream_unavailable");
    app.sandbox.control().clear_faults();
    let res = post_booking(&app, "key-retry-00001", &booking(service, &datetime)).await;
    assert_eq!(res.status(), 201);
    assert_eq!(app.sandbox.calls("book_record"), 1);
}

async fn catalog_reads_are_cached_and_concurrent_ones_coalesced(db: Db) {
    let app = spawn_app(db).await;
    app.sandbox.control().reset_calls();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let (client, url) = (
            app.client.clone(),
            app.url(&format!("/api/v1/sites/demo/branches/{BRANCH}/services")),
        );
        tasks.spawn(async move { client.get(url).send().await.unwrap().status() });
    }
    while let Some(s) = tasks.join_next().await {
        assert_eq!(s.unwrap(), 200);
    }
    get(
        &app,
        &format!("/api/v1/sites/demo/branches/{BRANCH}/services"),
    )
    .await;
    // The list once, and each of the branch's 7 masters' own list once (their durations).
    assert_eq!(
        app.sandbox.calls("book_services"),
        8,
        "21 reads, one round of upstream calls"
    );
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("zapis_cache_lookups_total{kind=\"services\",result=\"fresh\"}"),
        "{metrics}"
    );
}

crate::on_both_databases!(
    a_visitor_books_and_the_yclients_record_carries_their_id_and_source,
    fifty_concurrent_identical_posts_make_one_record,
    a_record_made_but_unanswered_is_found_by_api_id_and_not_made_twice,
    a_failure_before_the_record_is_made_frees_the_key_for_a_retry,
    catalog_reads_are_cached_and_concurrent_ones_coalesced,
);
