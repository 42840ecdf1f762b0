//! `/metrics` is the operator's (issue #20 item 10): on its own address, or behind a bearer
//! token, and otherwise not served on the public address; ingested events are counted.

use serde_json::Value;
use yclients::Secret;

use crate::helpers::{Db, ORIGIN, spawn_app_with};
use crate::ingest::{batch, post};

const TOKEN: &str = "metrics-token-of-the-operator";

async fn status_and_body(req: reqwest::RequestBuilder) -> (u16, String) {
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn metrics_are_not_public_unless_the_operator_says_so(db: Db) {
    let app = spawn_app_with(db, |s| s.http.metrics_public = false).await;
    let (status, body) = status_and_body(app.client.get(app.url("/metrics"))).await;
    assert_eq!(status, 404);
    let error: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["error"]["code"], "not_found", "{body}");
}

async fn metrics_behind_a_token_answer_only_to_that_token(db: Db) {
    let app = spawn_app_with(db, |s| {
        s.http.metrics_public = false;
        s.http.metrics_token = Some(Secret::new(TOKEN));
    })
    .await;
    let url = app.url("/metrics");
    let (status, _) = status_and_body(app.client.get(&url)).await;
    assert_eq!(status, 401);
    let (status, _) = status_and_body(app.client.get(&url).bearer_auth("wrong-token")).await;
    assert_eq!(status, 401);
    let (status, body) = status_and_body(app.client.get(&url).bearer_auth(TOKEN)).await;
    assert_eq!(status, 200);
    assert!(body.contains("zapis_http_requests_total"));
}

async fn metrics_on_their_own_address_count_ingested_events(db: Db) {
    let app = spawn_app_with(db, |s| {
        s.http.metrics_public = false;
        s.http.metrics_addr = Some("127.0.0.1:0".parse().unwrap());
    })
    .await;
    assert_eq!(post(&app, ORIGIN, batch(3).to_string()).await.status(), 200);
    assert_eq!(post(&app, ORIGIN, batch(4).to_string()).await.status(), 200);
    let (status, _) = status_and_body(app.client.get(app.url("/metrics"))).await;
    assert_eq!(status, 404, "not on the public address");
    let own = app.metrics_base.clone().expect("metrics_addr bound");
    let (status, body) = status_and_body(app.client.get(format!("{own}/metrics"))).await;
    assert_eq!(status, 200);
    assert!(
        body.lines().any(|l| l == "zapis_events_ingested_total 7"),
        "{body}"
    );
}

crate::on_both_databases!(
    metrics_are_not_public_unless_the_operator_says_so,
    metrics_behind_a_token_answer_only_to_that_token,
    metrics_on_their_own_address_count_ingested_events,
);
