//! Host-page impact: Lighthouse 12 (Node 20, Debian Chromium) on the demo site's home page as
//! shipped, and on a copy of the same page with the two snippet lines removed, served by the same
//! zapis from the same directory. Runs alternate (with, without, without, with, …) and the
//! medians are compared.

use std::{path::Path, time::Duration};

use anyhow::{Context, bail};
use serde_json::{Value, json};

use super::{
    Ctx, ZapisConfig, copy_dir, demo_site, median, procs,
    report::{Row, Section, Verdict},
};
use crate::sh;

/// TOOLCHAIN.md §7; the profile directory is added per run.
pub const CHROME_FLAGS: &str = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync";

const WITHOUT: &str = "index-nosnippet.html";

/// The page without the snippet: the queue stub `<script>window.zapis=…</script>` and the
/// `<script … embed.js …></script>` tag removed (with their line breaks).
pub fn strip_snippet(html: &str) -> anyhow::Result<String> {
    let mut out = html.to_owned();
    let mut removed = 0;
    let preds: [fn(&str, &str) -> bool; 2] = [
        |tag, body| tag == "<script>" && body.contains("zapis.q"),
        |tag, _| tag.contains("embed.js"),
    ];
    for pred in preds {
        let mut from = 0;
        while let Some(i) = out[from..].find("<script").map(|i| i + from) {
            let Some(tag_end) = out[i..].find('>').map(|e| i + e + 1) else {
                break;
            };
            let Some(close) = out[tag_end..]
                .find("</script>")
                .map(|e| tag_end + e + "</script>".len())
            else {
                break;
            };
            if pred(&out[i..tag_end], &out[tag_end..close]) {
                let mut end = close;
                if out[end..].starts_with("\r\n") {
                    end += 2;
                } else if out[end..].starts_with('\n') {
                    end += 1;
                }
                let start = out[..i]
                    .rfind('\n')
                    .filter(|&n| out[n + 1..i].trim().is_empty())
                    .map_or(i, |n| n + 1);
                out.replace_range(start..end, "");
                removed += 1;
                break;
            }
            from = close;
        }
    }
    if removed != 2 {
        bail!("expected the two snippet tags in demo-site/index.html, found {removed}");
    }
    Ok(out)
}

struct Run {
    score: f64,
    tbt: f64,
    metrics: Value,
}

fn lighthouse(ctx: &Ctx, url: &str, out: &Path) -> anyhow::Result<Run> {
    let profile = ctx.tmp.join(format!(
        "lh-profile-{}",
        out.file_stem().unwrap_or_default().to_string_lossy()
    ));
    std::fs::create_dir_all(&profile)?;
    let mut c = sh::cmd("lighthouse");
    c.arg(url)
        .args(["--quiet", "--output=json", "--only-categories=performance"])
        .arg(format!("--output-path={}", out.display()))
        .arg(format!(
            "--chrome-flags={CHROME_FLAGS} --user-data-dir={}",
            profile.display()
        ))
        .env("CHROME_PATH", "/usr/bin/chromium");
    let mut p = procs::Proc::spawn("lighthouse", c, &out.with_extension("log"))?;
    let status = p.wait_exit(Duration::from_secs(180))?;
    let _ = std::fs::remove_dir_all(&profile);
    if !status {
        bail!("lighthouse failed on {url}: {}", procs::tail(&p.log));
    }
    let r: Value = serde_json::from_slice(&std::fs::read(out)?).context("lighthouse JSON")?;
    if let Some(e) = r["runtimeError"]["message"].as_str() {
        bail!("lighthouse runtime error on {url}: {e}");
    }
    let audit = |k: &str| r["audits"][k]["numericValue"].as_f64().unwrap_or(f64::NAN);
    let score = r["categories"]["performance"]["score"]
        .as_f64()
        .context("no performance score")?
        * 100.0;
    let metrics = json!({
        "score": score,
        "tbt_ms": audit("total-blocking-time"),
        "fcp_ms": audit("first-contentful-paint"),
        "lcp_ms": audit("largest-contentful-paint"),
        "si_ms": audit("speed-index"),
        "cls": audit("cumulative-layout-shift"),
        "tti_ms": audit("interactive"),
        "bytes": audit("total-byte-weight"),
        "mainthread_ms": audit("mainthread-work-breakdown"),
        "bootup_ms": audit("bootup-time"),
        "long_tasks": r["audits"]["long-tasks"]["details"]["items"].as_array().map(|a| a.iter().map(|t| json!({"url": t["url"], "start_ms": t["startTime"], "ms": t["duration"]})).collect::<Vec<_>>()).unwrap_or_default(),
        "bootup_by_script": r["audits"]["bootup-time"]["details"]["items"].as_array().map(|a| a.iter().map(|t| json!({"url": t["url"], "total_ms": t["total"], "scripting_ms": t["scripting"]})).collect::<Vec<_>>()).unwrap_or_default(),
    });
    Ok(Run {
        score,
        tbt: audit("total-blocking-time"),
        metrics,
    })
}

