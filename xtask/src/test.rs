//! `cargo xtask test`: installs what is missing, builds the assets, runs every suite, and ends with
//! a summary: one line per suite and the plain closing line `N passed, M failed`. The first suite
//! is the gate: `cargo fmt --check` and `cargo clippy --all-targets -- -D warnings` over the
//! workspace and the two separate workspaces (`tracker`, `fuzz`).

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Instant,
};

use crate::{
    dist,
    sh::{self, cmd, log},
    tools,
};

struct Suite {
    name: &'static str,
    command: Command,
}

#[derive(Default)]
struct Outcome {
    ok: bool,
    passed: u64,
    failed: u64,
    secs: f64,
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let only = args.first().map(String::as_str);
    let started = Instant::now();
    tools::ensure_test_tools()?;
    let built = dist::build()?;
    let geckodriver = sh::cargo_bin().join("geckodriver");

    let mut suites = Vec::new();
    let mut host = cmd("cargo");
    host.args([
        "test",
        "--workspace",
        "--exclude",
        "widget",
        "--exclude",
        "widget-embed",
        "--exclude",
        "events-embed",
        "--exclude",
        "cabinet-embed",
        "--exclude",
        "account-embed",
        "--exclude",
        "e2e",
    ]);
    suites.push(Suite {
        name: "host: unit and integration (SQLite + PostgreSQL)",
        command: host,
    });

    let mut tracker_host = cmd("cargo");
    tracker_host
        .current_dir(sh::root().join("tracker"))
        .args(["test", "--lib", "--tests"]);
    suites.push(Suite {
        name: "tracker: native",
        command: tracker_host,
    });

    // The wasm suites run through wasm-pack, the project's wasm tool: `wasm-pack test --headless
    // --chrome|--firefox` builds the tests and runs them in the browser through the pinned
    // wasm-bindgen test runner, offline (`--mode no-install`, drivers given by path).
    for browser in [Browser::Chromium, Browser::Firefox] {
        for (krate, what) in [("widget", "widget"), ("tracker", "tracker")] {
            suites.push(Suite {
                name: browser.suite_name(what),
                command: wasm_pack_test(krate, browser, &geckodriver),
            });
        }
    }

    let mut schemathesis = cmd("cargo");
    schemathesis
        .args([
            "test",
            "-p",
            "zapis",
            "--test",
            "schemathesis",
            "--",
            "--ignored",
            "--nocapture",
        ])
        .env("ZAPIS_SCHEMATHESIS", tools::ensure_schemathesis()?);
    suites.push(Suite {
        name: "API: schemathesis against /api/openapi.json",
        command: schemathesis,
    });

    // A short run of every fuzz target (a finding fails it); `cargo xtask bench fuzz` runs longer.
    let mut fuzz = Command::new(std::env::current_exe()?);
    fuzz.args(["fuzz", "--secs", &crate::fuzz::TEST_SECS.to_string()]);
    suites.push(Suite {
        name: "fuzz: decoders of untrusted bytes (cargo-fuzz, short run)",
        command: fuzz,
    });

    let mut e2e = cmd("cargo");
    e2e.args(["test", "-p", "e2e"])
        .env("ZAPIS_DIST", &built.dir)
        .env("CHROMEDRIVER", tools::CHROMEDRIVER);
    suites.push(Suite {
        name: "end-to-end: demo site in headless Chromium",
        command: e2e,
    });

    for s in &mut suites {
        s.command.env("WASM_BINDGEN_TEST_TIMEOUT", "90");
    }
    let mut results = Vec::new();
    if only.is_none_or(|o| LINT.contains(o)) {
        log(format!("── {LINT} ──"));
        results.push((LINT, run_checks(lint_commands())));
    }
    if only.is_none_or(|o| "sizes".contains(o)) {
        log("── sizes (DESIGN.md §8) ──");
        let start = Instant::now();
        let ok = match check_sizes(&built.dir) {
            Ok(()) => true,
            Err(e) => {
                eprintln!("{e:#}");
                false
            }
        };
        results.push((
            "sizes: snippet + embed.js, tracker, widget, events, cabinet, phone (gzip)",
            Outcome {
                ok,
                passed: ok as u64,
                failed: !ok as u64,
                secs: start.elapsed().as_secs_f64(),
            },
        ));
    }
    for mut suite in suites {
        if only.is_some_and(|o| !suite.name.contains(o)) {
            continue;
        }
        log(format!("── {} ──", suite.name));
        let outcome = run_suite(&mut suite.command);
        results.push((suite.name, outcome));
    }

