//! What one client may send to the tracker endpoint, and how long it is kept (issue #20 item 4,
//! and the retention of item 12).

use std::net::IpAddr;

use serde_json::json;

use crate::helpers::{Db, ORIGIN, TestApp, spawn_app_with};
use crate::ingest::batch;

/// A client on its own loopback address.
fn client_at(n: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from([127, 0, 0, n]))
        .build()
        .unwrap()
}

async fn send(app: &TestApp, client: &reqwest::Client, vid: usize, events: usize) -> u16 {
    let mut body = batch(events);
    body["vid"] = json!(format!("{vid:032x}"));
    client
        .post(app.url("/api/v1/t"))
        .header("origin", ORIGIN)
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn refused_events(app: &TestApp, reason: &str) -> u64 {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let line = format!("zapis_ingest_refused_total{{reason=\"{reason}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&line))
        .map_or(0, |n| n.parse().unwrap())
}

async fn a_script_inventing_visitors_on_one_address_is_throttled(db: Db) {
    let app = spawn_app_with(db, |s| {
        s.ingest.address_burst = 200;
        s.ingest.address_events_per_minute = 60;
    })
    .await;
    let script = client_at(2);
    let mut answers = Vec::new();
    for vid in 0..20 {
        answers.push(send(&app, &script, vid, 50).await);
    }
    let accepted = answers.iter().filter(|&&s| s == 200).count();
    println!(
        "RELIABILITY ingest {db:?}: 20 × 50 events, 20 invented visitors, one address → {accepted} accepted, {} refused",
        20 - accepted
    );
    assert_eq!(accepted, 4, "{answers:?}");
    assert!(answers[4..].iter().all(|&s| s == 429));
    assert_eq!(app.store.count_events("demo").await.unwrap(), 200);
    assert_eq!(refused_events(&app, "address").await, 800);
    // A real visitor elsewhere is not affected.
    assert_eq!(send(&app, &client_at(3), 999, 5).await, 200);
}

async fn one_visitor_flooding_is_throttled(db: Db) {
    let app = spawn_app_with(db, |s| s.ingest.visitor_burst = 100).await;
    let c = client_at(4);
    assert_eq!(send(&app, &c, 7, 50).await, 200);
    assert_eq!(send(&app, &c, 7, 50).await, 200);
    assert_eq!(send(&app, &c, 7, 50).await, 429);
    assert_eq!(send(&app, &c, 8, 50).await, 200, "another visitor");
    assert_eq!(refused_events(&app, "visitor").await, 50);
}

async fn a_sites_daily_quota_bites_and_says_so_in_the_metrics(db: Db) {
    let app = spawn_app_with(db, |s| s.ingest.site_daily_events = 120).await;
    assert_eq!(send(&app, &client_at(5), 1, 50).await, 200);
    assert_eq!(send(&app, &client_at(6), 2, 50).await, 200);
    assert_eq!(send(&app, &client_at(7), 3, 50).await, 429);
    assert_eq!(refused_events(&app, "site_quota").await, 50);
    assert_eq!(app.store.count_events("demo").await.unwrap(), 100);
}

async fn what_is_older_than_the_retention_period_is_purged(db: Db) {
    let app = spawn_app_with(db, |_| {}).await;
    assert_eq!(send(&app, &client_at(8), 1, 3).await, 200);
    assert_eq!(send(&app, &client_at(8), 2, 2).await, 200);
    let now = zapis::util::clock::now_ms();
    let old = zapis::ops::retention::cutoff(396, now) - 1000;
    let pool = app.store.pool();
    let old_vid = format!("{:032x}", 1);
    for sql in [
        "UPDATE events SET received = $1 WHERE vid = $2",
        "UPDATE sessions SET last_seen = $1 WHERE vid = $2",
        "UPDATE visitors SET last_seen = $1 WHERE vid = $2",
    ] {
        sqlx::query(sql)
            .bind(old)
            .bind(&old_vid)
            .execute(pool)
            .await
            .unwrap();
    }
    for (id, updated) in [("old-failed", old), ("new-failed", now)] {
        sqlx::query(
            "INSERT INTO bookings (id, site, idempotency_key, request_hash, state, company_id, staff_id, services, datetime, name, phone, email, comment, created, updated) \
             VALUES ($1, 'demo', $1, 'h', 'failed', 1, 0, '[]', '2025-01-01T10:00:00', 'Анна Петрова', '79165551234', 'a@b.ru', 'позвоните', $2, $2)",
        )
        .bind(id)
        .bind(updated)
        .execute(pool)
        .await
        .unwrap();
    }
    for (digest, processed) in [
        ("old-digest", Some(old)),
        ("new-digest", Some(now)),
        ("unprocessed", None),
    ] {
        sqlx::query("INSERT INTO webhook_deliveries (site, digest, received, state, processed) VALUES ('demo', $1, $2, 'processed', $3)")
            .bind(digest)
            .bind(old)
            .bind(processed)
            .execute(pool)
            .await
            .unwrap();
    }
    let purged = app
        .store
        .purge_older_than(zapis::ops::retention::cutoff(396, now))
        .await
        .unwrap();
    println!("RELIABILITY retention {db:?}: {purged:?}");
    assert_eq!(
        purged,
        zapis::store::Purged {
            events: 3,
            sessions: 1,
            visitors: 1,
            failed_bookings: 1,
            deliveries: 1
        }
    );
    assert_eq!(app.store.count_events("demo").await.unwrap(), 2);
    let kept: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, name FROM bookings WHERE id IN ('old-failed', 'new-failed') ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert_eq!(
        kept,
        [
            ("new-failed".to_owned(), "Анна Петрова".to_owned()),
            ("old-failed".to_owned(), String::new())
        ]
    );
    let digests: Vec<String> =
        sqlx::query_scalar("SELECT digest FROM webhook_deliveries ORDER BY digest")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(digests, ["new-digest", "unprocessed"]);
}

crate::on_both_databases!(
    a_script_inventing_visitors_on_one_address_is_throttled,
    one_visitor_flooding_is_throttled,
    a_sites_daily_quota_bites_and_says_so_in_the_metrics,
    what_is_older_than_the_retention_period_is_purged,
);
