//! Time to first screen: `bench/ttfs.cjs` (puppeteer-core + Debian Chromium) against the demo
//! site served by the release zapis with its in-process sandbox.

use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::{
    Ctx, ZapisConfig, copy_dir, demo_site, median, pct, procs,
    report::{Row, Section, Verdict},
};
use crate::sh;

pub const BUDGET_MS: f64 = 300.0;

pub fn run(ctx: &Ctx) -> anyhow::Result<Section> {
    let mut s = Section::new("ttfs", "Time to first screen");
    let site = ctx.tmp.join("site-ttfs");
    copy_dir(&demo_site(ctx)?, &site)?;
    let port = procs::free_port()?;
    let cfg = ZapisConfig {
        port,
        database_url: format!("sqlite://{}", ctx.tmp.join("ttfs.db").display()),
        dist: &ctx.dist,
        site_dir: Some(&site),
        site_key: "demo",
        upstream: Some(None),
    };
    let (server, _addr) = ctx.zapis("zapis-ttfs", port, &cfg.toml(), &[])?;
    let runs = if ctx.quick { 3 } else { 10 };
    let out = ctx.tmp.join("ttfs.json");
    let mut c = sh::cmd("node");
    c.arg(ctx.root.join("bench/ttfs.cjs")).arg(format!("http://127.0.0.1:{port}/")).arg(runs.to_string()).arg(&out).env("CHROME_PATH", "/usr/bin/chromium");
    sh::log(format!("headless Chromium: {runs} × (cold, idle) presses of the booking button"));
    let mut p = procs::Proc::spawn("ttfs.cjs", c, &ctx.tmp.join("ttfs.log"))?;
    let ok = p.wait_exit(Duration::from_secs(300))?;
    server.stop();
    if !ok {
        bail!("bench/ttfs.cjs failed: {}", procs::tail(&p.log));
    }
    let r: Value = serde_json::from_slice(&std::fs::read(&out)?).context("ttfs.json")?;
    let all = r["runs"].as_array().context("no runs")?.clone();
    if let Some(e) = all.iter().find_map(|x| x["error"].as_str()) {
        bail!("ttfs: {e}");
    }

    let mode = |m: &str| all.iter().filter(|x| x["mode"] == m).cloned().collect::<Vec<_>>();
    let (cold, idle) = (mode("cold"), mode("idle"));
    // The end point: services listed and painted; if the widget never lists services (not
    // finished yet), the dialog's appearance, said so in the row.
    let end = |v: &[Value]| -> (Vec<f64>, String) {
        if v.iter().all(|x| x["end"] == "services") {
            (v.iter().filter_map(|x| x["painted"].as_f64().or(x["services"].as_f64())).collect(), "services listed".into())
        } else if v.iter().all(|x| x["dialog"].is_number()) {
            (v.iter().filter_map(|x| x["dialog"].as_f64()).collect(), "dialog shown (services never listed within 10 s)".into())
        } else {
            (Vec::new(), format!("ends: {:?}", v.iter().map(|x| x["end"].as_str().unwrap_or("?")).collect::<Vec<_>>()))
        }
    };
    let (cold_ms, cold_end) = end(&cold);
    let (idle_ms, idle_end) = end(&idle);
    let preloaded = cold.iter().filter(|x| x["preloaded"] == true).count();
    let how = format!("headless Chromium (puppeteer-core), fresh context per run, click → {cold_end}, {} runs", cold_ms.len());
    if cold_ms.is_empty() {
        s.rows.push(Row::new("click on \"book\" → services listed (cold cache)", "≤ 300 ms", format!("not measured: {cold_end}"), Verdict::NotMet, &how));
    } else {
        let (p50, p95) = (median(&cold_ms), pct(&cold_ms, 0.95));
        let services = cold_end == "services listed";
        s.rows.push(Row::new(
            format!("click on \"book\" → {cold_end} (cold cache)"),
            "≤ 300 ms",
            format!("median {p50:.0} ms, p95 {p95:.0} ms"),
            if services { Verdict::of(p50 <= BUDGET_MS) } else { Verdict::NotMet },
            &how,
        ));
    }
    if !idle_ms.is_empty() {
        s.rows.push(Row::info(
            format!("click → {idle_end}, widget prefetched on idle (press 1.5 s after load)"),
            format!("median {:.0} ms, p95 {:.0} ms", median(&idle_ms), pct(&idle_ms, 0.95)),
            "same runs, fresh context each",
        ));
    }
    let first = |v: &[Value], k: &str| v.iter().filter_map(|x| x[k].as_f64()).collect::<Vec<_>>();
    s.data = json!({
        "runs": runs,
        "cold": {"end": cold_end, "ms": cold_ms, "median_ms": median(&cold_ms), "p95_ms": pct(&cold_ms, 0.95),
                  "dialog_ms": first(&cold, "dialog"), "first_step_ms": first(&cold, "firstStep"), "widget_fetched_before_click": preloaded},
        "idle": {"end": idle_end, "ms": idle_ms, "median_ms": median(&idle_ms), "p95_ms": pct(&idle_ms, 0.95), "dialog_ms": first(&idle, "dialog")},
        "raw": all,
    });
    s.notes = vec![
        "Server: the release `zapis` serving a copy of demo-site/ with its in-process YCLIENTS sandbox (rate limit on) and SQLite, on 127.0.0.1.".into(),
        format!("Browser: Debian Chromium driven by puppeteer-core (pinned in .ci/tools), flags of TOOLCHAIN §7, 412×823 mobile viewport, no CPU or network throttling (local). Script: `node bench/ttfs.cjs URL {runs} OUT.json`."),
        "Each run opens a fresh browser context (empty HTTP cache, no stored visitor), loads the page, waits until embed.js has run (`zapis.l === 1`), then calls `.click()` on the first `[data-zapis-book]` and watches `<zapis-root>`'s shadow root (MutationObservers + a 2 ms timer). The time ends when `[data-step=\"services\"]` holds service rows and the next animation frame has run; if services never appear, the dialog's appearance is timed instead and the row says so.".into(),
        format!("cold = pressed as soon as embed.js ran: the press itself fetches and compiles the widget (glue + wasm) and waits for the tracker; in {preloaded} of {} cold runs the widget had already been requested before the press. idle = pressed 1.5 s after the load event, when embed.js has prefetched the widget on idle (what a visitor who reads the page first gets).", cold.len()),
        "The server's catalog cache is cold only for the first run (services are cached for 300 s); the browser cache is cold in every run. Median and p95 are nearest-rank over the runs (p95 of 10 is the slowest run); the verdict is on the median (the machine is shared, one slow run is noise).".into(),
    ];
    Ok(s)
}
