//! One run of the upstream part: a sandbox with its rate limit on, a zapis with a cold cache in
//! front of it, and the visitor threads; what the visitors and the sandbox saw.

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::json;

use super::{
    super::{
        Ctx, PARTNER_TOKEN, ZapisConfig,
        http::{self, Req, Samples},
        procs,
    },
    cache_lookups,
    visitors::{Steps, visitor, visitor_ip},
};

const WEBHOOK_SECRET: &str = "bench-webhook-secret-0c1d";

/// How the visitors meet zapis.
#[derive(Clone, Copy, PartialEq)]
pub enum Start {
    /// Visitors come once `/health/ready` answers (a proxy routes only to ready instances).
    Ready,
    /// Visitors come as soon as `/health` answers: a cold cache meets the whole herd.
    Cold,
}

pub struct Measured {
    pub visitors: usize,
    /// Gated runs: seconds from start to ready, and the upstream calls made meanwhile.
    pub warm: Option<(f64, u64)>,
    /// While the visitors browse.
    pub elapsed: Duration,
    pub upstream_calls: u64,
    /// Per 1-s read, from when zapis answered `/health` to the end (warming included).
    pub per_second: Vec<u64>,
    /// The whole run, warming included.
    pub by_endpoint: BTreeMap<String, u64>,
    pub all: Samples,
    pub per_step: BTreeMap<&'static str, Samples>,
    pub lookups: BTreeMap<(String, String), u64>,
}

impl Measured {
    pub fn max_second(&self) -> u64 {
        self.per_second.iter().copied().max().unwrap_or(0)
    }

    /// The most calls in any 60 consecutive 1-s reads (the sandbox's per-minute window).
    pub fn max_minute(&self) -> u64 {
        if self.per_second.len() <= 60 {
            self.per_second.iter().sum()
        } else {
            self.per_second
                .windows(60)
                .map(|w| w.iter().sum())
                .max()
                .unwrap_or(0)
        }
    }

    /// Visitors who came (a new visitor asks `config` first).
    pub fn sessions(&self) -> usize {
        self.per_step
            .get("config")
            .map_or(0, |s| s.latencies_us.len())
    }
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

pub fn run(ctx: &Ctx, start: Start) -> anyhow::Result<Measured> {
    let tag = match start {
        Start::Ready => "ready",
        Start::Cold => "cold",
    };
    let (sandbox, sb) = ctx.sandbox(&format!("sandbox-upstream-{tag}"))?;
    let port = procs::free_port()?;
    let cfg = ZapisConfig {
        port,
        database_url: format!(
            "sqlite://{}",
            ctx.tmp.join(format!("upstream-{tag}.db")).display()
        ),
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
    let booted = Instant::now();
    let (mut zapis, za) = ctx.zapis(
        &format!("zapis-upstream-{tag}"),
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
    let (first_calls, _) = calls(sb)?;
    let stop = Arc::new(AtomicBool::new(false));
    let monitor = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut per_second = Vec::new();
            let mut last = first_calls;
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
    let warm = if start == Start::Ready {
        zapis.wait_ready(za, "/health/ready", 180)?;
        let (n, _) = calls(sb)?;
        let secs = booted.elapsed().as_secs_f64();
        crate::sh::log(format!(
            "zapis ready after {secs:.1} s and {n} upstream calls"
        ));
        Some((secs, n))
    } else {
        None
    };
    let (start_calls, _) = calls(sb)?;
    let duration = ctx.secs(60);
    let visitors = if ctx.quick { 50 } else { super::VISITORS };
    crate::sh::log(format!(
        "{visitors} visitors browsing for {} s (sandbox rate limit on, {tag} start)",
        duration.as_secs()
    ));
    let started = Instant::now();
    let deadline = started + duration;
    let per_step: Steps = Arc::default();
    let handles: Vec<_> = (0..visitors)
        .map(|v| {
            let (origin, per_step) = (origin.clone(), per_step.clone());
            std::thread::spawn(move || {
                let seed = 0xB00C + v as u64;
                visitor(visitor_ip(v), za, origin, seed, deadline, per_step)
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
    let per_step = std::mem::take(&mut *per_step.lock().expect("steps"));
    Ok(Measured {
        visitors,
        warm,
        elapsed,
        upstream_calls: end_calls - start_calls,
        per_second,
        by_endpoint,
        all,
        per_step,
        lookups: cache_lookups(&metrics),
    })
}
