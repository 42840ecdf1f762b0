//! `cargo xtask fuzz [TARGET…] [--secs N]`: the cargo-fuzz targets of `fuzz/` (every decoder of
//! untrusted bytes), each for N seconds (default 60), from seeds made of the project's own
//! samples. `cargo xtask test` runs them briefly, `cargo xtask bench fuzz` longer.
//!
//! cargo-fuzz needs nightly-only rustc flags (`-Zsanitizer=address`, sancov); the machine's one
//! toolchain is stable, so the runs set `RUSTC_BOOTSTRAP=1` for the fuzz workspace alone (its own
//! target directory; the root build never sees the flag). A finding fails the run and leaves its
//! input in `fuzz/artifacts/<target>/` with the command that replays it.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use anyhow::{Context, bail};

use crate::sh::{self, cmd, log};

pub const CARGO_FUZZ_VERSION: &str = "0.13.2";
/// Seconds per target in `cargo xtask test`.
pub const TEST_SECS: u64 = 15;
pub const TARGETS: &[&str] = &[
    "beacon",
    "widget_api",
    "yclients_answer",
    "tracker_record",
    "pbx_webhook",
];

/// One target's run.
#[derive(Debug, Clone)]
pub struct Run {
    pub target: &'static str,
    pub ok: bool,
    /// Inputs executed (libFuzzer's `Done N runs`).
    pub execs: u64,
    /// Coverage (libFuzzer's `cov:`) at the end.
    pub cov: u64,
    pub secs: f64,
    /// Inputs in the corpus at the end.
    pub corpus: usize,
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let mut secs = 60;
    let mut targets = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--secs" => secs = it.next().context("--secs N")?.parse().context("--secs N")?,
            t => targets.push(*TARGETS.iter().find(|x| **x == t).with_context(|| {
                format!("unknown fuzz target {t:?}; targets: {}", TARGETS.join(" "))
            })?),
        }
    }
    if targets.is_empty() {
        targets = TARGETS.to_vec();
    }
    let runs = fuzz(&targets, secs)?;
    let failed = runs.iter().filter(|r| !r.ok).count();
    // The line `cargo xtask test` counts, as for a cargo test binary.
    println!(
        "test result: {}. {} passed; {failed} failed",
        if failed == 0 { "ok" } else { "FAILED" },
        runs.len() - failed
    );
    if failed > 0 {
        bail!("{failed} fuzz target(s) found a failing input (see fuzz/artifacts/)");
    }
    Ok(())
}

