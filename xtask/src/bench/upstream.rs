//! Upstream budget: 200 simulated visitors browse one salon through zapis's booking API
//! (config → services → staff → dates → times, with think time) for 60 s, against a YCLIENTS
//! sandbox with its documented rate limit on (5/s, 200/min per IP → 429). Measured: upstream
//! calls per second (the sandbox's own call counter, read every second), visitor-facing errors
//! (must be 0) and zapis's cache hit ratio (its /metrics).

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::bail;
use serde_json::{Value, json};

use super::{
    BRANCH, Ctx, PARTNER_TOKEN, ZapisConfig,
    http::{self, Conn, Req, Rng, Samples},
    procs,
    proxy::{api, errors_json},
    report::{Row, Section, Verdict},
};

pub const VISITORS: usize = 200;

const WEBHOOK_SECRET: &str = "bench-webhook-secret-0c1d";

/// Think time between two steps of a visitor, seconds.
const THINK: (f64, f64) = (1.0, 4.0);

fn think(rng: &mut Rng, deadline: Instant) -> bool {
    std::thread::sleep(Duration::from_secs_f64(rng.range_f64(THINK.0, THINK.1)));
    Instant::now() < deadline
}

/// One visitor after another on this thread until the deadline; every answer is recorded.
/// Visitor `v`'s own loopback address (127.0.1.0 + v): zapis limits lookups per IP, and real
/// visitors each come from their own.
fn visitor_ip(v: usize) -> std::net::IpAddr {
    std::net::Ipv4Addr::from(u32::from(std::net::Ipv4Addr::new(127, 0, 1, 0)) + v as u32).into()
}

fn visitor(
    from: std::net::IpAddr,
    za: SocketAddr,
    origin: String,
    seed: u64,
    deadline: Instant,
    per_step: Arc<Mutex<BTreeMap<&'static str, Samples>>>,
) -> Samples {
    let mut rng = Rng::new(seed);
    let mut all = Samples::default();
    let mut call = |conn: &mut Conn, step: &'static str, path: String| -> Option<Value> {
        let req = api("bench", &origin, &path);
        let t = Instant::now();
        let r = conn.send(&req);
        let status = r.as_ref().map_or(0, |r| r.status);
        all.record(t.elapsed(), status);
        per_step
            .lock()
            .expect("steps")
            .entry(step)
            .or_default()
            .record(t.elapsed(), status);
        r.ok()
            .filter(|r| r.status == 200)
            .and_then(|r| r.json().ok())
    };
    // Arrivals spread over the first seconds.
    std::thread::sleep(Duration::from_secs_f64(rng.range_f64(0.0, 3.0)));
    while Instant::now() < deadline {
        // A new visitor on a new connection (a new page view).
        let mut conn = Conn::new(za).timeout(Duration::from_secs(60)).bind_to(from);
        if call(&mut conn, "config", "/config".into()).is_none() || !think(&mut rng, deadline) {
            continue;
        }
        let Some(services) = call(
            &mut conn,
            "services",
            format!("/branches/{BRANCH}/services"),
        ) else {
            continue;
        };
        let ids: Vec<u64> = services["services"]
            .as_array()
            .map(|a| a.iter().filter_map(|s| s["id"].as_u64()).collect())
            .unwrap_or_default();
        if ids.is_empty() || !think(&mut rng, deadline) {
            continue;
        }
        let service = ids[rng.zipf(ids.len())];
        let Some(staff) = call(
            &mut conn,
            "staff",
            format!("/branches/{BRANCH}/staff?services={service}"),
        ) else {
            continue;
        };
        let bookable: Vec<u64> = staff["staff"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|s| s["bookable"] == true)
                    .filter_map(|s| s["id"].as_u64())
                    .collect()
            })
            .unwrap_or_default();
        // Half the visitors take "any master".
        let master = if bookable.is_empty() || rng.below(2) == 0 {
            0
        } else {
            bookable[rng.below(bookable.len())]
        };
        if !think(&mut rng, deadline) {
            continue;
        }
        let Some(dates) = call(
            &mut conn,
            "dates",
            format!("/branches/{BRANCH}/dates?services={service}&staff={master}"),
        ) else {
            continue;
        };
        let dates: Vec<String> = dates["dates"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|d| d.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if dates.is_empty() || !think(&mut rng, deadline) {
            continue;
        }
        let date = &dates[rng.zipf(dates.len().min(7))];
        call(
            &mut conn,
            "times",
            format!("/branches/{BRANCH}/times?services={service}&staff={master}&date={date}"),
        );
        think(&mut rng, deadline);
    }
    all
}

