//! Limits: body size, field lengths, events per batch, attempts and uncached lookups per
//! address, codes per phone —
//! each refused with its 4xx and a stable error code, before anything reaches YCLIENTS.

use serde_json::{Value, json};

use crate::booking::{BRANCH, booking, first_free_slot, post_booking};
use crate::helpers::{Db, ORIGIN, TestApp, spawn_app};
use crate::storm::{client_from, error_code};

async fn answer(res: reqwest::Response) -> (u16, String) {
    let status = res.status().as_u16();
    let body: Value = res
        .json()
        .await
        .unwrap_or_else(|e| panic!("{status} without a JSON body: {e}"));
    (status, error_code(status, &body))
}

fn batch(events: usize, path_len: usize) -> String {
    json!({
        "site": "demo", "vid": "0123456789abcdef0123456789abcdef", "sid": "fedcba9876543210fedcba9876543210", "started": 1,
        "touch": {"ch": "direct", "landing": "/", "ts": 1},
        "events": (0..events).map(|i| json!({"t": "pageview", "ts": i, "path": format!("/{}", "p".repeat(path_len))})).collect::<Vec<_>>()
    })
    .to_string()
}

async fn beacon(app: &TestApp, body: String) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/t"))
        .header("origin", ORIGIN)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn bodies_over_their_size_are_refused_with_413_in_the_error_shape(db: Db) {
    let app = spawn_app(db).await;
    let mut big = booking(1, "2030-01-01T10:00:00+03:00");
    big["comment"] = json!("x".repeat(70 * 1024));
    let res = post_booking(&app, "limits-big-0001", &big).await;
    assert_eq!(
        answer(res).await,
        (413, "payload_too_large".into()),
        "a booking over 64 KiB"
    );
    assert_eq!(
        answer(beacon(&app, batch(10, 3500)).await).await,
        (413, "payload_too_large".into()),
        "a beacon over 32 KiB"
    );
    assert_eq!(
        app.sandbox.calls("book_record") + app.sandbox.calls("book_check"),
        0
    );
}

async fn a_name_or_comment_over_its_length_is_refused_naming_the_field(db: Db) {
    let app = spawn_app(db).await;
    let (service, datetime) = first_free_slot(&app).await;
    let mut long_name = booking(service, &datetime);
    long_name["name"] = json!("Я".repeat(101));
    let res = post_booking(&app, "limits-name-0001", &long_name).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (
            body["error"]["code"].as_str(),
            body["error"]["field"].as_str()
        ),
        (Some("invalid_field"), Some("name"))
    );
    let mut long_comment = booking(service, &datetime);
    long_comment["comment"] = json!("ж".repeat(1001));
    let res = post_booking(&app, "limits-comment-01", &long_comment).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["field"],
        "comment"
    );
    assert_eq!(
        app.sandbox.calls("book_record"),
        0,
        "nothing reached YCLIENTS"
    );
}

async fn a_batch_of_more_than_fifty_events_or_an_overlong_text_is_refused(db: Db) {
    let app = spawn_app(db).await;
    assert_eq!(
        answer(beacon(&app, batch(51, 5)).await).await,
        (422, "invalid_field".into())
    );
    assert_eq!(
        answer(beacon(&app, batch(1, 2049)).await).await,
        (422, "invalid_field".into())
    );
    assert_eq!(
        beacon(&app, batch(50, 5)).await.status(),
        200,
        "fifty is allowed"
    );
    assert_eq!(app.store.count_events("demo").await.unwrap(), 50);
}

