//! Bad input against the whole published API: schemathesis (PyPI, pinned in
//! `.ci/python/requirements.txt`) reads `/api/openapi.json` of the real app and sends what the
//! document allows and what it forbids, with every check on: no server errors, and every answer
//! conforms to the document (documented status, content type, headers and body schema), valid
//! input is accepted and invalid input refused.
//!
//! Run by `cargo xtask test` (suite "API: schemathesis against /api/openapi.json"), which
//! installs schemathesis and passes its path in `ZAPIS_SCHEMATHESIS`. By hand:
//!
//! ```sh
//! cargo xtask test schemathesis
//! ZAPIS_SCHEMATHESIS=target/tools/schemathesis-venv/bin/schemathesis \
//!     cargo test -p zapis --test schemathesis -- --ignored --nocapture
//! ```
//!
//! The run is the same every time (seed [`SEED`]), so the suite does not pass or fail by luck;
//! `ZAPIS_SCHEMATHESIS_SEED=N` (or `random`) and `ZAPIS_SCHEMATHESIS_EXAMPLES=N` hunt further,
//! and a failing run is replayed with the seed it printed.

#[allow(dead_code, unused_imports)]
#[path = "api/helpers.rs"]
mod helpers;

use std::time::Instant;

use helpers::{Db, ORIGIN, TestApp, spawn_app_with};
use zapis::config::SiteSettings;

/// Test cases per operation and phase: enough to meet every documented answer, bounded so the
/// run stays well within two minutes on two cores (13 s idle, 34 s beside another build).
const MAX_EXAMPLES: u32 = 100;

/// The suite's seed (the issue's number).
const SEED: u64 = 9;

/// What schemathesis is told beyond the command line (`schemathesis.toml`); `{DATES}` and
/// `{SLOTS}` are replaced by the next days and some of their free times in the sandbox.
///
/// Dictionaries: the fuzzer draws ids and keys from the whole string and integer space, where
/// nearly every site key, branch, service or master is unknown: a documented 404 (or an empty
/// list) before the handler's own work. Part of the draws come from the demo's real ones
/// instead (the sandbox's seed, `yclients/seed/salon.json`), so requests also get through the
/// lookups to the catalog, the slot checks, the booking's field checks and YCLIENTS. The site
/// `express` is the demo without the consent checkbox (`booking_consent = false`): the fuzzer
/// cannot be told to send `consent: true` more often, and on `demo` most bookings stop at 422
/// `consent_required`.
///
/// `positive_data_acceptance` expects any schema-valid request to be accepted (2xx, or
/// 401/403/404/409/429). For the two writes a schema-valid body can still break a rule JSON
/// Schema cannot state, and the document answers it with 422 naming the field: the phone's
/// digits (any typed form is allowed, the number itself must be one), a branch that requires an
/// email, a comment or the SMS code, the site's consent requirement, a `datetime` that is not a
/// real instant, the honeypot filled in, an Idempotency-Key sent before with another body. 422
/// is added to what that check accepts for those writes only (bookings, codes, and event sign-ups, whose
/// seats may also exceed the branch's maximum); the reads, the beacon
/// and every other check keep the defaults.
const CONFIG: &str = r#"
[dictionaries.sites]
values = ["demo", "express"]

[dictionaries.branches]
values = [410201, 410202]

[dictionaries.services]
values = [9100101, 9100102, 9100201, 9200101, 9200201]

[dictionaries.service-lists]
values = ["9100101", "9100101,9100102", "9200101", "9200101,9200201"]

[dictionaries.staff]
values = [0, 2900101, 2900102, 2900201]

[dictionaries.dates]
values = [{DATES}]

[dictionaries.slots]
values = [{SLOTS}]

[dictionaries.events]
values = [7400101, 7400103, 7400104, 7400105, 7400201]

[dictionaries.categories]
values = [880108, 880109, 880204]

[dictionaries.phones]
values = ["+7 916 123-45-67", "89161234501", "+44 20 7946 0958"]

[parameters]
"path.site" = { dictionary = "sites", probability = 0.5 }
"path.branch" = { dictionary = "branches", probability = 0.5 }
"query.services" = { dictionary = "service-lists", probability = 0.5 }
"query.staff" = { dictionary = "staff", probability = 0.5 }
"query.date" = { dictionary = "dates", probability = 0.5 }
"query.from" = { dictionary = "dates", probability = 0.5 }
"query.till" = { dictionary = "dates", probability = 0.5 }
"query.category" = { dictionary = "categories", probability = 0.5 }
"body.site" = { dictionary = "sites", probability = 0.5 }
"body.branch" = { dictionary = "branches", probability = 0.5 }
"body.services[*]" = { dictionary = "services", probability = 0.5 }
"body.staff" = { dictionary = "staff", probability = 0.5 }
"body.phone" = { dictionary = "phones", probability = 0.5 }
"body.event" = { dictionary = "events", probability = 0.5 }
"body.datetime" = { dictionary = "slots", probability = 0.5 }

[[operations]]
include-path = ["/api/v1/sites/{site}/bookings", "/api/v1/sites/{site}/branches/{branch}/code", "/api/v1/sites/{site}/signups"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]