    println!();
    println!("──────── zapis test summary ────────");
    let (mut passed, mut failed, mut broken) = (0, 0, 0);
    for (name, o) in &results {
        let mark = if o.ok { "ok    " } else { "FAILED" };
        println!(
            "{mark} {name}: {} passed, {} failed ({:.0} s)",
            o.passed, o.failed, o.secs
        );
        passed += o.passed;
        failed += o.failed;
        if !o.ok {
            broken += 1;
        }
    }
    println!("total time {:.0} s", started.elapsed().as_secs_f64());
    println!("{passed} passed, {failed} failed");
    if broken > 0 {
        anyhow::bail!("{broken} suite(s) failed");
    }
    Ok(())
}

const LINT: &str = "lint: rustfmt and clippy (workspace, tracker, fuzz)";

/// The gate's commands, each one check. The widget crates are linted for the target they ship
/// to; the tracker natively (its tests run there too); fuzz in a target directory of its own,
/// without the sanitizer flags `cargo xtask fuzz` sets.
fn lint_commands() -> Vec<(&'static str, Command)> {
    let clippy = ["--all-targets", "--", "-D", "warnings"];
    let mut list = Vec::new();
    let mut c = cmd("cargo");
    c.args(["fmt", "--all", "--check"]);
    list.push(("cargo fmt --check (workspace)", c));
    for dir in ["tracker", "fuzz"] {
        let mut c = cmd("cargo");
        c.current_dir(sh::root().join(dir)).args(["fmt", "--check"]);
        list.push((
            if dir == "tracker" {
                "cargo fmt --check (tracker)"
            } else {
                "cargo fmt --check (fuzz)"
            },
            c,
        ));
    }
    let mut c = cmd("cargo");
    c.args([
        "clippy",
        "--workspace",
        "--exclude",
        "widget",
        "--exclude",
        "widget-embed",
        "--exclude",
        "events-embed",
        "--exclude",
        "cabinet-embed",
        "--exclude",
        "account-embed",
    ])
    .args(clippy);
    list.push(("cargo clippy (workspace, native)", c));
    let mut c = cmd("cargo");
    c.args([
        "clippy",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "widget",
        "-p",
        "widget-embed",
        "-p",
        "phone-embed",
        "-p",
        "events-embed",
        "-p",
        "cabinet-embed",
        "-p",
        "account-embed",
    ])
    .args(clippy);
    list.push(("cargo clippy (widget, wasm32)", c));
    let mut c = cmd("cargo");
    c.current_dir(sh::root().join("tracker"))
        .args(["clippy"])
        .args(clippy);
    list.push(("cargo clippy (tracker)", c));
    let mut c = cmd("cargo");
    // `--cfg fuzzing`, as cargo-fuzz builds it: the targets call the tracker's `fuzzing` module,
    // which exists only then.
    c.current_dir(sh::root().join("fuzz"))
        .env("RUSTFLAGS", "--cfg fuzzing")
        .arg("clippy")
        .arg("--target-dir")
        .arg(sh::root().join("target/lint-fuzz"))
        .args(clippy);
    list.push(("cargo clippy (fuzz)", c));
    list
}