/// Sum of the sandbox's per-endpoint call counters.
fn calls(sb: SocketAddr) -> anyhow::Result<(u64, BTreeMap<String, u64>)> {
    let v = http::send(sb, &Req::get("/sandbox/calls"))?.json()?;
    let map: BTreeMap<String, u64> = v
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default();
    Ok((map.values().sum(), map))
}

/// `zapis_cache_lookups_total{kind="…",result="…"} N` lines → (kind, result) → N.
pub fn cache_lookups(metrics: &str) -> BTreeMap<(String, String), u64> {
    let mut out = BTreeMap::new();
    for line in metrics
        .lines()
        .filter(|l| l.starts_with("zapis_cache_lookups_total{"))
    {
        let label = |name: &str| {
            line.split(&format!("{name}=\""))
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or("")
                .to_owned()
        };
        let n = line
            .rsplit(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        out.insert((label("kind"), label("result")), n);
    }
    out
}

pub fn run(ctx: &Ctx) -> anyhow::Result<Section> {
    let mut s = Section::new("upstream", "Upstream budget");
    let (sandbox, sb) = ctx.sandbox("sandbox-upstream")?;
    let port = procs::free_port()?;
    let cfg = ZapisConfig {
        port,
        database_url: format!("sqlite://{}", ctx.tmp.join("upstream.db").display()),
        dist: &ctx.dist,
        site_dir: None,
        site_key: "bench",
        upstream: Some(Some(sb)),
    };
    let origin = cfg.origin();
    // A busy salon has its YCLIENTS webhook set up (records made elsewhere drop cached days).
    let toml = cfg.toml().replacen(
        "\n[sites.yclients]",
        "webhook_secret_env = \"ZAPIS_BENCH_WEBHOOK_SECRET\"\n\n[sites.yclients]",
        1,
    );
    let (zapis, za) = ctx.zapis(
        "zapis-upstream",
        port,
        &toml,
        &[
            ("ZAPIS_BENCH_PARTNER_TOKEN", PARTNER_TOKEN),
            ("ZAPIS_BENCH_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ],
    )?;
    http::send(
        sb,
        &Req::post(
            "/sandbox/webhooks",
            json!({"urls": [format!("http://{za}/hooks/yclients/bench/{WEBHOOK_SECRET}")]})
                .to_string(),
        )
        .header("content-type", "application/json"),
    )?;
    let (start_calls, _) = calls(sb)?;
    let duration = ctx.secs(60);
    let visitors = if ctx.quick { 50 } else { VISITORS };
    sh_log(format!(
        "{visitors} visitors browsing for {} s (sandbox rate limit on)",
        duration.as_secs()
    ));

    let started = Instant::now();
    let deadline = started + duration;
    let per_step: Arc<Mutex<BTreeMap<&'static str, Samples>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let monitor = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut per_second = Vec::new();
            let mut last = start_calls;
            let mut next = Instant::now() + Duration::from_secs(1);
            while !stop.load(Ordering::Relaxed) {
                if let Some(w) = next.checked_duration_since(Instant::now()) {
                    std::thread::sleep(w);
                }
                next += Duration::from_secs(1);
                if let Ok((n, _)) = calls(sb) {
                    per_second.push(n - last);
                    last = n;
                }
            }
            per_second
        })
    };
    let handles: Vec<_> = (0..visitors)
        .map(|v| {
            let (origin, per_step) = (origin.clone(), per_step.clone());
            std::thread::spawn(move || {
                visitor(
                    visitor_ip(v),
                    za,
                    origin,
                    0xB00C + v as u64,
                    deadline,
                    per_step,
                )
            })
        })
        .collect();
    let mut all = Samples::default();
    for h in handles {
        all.merge(h.join().unwrap_or_default());
    }
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let per_second = monitor.join().unwrap_or_default();
    let (end_calls, by_endpoint) = calls(sb)?;
    let metrics = http::send(za, &Req::get("/metrics"))
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .unwrap_or_default();
    zapis.stop();
    sandbox.stop();

    if all.latencies_us.is_empty() {
        bail!("no visitor request was made");
    }
    let upstream_calls = end_calls - start_calls;
    let rps = upstream_calls as f64 / elapsed.as_secs_f64();
    let max_second = per_second.iter().copied().max().unwrap_or(0);
    // The most calls in any 60 consecutive 1-s reads (the sandbox's per-minute window).
    let max_minute: u64 = if per_second.len() <= 60 {
        per_second.iter().sum()
    } else {
        per_second
            .windows(60)
            .map(|w| w.iter().sum())
            .max()
            .unwrap_or(0)
    };
    let lookups = cache_lookups(&metrics);
    let total: u64 = lookups.values().sum();
    let hits: u64 = lookups
        .iter()
        .filter(|((_, r), _)| r != "miss")
        .map(|(_, n)| n)
        .sum();
    let ratio = if total > 0 {
        hits as f64 / total as f64
    } else {
        f64::NAN
    };
    // Without the branch lookup every endpoint makes first (always a hit after the first).
    let main: Vec<(&(String, String), &u64)> = lookups
        .iter()
        .filter(|((k, _), _)| k != "branches")
        .collect();
    let main_total: u64 = main.iter().map(|(_, n)| **n).sum();
    let main_hits: u64 = main
        .iter()
        .filter(|((_, r), _)| r != "miss")
        .map(|(_, n)| **n)
        .sum();
    let main_ratio = if main_total > 0 {
        main_hits as f64 / main_total as f64
    } else {
        f64::NAN
    };
    let errors = all.error_count();
    let requests = all.latencies_us.len();
    let how = format!(
        "{visitors} visitor threads, think {}–{} s, {} s; sandbox call counter; zapis /metrics",
        THINK.0,
        THINK.1,
        duration.as_secs()
    );
    s.rows.push(Row::new(
        format!("upstream calls while {visitors} visitors browse one salon"),
        "within 5 rps",
        format!("{rps:.2} calls/s mean, max {max_second} in a second, max {max_minute} in a minute ({upstream_calls} in {:.0} s)", elapsed.as_secs_f64()),
        Verdict::of(max_second <= 5 && max_minute <= 200),
        &how,
    ));
    s.rows.push(Row::new(
        "  visitor-facing errors (429 or any non-2xx)",
        "0",
        format!(
            "{errors} of {requests} requests{}",
            if errors > 0 {
                format!(" {}", errors_json(&all))
            } else {
                String::new()
            }
        ),
        Verdict::of(errors == 0),
        &how,
    ));
    s.rows.push(Row::info(
        "  cache hit ratio / visitor latency",
        format!(
            "{:.1} % of {main_total} catalogue/slot lookups ({:.1} % with branch lookups); visitor p50 {:.1} ms, p99 {:.0} ms, max {:.0} ms",
            main_ratio * 100.0,
            ratio * 100.0,
            all.pct_ms(0.5),
            all.pct_ms(0.99),
            all.pct_ms(1.0)
        ),
        "hit = fresh + stale + shared (coalesced); zapis /metrics",
    ));
    if let Some(t) = per_step.lock().expect("steps").get("times") {
        s.rows.push(Row::info(
            "  visitor wait for free times (the step that needs fresh upstream data)",
            format!(
                "p50 {:.0} ms, p90 {:.0} ms, p99 {:.0} ms over {} requests",
                t.pct_ms(0.5),
                t.pct_ms(0.9),
                t.pct_ms(0.99),
                t.latencies_us.len()
            ),
            "same run",
        ));
    }
    let steps: serde_json::Map<String, Value> = per_step
        .lock()
        .expect("steps")
        .iter()
        .map(|(k, v)| (k.to_string(), json!({"requests": v.latencies_us.len(), "errors": errors_json(v), "p50_ms": v.pct_ms(0.5), "p99_ms": v.pct_ms(0.99), "max_ms": v.pct_ms(1.0)})))
        .collect();
    let misses: u64 = lookups
        .iter()
        .filter(|((_, r), _)| r == "miss")
        .map(|(_, n)| n)
        .sum();
    s.notes.push(format!(
        "Reading it: {misses} lookups missed the cache in this run (mostly `times` and `dates`, whose answers live 20 s), each needing an upstream call, while the budget allows 5 a second and 200 a minute. zapis keeps to the budget and shows visitors no error, but the calls queue: after about 200 calls the minute window is full and calls wait for it, which is the long wait on the `times` step (fourth row)."
    ));
    s.data = json!({
        "visitors": visitors, "seconds": elapsed.as_secs_f64(), "think_s": [THINK.0, THINK.1],
        "visitor_requests": requests, "visitor_errors": errors_json(&all), "visitor_p50_ms": all.pct_ms(0.5), "visitor_p99_ms": all.pct_ms(0.99),
        "upstream_calls": upstream_calls, "upstream_rps": rps, "upstream_max_per_second": max_second, "upstream_max_per_minute": max_minute, "upstream_calls_per_second": per_second, "upstream_by_endpoint": by_endpoint,
        "cache_lookups": lookups.iter().map(|((k, r), n)| json!({"kind": k, "result": r, "n": n})).collect::<Vec<_>>(),
        "cache_hit_ratio": main_ratio, "cache_hit_ratio_with_branch_lookups": ratio, "steps": steps,
    });
    s.notes = vec![
        "Upstream: `zapis sandbox --port N` (release), its documented rate limit on (5 calls/s and 200/min per IP, then 429). zapis: release build, cold cache at the start, network `bench` pointing at the sandbox, SQLite.".into(),
        format!("Visitors: {visitors} threads, each a stream of visitors for {} s: a new visitor opens a connection and asks, with {}–{} s of think time between steps (uniform), `config` → `services` of the Moscow branch → `staff` for one service (picked with Zipf-like popularity 1/k over the list) → `dates` for any master (half) or a bookable one → `times` for one of the first 7 dates (Zipf-like), then leaves. Starts are spread over 3 s. Requests carry the site's Origin, like the widget's.", duration.as_secs(), THINK.0, THINK.1),
        "Upstream calls: the sandbox's counter (`GET /sandbox/calls`, every endpoint, 429s included) read once a second; `max in a second` is over those 1-s reads and `max in a minute` over any 60 consecutive reads (the sandbox's own windows slide, so a read can split a burst). Budget: ≤ 5 in any second and ≤ 200 in any minute. The run lasts longer than 60 s when requests queued behind the budget are still being answered: visitors stop asking at 60 s, and every request asked is waited for.".into(),
        "Visitor-facing errors: any answer from zapis that is not 2xx, or none (the generator waits up to 60 s for each read). Slow answers are not errors here; their latency is in the third row and per step in results.json. Cache hit ratio: zapis's `zapis_cache_lookups_total` — fresh, stale (served while refreshing) and shared (joined an identical in-flight call) count as hits, miss as a miss. The headline ratio leaves out the `branches` lookup that every endpoint makes before its own (a hit after the first); the ratio with it is given beside. Per-step latencies and errors are in results.json (`steps`).".into(),
    ];
    Ok(s)
}

fn sh_log(msg: impl AsRef<str>) {
    crate::sh::log(msg);
}
