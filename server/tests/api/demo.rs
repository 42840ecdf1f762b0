//! The demo on another port: `ZAPIS_ADDR=127.0.0.1:9000 zapis` serves the demo site from
//! :9000, and its bookings go through from there.

use serde_json::Value;
use zapis::config::Settings;

use crate::booking::booking;
use crate::helpers::{Db, TestApp, spawn_app_with};

/// The first free slot of the first service at the Moscow branch, read as the server's own page
/// at `origin` reads it.
async fn free_slot(app: &TestApp, origin: &str) -> (u64, String) {
    let get = |path: String| async move {
        let res = app
            .client
            .get(app.url(&path))
            .header("origin", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "GET {path} from {origin}");
        res.json::<Value>().await.unwrap()
    };
    let base = "/api/v1/sites/demo/branches/410201";
    let service = get(format!("{base}/services")).await["services"][0]["id"]
        .as_u64()
        .unwrap();
    let dates = get(format!("{base}/dates?services={service}&staff=0")).await;
    for date in dates["dates"].as_array().unwrap() {
        let date = date.as_str().unwrap();
        let times = get(format!(
            "{base}/times?services={service}&staff=0&date={date}"
        ))
        .await;
        if let Some(slot) = times["slots"].as_array().unwrap().first() {
            return (service, slot["datetime"].as_str().unwrap().to_owned());
        }
    }
    panic!("the sandbox has no free slot");
}

async fn the_demo_on_a_port_of_its_own_takes_bookings_from_the_pages_it_serves(db: Db) {
    let app = spawn_app_with(db, |s| {
        // What `zapis` with no config does once ZAPIS_ADDR moved the address.
        let mut demo = Settings::demo();
        demo.server.addr = s.server.addr;
        demo.demo_follows_address();
        s.sites = demo.sites;
    })
    .await;
    let port = app.base.rsplit(':').next().unwrap().to_owned();
    assert_ne!(port, "8080");
    let (service, datetime) = free_slot(&app, &format!("http://127.0.0.1:{port}")).await;
    for (n, origin) in [
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
    ]
    .into_iter()
    .enumerate()
    {
        let config = app
            .client
            .get(app.url("/api/v1/sites/demo/config"))
            .header("origin", &origin)
            .send()
            .await
            .unwrap();
        assert_eq!(config.status(), 200, "{origin}");
        assert_eq!(
            config.headers()["access-control-allow-origin"],
            origin.as_str()
        );
        if n == 0 {
            let res = app
                .client
                .post(app.url("/api/v1/sites/demo/bookings"))
                .header("origin", &origin)
                .header("idempotency-key", "demo-port-0001")
                .json(&booking(service, &datetime))
                .send()
                .await
                .unwrap();
            let status = res.status();
            let body: Value = res.json().await.unwrap();
            assert_eq!(status, 201, "booked from {origin}: {body}");
        }
    }
    let stale = app
        .client
        .get(app.url("/api/v1/sites/demo/config"))
        .header("origin", "http://127.0.0.1:8080")
        .send()
        .await
        .unwrap();
    assert_eq!(
        stale.status(),
        403,
        "the default port is not where this demo is served"
    );
}

crate::on_both_databases!(the_demo_on_a_port_of_its_own_takes_bookings_from_the_pages_it_serves);
