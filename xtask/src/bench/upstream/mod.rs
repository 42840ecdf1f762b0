//! Upstream budget: 200 simulated visitors browse one salon through zapis's booking API
//! (config → services → staff → dates → times, with think time) for 60 s, against a YCLIENTS
//! sandbox with its documented rate limit on (5/s, 200/min per IP → 429). Measured: upstream
//! calls per second (the sandbox's own call counter, read every second), visitor-facing errors
//! (must be 0), the wait for free times, and zapis's cache hit ratio (its /metrics). Twice: the
//! visitors come once zapis says it is ready (`/health/ready`, its catalogue warmed: what a
//! proxy in front of it does), the headline; and as soon as it answers at all (a cold cache
//! meets the whole herd), for comparison.

use std::collections::BTreeMap;

use anyhow::bail;
use serde_json::{Value, json};

use super::{
    Ctx,
    proxy::errors_json,
    report::{Row, Section, Verdict},
};

mod scenario;
mod visitors;

use scenario::{Measured, Start};
use visitors::THINK;

pub const VISITORS: usize = 200;

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
    let ready = scenario::run(ctx, Start::Ready)?;
    let cold = scenario::run(ctx, Start::Cold)?;
    if ready.all.latencies_us.is_empty() || cold.all.latencies_us.is_empty() {
        bail!("no visitor request was made");
    }
    let m = &ready;
    let visitors = m.visitors;
    let rps = m.upstream_calls as f64 / m.elapsed.as_secs_f64();
    let (max_second, max_minute) = (m.max_second(), m.max_minute());
    let (warm_secs, warm_calls) = m.warm.unwrap_or_default();
    let how = format!(
        "{visitors} visitor threads, think {}–{} s, {} s, once zapis is ready; sandbox call counter; zapis /metrics",
        THINK.0,
        THINK.1,
        ctx.secs(60).as_secs()
    );
    s.rows.push(Row::new(
        format!("upstream calls while {visitors} visitors browse one salon"),
        "within 5 rps",
        format!(
            "{rps:.2} calls/s mean, max {max_second} in a second, max {max_minute} in a minute ({} in {:.0} s; warming at start {warm_calls} in {warm_secs:.1} s, counted in the maxima)",
            m.upstream_calls,
            m.elapsed.as_secs_f64()
        ),
        Verdict::of(max_second <= 5 && max_minute <= 200),
        &how,
    ));
    let (errors, requests) = (m.all.error_count(), m.all.latencies_us.len());
    s.rows.push(Row::new(
        "  visitor-facing errors (429 or any non-2xx)",
        "0",
        format!("{errors} of {requests} requests{}", error_list(&m.all)),
        Verdict::of(errors == 0),
        &how,
    ));
    let (main_ratio, ratio, main_total) = hit_ratios(&m.lookups);
    s.rows.push(Row::info(
        "  cache hit ratio / visitor latency",
        format!(
            "{:.1} % of {main_total} catalogue/slot lookups ({:.1} % with branch lookups); visitor p50 {:.1} ms, p99 {:.0} ms, max {:.0} ms",
            main_ratio * 100.0,
            ratio * 100.0,
            m.all.pct_ms(0.5),
            m.all.pct_ms(0.99),
            m.all.pct_ms(1.0)
        ),
        "hit = fresh + stale + shared (coalesced); zapis /metrics",
    ));
    let times = m.per_step.get("times").cloned().unwrap_or_default();
    s.rows.push(Row::new(
        "  visitor wait for free times (the step that needs fresh upstream data)",
        "p99 ≤ 1 s",
        wait(&times),
        Verdict::of(!times.latencies_us.is_empty() && times.pct_ms(0.99) <= 1000.0),
        "same run",
    ));
    s.rows.push(Row::info(
        "  upstream calls per visitor",
        format!(
            "{:.2} ({} calls while browsing for {} visitors; {} more when warming at start)",
            m.upstream_calls as f64 / m.sessions().max(1) as f64,
            m.upstream_calls,
            m.sessions(),
            warm_calls
        ),
        "a visitor = one stream's pass from `config` on",
    ));
    let cold_times = cold.per_step.get("times").cloned().unwrap_or_default();
    s.rows.push(Row::info(
        "  same visitors at a cold start, no readiness gate: free times / errors / calls",
        format!(
            "{}; {} errors of {} requests; {} calls ({:.2} per visitor), max {} in a second, max {} in a minute",
            wait(&cold_times),
            cold.all.error_count(),
            cold.all.latencies_us.len(),
            cold.upstream_calls,
            cold.upstream_calls as f64 / cold.sessions().max(1) as f64,
            cold.max_second(),
            cold.max_minute()
        ),
        "visitors start as soon as /health answers (zapis warming meanwhile); a second sandbox and zapis",
    ));
    s.data = json!({
        "visitors": visitors, "think_s": [THINK.0, THINK.1],
        "ready": data(&ready), "cold": data(&cold),
    });
    s.notes = vec![
        "Upstream: `zapis sandbox --port N` (release), its documented rate limit on (5 calls/s and 200/min per IP, then 429). zapis: release build, cold cache at the start, default `[upstream]` settings (warming 7 days), network `bench` pointing at the sandbox, SQLite, the YCLIENTS webhook set up.".into(),
        format!("Visitors: {visitors} threads, each a stream of visitors for {} s: a new visitor opens a connection and asks, with {}–{} s of think time between steps (uniform), `config` → `services` of the Moscow branch → `staff` for one service (picked with Zipf-like popularity 1/k over the list) → `dates` for any master (half) or a bookable one → `times` for one of the first 7 dates (Zipf-like), then leaves. Starts are spread over 3 s. Requests carry the site's Origin, like the widget's.", ctx.secs(60).as_secs(), THINK.0, THINK.1),
        "Start: the headline run starts the visitors once `GET /health/ready` answers 200 (zapis has fetched the catalogue, every master's dates and their first 7 free days; a proxy that checks it routes only to ready instances, so this is what visitors of a restarted instance meet in production). The last row is a second sandbox and zapis whose visitors start as soon as `/health` answers, while zapis is still warming: the cold herd without a proxy's readiness check.".into(),
        "Upstream calls: the sandbox's counter (`GET /sandbox/calls`, every endpoint, 429s included) read once a second from when zapis first answers (warming included); `max in a second` is over those 1-s reads and `max in a minute` over any 60 consecutive reads (the sandbox's own windows slide, so a read can split a burst). Budget: ≤ 5 in any second and ≤ 200 in any minute. The run lasts longer than 60 s when requests queued behind the budget are still being answered: visitors stop asking at 60 s, and every request asked is waited for.".into(),
        "Visitor-facing errors: any answer from zapis that is not 2xx, or none (the generator waits up to 60 s for each read). Cache hit ratio: zapis's `zapis_cache_lookups_total` — fresh, stale (served while refreshing) and shared (joined an identical in-flight call) count as hits, miss as a miss; the headline ratio leaves out the `branches` lookup every endpoint makes first. Per-step latencies and errors are in results.json (`steps`).".into(),
    ];
    Ok(s)
}

