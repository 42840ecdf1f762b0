//! kill -9 under load. The real `zapis` binary runs against a YCLIENTS sandbox that lives in
//! this test (so it survives the kill), takes tracker beacons from eight senders and one booking
//! whose record YCLIENTS has made but not yet answered; then SIGKILL, and a start on the same
//! SQLite file. Every acknowledged event is there, the store opens cleanly, and the booking that
//! was in flight is found by its api_id and confirmed at start: no orphan record in YCLIENTS.
//! A booking killed before YCLIENTS made its record is let go at start instead, and the
//! visitor's retry with the same key books it once.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde_json::{Value, json};
use yclients::sandbox::{Fault, FaultKind, Sandbox, SandboxConfig};

const ORIGIN: &str = "http://salon.test";
const BRANCH: u64 = 410201;

#[path = "common/zapis_process.rs"]
mod zapis_process;
use zapis_process::start;

fn config(dir: &std::path::Path, sandbox: &Sandbox) -> std::path::PathBuf {
    let path = dir.join("zapis.toml");
    let text = format!(
        r#"
[server]
addr = "127.0.0.1:0"
database_url = "sqlite://{db}"
dist_dir = "{dist}"

[ingest]
# A durability test under load, not an abuse test: eight senders on one address.
address_burst = 100000000
address_events_per_minute = 100000000
visitor_burst = 100000000
visitor_events_per_minute = 100000000

[upstream]
timeout_ms = 30000
rate_budget = false

[reconciler]
interval_secs = 0

[[networks]]
name = "len"
base_url = "{base}"
partner_token_env = "CRASH_PARTNER_TOKEN"
user_token_env = "CRASH_USER_TOKEN"

[[sites]]
key = "demo"
origins = ["{ORIGIN}"]
booking_consent = false

[sites.yclients]
network = "len"
group_id = 120501
"#,
        db = dir.join("zapis.db").display(),
        dist = dir.join("dist").display(),
        base = sandbox.base_url(),
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn batch(sender: usize, n: usize) -> Value {
    json!({
        "site": "demo", "vid": format!("{:032x}", sender + 1), "sid": format!("{:032x}", 1000 + sender), "started": 1_700_000_000_000u64,
        "touch": {"ch": "direct", "landing": "/", "ts": 1_700_000_000_000u64},
        "events": (0..20).map(|i| json!({"t": "pageview", "ts": 1_700_000_000_000u64 + i as u64, "path": format!("/s{sender}/b{n}/e{i}")})).collect::<Vec<_>>()
    })
}

async fn get(client: &reqwest::Client, url: String) -> Value {
    let res = client
        .get(&url)
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{url}");
    res.json().await.unwrap()
}

/// A free slot of the first service with any master.
async fn free_slot(client: &reqwest::Client, base: &str) -> (u64, String) {
    let services = get(
        client,
        format!("{base}/api/v1/sites/demo/branches/{BRANCH}/services"),
    )
    .await;
    let service = services["services"][0]["id"].as_u64().unwrap();
    let dates = get(
        client,
        format!("{base}/api/v1/sites/demo/branches/{BRANCH}/dates?services={service}&staff=0"),
    )
    .await;
    for date in dates["dates"].as_array().unwrap() {
        let times = get(client, format!("{base}/api/v1/sites/demo/branches/{BRANCH}/times?services={service}&staff=0&date={}", date.as_str().unwrap())).await;
        if let Some(slot) = times["slots"].as_array().unwrap().first() {
            return (service, slot["datetime"].as_str().unwrap().to_owned());
        }
    }
    panic!("no free slot");
}

async fn wait_healthy(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(res) = client.get(format!("{base}/health")).send().await
            && res.status() == 200
        {
            return;
        }
        assert!(Instant::now() < deadline, "zapis did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A YCLIENTS sandbox living in this test (it survives the kills), a folder with the server's
/// config and database, and an HTTP client.
async fn prepare() -> (
    Sandbox,
    tempfile::TempDir,
    std::path::PathBuf,
    reqwest::Client,
) {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("dist")).unwrap();
    let config = config(tmp.path(), &sandbox);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    (sandbox, tmp, config, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_with_sigkill_under_load_it_loses_no_acknowledged_event_and_no_booking() {
    let started = Instant::now();
    let (sandbox, tmp, config, client) = prepare().await;
    let first = start(&config, &sandbox);
    wait_healthy(&client, &first.base).await;
    let (service, datetime) = free_slot(&client, &first.base).await;

    // Eight senders of beacons, each remembering the batches acknowledged.
    let acked: Arc<Mutex<Vec<(usize, usize)>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut senders = Vec::new();
    for sender in 0..8 {
        let (client, url, acked, stop) = (
            client.clone(),
            format!("{}/api/v1/t", first.base),
            acked.clone(),
            stop.clone(),
        );
        senders.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let sent = client
                    .post(&url)
                    .header("origin", ORIGIN)
                    .body(batch(sender, n).to_string())
                    .send()
                    .await;
                match sent {
                    Ok(res) if res.status() == 200 => {
                        let ack: Value = res.json().await.unwrap_or_default();
                        if ack["stored"] == 20 {
                            acked.lock().unwrap().push((sender, n));
                        }
                    }
                    Ok(res) => panic!("beacon answered {}", res.status()),
                    Err(_) => break, // the server is gone
                }
                n += 1;
            }
        }));
    }

    // A booking whose record YCLIENTS makes but never answers.
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::ProcessThenHang).on("book_record"));
    let body = json!({"branch": BRANCH, "services": [service], "staff": 0, "datetime": datetime, "name": "Анна", "phone": "+79165551234", "consent": true});
    let booking = {
        let (client, url) = (
            client.clone(),
            format!("{}/api/v1/sites/demo/bookings", first.base),
        );
        tokio::spawn(async move {
            client
                .post(url)
                .header("origin", ORIGIN)
                .header("idempotency-key", "crash-booking-1")
                .json(&body)
                .send()
                .await
        })
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while sandbox.calls("book_record") == 0 || acked.lock().unwrap().len() < 50 {
        assert!(Instant::now() < deadline, "load did not build up");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(first); // SIGKILL
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for s in senders {
        s.await.unwrap();
    }
    assert!(
        booking.await.unwrap().is_err(),
        "the booking got no answer: the server died"
    );
    let acked = acked.lock().unwrap().clone();
    let made: Vec<_> = sandbox
        .records()
        .into_iter()
        .filter(|r| r.api_id.len() == 32)
        .collect();
    assert_eq!(
        made.len(),
        1,
        "the in-flight booking's record exists in YCLIENTS"
    );
    let in_flight = made[0].api_id.clone();

    // Start again on the same file.
    let second = start(&config, &sandbox);
    wait_healthy(&client, &second.base).await;
    let url = format!("sqlite://{}", tmp.path().join("zapis.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    let paths: std::collections::HashSet<String> =
        sqlx::query_scalar("SELECT path FROM events WHERE site = 'demo'")
            .fetch_all(&pool)
            .await
            .unwrap()
            .into_iter()
            .collect();
    for (sender, n) in &acked {
        for i in 0..20 {
            assert!(
                paths.contains(&format!("/s{sender}/b{n}/e{i}")),
                "acknowledged event /s{sender}/b{n}/e{i} lost"
            );
        }
    }
    // The reconciler's run at start finds the record by api_id.
    let deadline = Instant::now() + Duration::from_secs(20);
    let state = loop {
        let state: Option<String> = sqlx::query_scalar("SELECT state FROM bookings WHERE id = ?")
            .bind(&in_flight)
            .fetch_optional(&pool)
            .await
            .unwrap();
        if state.as_deref() == Some("confirmed") || Instant::now() > deadline {
            break state;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        state.as_deref(),
        Some("confirmed"),
        "the in-flight booking is stored with its record"
    );
    let record_id: Option<i64> = sqlx::query_scalar("SELECT record_id FROM bookings WHERE id = ?")
        .bind(&in_flight)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(record_id, Some(made[0].id as i64));
    // The visitor's retry with the same key gets that booking, and nothing is sent again.
    let again = client
        .post(format!("{}/api/v1/sites/demo/bookings", second.base))
        .header("origin", ORIGIN)
        .header("idempotency-key", "crash-booking-1")
        .json(&json!({"branch": BRANCH, "services": [service], "staff": 0, "datetime": datetime, "name": "Анна", "phone": "+79165551234", "consent": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(
        again.json::<Value>().await.unwrap()["id"],
        in_flight.as_str()
    );
    assert_eq!(sandbox.calls("book_record"), 1);
    println!(
        "RELIABILITY crash: {} batches ({} events) acknowledged before SIGKILL, all stored; {} stored in all; in-flight booking confirmed at restart; {:.1} s",
        acked.len(),
        acked.len() * 20,
        paths.len(),
        started.elapsed().as_secs_f64()
    );
    pool.close().await;
    drop(second);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_booking_killed_before_yclients_made_it_is_let_go_at_start_and_the_retry_books_once() {
    let (sandbox, tmp, config, client) = prepare().await;
    let first = start(&config, &sandbox);
    wait_healthy(&client, &first.base).await;
    let (service, datetime) = free_slot(&client, &first.base).await;
    let body = json!({"branch": BRANCH, "services": [service], "staff": 0, "datetime": datetime, "name": "Анна", "phone": "+79165551234", "consent": true});
    let book = |base: String| {
        let (client, body) = (client.clone(), body.clone());
        async move {
            client
                .post(format!("{base}/api/v1/sites/demo/bookings"))
                .header("origin", ORIGIN)
                .header("idempotency-key", "crash-booking-2")
                .json(&body)
                .send()
                .await
        }
    };

    // YCLIENTS holds the call without making the record; the server dies meanwhile.
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::Hang).on("book_record"));
    let booking = tokio::spawn(book(first.base.clone()));
    let deadline = Instant::now() + Duration::from_secs(20);
    while sandbox.calls("book_record") == 0 {
        assert!(
            Instant::now() < deadline,
            "the booking did not reach YCLIENTS"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(first); // SIGKILL
    assert!(
        booking.await.unwrap().is_err(),
        "the booking got no answer: the server died"
    );
    assert!(
        sandbox.records().iter().all(|r| r.api_id.len() != 32),
        "YCLIENTS made nothing"
    );

    // The restart comes three minutes after the crash (the row is dated back by that much):
    // long enough for YCLIENTS to have finished anything the dead process had sent.
    let url = format!("sqlite://{}", tmp.path().join("zapis.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let pending: Vec<String> =
        sqlx::query_scalar("SELECT id FROM bookings WHERE state = 'pending'")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        pending.len(),
        1,
        "the booking was stored pending before YCLIENTS was called"
    );
    sqlx::query("UPDATE bookings SET created = created - 180000, updated = updated - 180000")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    let second = start(&config, &sandbox);
    wait_healthy(&client, &second.base).await;
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bookings WHERE id = ?")
            .bind(&pending[0])
            .fetch_one(&pool)
            .await
            .unwrap();
        if left == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the orphaned pending booking was not let go at start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The visitor's retry with the same key books, once.
    let again = book(second.base.clone()).await.unwrap();
    assert_eq!(again.status(), 201);
    let id = again.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let made: Vec<_> = sandbox
        .records()
        .into_iter()
        .filter(|r| r.api_id.len() == 32)
        .collect();
    assert_eq!(made.len(), 1, "one record in YCLIENTS");
    assert_eq!(made[0].api_id, id);
    let state: String = sqlx::query_scalar("SELECT state FROM bookings WHERE id = ?")
        .bind(&id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(state, "confirmed");
    println!(
        "RELIABILITY crash before the record: killed while YCLIENTS held book_record unprocessed; at restart the pending booking was let go, the retry with the same key booked: 1 record, {} book_record calls",
        sandbox.calls("book_record")
    );
    pool.close().await;
    drop(second);
}