async fn the_thirty_first_booking_attempt_from_one_address_is_refused_but_retries_are_free(db: Db) {
    let app = spawn_app(db).await;
    let client = client_from(99);
    let mut body = booking(1, "2030-01-01T10:00:00+03:00");
    body["name"] = json!("");
    let post = |key: String, body: Value| {
        let (client, url) = (client.clone(), app.url("/api/v1/sites/demo/bookings"));
        async move {
            client
                .post(url)
                .header("origin", ORIGIN)
                .header("idempotency-key", key)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    for i in 0..30 {
        let mut b = body.clone();
        b["attribution"]["vid"] = json!(format!("{i:032x}"));
        assert_eq!(
            post(format!("limits-ip-{i:04}"), b.clone()).await.status(),
            422
        );
        assert_eq!(
            post(format!("limits-ip-{i:04}"), b).await.status(),
            422,
            "a retry of the same key is not counted"
        );
    }
    let mut b = body.clone();
    b["attribution"]["vid"] = json!(format!("{:032x}", 31));
    assert_eq!(
        answer(post("limits-ip-0031".into(), b).await).await,
        (429, "rate_limited".into())
    );
    // Another address is not affected.
    let other = client_from(98)
        .post(app.url("/api/v1/sites/demo/bookings"))
        .header("origin", ORIGIN)
        .header("idempotency-key", "limits-other-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 422);
}

async fn the_fourth_sms_code_for_one_phone_is_refused(db: Db) {
    let app = spawn_app(db).await;
    let url = app.url("/api/v1/sites/demo/branches/410202/code");
    for i in 0..3 {
        let res = client_from(120 + i)
            .post(&url)
            .header("origin", ORIGIN)
            .json(&json!({"phone": "+7 916 555-12-34"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204);
    }
    let res = client_from(124)
        .post(&url)
        .header("origin", ORIGIN)
        .json(&json!({"phone": "+7 916 555-12-34"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer(res).await, (429, "rate_limited".into()));
    assert_eq!(app.sandbox.calls("book_code"), 3);
    let _ = BRANCH;
}

crate::on_both_databases!(
    bodies_over_their_size_are_refused_with_413_in_the_error_shape,
    a_name_or_comment_over_its_length_is_refused_naming_the_field,
    a_batch_of_more_than_fifty_events_or_an_overlong_text_is_refused,
    the_thirty_first_booking_attempt_from_one_address_is_refused_but_retries_are_free,
    the_fourth_sms_code_for_one_phone_is_refused,
    a_script_walking_master_and_day_combinations_is_stopped_before_it_spends_the_salons_budget,
);

/// Lookups the cache cannot answer spend the salon's YCLIENTS budget (200 calls a minute for
/// every visitor together): one address gets 120 calls' worth of them per 10 minutes, then 429 —
/// while what is cached stays free for it, and other addresses are not affected. (A master's day
/// is one call whatever the services, so the script walks masters and days.)
async fn a_script_walking_master_and_day_combinations_is_stopped_before_it_spends_the_salons_budget(
    db: Db,
) {
    let app = spawn_app(db).await;
    let get = |path: String| {
        let req = app
            .client
            .get(app.url(&format!("/api/v1/sites/demo/branches/{BRANCH}/{path}")))
            .header("origin", ORIGIN);
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let services = get("services".into()).await;
    let ids: Vec<u64> = services["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_u64().unwrap())
        .collect();
    // Each bookable master with one service they do.
    let mut masters: Vec<(u64, u64)> = Vec::new();
    for s in &ids {
        for m in get(format!("staff?services={s}")).await["staff"]
            .as_array()
            .unwrap()
        {
            let id = m["id"].as_u64().unwrap();
            if m["bookable"] == true && !masters.iter().any(|(x, _)| *x == id) {
                masters.push((id, *s));
            }
        }
    }
    assert!(masters.len() >= 3, "the seed has masters: {masters:?}");
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Moscow").unwrap())
        .date();
    let combos: Vec<(u64, u64, String)> = (0..60)
        .flat_map(|d| {
            let date = today
                .checked_add(jiff::Span::new().days(d))
                .unwrap()
                .to_string();
            masters.iter().map(move |(m, s)| (*s, *m, date.clone()))
        })
        .take(130)
        .collect();
    assert_eq!(combos.len(), 130, "the seed has enough masters × days");
    let times = |client: reqwest::Client, (service, staff, date): (u64, u64, String)| {
        let url = app.url(&format!(
            "/api/v1/sites/demo/branches/{BRANCH}/times?services={service}&staff={staff}&date={date}"
        ));
        async move {
            let res = client
                .get(url)
                .header("origin", ORIGIN)
                .send()
                .await
                .unwrap();
            if res.status() == 200 {
                (200, String::new())
            } else {
                answer(res).await
            }
        }
    };
    let script = client_from(60);
    let before = app.sandbox.calls("book_times");
    let mut answers = Vec::new();
    for c in &combos {
        answers.push(times(script.clone(), c.clone()).await);
    }
    let ok = answers.iter().filter(|(s, _)| *s == 200).count();
    assert_eq!(ok, 120, "120 uncached lookups answered");
    assert!(
        answers[120..]
            .iter()
            .all(|a| *a == (429, "rate_limited".into())),
        "then 429 rate_limited: {:?}",
        &answers[120..]
    );
    assert_eq!(
        app.sandbox.calls("book_times") - before,
        120,
        "only the answered lookups reached YCLIENTS"
    );
    // What is cached stays free for it; another address is not affected.
    assert_eq!(
        times(script.clone(), combos[0].clone()).await.0,
        200,
        "a cached answer"
    );
    assert_eq!(
        times(client_from(61), combos[125].clone()).await.0,
        200,
        "another visitor"
    );
}
