//! Two real `zapis` processes on one PostgreSQL database, started together (so their
//! migrations race), against one YCLIENTS sandbox in this test with its documented rate limit on
//! (5/s and 200/min per address → 429): the reconciler and webhook processing run on one of
//! them only; the YCLIENTS budget and the SMS-code limit are shared; a booking in flight on an
//! instance killed with SIGKILL is finished by the other.

use std::{
    io::{BufRead, BufReader},
    net::{IpAddr, Ipv4Addr},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{Value, json};
use yclients::sandbox::{Fault, FaultKind, Sandbox, SandboxConfig};

const ORIGIN: &str = "http://salon.test";
const BRANCH: u64 = 410201;
const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A fresh database, dropped afterwards.
struct Pg {
    url: String,
    name: String,
}

impl Pg {
    async fn create() -> Self {
        use sqlx::Connection;
        let name = format!("zapis_instances_{:016x}", rand::random::<u64>());
        let mut conn = sqlx::PgConnection::connect(PG_ADMIN)
            .await
            .expect("PostgreSQL on 127.0.0.1:5432");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap();
        Self {
            url: format!("postgres://postgres@127.0.0.1:5432/{name}"),
            name,
        }
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async {
                    use sqlx::Connection;
                    if let Ok(mut conn) = sqlx::PgConnection::connect(PG_ADMIN).await {
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                            .execute(&mut conn)
                            .await;
                    }
                })
        })
        .join();
    }
}

/// One `zapis` process, killed with SIGKILL when dropped.
struct Instance {
    child: Child,
    base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn config(dir: &std::path::Path, pg: &Pg, sandbox: &Sandbox) -> std::path::PathBuf {
    let path = dir.join("zapis.toml");
    let text = format!(
        r#"
[server]
addr = "127.0.0.1:0"
database_url = "{db}"
dist_dir = "{dist}"
lease_secs = 3

# The test reads each instance's background-run counters from /metrics (loopback only).
[http]
metrics_public = true

[reconciler]
interval_secs = 1

# The budget test sends a known load of its own (warming at start: tests/api/busy.rs).
[upstream]
warm_days = 0

[[networks]]
name = "len"
base_url = "{base}"
partner_token_env = "INSTANCES_PARTNER_TOKEN"
user_token_env = "INSTANCES_USER_TOKEN"

[[sites]]
key = "demo"
origins = ["{ORIGIN}"]
booking_consent = false

[sites.yclients]
network = "len"
group_id = 120501
"#,
        db = pg.url,
        dist = dir.join("dist").display(),
        base = sandbox.base_url(),
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// Starts a process; returns at once (it says where it listens when it is up).
fn spawn(config: &std::path::Path, sandbox: &Sandbox) -> Child {
    Command::new(env!("CARGO_BIN_EXE_zapis"))
        .arg("--config")
        .arg(config)
        .env("INSTANCES_PARTNER_TOKEN", sandbox.partner_token())
        .env("INSTANCES_USER_TOKEN", sandbox.user_token())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("zapis starts")
}

fn listening(mut child: Child) -> Instance {
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("zapis says where it listens (it started)")
            .unwrap();
        if let Some(rest) = line.strip_prefix("zapis listening on ") {
            break rest.trim_end_matches('/').to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Instance { child, base }
}

/// Both instances, started at the same moment on a fresh database.
async fn two_instances(
    sandbox: &Sandbox,
) -> (
    Pg,
    tempfile::TempDir,
    std::path::PathBuf,
    Instance,
    Instance,
) {
    let pg = Pg::create().await;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("dist")).unwrap();
    let config = config(tmp.path(), &pg, sandbox);
    let (a, b) = (spawn(&config, sandbox), spawn(&config, sandbox));
    let (a, b) = tokio::task::spawn_blocking(move || (listening(a), listening(b)))
        .await
        .unwrap();
    (pg, tmp, config, a, b)
}

fn client_from(n: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, n)))
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

async fn get(client: &reqwest::Client, url: String) -> (u16, Value) {
    let res = client
        .get(&url)
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or_default())
}

