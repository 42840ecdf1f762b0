//! Proxy overhead. Three ways to read the same salon's catalogue and slots from one YCLIENTS
//! sandbox (`zapis sandbox`, its rate limit switched off so that direct load is not refused):
//! the sandbox directly, nginx (Debian) proxying it, and zapis's booking API in front of it.
//!
//! 1. Under load: the four read endpoints (services, staff, dates, times) round-robin over a
//!    fixed set of choices, at the same fixed request rate against each target, in interleaved
//!    rounds. zapis answers these from its catalogue cache, as it does in production.
//! 2. Cache misses: one request at a time, each a `times` question zapis has not seen, sent to
//!    the sandbox, to nginx and to zapis in turn: the overhead zapis adds over the upstream call
//!    it has to make.

use std::{
    net::SocketAddr,
    process::Command,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::{
    BRANCH, Ctx, PARTNER_TOKEN, ZapisConfig,
    http::{self, Conn, Req, Samples},
    median, nginx_bin, pct,
    procs::{self, Proc},
    report::{Row, Section, Verdict},
};

pub const BUDGET_P99_MS: f64 = 2.0;
const RATE: f64 = 200.0;
const COMBOS: usize = 8;
const MISSES: usize = 60;

/// One visitor choice: service, master, date.
#[derive(Clone, Debug)]
pub struct Combo {
    pub service: u64,
    pub staff: u64,
    pub date: String,
}

fn upstream(path: String) -> Req {
    Req::get(path)
        .header("Authorization", &format!("Bearer {PARTNER_TOKEN}"))
        .header("Accept", "application/vnd.yclients.v2+json")
}

/// The YCLIENTS calls zapis makes for the four endpoints.
fn direct_reqs(c: &Combo) -> [Req; 4] {
    [
        upstream(format!("/api/v1/book_services/{BRANCH}")),
        upstream(format!(
            "/api/v1/book_staff/{BRANCH}?service_ids%5B%5D={}",
            c.service
        )),
        upstream(format!(
            "/api/v1/book_dates/{BRANCH}?staff_id={}&service_ids%5B%5D={}",
            c.staff, c.service
        )),
        direct_times(c),
    ]
}

fn direct_times(c: &Combo) -> Req {
    upstream(format!(
        "/api/v1/book_times/{BRANCH}/{}/{}?service_ids%5B%5D={}",
        c.staff, c.date, c.service
    ))
}

pub fn api(site: &str, origin: &str, path: &str) -> Req {
    Req::get(format!("/api/v1/sites/{site}{path}"))
        .header("Origin", origin)
        .header("Accept", "application/json")
}

fn zapis_reqs(origin: &str, c: &Combo) -> [Req; 4] {
    [
        api("bench", origin, &format!("/branches/{BRANCH}/services")),
        api(
            "bench",
            origin,
            &format!("/branches/{BRANCH}/staff?services={}", c.service),
        ),
        api(
            "bench",
            origin,
            &format!(
                "/branches/{BRANCH}/dates?services={}&staff={}",
                c.service, c.staff
            ),
        ),
        zapis_times(origin, c),
    ]
}

fn zapis_times(origin: &str, c: &Combo) -> Req {
    api(
        "bench",
        origin,
        &format!(
            "/branches/{BRANCH}/times?services={}&staff={}&date={}",
            c.service, c.staff, c.date
        ),
    )
}

fn get_json(conn: &mut Conn, req: &Req) -> anyhow::Result<Value> {
    let r = conn.send(req)?;
    if r.status != 200 {
        bail!(
            "{} {} → {}: {}",
            req.method,
            req.path,
            r.status,
            String::from_utf8_lossy(&r.body)
        );
    }
    r.json()
}

/// Choices that have free time, found through zapis's API (which also fills its cache):
/// `COMBOS` (service, master, first date) for the load, and the other dates for cache misses.
fn discover(zapis: SocketAddr, origin: &str) -> anyhow::Result<(Vec<Combo>, Vec<Combo>)> {
    let mut conn = Conn::new(zapis);
    let services = get_json(
        &mut conn,
        &api("bench", origin, &format!("/branches/{BRANCH}/services")),
    )?;
    let ids: Vec<u64> = services["services"]
        .as_array()
        .context("services")?
        .iter()
        .filter_map(|s| s["id"].as_u64())
        .collect();
    let (mut load, mut spare) = (Vec::new(), Vec::new());
    for sid in ids {
        if load.len() >= COMBOS {
            break;
        }
        let staff = get_json(
            &mut conn,
            &api(
                "bench",
                origin,
                &format!("/branches/{BRANCH}/staff?services={sid}"),
            ),
        )?;
        let Some(m) = staff["staff"]
            .as_array()
            .and_then(|a| a.iter().find(|s| s["bookable"] == true))
            .and_then(|s| s["id"].as_u64())
        else {
            continue;
        };
        let dates = get_json(
            &mut conn,
            &api(
                "bench",
                origin,
                &format!("/branches/{BRANCH}/dates?services={sid}&staff={m}"),
            ),
        )?;
        let dates: Vec<String> = dates["dates"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|d| d.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let Some(first) = dates.first() else { continue };
        let c = Combo {
            service: sid,
            staff: m,
            date: first.clone(),
        };
        get_json(&mut conn, &zapis_times(origin, &c))?;
        load.push(c);
        spare.extend(dates[1..].iter().map(|d| Combo {
            service: sid,
            staff: m,
            date: d.clone(),
        }));
    }
    if load.len() < 2 {
        bail!(
            "the sandbox offered too few bookable choices ({})",
            load.len()
        );
    }
    Ok((load, spare))
}

fn nginx(ctx: &Ctx, sandbox: SocketAddr) -> anyhow::Result<(Proc, SocketAddr)> {
    let port = procs::free_port()?;
    let prefix = ctx.tmp.join("nginx");
    std::fs::create_dir_all(prefix.join("logs"))?;
    let p = prefix.display();
    let conf = format!(
        "# nginx in front of the YCLIENTS sandbox, for `cargo xtask bench proxy`.
user root;
worker_processes auto;
pid {p}/nginx.pid;
error_log {p}/logs/error.log warn;
daemon off;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {p}/body;
    proxy_temp_path {p}/proxy;
    fastcgi_temp_path {p}/fastcgi;
    uwsgi_temp_path {p}/uwsgi;
    scgi_temp_path {p}/scgi;
    upstream sandbox {{
        server {sandbox};
        keepalive 64;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://sandbox;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_set_header Host $host;
        }}
    }}
}}
"
    );
    let path = prefix.join("nginx.conf");
    std::fs::write(&path, conf)?;
    let mut c = Command::new(nginx_bin());
    c.arg("-p")
        .arg(&prefix)
        .arg("-c")
        .arg(&path)
        .arg("-e")
        .arg(prefix.join("logs/error.log"));
    let mut proc = Proc::spawn("nginx", c, &ctx.tmp.join("nginx.log"))?;
    let addr = procs::loopback(port);
    proc.wait_ready(addr, "/sandbox/clock", 15)?;
    Ok((proc, addr))
}