fn wait(t: &super::http::Samples) -> String {
    format!(
        "p50 {:.0} ms, p90 {:.0} ms, p99 {:.0} ms over {} requests",
        t.pct_ms(0.5),
        t.pct_ms(0.9),
        t.pct_ms(0.99),
        t.latencies_us.len()
    )
}

fn error_list(all: &super::http::Samples) -> String {
    if all.error_count() > 0 {
        format!(" {}", errors_json(all))
    } else {
        String::new()
    }
}

/// Hits ÷ lookups without and with the `branches` lookup, and the lookups without it.
fn hit_ratios(lookups: &BTreeMap<(String, String), u64>) -> (f64, f64, u64) {
    let ratio = |pick: &dyn Fn(&str) -> bool| {
        let (mut total, mut hits) = (0u64, 0u64);
        for ((kind, result), n) in lookups {
            if pick(kind) {
                total += n;
                if result != "miss" {
                    hits += n;
                }
            }
        }
        (hits as f64 / total as f64, total)
    };
    let (main, total) = ratio(&|k| k != "branches");
    let (all, _) = ratio(&|_| true);
    (main, all, total)
}

fn data(m: &Measured) -> Value {
    let steps: serde_json::Map<String, Value> = m
        .per_step
        .iter()
        .map(|(k, v)| (k.to_string(), json!({"requests": v.latencies_us.len(), "errors": errors_json(v), "p50_ms": v.pct_ms(0.5), "p90_ms": v.pct_ms(0.9), "p99_ms": v.pct_ms(0.99), "max_ms": v.pct_ms(1.0)})))
        .collect();
    let (main_ratio, ratio, _) = hit_ratios(&m.lookups);
    json!({
        "seconds": m.elapsed.as_secs_f64(), "warm": m.warm.map(|(s, n)| json!({"seconds": s, "upstream_calls": n})),
        "visitor_sessions": m.sessions(), "visitor_requests": m.all.latencies_us.len(), "visitor_errors": errors_json(&m.all),
        "visitor_p50_ms": m.all.pct_ms(0.5), "visitor_p99_ms": m.all.pct_ms(0.99),
        "upstream_calls": m.upstream_calls, "upstream_rps": m.upstream_calls as f64 / m.elapsed.as_secs_f64(),
        "upstream_max_per_second": m.max_second(), "upstream_max_per_minute": m.max_minute(),
        "upstream_calls_per_second": m.per_second, "upstream_by_endpoint": m.by_endpoint,
        "cache_lookups": m.lookups.iter().map(|((k, r), n)| json!({"kind": k, "result": r, "n": n})).collect::<Vec<_>>(),
        "cache_hit_ratio": main_ratio, "cache_hit_ratio_with_branch_lookups": ratio, "steps": steps,
    })
}
