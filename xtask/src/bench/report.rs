//! bench/results.json and bench/RESULTS.md: one section per measured part, each with its own
//! date, so that `cargo xtask bench proxy` refreshes only the proxy rows and keeps the rest.

use std::path::Path;

use serde_json::{Value, json};

/// Whether a figure meets its budget.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Verdict {
    Met,
    NotMet,
    /// No budget: context for the figures that have one.
    Info,
}

impl Verdict {
    pub fn of(ok: bool) -> Self {
        if ok { Verdict::Met } else { Verdict::NotMet }
    }

    fn as_str(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::NotMet => "NOT met",
            Verdict::Info => "",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Row {
    pub metric: String,
    pub budget: String,
    pub measured: String,
    pub verdict: Verdict,
    pub how: String,
}

impl Row {
    pub fn new(
        metric: impl Into<String>,
        budget: impl Into<String>,
        measured: impl Into<String>,
        verdict: Verdict,
        how: impl Into<String>,
    ) -> Self {
        Self {
            metric: metric.into(),
            budget: budget.into(),
            measured: measured.into(),
            verdict,
            how: how.into(),
        }
    }

    pub fn info(
        metric: impl Into<String>,
        measured: impl Into<String>,
        how: impl Into<String>,
    ) -> Self {
        Self::new(metric, "—", measured, Verdict::Info, how)
    }
}

/// One measured part: its rows for the table, the raw figures, and notes on method.
#[derive(Clone, Debug)]
pub struct Section {
    pub key: &'static str,
    pub title: &'static str,
    pub date: String,
    pub secs: f64,
    pub rows: Vec<Row>,
    pub data: Value,
    pub notes: Vec<String>,
}

impl Section {
    pub fn new(key: &'static str, title: &'static str) -> Self {
        Self {
            key,
            title,
            date: now_utc(),
            secs: 0.0,
            rows: Vec::new(),
            data: json!({}),
            notes: Vec::new(),
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "title": self.title,
            "date": self.date,
            "seconds": (self.secs * 10.0).round() / 10.0,
            "rows": self.rows.iter().map(|r| json!({
                "metric": r.metric, "budget": r.budget, "measured": r.measured,
                "verdict": r.verdict.as_str(), "how": r.how,
            })).collect::<Vec<_>>(),
            "data": self.data,
            "notes": self.notes,
        })
    }

    fn from_json(key: &'static str, v: &Value) -> Option<Self> {
        let s = |k: &str| v[k].as_str().unwrap_or("").to_owned();
        let rows = v["rows"]
            .as_array()?
            .iter()
            .map(|r| {
                let f = |k: &str| r[k].as_str().unwrap_or("").to_owned();
                let verdict = match r["verdict"].as_str() {
                    Some("met") => Verdict::Met,
                    Some("NOT met") => Verdict::NotMet,
                    _ => Verdict::Info,
                };
                Row {
                    metric: f("metric"),
                    budget: f("budget"),
                    measured: f("measured"),
                    verdict,
                    how: f("how"),
                }
            })
            .collect();
        let title = SECTIONS
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, t)| t);
        Some(Self {
            key,
            title,
            date: s("date"),
            secs: v["seconds"].as_f64().unwrap_or(0.0),
            rows,
            data: v["data"].clone(),
            notes: v["notes"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|n| n.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        })
    }
}

/// Every section, in report order.
pub const SECTIONS: &[(&str, &str)] = &[
    ("sizes", "Sizes"),
    ("host", "Host-page impact (Lighthouse)"),
    ("ttfs", "Time to first screen"),
    ("proxy", "Proxy overhead"),
    ("ingest", "Ingest"),
    ("upstream", "Upstream budget"),
    ("memory", "Memory"),
    ("reliability", "Reliability"),
    ("fuzz", "Fuzzing"),
];

pub struct Report {
    pub sections: Vec<Section>,
    pub environment: Value,
}

impl Report {
    /// The previous results (sections not re-run this time are kept).
    pub fn load(path: &Path) -> Self {
        let old: Value = std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or(Value::Null);
        let sections = SECTIONS
            .iter()
            .filter_map(|(k, _)| Section::from_json(k, &old["sections"][*k]))
            .collect();
        Self {
            sections,
            environment: old["environment"].clone(),
        }
    }

