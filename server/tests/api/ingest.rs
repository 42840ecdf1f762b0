//! Beacons from the tracker: stored durably before they are acknowledged; bad ones refused in
//! the error shape.

use serde_json::{Value, json};

use crate::helpers::{Db, ORIGIN, spawn_app};

const VID: &str = "0123456789abcdef0123456789abcdef";
const SID: &str = "fedcba9876543210fedcba9876543210";

pub fn batch(events: usize) -> Value {
    json!({
        "site": "demo", "vid": VID, "sid": SID, "started": 1_700_000_000_000u64,
        "touch": {"ch": "paid", "source": "yandex", "medium": "cpc", "campaign": "spring", "landing": "/?utm_source=yandex", "ts": 1_700_000_000_000u64},
        "events": (0..events).map(|i| json!({"t": "pageview", "ts": 1_700_000_000_000u64 + i as u64, "path": format!("/page/{i}"), "title": "Салон"})).collect::<Vec<_>>()
    })
}

pub async fn post(app: &crate::helpers::TestApp, origin: &str, body: String) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/t"))
        .header("origin", origin)
        .header("content-type", "text/plain;charset=UTF-8")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn a_beacon_is_acknowledged_only_once_its_events_are_stored(db: Db) {
    let app = spawn_app(db).await;
    let res = post(&app, ORIGIN, batch(3).to_string()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"stored": 3}));
    assert_eq!(app.store.count_events("demo").await.unwrap(), 3);
    let (channel, campaign): (String, String) =
        sqlx::query_as("SELECT channel, campaign FROM sessions WHERE site = 'demo' AND sid = $1")
            .bind(SID)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    // The server classifies the touch (an old tracker's `"ch": "paid"` is not kept).
    assert_eq!(
        (channel.as_str(), campaign.as_str()),
        ("paid_search", "spring")
    );
}

async fn many_concurrent_beacons_all_land_and_share_commits(db: Db) {
    let app = spawn_app(db).await;
    let mut sends = tokio::task::JoinSet::new();
    for n in 0..40 {
        let (client, url) = (app.client.clone(), app.url("/api/v1/t"));
        // Forty visitors (one visitor sending 400 events at once would be throttled).
        let mut body = batch(10);
        body["vid"] = json!(format!("{n:032x}"));
        sends.spawn(async move {
            client
                .post(url)
                .header("origin", ORIGIN)
                .body(body.to_string())
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    while let Some(status) = sends.join_next().await {
        assert_eq!(status.unwrap(), 200);
    }
    assert_eq!(app.store.count_events("demo").await.unwrap(), 400);
}

async fn a_beacon_from_an_origin_the_site_does_not_allow_is_refused(db: Db) {
    let app = spawn_app(db).await;
    let res = post(&app, "https://evil.test", batch(1).to_string()).await;
    assert_eq!(res.status(), 403);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "origin_not_allowed");
    assert_eq!(app.store.count_events("demo").await.unwrap(), 0);
}

async fn beacons_of_bots_are_acknowledged_and_dropped_unless_the_site_allows_them(db: Db) {
    // The tracker no longer reads `navigator.webdriver` (#22): the server drops what crawlers and
    // headless browsers send, by User-Agent (the demo site allows localhost, not automation).
    let app = spawn_app(db).await;
    for ua in [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
        "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    ] {
        let res = app
            .client
            .post(app.url("/api/v1/t"))
            .header("origin", ORIGIN)
            .header("user-agent", ua)
            .body(batch(2).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{ua}");
        assert_eq!(
            res.json::<Value>().await.unwrap(),
            json!({"stored": 0}),
            "{ua}"
        );
    }
    assert_eq!(app.store.count_events("demo").await.unwrap(), 0);
    let res = post(&app, ORIGIN, batch(1).to_string()).await; // a browser
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"stored": 1}));
}

async fn a_beacon_for_an_unknown_site_is_refused(db: Db) {
    let app = spawn_app(db).await;
    let mut b = batch(1);
    b["site"] = json!("nope");
    let res = post(&app, ORIGIN, b.to_string()).await;
    assert_eq!(res.status(), 404);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "unknown_site"
    );
}

async fn malformed_and_oversized_beacons_get_a_clear_4xx(db: Db) {
    let app = spawn_app(db).await;
    let res = post(&app, ORIGIN, "{not json".into()).await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "bad_json"
    );

    let mut wrong_type = batch(1);
    wrong_type["events"][0]["ts"] = json!("yesterday");
    assert_eq!(
        post(&app, ORIGIN, wrong_type.to_string()).await.status(),
        400
    );

    let mut bad_id = batch(1);
    bad_id["vid"] = json!("not-an-id");
    let res = post(&app, ORIGIN, bad_id.to_string()).await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["field"], "vid");

    let res = post(&app, ORIGIN, batch(51).to_string()).await;
    assert_eq!(res.status(), 422);

    let mut long = batch(1);
    long["events"][0]["path"] = json!("/".repeat(5000));
    assert_eq!(post(&app, ORIGIN, long.to_string()).await.status(), 422);

    let huge = "x".repeat(100 * 1024);
    let res = post(&app, ORIGIN, huge).await;
    assert_eq!(res.status(), 413);
    assert_eq!(app.store.count_events("demo").await.unwrap(), 0);
}

async fn errors_speak_english_when_asked(db: Db) {
    let app = spawn_app(db).await;
    let res = app
        .client
        .post(app.url("/api/v1/t"))
        .header("origin", "https://evil.test")
        .header("accept-language", "en-US,en;q=0.9")
        .body(batch(1).to_string())
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["error"]["message"],
        "Requests from this origin are not allowed."
    );
}

crate::on_both_databases!(
    a_beacon_is_acknowledged_only_once_its_events_are_stored,
    many_concurrent_beacons_all_land_and_share_commits,
    a_beacon_from_an_origin_the_site_does_not_allow_is_refused,
    beacons_of_bots_are_acknowledged_and_dropped_unless_the_site_allows_them,
    a_beacon_for_an_unknown_site_is_refused,
    malformed_and_oversized_beacons_get_a_clear_4xx,
    errors_speak_english_when_asked,
);
