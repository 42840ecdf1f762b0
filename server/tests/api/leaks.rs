//! No secret leaves the server: the partner and user tokens, the owners' passwords and their
//! hashes, and the webhook secret appear in no response — pages (anonymous and logged in),
//! API answers, error answers, /metrics, /api/openapi.json, assets — and in no log line.

use std::sync::{Arc, Mutex};

use serde_json::json;

use crate::helpers::{Db, ORIGIN};
use crate::journey::{
    ANNA, BORIS, SECRET, book, browser, land, light_hash, logged_in, spawn_with, touch,
};

/// Log lines written while the test's runtime runs (a thread-local subscriber at TRACE).
#[derive(Clone, Default)]
pub struct Captured(pub Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn no_token_password_or_secret_appears_in_any_answer_or_log_line(db: Db) {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let anna_hash = light_hash(ANNA.1);
    let app = spawn_with(db, |s| s.owners[0].password_hash = anna_hash.clone()).await;
    let secrets = [
        app.sandbox.partner_token(),
        app.sandbox.user_token(),
        ANNA.1.to_owned(),
        BORIS.1.to_owned(),
        anna_hash.clone(),
        SECRET.to_owned(),
    ];

    // Traffic that touches every part: beacons, a booking, webhooks, errors, login.
    let spring = touch("yandex", "cpc", "spring", 1_700_000_000_000);
    let vid = "0123456789abcdef0123456789abcd01";
    land(
        &app,
        vid,
        "fedcba9876543210fedcba98765432aa",
        &spring,
        1_700_000_000_000,
    )
    .await;
    let (_, record) = book(
        &app,
        "leaks-booking-01",
        vid,
        "fedcba9876543210fedcba98765432aa",
        &spring,
        &spring,
    )
    .await;
    app.sandbox.control().pay_in_full(record).unwrap();
    let _ = app
        .client
        .post(app.url("/hooks/yclients/demo/not-the-secret-at-all"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let bad = browser();
    let _ = crate::journey::submit_login(&app, &bad, ANNA.0, "wrong-password").await;
    let (b, _) = logged_in(&app, ANNA).await;

    let mut bodies = Vec::new();
    let paths = [
        "/",
        "/health",
        "/metrics",
        "/api/openapi.json",
        "/embed.js",
        "/widget.0123456789.wasm",
        "/nosuch",
        "/api/v1/sites/demo/config",
        "/api/v1/sites/demo/branches/410201/services",
        "/api/v1/sites/demo/branches/999/services",
        "/api/v1/sites/demo/embed",
        "/dashboard",
        "/dashboard/login",
        "/dashboard/style.css",
        "/dashboard/sites/demo/leads",
        "/dashboard/sites/demo/leads.csv",
        "/dashboard/sites/demo/channels",
        "/dashboard/sites/demo/privacy",
        "/dashboard/sites/other/leads",
        &format!("/dashboard/sites/demo/visitors/{vid}"),
        "/api/v1/session",
        "/api/v1/sites/demo/leads",
        "/api/v1/sites/demo/leads.csv",
        "/api/v1/sites/demo/channels",
        &format!("/api/v1/sites/demo/visitors/{vid}"),
    ];
    for client in [&app.client, &b] {
        for path in paths {
            let res = client
                .get(app.url(path))
                .header("origin", ORIGIN)
                .send()
                .await
                .unwrap();
            let headers = format!("{:?}", res.headers());
            bodies.push((
                path.to_string(),
                headers + &String::from_utf8_lossy(&res.bytes().await.unwrap()),
            ));
        }
    }
    for (path, body) in [
        ("/api/v1/t", "{not json"),
        ("/api/v1/sites/demo/bookings", "{\"branch\": \"x\"}"),
    ] {
        let res = app
            .client
            .post(app.url(path))
            .header("origin", ORIGIN)
            .header("idempotency-key", "leaks-bad-0001")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        bodies.push((path.into(), res.text().await.unwrap()));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let logs = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(logs.contains("booking confirmed"), "the log was captured");
    for secret in &secrets {
        for (path, body) in &bodies {
            assert!(!body.contains(secret.as_str()), "{path} shows a secret");
        }
        assert!(
            !logs.contains(secret.as_str()),
            "a log line holds a secret: {}",
            logs.lines()
                .find(|l| l.contains(secret.as_str()))
                .unwrap_or_default()
        );
    }
}

crate::on_both_databases!(no_token_password_or_secret_appears_in_any_answer_or_log_line);