fn summary(s: &Samples) -> Value {
    json!({
        "requests": s.latencies_us.len(), "ok": s.ok, "errors": errors_json(s),
        "rate_rps": (s.rate() * 10.0).round() / 10.0,
        "p50_ms": s.pct_ms(0.50), "p90_ms": s.pct_ms(0.90), "p99_ms": s.pct_ms(0.99), "max_ms": s.pct_ms(1.0),
    })
}

pub fn run(ctx: &Ctx) -> anyhow::Result<Section> {
    let mut s = Section::new("proxy", "Proxy overhead");
    let (sandbox, sb) = ctx.sandbox("sandbox-proxy")?;
    let off = http::send(
        sb,
        &Req::post("/sandbox/rate_limit", r#"{"enabled": false}"#)
            .header("Content-Type", "application/json"),
    )?;
    if !(200..300).contains(&off.status) {
        bail!(
            "could not switch the sandbox's rate limit off: {}",
            off.status
        );
    }
    let (nginx, ng) = nginx(ctx, sb)?;
    let port = procs::free_port()?;
    let cfg = ZapisConfig {
        port,
        database_url: format!("sqlite://{}", ctx.tmp.join("proxy.db").display()),
        dist: &ctx.dist,
        site_dir: None,
        site_key: "bench",
        upstream: Some(Some(sb)),
    };
    let origin = cfg.origin();
    let (zapis, za) = ctx.zapis(
        "zapis-proxy",
        port,
        &cfg.toml(),
        &[("ZAPIS_BENCH_PARTNER_TOKEN", PARTNER_TOKEN)],
    )?;

    sh_log("discovering bookable choices through zapis (fills its cache)");
    let (combos, spare) = discover(za, &origin)?;
    let direct: Vec<Req> = combos.iter().flat_map(direct_reqs).collect();
    let through: Vec<Req> = combos.iter().flat_map(|c| zapis_reqs(&origin, c)).collect();
    // Every request must be answered 200 by every target before timing.
    for (addr, reqs) in [(sb, &direct), (ng, &direct), (za, &through)] {
        let mut conn = Conn::new(addr);
        for r in reqs.iter() {
            let a = conn.send(r)?;
            if a.status != 200 {
                bail!(
                    "warm-up {} on {addr}: {} {}",
                    r.path,
                    a.status,
                    String::from_utf8_lossy(&a.body)
                );
            }
        }
    }

    // 1. Under load: the three targets at the same rate, interleaved request by request.
    let phase = ctx.secs(16);
    let workers = 48;
    sh_log(format!(
        "sandbox, nginx and zapis at {RATE} req/s each, interleaved, for {} s",
        phase.as_secs()
    ));
    let mixed = http::fixed_rate_mixed(
        &[
            (sb, direct.clone()),
            (ng, direct.clone()),
            (za, through.clone()),
        ],
        RATE,
        phase,
        workers,
    );
    let load: [Samples; 3] = [mixed[0].clone(), mixed[1].clone(), mixed[2].clone()];
    let calls_before = sandbox_calls(sb, "book_times")?;

    // 2. Cache misses, one at a time.
    let misses: Vec<Combo> = spare
        .into_iter()
        .take(if ctx.quick { 15 } else { MISSES })
        .collect();
    sh_log(format!(
        "{} cache misses, sandbox / nginx / zapis in turn, 3 per second",
        misses.len()
    ));
    let mut miss: [Samples; 3] = Default::default();
    let (mut paired_zapis, mut paired_nginx): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    let (mut cs, mut cn, mut cz) = (Conn::new(sb), Conn::new(ng), Conn::new(za));
    let start = Instant::now();
    for (k, c) in misses.iter().enumerate() {
        let due = start + Duration::from_millis(333 * k as u64);
        if let Some(w) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(w);
        }
        let mut took = [0.0f64; 3];
        for (i, conn, req) in [
            (0, &mut cs, direct_times(c)),
            (1, &mut cn, direct_times(c)),
            (2, &mut cz, zapis_times(&origin, c)),
        ] {
            let t = Instant::now();
            let status = conn.send(&req).map_or(0, |r| r.status);
            miss[i].record(t.elapsed(), status);
            took[i] = t.elapsed().as_secs_f64() * 1000.0;
            std::thread::sleep(Duration::from_millis(20));
        }
        paired_zapis.push(took[2] - took[0]);
        paired_nginx.push(took[1] - took[0]);
    }
    for m in &mut miss {
        m.elapsed = start.elapsed();
    }
    let upstream_calls = sandbox_calls(sb, "book_times")? - calls_before;
    let metrics = http::send(za, &Req::get("/metrics"))
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .unwrap_or_default();
    zapis.stop();
    nginx.stop();
    sandbox.stop();

    let errors: u64 = load
        .iter()
        .chain(miss.iter())
        .map(Samples::error_count)
        .sum();
    let added = |a: &Samples, b: &Samples, q: f64| a.pct_ms(q) - b.pct_ms(q);
    let (lz50, lz99) = (
        added(&load[2], &load[0], 0.5),
        added(&load[2], &load[0], 0.99),
    );
    let (ln50, ln99) = (
        added(&load[1], &load[0], 0.5),
        added(&load[1], &load[0], 0.99),
    );
    // Cache misses: the added time of each question (zapis − the same call direct), paired.
    let (mz50, mz90, mz99) = (
        median(&paired_zapis),
        pct(&paired_zapis, 0.9),
        pct(&paired_zapis, 0.99),
    );
    let (mn50, mn99) = (median(&paired_nginx), pct(&paired_nginx, 0.99));
    let n_load = load[0].latencies_us.len();
    s.rows.push(Row::new(
        format!("proxy overhead under load ({RATE:.0} req/s, read endpoints): zapis vs sandbox direct"),
        "p99 ≤ 2 ms",
        format!("added p50 {lz50:+.2} ms, p99 {lz99:+.2} ms (zapis {:.2}/{:.2}, direct {:.2}/{:.2})", load[2].pct_ms(0.5), load[2].pct_ms(0.99), load[0].pct_ms(0.5), load[0].pct_ms(0.99)),
        Verdict::of(lz99 <= BUDGET_P99_MS && errors == 0),
        format!("xtask load generator, fixed rate, targets interleaved, {n_load} requests each; zapis answers from its cache"),
    ));
    s.rows.push(Row::info(
        "  same load: nginx (Debian) vs sandbox direct",
        format!(
            "added p50 {ln50:+.2} ms, p99 {ln99:+.2} ms (nginx {:.2}/{:.2})",
            load[1].pct_ms(0.5),
            load[1].pct_ms(0.99)
        ),
        "same run",
    ));
    s.rows.push(Row::new(
        "proxy overhead on a cache miss (one upstream call): zapis vs the same call direct",
        "p99 ≤ 2 ms",
        format!(
            "added p50 {mz50:+.2} ms, p90 {mz90:+.2}, p99 {mz99:+.2} ms (zapis p50 {:.2}, direct {:.2}); nginx added {mn50:+.2}/{mn99:+.2}",
            miss[2].pct_ms(0.5),
            miss[0].pct_ms(0.5)
        ),
        Verdict::of(mz99 <= BUDGET_P99_MS && errors == 0),
        format!("{} unseen `times` questions, one at a time, 3/s; {upstream_calls} upstream calls for {} zapis misses", misses.len(), misses.len()),
    ));
    s.data = json!({
        "rate_rps_each": RATE, "workers": workers, "seconds": phase.as_secs(), "combos": combos.len(),
        "under_load": {"direct": summary(&load[0]), "nginx": summary(&load[1]), "zapis": summary(&load[2]),
                        "added_ms": {"zapis_p50": lz50, "zapis_p99": lz99, "nginx_p50": ln50, "nginx_p99": ln99}},
        "cache_miss": {"direct": summary(&miss[0]), "nginx": summary(&miss[1]), "zapis": summary(&miss[2]),
                        "added_ms_paired": {"zapis_p50": mz50, "zapis_p90": mz90, "zapis_p99": mz99, "nginx_p50": mn50, "nginx_p99": mn99},
                        "added_ms_each_question": {"zapis": paired_zapis, "nginx": paired_nginx},
                        "upstream_book_times_calls": upstream_calls},
        "zapis_metrics": metrics.lines().filter(|l| l.starts_with("zapis_cache") || l.starts_with("zapis_upstream")).collect::<Vec<_>>(),
    });
    s.notes = vec![
        "Upstream: `zapis sandbox --port N` (release build), its rate limit switched off with `POST /sandbox/rate_limit {\"enabled\": false}` so that the direct and nginx loads are not refused. All three targets read the same sandbox process.".into(),
        "nginx: Debian's nginx (version in Environment), `worker_processes auto`, `proxy_pass` to an upstream block with `keepalive 64`, `proxy_http_version 1.1`, access log off (config written to bench/tmp/run/nginx/nginx.conf).".into(),
        "zapis: the release server with a config whose network `bench` points at the sandbox (partner token of the seed), SQLite, site `bench`; requests carry the site's `Origin` as the widget's do.".into(),
        format!("Under load: {} choices (service, master, first free date) found through zapis's API, each giving the four requests services / staff / dates / times; sent round-robin at {RATE:.0} requests/s to each target (open loop: latency counts from each request's scheduled time) for {} s, the three targets interleaved request by request (sandbox, nginx, zapis, sandbox, …) so that each meets the same moments of machine noise; {workers} threads, each with a keep-alive connection per target. The sandbox and nginx get the YCLIENTS calls zapis itself makes for those endpoints (book_services, book_staff, book_dates, book_times). zapis answers from its catalogue cache (300 s for services and masters; dates and a master's day 30 s fresh, or 5 min for a site with its webhook set up, then stale-while-revalidate), which is the production path; its refreshes go upstream in the background.", combos.len(), phase.as_secs()),
        "Cache misses: each `times` question (service, master, a later date) is new to zapis; zapis asks YCLIENTS for that master's day (one book_times call, probed with the master's shortest service) unless another question already brought it — the sandbox's call counter gives the number of calls made. Per question: the call to the sandbox, then through nginx, then zapis's endpoint, one at a time on keep-alive connections, three questions a second (within zapis's upstream budget of 5/s). Added latency = for each question, its time through zapis (or nginx) − its time direct; the row gives percentiles of those differences (nearest rank: with 60 questions p99 is the largest difference, so one descheduled request on the shared machine decides it; p90 is given too).".into(),
        "Load generator: xtask/src/bench/http.rs (HTTP/1.1 over std TcpStream, one thread per connection, built in debug like all of xtask); its own cost is the same for every target. The sandbox, nginx, zapis and the generator share the 2 cores.".into(),
    ];
    s.notes.push(format!(
        "Reading the miss row: the median difference (+{mz50:.2} ms) is zapis's own work per miss (parse, cache miss, the upstream call through its pooled HTTP client and rate budget, decoding YCLIENTS' JSON, encoding the answer); the p99 is the largest of {} differences, and nginx's largest difference in the same run was {mn99:+.2} ms, so the tail is mostly the shared machine.",
        paired_zapis.len()
    ));
    if errors > 0 {
        s.notes.push(format!(
            "Errors (non-2xx or transport) seen: {errors} — the figures above include them."
        ));
    }
    Ok(s)
}

pub fn errors_json(s: &Samples) -> Value {
    Value::Object(
        s.errors
            .iter()
            .map(|(k, v)| {
                (
                    if *k == 0 {
                        "transport".to_owned()
                    } else {
                        k.to_string()
                    },
                    json!(v),
                )
            })
            .collect(),
    )
}

fn sandbox_calls(sb: SocketAddr, endpoint: &str) -> anyhow::Result<u64> {
    let r = http::send(sb, &Req::get("/sandbox/calls"))?.json()?;
    Ok(r[endpoint].as_u64().unwrap_or(0))
}

fn sh_log(msg: impl AsRef<str>) {
    crate::sh::log(msg);
}