    pub fn set(&mut self, s: Section) {
        self.sections.retain(|x| x.key != s.key);
        self.sections.push(s);
        let order = |k: &str| SECTIONS.iter().position(|(x, _)| *x == k).unwrap_or(99);
        self.sections.sort_by_key(|s| order(s.key));
    }

    pub fn write(&self, json_path: &Path, md_path: &Path, command: &str) -> anyhow::Result<()> {
        let mut sections = serde_json::Map::new();
        for s in &self.sections {
            sections.insert(s.key.into(), s.to_json());
        }
        let doc = json!({
            "generated": now_utc(),
            "command": command,
            "environment": self.environment,
            "sections": sections,
        });
        std::fs::write(json_path, serde_json::to_string_pretty(&doc)? + "\n")?;
        std::fs::write(md_path, self.markdown(command))?;
        Ok(())
    }

    /// The table alone (printed at the end of a run).
    pub fn table(&self) -> String {
        let mut out = String::from(
            "| metric | budget | measured | verdict | how | date |\n|---|---|---|---|---|---|\n",
        );
        for s in &self.sections {
            for r in &s.rows {
                out.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} |\n",
                    cell(&r.metric),
                    cell(&r.budget),
                    cell(&r.measured),
                    r.verdict.as_str(),
                    cell(&r.how),
                    s.date.get(..10).unwrap_or(&s.date)
                ));
            }
        }
        out
    }

    /// A compact table for the terminal.
    pub fn terminal_table(&self) -> String {
        let mut rows = vec![[
            "metric".to_owned(),
            "budget".to_owned(),
            "measured".to_owned(),
            "verdict".to_owned(),
        ]];
        for s in &self.sections {
            for r in &s.rows {
                rows.push([
                    r.metric.clone(),
                    r.budget.clone(),
                    r.measured.clone(),
                    r.verdict.as_str().to_owned(),
                ]);
            }
        }
        let width = |i: usize| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
                .min(70)
        };
        let w = [width(0), width(1), width(2), width(3)];
        let mut out = String::new();
        for (n, r) in rows.iter().enumerate() {
            for (i, c) in r.iter().enumerate() {
                let pad = w[i].saturating_sub(c.chars().count());
                out.push_str(c);
                out.push_str(&" ".repeat(pad + 2));
            }
            out.push('\n');
            if n == 0 {
                out.push_str(&"─".repeat(w.iter().sum::<usize>() + 8));
                out.push('\n');
            }
        }
        out
    }

    fn markdown(&self, command: &str) -> String {
        let mut md = String::new();
        md.push_str("# zapis bench results\n\n");
        md.push_str(&format!(
            "Written by `{command}` (xtask/src/bench/). Budgets are DESIGN.md §8. Each part has the date it was \
             last measured; `cargo xtask bench <part>` re-measures one part and keeps the others. Timings come \
             from a shared 2-core machine with other builds running and are noisy; sizes are exact.\n\n\
             Run: `cargo xtask bench` (every part, about 30 minutes once the server and wasm are built, 20 of them fuzzing), \
             `cargo xtask bench PART…` (sizes, host, ttfs, proxy, ingest, upstream, reliability, fuzz), `--quick` for a short \
             trial run; `cargo xtask bench check-sizes` is the CI gate on the size budgets. It installs what \
             it lacks (npm tools from .ci/tools, Debian chromium and nginx) and starts every server itself on \
             127.0.0.1.\n\n"
        ));
        md.push_str(&self.table());
        md.push_str("\n## Environment\n\n");
        if let Some(env) = self.environment.as_object() {
            for (k, v) in env {
                md.push_str(&format!(
                    "- {k}: {}\n",
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                ));
            }
        }
        md.push_str("\n## How each part is measured\n");
        for s in &self.sections {
            md.push_str(&format!(
                "\n### {} ({}, {:.0} s)\n\n",
                s.title, s.date, s.secs
            ));
            for n in &s.notes {
                md.push_str(&format!("- {n}\n"));
            }
        }
        md
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// `2026-11-24T22:54:06Z`, from date(1).
pub fn now_utc() -> String {
    std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

/// `1,234` style thousands for readability.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