/// This instance's count of lease-held runs of `job`.
async fn runs(client: &reqwest::Client, base: &str, job: &str) -> u64 {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let prefix = format!("zapis_background_runs_total{{job=\"{job}\"}} ");
    text.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .map_or(0, |n| n.trim().parse().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_run_background_work_once_and_share_the_yclients_budget_and_limits() {
    let sandbox = Sandbox::start(SandboxConfig {
        rate_limit: true,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let (_pg, _tmp, _config, a, b) = two_instances(&sandbox).await;
    let client = client_from(1);

    // Background work: on one instance, never on the other.
    tokio::time::sleep(Duration::from_secs(4)).await;
    for job in ["reconciler", "webhooks"] {
        let (on_a, on_b) = (
            runs(&client, &a.base, job).await,
            runs(&client, &b.base, job).await,
        );
        assert!(
            (on_a > 0) != (on_b > 0),
            "{job} runs on exactly one instance: {on_a} runs on one, {on_b} on the other"
        );
    }

    // The YCLIENTS budget: both instances answer lookups the cache cannot (each service × day,
    // "any master"), from 16 visitors' addresses, for 12 s. Alone, each would spend 5 calls a
    // second; together they must too, and YCLIENTS refuses nothing.
    let (_, services) = get(
        &client,
        format!("{}/api/v1/sites/demo/branches/{BRANCH}/services", a.base),
    )
    .await;
    let ids: Vec<u64> = services["services"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_u64())
        .collect();
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Moscow").unwrap())
        .date();
    let combos: Vec<(u64, String)> = (0..90)
        .flat_map(|d| {
            let day = today.checked_add(jiff::Span::new().days(d)).unwrap();
            ids.iter().map(move |s| (*s, day.to_string()))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    sandbox.control().reset_calls();
    let started = Instant::now();
    let window = Duration::from_secs(12);
    let mut workers = Vec::new();
    for w in 0..16usize {
        let base = if w % 2 == 0 { &a.base } else { &b.base }.clone();
        let mine: Vec<(u64, String)> = combos.iter().skip(w).step_by(16).cloned().collect();
        workers.push(tokio::spawn(async move {
            let client = client_from(10 + w as u8);
            let mut statuses = Vec::new();
            for (service, date) in mine {
                if started.elapsed() >= window {
                    break;
                }
                let url = format!(
                    "{base}/api/v1/sites/demo/branches/{BRANCH}/times?services={service}&staff=0&date={date}"
                );
                statuses.push(get(&client, url).await.0);
            }
            statuses
        }));
    }
    let mut statuses = Vec::new();
    for w in workers {
        statuses.extend(w.await.unwrap());
    }
    let secs = started.elapsed().as_secs_f64();
    let calls: u64 = sandbox.control().all_calls().values().sum();
    assert_eq!(
        sandbox.control().refused_by_rate_limit(),
        0,
        "YCLIENTS refused nothing"
    );
    assert!(
        statuses.iter().all(|s| *s == 200),
        "every lookup answered: {statuses:?}"
    );
    // Over the whole run (the last lookups may end just after the window): within 5/s.
    assert!(
        calls as f64 <= 5.0 * secs + 5.0,
        "{calls} calls in {secs:.1} s: over 5 a second together"
    );
    assert!(
        calls as f64 >= 3.0 * secs,
        "the load was real: {calls} calls in {secs:.1} s"
    );
    println!(
        "INSTANCES budget: {} lookups through two instances, {calls} YCLIENTS calls in {secs:.1} s ({:.2}/s), 0 refused",
        statuses.len(),
        calls as f64 / secs
    );

    // The SMS-code limit (3 per phone): two codes through one instance, one through the other,
    // and the fourth is refused by either.
    let code = |base: String, n: u8| async move {
        client_from(100 + n)
            .post(format!("{base}/api/v1/sites/demo/branches/{BRANCH}/code"))
            .header("origin", ORIGIN)
            .json(&json!({"phone": "+7 916 555-12-34"}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(code(a.base.clone(), 1).await, 204);
    assert_eq!(code(a.base.clone(), 2).await, 204);
    assert_eq!(code(b.base.clone(), 3).await, 204);
    assert_eq!(code(b.base.clone(), 4).await, 429, "the fourth code, on B");
    assert_eq!(code(a.base.clone(), 5).await, 429, "and on A");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_booking_in_flight_on_a_killed_instance_is_finished_by_the_other() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let (pg, _tmp, _config, a, b) = two_instances(&sandbox).await;
    let client = client_from(1);

    // A free slot, through A.
    let (_, services) = get(
        &client,
        format!("{}/api/v1/sites/demo/branches/{BRANCH}/services", a.base),
    )
    .await;
    let service = services["services"][0]["id"].as_u64().unwrap();
    let (_, dates) = get(
        &client,
        format!(
            "{}/api/v1/sites/demo/branches/{BRANCH}/dates?services={service}&staff=0",
            a.base
        ),
    )
    .await;
    let mut datetime = None;
    for date in dates["dates"].as_array().unwrap() {
        let (_, times) = get(
            &client,
            format!(
                "{}/api/v1/sites/demo/branches/{BRANCH}/times?services={service}&staff=0&date={}",
                a.base,
                date.as_str().unwrap()
            ),
        )
        .await;
        if let Some(slot) = times["slots"].as_array().unwrap().first() {
            datetime = Some(slot["datetime"].as_str().unwrap().to_owned());
            break;
        }
    }
    let body = json!({"branch": BRANCH, "services": [service], "staff": 0, "datetime": datetime.expect("a free slot"), "name": "Анна", "phone": "+79165551234", "consent": true});

    // YCLIENTS makes the record but never answers A; A is killed meanwhile.
    sandbox
        .control()
        .inject(Fault::next(1, FaultKind::ProcessThenHang).on("book_record"));
    let post = |base: String| {
        let (client, body) = (client.clone(), body.clone());
        async move {
            client
                .post(format!("{base}/api/v1/sites/demo/bookings"))
                .header("origin", ORIGIN)
                .header("idempotency-key", "instances-booking-1")
                .json(&body)
                .send()
                .await
        }
    };
    let booking = tokio::spawn(post(a.base.clone()));
    let deadline = Instant::now() + Duration::from_secs(20);
    while sandbox.calls("book_record") == 0 {
        assert!(
            Instant::now() < deadline,
            "the booking did not reach YCLIENTS"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let killed = Instant::now();
    drop(a); // SIGKILL
    assert!(booking.await.unwrap().is_err(), "A died before answering");
    let made: Vec<_> = sandbox
        .records()
        .into_iter()
        .filter(|r| r.api_id.len() == 32)
        .collect();
    assert_eq!(made.len(), 1, "YCLIENTS made the record");
    let id = made[0].api_id.clone();

    // B finishes it: A's lease lapses (3 s here, 30 s by default), B's reconciler finds the
    // record by api_id and confirms the booking.
    let pool = sqlx::PgPool::connect(&pg.url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let state: Option<String> = sqlx::query_scalar("SELECT state FROM bookings WHERE id = $1")
            .bind(&id)
            .fetch_optional(&pool)
            .await
            .unwrap();
        if state.as_deref() == Some("confirmed") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the booking A left is not confirmed by B (state {state:?})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let took = killed.elapsed().as_secs_f64();
    let record_id: Option<i64> = sqlx::query_scalar("SELECT record_id FROM bookings WHERE id = $1")
        .bind(&id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(record_id, Some(made[0].id as i64));
    // The visitor's retry, now on B, gets that booking; nothing is sent again.
    let again = post(b.base.clone()).await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], id.as_str());
    assert_eq!(sandbox.calls("book_record"), 1, "one record in YCLIENTS");
    println!(
        "INSTANCES takeover: the booking in flight on the killed instance confirmed by the other {took:.1} s after the kill"
    );
    pool.close().await;
    drop(b);
}

/// A visitor on instance B sees a day's free times (B caches them); another visitor books one
/// of them through instance A: B stops offering it at once, without asking YCLIENTS again first.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_time_booked_through_one_instance_is_no_longer_offered_by_the_other() {
    let sandbox = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let (_pg, _tmp, _config, a, b) = two_instances(&sandbox).await;
    let client = client_from(1);
    let api =
        |base: &str, path: String| format!("{base}/api/v1/sites/demo/branches/{BRANCH}/{path}");
    let (_, services) = get(&client, api(&b.base, "services".into())).await;
    let service = services["services"][0]["id"].as_u64().unwrap();
    let (_, dates) = get(
        &client,
        api(&b.base, format!("dates?services={service}&staff=0")),
    )
    .await;
    // Tomorrow or later: today's first time may pass while the test runs.
    let date = dates["dates"][1].as_str().unwrap().to_owned();
    let times = api(
        &b.base,
        format!("times?services={service}&staff=0&date={date}"),
    );
    let (_, offered) = get(&client, times.clone()).await;
    let datetime = offered["slots"][0]["datetime"].as_str().unwrap().to_owned();
    let offers = |t: &Value| {
        t["slots"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["datetime"] == datetime.as_str())
    };
    assert!(
        offers(&get(&client, times.clone()).await.1),
        "B offers it, from its cache"
    );

    // Every master takes that time through A.
    let mut made = 0;
    for n in 0..10 {
        let res = client
            .post(format!("{}/api/v1/sites/demo/bookings", a.base))
            .header("origin", ORIGIN)
            .header("idempotency-key", format!("instances-day-{n}"))
            .json(&json!({"branch": BRANCH, "services": [service], "staff": 0, "datetime": datetime, "name": "Анна", "phone": format!("+7916555{:04}", 2000 + n), "consent": true}))
            .send()
            .await
            .unwrap();
        if res.status() != 201 {
            break;
        }
        made += 1;
    }
    assert!(made > 0, "A booked the time");

    // B drops the day as soon as A says so: no wait for its copy to expire (30 s fresh, then
    // stale for 10 min).
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        if !offers(&get(&client, times.clone()).await.1) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "B still offers a time A booked for every master"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop((a, b));
}