/// Runs each command to the end (one failure does not hide the next); each is one check.
fn run_checks(commands: Vec<(&'static str, Command)>) -> Outcome {
    let start = Instant::now();
    let mut out = Outcome::default();
    for (what, mut c) in commands {
        log(what);
        if c.status().is_ok_and(|s| s.success()) {
            out.passed += 1;
        } else {
            eprintln!("FAILED: {what} (`{}`)", sh::describe(&c));
            out.failed += 1;
        }
    }
    out.ok = out.failed == 0;
    out.secs = start.elapsed().as_secs_f64();
    out
}

/// Fails when a part grows past its budget, or — for a part that is over budget today, with
/// the reason recorded in `bench/size-baseline.json` — past that recorded size: an over-budget
/// part may only shrink.
fn check_sizes(dist: &std::path::Path) -> anyhow::Result<()> {
    use crate::bench::{
        BUDGET_ACCOUNT_GZ, BUDGET_CABINET_GZ, BUDGET_EMBED_GZ, BUDGET_EVENTS_GZ, BUDGET_PHONE_GZ,
        BUDGET_TRACKER_GZ, BUDGET_WIDGET_GZ,
    };
    let parts = crate::bench::measure(dist)?;
    let baseline: serde_json::Value = std::fs::read(sh::root().join("bench/size-baseline.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let mut failed = Vec::new();
    let measured = [
        ("embed", parts.stub_embed().gzip, BUDGET_EMBED_GZ),
        ("tracker", parts.tracker.gzip, BUDGET_TRACKER_GZ),
        ("widget", parts.widget.gzip, BUDGET_WIDGET_GZ),
        ("phone", parts.phone.gzip, BUDGET_PHONE_GZ),
        ("events", parts.events.gzip, BUDGET_EVENTS_GZ),
        ("cabinet", parts.cabinet.gzip, BUDGET_CABINET_GZ),
        ("account", parts.account.gzip, BUDGET_ACCOUNT_GZ),
    ];
    for (part, size, budget) in measured {
        let accepted = baseline[part]["gzip"].as_u64();
        let limit = accepted.map_or(budget, |a| a.max(budget));
        let verdict = if size <= budget {
            "ok".to_string()
        } else if size <= limit {
            format!(
                "OVER BUDGET by {} B, not grown (accepted {} B: {})",
                size - budget,
                limit,
                baseline[part]["why"].as_str().unwrap_or("?")
            )
        } else {
            failed.push(format!("{part}: {size} B gzip > {limit} B"));
            "GREW past its limit".to_string()
        };
        println!("{part:8} {size:>7} B gzip   budget {budget:>6} B   {verdict}");
    }
    anyhow::ensure!(failed.is_empty(), "size regression: {}", failed.join("; "));
    Ok(())
}

/// Runs one suite, echoing its output and counting `test result:` lines.
fn run_suite(c: &mut Command) -> Outcome {
    let start = Instant::now();
    let mut out = Outcome::default();
    let child = c.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn();
    let mut child = match child {
        Ok(ch) => ch,
        Err(e) => {
            eprintln!("cannot start `{}`: {e}", sh::describe(c));
            return out;
        }
    };
    let stdout = child.stdout.take().expect("piped stdout");
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        println!("{line}");
        if let Some((p, f)) = parse_result(&line) {
            out.passed += p;
            out.failed += f;
        }
    }
    out.ok = child.wait().is_ok_and(|s| s.success()) && out.failed == 0;
    out.secs = start.elapsed().as_secs_f64();
    out
}

/// `test result: ok. 3 passed; 0 failed; …` → (3, 0).
fn parse_result(line: &str) -> Option<(u64, u64)> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let num = |word: &str| -> u64 {
        rest.split(';')
            .find_map(|part| {
                part.trim().strip_suffix(word).map(|n| {
                    n.trim()
                        .rsplit(' ')
                        .next()
                        .unwrap_or("")
                        .parse()
                        .unwrap_or(0)
                })
            })
            .unwrap_or(0)
    };
    Some((num(" passed"), num(" failed")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_cargo_test_result_lines() {
        assert_eq!(
            super::parse_result("test result: ok. 20 passed; 0 failed; 0 ignored"),
            Some((20, 0))
        );
        assert_eq!(
            super::parse_result("test result: FAILED. 3 passed; 2 failed; 0 ignored"),
            Some((3, 2))
        );
        assert_eq!(super::parse_result("running 3 tests"), None);
    }
}

#[derive(Clone, Copy)]
enum Browser {
    Chromium,
    Firefox,
}

impl Browser {
    fn suite_name(self, what: &str) -> &'static str {
        match (self, what) {
            (Browser::Chromium, "widget") => "widget: wasm in headless Chromium (wasm-pack test)",
            (Browser::Firefox, "widget") => "widget: wasm in headless Firefox (wasm-pack test)",
            (Browser::Chromium, _) => "tracker: wasm in headless Chromium (wasm-pack test)",
            (Browser::Firefox, _) => "tracker: wasm in headless Firefox (wasm-pack test)",
        }
    }
}

/// `wasm-pack test --headless --chrome|--firefox <crate>`. The other browser's driver
/// variable is removed: wasm-bindgen-test-runner looks for GECKODRIVER before CHROMEDRIVER.
fn wasm_pack_test(krate: &str, browser: Browser, geckodriver: &std::path::Path) -> Command {
    let mut c = cmd("wasm-pack");
    c.args(["test", "--headless", "--mode", "no-install"])
        .env("WASM_PACK_CACHE", sh::root().join("target/wasm-pack-cache"))
        .env_remove("CHROMEDRIVER")
        .env_remove("GECKODRIVER");
    match browser {
        Browser::Chromium => c.args(["--chrome", "--chromedriver", tools::CHROMEDRIVER]),
        Browser::Firefox => c.arg("--firefox").arg("--geckodriver").arg(geckodriver),
    };
    c.arg(sh::root().join(krate));
    c
}
