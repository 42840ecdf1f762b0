//! Call tracking end to end: numbers leased to visitors, PBX notifications merged into calls,
//! calls matched to campaigns in the leads report, and calls in YCLIENTS (the sandbox) by route.

use serde_json::{Value, json};
use yclients::Secret;
use zapis::calls::CallSettings;

use crate::helpers::{Db, ORIGIN, TestApp};
use crate::journey::{land, spawn_with, touch};

pub const PBX_SECRET: &str = "pbx-secret-0123456789abcdef";

fn calls_settings(pool: usize) -> CallSettings {
    let mut c: CallSettings = toml::from_str(&format!(
        "default_number = \"+7 (495) 120-45-17\"\npool = [{}]\nrecording_wait_secs = 1\n\
         [[static]]\nnumber = \"+7 (495) 120-45-99\"\nutm_source = \"flyer\"",
        (0..pool)
            .map(|i| format!("\"+7 495 300-{:02}-{:02}\"", i / 100, i % 100))
            .collect::<Vec<_>>()
            .join(",")
    ))
    .unwrap();
    c.pbx_secret = Some(Secret::new(PBX_SECRET));
    c
}

async fn spawn(db: Db, pool: usize) -> TestApp {
    spawn_with(db, |s| s.sites[0].calls = Some(calls_settings(pool))).await
}

fn vid(i: usize) -> String {
    format!("{i:032x}")
}

async fn number(app: &TestApp, query: &str) -> Value {
    let res = app
        .client
        .get(app.url(&format!("/api/v1/sites/demo/number?{query}")))
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

pub async fn notify(app: &TestApp, format: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/hooks/pbx/demo/{PBX_SECRET}?format={format}")))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn visitor_from_campaign_sees_a_pool_number_in_the_sites_format_and_a_second_visitor_another(
    db: Db,
) {
    let app = spawn(db, 3).await;
    let now = jiff::Timestamp::now().as_millisecond() as u64;
    land(
        &app,
        &vid(1),
        &vid(101),
        &touch("yandex", "cpc", "spring", now),
        now,
    )
    .await;
    let first = number(&app, &format!("vid={}", vid(1))).await;
    assert_eq!(first["kind"], "pool");
    assert_eq!(
        first["number"], "+7 (495) 300-00-00",
        "the default number's format"
    );
    assert_eq!(first["tel"], "+74953000000");
    assert_eq!(first["hold_secs"], 180);
    // Asking again while active renews the same number.
    assert_eq!(number(&app, &format!("vid={}", vid(1))).await, first);
    let second = number(&app, &format!("vid={}", vid(2))).await;
    assert_eq!(second["kind"], "pool");
    assert_ne!(second["number"], first["number"]);
    // A flyer's visitor gets its static number (from the landing's utm_source, before any
    // beacon), a visitor without an id the default one, and the pool is not touched by them.
    let flyer = number(&app, &format!("vid={}&utm_source=flyer", vid(3))).await;
    assert_eq!(
        (flyer["kind"].as_str(), flyer["number"].as_str()),
        (Some("static"), Some("+7 (495) 120-45-99"))
    );
    let anonymous = number(&app, "").await;
    assert_eq!(anonymous["kind"], "default");
    assert_eq!(anonymous["number"], "+7 (495) 120-45-17");
    let bad = number(&app, "vid=not-an-id").await;
    assert_eq!(bad["kind"], "default");
    // Another site's page (a foreign origin) gets no lease either.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/sites/demo/number?vid={}", vid(4))))
        .header("origin", "http://evil.test")
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["kind"], "default");
    // A site without call tracking: 404.
    let res = app
        .client
        .get(app.url("/api/v1/sites/other/number"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

async fn a_site_that_requires_consent_leases_numbers_only_to_visitors_who_gave_it(db: Db) {
    let app = spawn_with(db, |s| {
        s.sites[0].calls = Some(calls_settings(2));
        s.sites[0].consent = protocol::site::ConsentMode::Required;
    })
    .await;
    let without = number(&app, &format!("vid={}", vid(1))).await;
    assert_eq!(without["kind"], "default");
    let with = number(&app, &format!("vid={}&consent=1", vid(1))).await;
    assert_eq!(with["kind"], "pool");
}

async fn pbx_notifications_are_refused_without_the_secret_or_when_unreadable(db: Db) {
    let app = spawn(db, 1).await;
    let res = app
        .client
        .post(app.url("/hooks/pbx/demo/wrong-secret"))
        .json(&json!({"call_id": "x", "event": "started"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = notify(&app, "generic", &json!({"event": "started"})).await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert!(body.to_string().contains("call_id"), "{body}");
    let res = notify(
        &app,
        "sip-trunk",
        &json!({"call_id": "x", "event": "started"}),
    )
    .await;
    assert_eq!(res.status(), 422);
    let res = notify(
        &app,
        "generic",
        &json!({"call_id": "x", "event": "started", "direction": "outgoing"}),
    )
    .await;
    assert_eq!(
        res.status(),
        200,
        "an outgoing call is accepted and ignored"
    );
    assert!(app.store.call("demo", "x").await.unwrap().is_none());
}

crate::on_both_databases!(
    visitor_from_campaign_sees_a_pool_number_in_the_sites_format_and_a_second_visitor_another,
    a_site_that_requires_consent_leases_numbers_only_to_visitors_who_gave_it,
    pbx_notifications_are_refused_without_the_secret_or_when_unreadable,
);
