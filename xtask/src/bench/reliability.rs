//! `reliability`: the issue-#9 tests that stay in the suite, run once more with their output, and
//! their `RELIABILITY …` lines as rows: the idempotency storm and the fault run on SQLite and
//! PostgreSQL, the two kill -9 runs. (The same tests run in `cargo xtask test`; here they only
//! report. Fuzzing has its own part, `fuzz`.)

use std::process::Stdio;

use anyhow::Context;

use super::report::{Row, Section, Verdict};
use crate::sh::{self, cmd};

/// (what, cargo test arguments)
const RUNS: &[(&str, &[&str])] = &[
    (
        "idempotency storm",
        &[
            "test",
            "-p",
            "zapis",
            "--test",
            "api",
            "--",
            "storm::",
            "booking::",
            "--nocapture",
            "--test-threads=1",
        ],
    ),
    (
        "faults",
        &[
            "test",
            "-p",
            "zapis",
            "--test",
            "api",
            "--",
            "faults::",
            "--nocapture",
            "--test-threads=1",
        ],
    ),
    (
        "crash",
        &[
            "test",
            "-p",
            "zapis",
            "--test",
            "crash",
            "--",
            "--nocapture",
            "--test-threads=1",
        ],
    ),
];

pub fn run() -> anyhow::Result<Section> {
    let mut s = Section::new("reliability", "Reliability");
    let mut lines = Vec::new();
    for (what, args) in RUNS {
        sh::log(format!("reliability: {what}"));
        let out = cmd("cargo")
            .args(*args)
            .current_dir(sh::root())
            .stderr(Stdio::inherit())
            .output()
            .with_context(|| format!("cargo {}", args.join(" ")))?;
        let text = String::from_utf8_lossy(&out.stdout);
        let ok = out.status.success();
        // With --nocapture a test's line follows libtest's `test name ... ` on the same line.
        let found: Vec<&str> = text
            .lines()
            .filter_map(|l| l.split_once("RELIABILITY ").map(|(_, rest)| rest.trim()))
            .collect();
        if found.is_empty() {
            s.rows.push(Row::new(
                *what,
                "passes",
                if ok { "passed, no figures" } else { "FAILED" },
                Verdict::of(ok),
                args.join(" "),
            ));
        }
        for f in found {
            let (name, figures) = f.split_once(": ").unwrap_or((f, ""));
            s.rows.push(Row::new(
                name,
                "passes",
                figures,
                Verdict::of(ok),
                format!("cargo {}", args.join(" ")),
            ));
            lines.push(f.to_owned());
        }
    }
    s.data = serde_json::json!({ "lines": lines });
    s.notes.push(
        "Debug build, as `cargo xtask test` runs them; loopback only; the built-in YCLIENTS sandbox in the test process. A row's budget is that its test passes: the assertions (one record per slot, records = confirmed rows, every acknowledged event stored, no orphan record) are the budget. The scenarios and the other #9 checks (limits, access, leaks, fuzzing, schemathesis) are described in bench/reliability.md.".into(),
    );
    Ok(s)
}