# The client cabinet: the fuzzer has no session (401) nor the SMS code (401, 422), and meets
# the code limits (429).
[[operations]]
include-path-regex = "^/api/v1/sites/\\{site\\}/cabinet/"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by cargo xtask test (needs schemathesis)"]
async fn the_api_answers_bad_input_as_its_document_says() {
    let bin = std::env::var("ZAPIS_SCHEMATHESIS").unwrap_or_else(|_| {
        panic!(
            "ZAPIS_SCHEMATHESIS is not set: give the path of the schemathesis CLI \
             (`cargo xtask test schemathesis` installs it into target/tools/schemathesis-venv/bin/schemathesis)"
        )
    });
    let examples: u32 = std::env::var("ZAPIS_SCHEMATHESIS_EXAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(MAX_EXAMPLES);
    let seed: u64 = match std::env::var("ZAPIS_SCHEMATHESIS_SEED").as_deref() {
        Ok("random") => rand::random::<u32>().into(),
        Ok(n) => n
            .parse()
            .expect("ZAPIS_SCHEMATHESIS_SEED is a number or `random`"),
        Err(_) => SEED,
    };

    // The booking and SMS-code limits (30 bookings per IP, 10 codes per IP, 3 per phone in 10
    // minutes) stay as in production: every request here comes from 127.0.0.1, so after the
    // first few the fuzzer meets 429 `rate_limited`, which both operations document. The checks
    // before the limit (origin, Idempotency-Key, body shape) are still met by every request.
    // Our budget towards YCLIENTS (5/s, 200/min) is off: one fuzzer asks for thousands of
    // distinct, uncacheable service lists a minute, far past the browsing it is sized for, and a
    // catalog read then waits in the budget's queue for as long as it takes (over 10 s seen at
    // 400 examples: a timeout here, not an answer). That wait is the budget's design, measured by
    // its own tests and the bench; here the handlers are under test. The sandbox does not
    // enforce the limit in tests either.
    let app = spawn_app_with(Db::Sqlite, |s| {
        s.upstream.rate_budget = false;
        let mut express = SiteSettings::demo(&[ORIGIN]);
        express.key = "express".into();
        express.booking_consent = false;
        s.sites.push(express);
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("schemathesis.toml");
    let today = jiff::civil::date(1970, 1, 1)
        .saturating_add(jiff::Span::new().days(jiff::Timestamp::now().as_second() / 86_400));
    let dates: Vec<String> = (1..=3)
        .map(|d| today.saturating_add(jiff::Span::new().days(d)).to_string())
        .collect();
    let slots = free_times(&app, &dates).await;
    let quoted = |v: &[String]| {
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    std::fs::write(
        &config,
        CONFIG
            .replace("{DATES}", &quoted(&dates))
            .replace("{SLOTS}", &quoted(&slots)),
    )
    .unwrap();

    // The document as tested, kept for reading after the run.
    let doc = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let kept = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("openapi.json");
    std::fs::write(&kept, doc).unwrap();
    let report = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("schemathesis.ndjson");
    println!(
        "the document tested: {}; every request and answer: {}",
        kept.display(),
        report.display()
    );
    println!("schemathesis seed {seed} (ZAPIS_SCHEMATHESIS_SEED={seed} replays this run)");
    let started = Instant::now();
    let out = tokio::process::Command::new(&bin)
        .arg("--config-file")
        .arg(&config)
        .args(["run", &app.url("/api/openapi.json")])
        .args(["--checks", "all"])
        .args(["--max-examples", &examples.to_string()])
        .args(["--seed", &seed.to_string()])
        // The widget's pages are on the site's own origin: without it the writes are refused
        // (403 `origin_not_allowed`, documented) before their handlers look at anything else.
        .args(["--header", &format!("Origin: {ORIGIN}")])
        // One worker: CPython 3.11.7 (the machine's) raises "AST constructor recursion depth
        // mismatch" when two threads parse source at once (CPython gh-106905, fixed in 3.11.8),
        // which hypothesis does for its strategies' descriptions.
        .args(["--workers", "1", "--request-timeout", "10", "--no-color"])
        // No examples database in the user's home: every run starts from the seed alone.
        .args(["--generation-database", "none"])
        .args(["--report", "ndjson", "--report-ndjson-path"])
        .arg(&report)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .kill_on_drop(true)
        .output()
        .await
        .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
    let secs = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    println!(
        "RELIABILITY schemathesis: seed {seed}, {examples} examples per operation and phase, {secs:.1} s, {}",
        out.status
    );
    assert!(
        out.status.success(),
        "schemathesis found problems (seed {seed}): see its report above"
    );
}

/// Some free times of the first service of the Moscow branch on `dates`, as `times` gives them.
async fn free_times(app: &TestApp, dates: &[String]) -> Vec<String> {
    let mut slots = Vec::new();
    for date in dates {
        let url = app.url(&format!(
            "/api/v1/sites/demo/branches/410201/times?services=9100101&staff=0&date={date}"
        ));
        let times: serde_json::Value = app
            .client
            .get(url)
            .header("origin", ORIGIN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let day = times["slots"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["datetime"].as_str());
        slots.extend(day.step_by(3).take(4).map(str::to_owned));
    }
    assert!(
        !slots.is_empty(),
        "the sandbox has no free time on {dates:?}"
    );
    slots
}