/// Builds the targets once, then runs each for `secs` seconds.
pub fn fuzz(targets: &[&'static str], secs: u64) -> anyhow::Result<Vec<Run>> {
    ensure_cargo_fuzz()?;
    let root = sh::root();
    let work = root.join("target/fuzz");
    log("building the fuzz targets (cargo fuzz build -O, address sanitizer)");
    sh::run(fuzz_cmd().args(["build", "-O"]))?;
    let mut runs = Vec::new();
    for &target in targets {
        let seeds = work.join("seeds").join(target);
        write_seeds(target, &seeds)?;
        let corpus = corpus_dir(target);
        std::fs::create_dir_all(&corpus)?;
        log(format!("fuzz {target}: {secs} s"));
        let started = Instant::now();
        let out = fuzz_cmd()
            .args(["run", "-O", target])
            .arg(&corpus)
            .arg(&seeds)
            .args([
                "--",
                &format!("-max_total_time={secs}"),
                "-max_len=8192",
                "-timeout=10",
                "-rss_limit_mb=4096",
                "-print_final_stats=1",
            ])
            .output()
            .with_context(|| format!("cargo fuzz run {target}"))?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let run = Run {
            target,
            ok: out.status.success(),
            execs: stat(&text, "stat::number_of_executed_units:"),
            cov: last_cov(&text),
            secs: started.elapsed().as_secs_f64(),
            corpus: std::fs::read_dir(&corpus).map_or(0, |d| d.count()),
        };
        if run.ok {
            println!(
                "fuzz {target}: ok, {} inputs in {:.0} s, coverage {}, corpus {}",
                run.execs, run.secs, run.cov, run.corpus
            );
        } else {
            // The finding: the panic or sanitizer report, and how to replay it.
            let report: Vec<&str> = text
                .lines()
                .filter(|l| !l.starts_with('#') && !l.starts_with("INFO:"))
                .collect();
            println!("{}", report[report.len().saturating_sub(60)..].join("\n"));
            println!(
                "fuzz {target}: FAILED — replay with: cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O {target} artifacts/{target}/<crash file>"
            );
        }
        runs.push(run);
    }
    Ok(runs)
}

fn fuzz_cmd() -> Command {
    let mut c = cmd("cargo");
    c.arg("fuzz")
        .current_dir(sh::root().join("fuzz"))
        .env("RUSTC_BOOTSTRAP", "1");
    c
}

fn ensure_cargo_fuzz() -> anyhow::Result<()> {
    if !sh::cargo_bin().join("cargo-fuzz").is_file() {
        log(format!(
            "installing cargo-fuzz {CARGO_FUZZ_VERSION} from crates.io (about 1 min)"
        ));
        sh::run(cmd("cargo").args([
            "install",
            "--locked",
            "--quiet",
            "cargo-fuzz",
            "--version",
            CARGO_FUZZ_VERSION,
        ]))?;
    }
    Ok(())
}

fn stat(text: &str, key: &str) -> u64 {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(key))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

/// `#123 … cov: 456 ft: …` → 456 from the last such line.
fn last_cov(text: &str) -> u64 {
    text.lines()
        .filter_map(|l| l.split("cov: ").nth(1))
        .filter_map(|v| v.split_whitespace().next()?.parse().ok())
        .next_back()
        .unwrap_or(0)
}

/// Seeds: real inputs of each decoder, so that fuzzing starts from the shapes that matter
/// (ids of the right form, envelopes YCLIENTS really sends) instead of from nothing.
fn write_seeds(target: &str, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let id = "0123456789abcdef0123456789abcdef";
    let touch = r#"{"ch":"paid","source":"yandex","medium":"cpc","campaign":"spring","yclid":"42","landing":"/?utm_source=yandex","ts":1700000000000}"#;
    let direct = r#"{"ch":"direct","landing":"/","ts":1700000000000}"#;
    let batch = format!(
        r#"{{"site":"demo","vid":"{id}","sid":"{id}","touch":{touch},"started":1700000000000,"events":[{{"t":"pageview","ts":1700000000000,"path":"/services.html?x=1","title":"Услуги"}},{{"t":"custom","ts":1700000000001,"path":"/","name":"call","props":{{"n":1,"ok":true,"s":"x"}}}},{{"t":"booked","ts":1700000000002,"path":"/"}}]}}"#
    );
    let mut seeds: Vec<(String, Vec<u8>)> = Vec::new();
    match target {
        "beacon" => {
            seeds.push(("batch".into(), batch.clone().into_bytes()));
            seeds.push(("direct".into(), batch.replace(touch, direct).into_bytes()));
        }
        "widget_api" => {
            let ctx = format!(r#"{{"vid":"{id}","sid":"{id}","first":{touch},"last":null}}"#);
            let json: [&str; 12] = [
                &format!(
                    r#"{{"branch":410201,"services":[1001],"staff":2001,"datetime":"2026-12-01T12:00:00+03:00","name":"Анна","phone":"+7 916 555-12-34","email":"","comment":"<b>","consent":true,"ctx":{ctx}}}"#
                ),
                r#"{"branch":410202,"phone":"+79165551234","name":"Анна"}"#,
                &ctx,
                r#"{"id":"b1","status":"confirmed","record_id":"123","branch":410201,"datetime":"2026-12-01T12:00:00+03:00","price_min":1500.5,"price_max":2000}"#,
                r#"{"site":"demo","branches":[{"id":410201,"title":"Лён","address":"Москва","timezone":"Europe/Moscow","phone":""}]}"#,
                r#"{"categories":[{"id":1,"title":"Волосы"}],"services":[{"id":1001,"title":"Стрижка","category":1,"price_min":1500,"price_max":2000,"duration":3600}]}"#,
                r#"{"staff":[{"id":2001,"name":"Мария","specialization":"","avatar":"","rating":4.9}]}"#,
                r#"{"dates":["2026-12-01","2026-12-02"]}"#,
                r#"{"times":[{"time":"12:00","datetime":"2026-12-01T12:00:00+03:00","staff":2001}]}"#,
                r#"{"error":{"code":"slot_taken","message":"Время заняли","field":"datetime","times":["12:00"]}}"#,
                r##"{"site":"demo","consent":"required","lang":"ru","theme":{"brand":"#8a4baf","radius":"12px","mode":"auto"},"float_button":{"ru":"<button>","en":"<button>"},"goals":{"metrika":"1","ga4":true}}"##,
                &batch,
            ];
            for (i, j) in json.iter().enumerate() {
                let mut bytes = vec![i as u8];
                bytes.extend_from_slice(j.as_bytes());
                seeds.push((format!("type{i}"), bytes));
            }
        }
        "yclients_answer" => {
            // (fixture, the target's selector for the model it holds, HTTP status)
            const ANSWERS: &[(&str, u8, u16)] = &[
                ("bookform", 0, 200),
                ("company", 1, 200),
                ("companies", 2, 200),
                ("book_services", 3, 200),
                ("book_staff", 4, 200),
                ("book_dates", 5, 200),
                ("book_dates_alt", 5, 200),
                ("book_times", 6, 200),
                ("book_staff_seances", 7, 200),
                ("book_record", 8, 200),
                ("auth", 9, 200),
                ("record", 10, 200),
                ("records", 11, 200),
                ("user_records", 11, 200),
                ("activity_search", 12, 200),
                ("activity_book", 13, 200),
                ("created", 14, 201),
                ("success_false_200", 14, 200),
                ("error_401_legacy", 14, 401),
                ("error_403_access_denied", 9, 403),
                ("error_404_empty_meta", 10, 404),
                ("error_433_meta_errors", 8, 422),
                ("error_434_forbidden", 8, 422),
                ("error_437_legacy", 8, 422),
                ("webhook_record", 15, 200),
            ];
            let fixtures = sh::root().join("yclients/tests/fixtures");
            for (name, which, status) in ANSWERS {
                let body = std::fs::read(fixtures.join(format!("{name}.json")))
                    .with_context(|| format!("fixture {name}"))?;
                let code = status - 100;
                let mut bytes = vec![*which, code as u8, (code >> 8) as u8];
                bytes.extend_from_slice(&body);
                seeds.push((name.to_string(), bytes));
            }
        }
        "tracker_record" => {
            seeds.push((
                "paid".into(),
                format!(
                    "{id} 1700000000000 1700000600000 42 1700000000000\n{touch}\n{direct}\n{touch}"
                )
                .into_bytes(),
            ));
            seeds.push((
                "direct".into(),
                format!("{id} 1700000000000 1700000000000 0 0\n{direct}\n{direct}\n").into_bytes(),
            ));
        }
        "pbx_webhook" => {
            // (the target's format selector: 0 recognised, 1 generic, 2 UIS, 3 onlinePBX; body)
            let samples: [(&str, u8, &str); 4] = [
                (
                    "generic",
                    1,
                    r#"{"call_id":"c-1","event":"finished","caller":"+7 (916) 123-45-67","called":"8 495 100-00-01","at":"2026-12-06T10:03:10Z","started_at":"2026-12-06T10:00:00Z","duration":150,"answered":true,"recording_url":"https://pbx.example/rec/c-1.mp3"}"#,
                ),
                (
                    "uis",
                    0,
                    r#"{"notification_mnemonic":"call_finished","call_session_id":3421345678,"virtual_phone_number":"74951000001","contact_phone_number":"79161234567","notification_time":"2026-12-06 13:03:00","talk_duration":"140","is_lost":"false","employee_sip":"101","file_link":"https://app.uiscom.ru/rec/1.mp3"}"#,
                ),
                (
                    "onlinepbx",
                    3,
                    r#"{"event":"call_end","uuid":"1b2c-33","caller_id_number":"79161234567","destination_number":"74951000001","start_stamp":1780000000,"duration":95,"user_talk_time":80,"hangup_cause":"NORMAL_CLEARING","accountcode":"inbound"}"#,
                ),
                (
                    "form",
                    0,
                    "uuid=9f&caller_id_number=89161234567&destination_number=74951000001&start_stamp=1780000000&hangup_cause=NO_ANSWER&accountcode=inbound",
                ),
            ];
            for (name, which, body) in samples {
                let mut bytes = vec![which];
                bytes.extend_from_slice(body.as_bytes());
                seeds.push((name.into(), bytes));
            }
        }
        other => bail!("no seeds for {other}"),
    }
    for (name, bytes) in seeds {
        std::fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}

/// `target/fuzz/corpus/<target>`: what the runs on this machine have found interesting so far.
fn corpus_dir(target: &str) -> PathBuf {
    sh::root().join("target/fuzz/corpus").join(target)
}