pub fn run(ctx: &Ctx) -> anyhow::Result<Section> {
    let mut s = Section::new("host", "Host-page impact (Lighthouse)");
    let site = ctx.tmp.join("site");
    copy_dir(&demo_site(ctx)?, &site)?;
    let html = std::fs::read_to_string(site.join("index.html"))?;
    std::fs::write(site.join(WITHOUT), strip_snippet(&html)?)?;

    let port = procs::free_port()?;
    let cfg = ZapisConfig {
        port,
        database_url: format!("sqlite://{}", ctx.tmp.join("host.db").display()),
        dist: &ctx.dist,
        site_dir: Some(&site),
        site_key: "demo",
        upstream: Some(None),
    };
    let (server, addr) = ctx.zapis("zapis-host", port, &cfg.toml(), &[])?;
    let runs = if ctx.quick { 1 } else { 3 };
    let (mut with, mut without) = (Vec::new(), Vec::new());
    // Warm the server (first-request costs) without a browser.
    for path in ["/", "/embed.js", &format!("/{WITHOUT}")] {
        let _ = super::http::send(addr, &super::http::Req::get(path));
    }
    for i in 0..runs {
        let order: [bool; 2] = if i % 2 == 0 {
            [true, false]
        } else {
            [false, true]
        };
        for snippet in order {
            let page = if snippet { "" } else { WITHOUT };
            let url = format!("http://127.0.0.1:{port}/{page}");
            let out = ctx.tmp.join(format!(
                "lh-{}-{i}.json",
                if snippet { "with" } else { "without" }
            ));
            sh::log(format!("lighthouse {url} (run {}/{runs})", i + 1));
            let r = lighthouse(ctx, &url, &out)?;
            if snippet {
                with.push(r)
            } else {
                without.push(r)
            }
        }
    }
    server.stop();

    let m = |v: &[Run], f: fn(&Run) -> f64| median(&v.iter().map(f).collect::<Vec<_>>());
    let (sw, so) = (m(&with, |r| r.score), m(&without, |r| r.score));
    let (tw, to) = (m(&with, |r| r.tbt), m(&without, |r| r.tbt));
    let how = format!(
        "Lighthouse 12, mobile preset (simulated throttling), median of {runs} interleaved runs each"
    );
    s.rows.push(Row::new(
        "host page Lighthouse performance: with snippet / without",
        "equal",
        format!("{sw:.0} / {so:.0}"),
        Verdict::of(sw >= so),
        &how,
    ));
    s.rows.push(Row::new(
        "host page TBT added by the snippet",
        "≤ 10 ms",
        format!("{:+.0} ms ({tw:.0} with / {to:.0} without)", tw - to),
        Verdict::of(tw - to <= 10.0),
        &how,
    ));
    let metric_list = |v: &[Run]| v.iter().map(|r| r.metrics.clone()).collect::<Vec<_>>();
    let mm = |v: &[Run], k: &str| {
        median(
            &v.iter()
                .map(|r| r.metrics[k].as_f64().unwrap_or(f64::NAN))
                .collect::<Vec<_>>(),
        )
    };
    s.data = json!({
        "url_with": "/ (demo-site/index.html)", "url_without": format!("/{WITHOUT}"), "runs_each": runs,
        "median": {
            "with": {"score": sw, "tbt_ms": tw, "fcp_ms": mm(&with, "fcp_ms"), "lcp_ms": mm(&with, "lcp_ms"), "bytes": mm(&with, "bytes"), "mainthread_ms": mm(&with, "mainthread_ms")},
            "without": {"score": so, "tbt_ms": to, "fcp_ms": mm(&without, "fcp_ms"), "lcp_ms": mm(&without, "lcp_ms"), "bytes": mm(&without, "bytes"), "mainthread_ms": mm(&without, "mainthread_ms")},
        },
        "runs": {"with": metric_list(&with), "without": metric_list(&without)},
    });
    s.rows.push(Row::info(
        "host page FCP / LCP / bytes, with vs without (medians)",
        format!(
            "FCP {:.0}/{:.0} ms, LCP {:.0}/{:.0} ms, {:.0}/{:.0} KiB",
            mm(&with, "fcp_ms"),
            mm(&without, "fcp_ms"),
            mm(&with, "lcp_ms"),
            mm(&without, "lcp_ms"),
            mm(&with, "bytes") / 1024.0,
            mm(&without, "bytes") / 1024.0
        ),
        "same Lighthouse runs",
    ));
    let tasks = |v: &[Run]| -> String {
        // The run with the median TBT.
        let mut sorted: Vec<&Run> = v.iter().collect();
        sorted.sort_by(|a, b| {
            a.tbt
                .partial_cmp(&b.tbt)
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let Some(r) = sorted.get(sorted.len() / 2) else {
            return String::new();
        };
        let list: Vec<String> = r.metrics["long_tasks"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|t| {
                        let url = t["url"].as_str().unwrap_or("?");
                        let name = url
                            .rsplit('/')
                            .next()
                            .filter(|n| !n.is_empty())
                            .unwrap_or(url);
                        format!("{name} {:.0} ms", t["ms"].as_f64().unwrap_or(0.0))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if list.is_empty() {
            "none".into()
        } else {
            list.join(", ")
        }
    };
    s.rows.push(Row::info(
        "  long tasks in the median run, with / without",
        format!("with: {}; without: {}", tasks(&with), tasks(&without)),
        "Lighthouse long-tasks audit (simulated 4× CPU)",
    ));
    s.notes = vec![
        format!("Pages: the demo site (demo-site/) copied to bench/tmp/run/site and served by the release `zapis` (in-process sandbox, SQLite) on 127.0.0.1; `/` is index.html as shipped, `/{WITHOUT}` the same file with the two snippet tags removed. Same server, same origin, same assets."),
        format!("Command per run: `CHROME_PATH=/usr/bin/chromium lighthouse URL --quiet --output=json --only-categories=performance --chrome-flags=\"{CHROME_FLAGS} --user-data-dir=<fresh dir>\"` (lighthouse 12.8.2 from .ci/tools on Node 20). Default mobile preset: simulated 4× CPU slowdown and slow 4G."),
        format!("{runs} runs per page, alternating which page goes first each round; the figures are medians. Budget: the score with the snippet equals the score without it, and TBT with − TBT without ≤ 10 ms."),
        "The site config allows webdriver browsers (allow_webdriver), so the tracker runs and sends its beacon as for a real visitor; the widget is fetched on idle after load, as embed.js does for pages with a booking button.".into(),
    ];
    Ok(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn strips_exactly_the_two_snippet_tags() {
        let page = "<head>\n  <link rel=stylesheet href=style.css>\n  <script>window.zapis=window.zapis||function(){(zapis.q=zapis.q||[]).push(arguments)}</script>\n  <script async src=\"/embed.js\" data-site=\"demo\"></script>\n  <script>console.log(1)</script>\n</head>";
        let out = super::strip_snippet(page).unwrap();
        assert_eq!(
            out,
            "<head>\n  <link rel=stylesheet href=style.css>\n  <script>console.log(1)</script>\n</head>"
        );
        assert!(super::strip_snippet("<p>no snippet</p>").is_err());
    }
}
