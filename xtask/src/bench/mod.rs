//! `cargo xtask bench [PART…] [--quick]`: measures what DESIGN.md §8 budgets and writes
//! `bench/RESULTS.md` and `bench/results.json`, then prints the table.
//!
//! Parts (all by default, in this order; each runs alone so that they don't disturb each other):
//! - `sizes`: snippet + embed.js, tracker, widget (raw, gzip, brotli) beside Plausible's tracker.
//! - `host`: Lighthouse 12 performance score and TBT of the demo home page with and without the
//!   snippet (interleaved runs, medians).
//! - `ttfs`: press the booking button in headless Chromium on a cold browser cache until the
//!   services are listed (puppeteer-core, 10 runs).
//! - `proxy`: the booking API's read endpoints through zapis vs the YCLIENTS sandbox directly vs
//!   nginx proxying the same sandbox, at the same request rate; and zapis's cache-miss path.
//! - `ingest`: durable events/s on SQLite and PostgreSQL with N concurrent beacon senders, p99,
//!   acknowledged = stored; `memory` (server RSS idle and under that load) comes with it.
//! - `upstream`: 200 simulated visitors browsing one salon for 60 s against the rate-limited
//!   sandbox: upstream calls/s, visitor-facing errors, cache hit ratio.
//! - `reliability`: the storm, fault and kill -9 tests again, their figures as rows.
//! - `fuzz`: every cargo-fuzz target for 5 minutes (the test suite runs them for 15 s).
//!
//! `cargo xtask bench check-sizes [DIST]` only checks the three size budgets (exit 1 when over):
//! the CI gate. [`check_sizes`] is the same check for other xtask commands.
//!
//! Load comes from a small HTTP/1.1 load generator in `http.rs` (OS threads, keep-alive);
//! Lighthouse and puppeteer-core from `.ci/tools`; nginx from Debian (installed when missing).
//! Every process is started here on 127.0.0.1 with free ports, and stopped by its pid.

mod fuzz;
mod host;
mod http;
mod ingest;
mod procs;
mod proxy;
mod reliability;
mod report;
mod sizes;
mod ttfs;
mod upstream;
mod wasm_parts;

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use anyhow::{Context, bail};

pub use sizes::{
    BUDGET_ACCOUNT_GZ, BUDGET_CABINET_GZ, BUDGET_EMBED_GZ, BUDGET_EVENTS_GZ, BUDGET_PHONE_GZ,
    BUDGET_TRACKER_GZ, BUDGET_WIDGET_GZ, check_sizes, measure,
};

use crate::{
    dist,
    sh::{self, cmd, log},
    tools,
};
use procs::{Proc, free_port, loopback};
use report::{Report, Section};

const USAGE: &str = "cargo xtask bench [PART…] [--quick]
  PART: sizes host ttfs proxy ingest upstream reliability fuzz (default: all; memory comes with ingest)
  --quick: shorter runs, for trying the bench itself (figures are not comparable)
  env ZAPIS_BENCH_SERVER=PATH: use this zapis binary instead of building target/release/zapis
cargo xtask bench check-sizes [DIST]   fail when a size budget is exceeded (default DIST: build dist/)";

const PARTS: &[&str] = &[
    "sizes",
    "host",
    "ttfs",
    "proxy",
    "ingest",
    "upstream",
    "reliability",
    "fuzz",
];

/// The sandbox seed's salon chain «Лён» and its Moscow branch (yclients/README.md).
pub const GROUP_ID: u64 = 120501;
pub const BRANCH: u64 = 410201;
pub const PARTNER_TOKEN: &str = "sandbox-partner-len-5e1f0c";

pub fn run(args: &[String]) -> anyhow::Result<()> {
    if args.first().map(String::as_str) == Some("check-sizes") {
        let dir = match args.get(1) {
            Some(d) => PathBuf::from(d),
            None => {
                tools::ensure_build_tools()?;
                dist::build()?.dir
            }
        };
        return check_sizes(&dir);
    }
    let mut parts = Vec::new();
    let mut quick = false;
    for a in args {
        match a.as_str() {
            "--quick" => quick = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            p if PARTS.contains(&p) => parts.push(p.to_owned()),
            "memory" => parts.push("ingest".into()),
            other => bail!("unknown bench part {other:?}\n\n{USAGE}"),
        }
    }
    if parts.is_empty() {
        parts = PARTS.iter().map(|p| p.to_string()).collect();
    }
    let started = Instant::now();
    let ctx = Ctx::prepare(&parts, quick)?;
    let json_path = ctx.root.join("bench/results.json");
    let md_path = ctx.root.join("bench/RESULTS.md");
    let mut report = Report::load(&json_path);
    report.environment = environment();
    let command = format!(
        "cargo xtask bench{}",
        if args.is_empty() {
            String::new()
        } else {
            format!(" {}", args.join(" "))
        }
    );

    let mut failed = Vec::new();
    for part in PARTS.iter().filter(|p| parts.iter().any(|x| x == *p)) {
        log(format!("── bench: {part} ──"));
        let t = Instant::now();
        let load_before = loadavg();
        let result: anyhow::Result<Vec<Section>> = match *part {
            "sizes" => sizes::run(&ctx.dist).map(|s| vec![s]),
            "host" => host::run(&ctx).map(|s| vec![s]),
            "ttfs" => ttfs::run(&ctx).map(|s| vec![s]),
            "proxy" => proxy::run(&ctx).map(|s| vec![s]),
            "ingest" => ingest::run(&ctx),
            "upstream" => upstream::run(&ctx).map(|s| vec![s]),
            "reliability" => reliability::run().map(|s| vec![s]),
            "fuzz" => fuzz::run(&ctx).map(|s| vec![s]),
            _ => unreachable!(),
        };
        match result {
            Ok(sections) => {
                let load_after = loadavg();
                for mut s in sections {
                    s.secs = t.elapsed().as_secs_f64();
                    s.notes.push(format!(
                        "Machine load average (1 min, /proc/loadavg) when this part started: {load_before}; when it ended: {load_after} (2 cores; other sessions' builds and tests run on the same machine)."
                    ));
                    if quick {
                        s.notes.insert(
                            0,
                            "**--quick run: shortened, not comparable with full runs.**".into(),
                        );
                    }
                    report.set(s);
                }
            }
            Err(e) => {
                eprintln!("xtask: bench {part} failed: {e:#}");
                failed.push(format!("{part}: {e:#}"));
                // No stale figures: the part's rows say it was not measured, and why.
                let keys: &[&'static str] = if *part == "ingest" {
                    &["ingest", "memory"]
                } else {
                    std::slice::from_ref(part)
                };
                for key in keys {
                    let title = report::SECTIONS
                        .iter()
                        .find(|(k, _)| k == key)
                        .map_or("", |(_, t)| t);
                    let mut s = Section::new(key, title);
                    let first_line = format!("{e:#}")
                        .lines()
                        .next()
                        .unwrap_or("")
                        .chars()
                        .take(160)
                        .collect::<String>();
                    s.rows.push(report::Row::new(
                        format!("{title}: not measured"),
                        "—",
                        first_line,
                        report::Verdict::NotMet,
                        "see notes",
                    ));
                    s.notes.push(format!("The run failed: {e:#}"));
                    report.set(s);
                }
            }
        }
        // Write after every part: a run cut short keeps what it measured.
        report.write(&json_path, &md_path, &command)?;
    }
    drop(ctx);
    println!();
    println!(
        "──────── zapis bench ({:.0} s) ────────",
        started.elapsed().as_secs_f64()
    );
    print!("{}", report.terminal_table());
    println!("written: bench/RESULTS.md, bench/results.json");
    if !failed.is_empty() {
        bail!(
            "{} part(s) could not be measured:\n  {}",
            failed.len(),
            failed.join("\n  ")
        );
    }
    Ok(())
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_default()
}

/// What the parts share: paths, the release server binary, the scratch directory.
pub struct Ctx {
    pub root: PathBuf,
    pub dist: PathBuf,
    pub zapis: PathBuf,
    /// bench/tmp/run: logs, databases, configs of this run (git-ignored).
    pub tmp: PathBuf,
    pub quick: bool,
}

impl Ctx {
    fn prepare(parts: &[String], quick: bool) -> anyhow::Result<Self> {
        let root = sh::root();
        let needs = |p: &str| parts.iter().any(|x| x == p);
        // Only these parts read the built assets; the others run the server without them
        // (a wasm-release build of the widget is minutes on two cores).
        let dist = if ["sizes", "host", "ttfs"].iter().any(|p| needs(p)) {
            tools::ensure_build_tools()?;
            dist::build()?.dir
        } else {
            root.join("dist")
        };
        let mut debs = Vec::new();
        if (needs("host") || needs("ttfs")) && !Path::new("/usr/bin/chromium").exists() {
            debs.push("chromium");
        }
        if needs("proxy") && !has_nginx() {
            debs.push("nginx");
        }
        if needs("ingest") && !sh::has("psql") {
            debs.push("postgresql-client");
        }
        if needs("ingest") && !sh::has("sqlite3") {
            debs.push("sqlite3");
        }
        apt_install(&debs)?;
        let zapis = match std::env::var_os("ZAPIS_BENCH_SERVER") {
            Some(bin) => {
                log(format!(
                    "using the server binary ZAPIS_BENCH_SERVER={}",
                    PathBuf::from(&bin).display()
                ));
                PathBuf::from(bin)
            }
            None => {
                if parts
                    .iter()
                    .any(|p| !["sizes", "fuzz", "reliability"].contains(&p.as_str()))
                {
                    log("building the server (release)");
                    sh::run(cmd("cargo").args(["build", "--quiet", "--release", "-p", "zapis"]))?;
                }
                root.join("target/release/zapis")
            }
        };
        let tmp = root.join("bench/tmp/run");
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp)?;
        Ok(Self {
            zapis,
            root,
            dist,
            tmp,
            quick,
        })
    }

    /// Scales a duration in seconds down for `--quick`.
    pub fn secs(&self, full: u64) -> std::time::Duration {
        std::time::Duration::from_secs(if self.quick { (full / 4).max(2) } else { full })
    }

    /// `zapis sandbox --port N` (rate limit on), ready.
    pub fn sandbox(&self, name: &str) -> anyhow::Result<(Proc, SocketAddr)> {
        let port = free_port()?;
        let mut c = Command::new(&self.zapis);
        c.args(["sandbox", "--port", &port.to_string()])
            .current_dir(&self.root);
        let mut p = Proc::spawn(name, c, &self.tmp.join(format!("{name}.log")))?;
        let addr = loopback(port);
        p.wait_ready(addr, "/sandbox/clock", 30)?;
        Ok((p, addr))
    }

    /// zapis with the config `toml` (written to bench/tmp/run/NAME.toml), ready on `port`.
    pub fn zapis(
        &self,
        name: &str,
        port: u16,
        toml: &str,
        env: &[(&str, &str)],
    ) -> anyhow::Result<(Proc, SocketAddr)> {
        let config = self.tmp.join(format!("{name}.toml"));
        std::fs::write(&config, toml)?;
        let mut c = Command::new(&self.zapis);
        c.arg("--config").arg(&config).current_dir(&self.root);
        for v in [
            "DATABASE_URL",
            "ZAPIS_ADDR",
            "ZAPIS_DIST",
            "ZAPIS_SITE_DIR",
            "ZAPIS_CONFIG",
            "ZAPIS_PUBLIC_URL",
        ] {
            c.env_remove(v);
        }
        for (k, v) in env {
            c.env(k, v);
        }
        let mut p = Proc::spawn(name, c, &self.tmp.join(format!("{name}.log")))?;
        let addr = loopback(port);
        p.wait_ready(addr, "/health", 60)?;
        Ok((p, addr))
    }
}

/// What a zapis config for the bench holds.
pub struct ZapisConfig<'a> {
    pub port: u16,
    pub database_url: String,
    pub dist: &'a Path,
    pub site_dir: Option<&'a Path>,
    pub site_key: &'a str,
    /// Where bookings go: `None` = tracking only; `Some(None)` = the in-process sandbox;
    /// `Some(Some(addr))` = a sandbox running on its own (network `bench`, partner token from env).
    pub upstream: Option<Option<SocketAddr>>,
}

impl ZapisConfig<'_> {
    pub fn toml(&self) -> String {
        let q = |p: &Path| toml_str(&p.to_string_lossy());
        let mut t = format!(
            "[server]\naddr = \"127.0.0.1:{}\"\ndatabase_url = {}\ndist_dir = {}\n",
            self.port,
            toml_str(&self.database_url),
            q(self.dist)
        );
        if let Some(site) = self.site_dir {
            t.push_str(&format!("site_dir = {}\n", q(site)));
        }
        // The bench reads /metrics on loopback, and measures throughput, not the abuse limits.
        t.push_str("\n[http]\nmetrics_public = true\n");
        t.push_str("\n[ingest]\naddress_burst = 100000000\naddress_events_per_minute = 100000000\nvisitor_burst = 100000000\nvisitor_events_per_minute = 100000000\nsite_daily_events = 100000000000\n");
        let network = match self.upstream {
            Some(None) => {
                t.push_str("\n[sandbox]\nport = 0\nrate_limit = true\n");
                Some("sandbox")
            }
            Some(Some(addr)) => {
                t.push_str(&format!(
                    "\n[[networks]]\nname = \"bench\"\nbase_url = \"http://{addr}\"\npartner_token_env = \"ZAPIS_BENCH_PARTNER_TOKEN\"\n"
                ));
                Some("bench")
            }
            None => None,
        };
        t.push_str(&format!(
            "\n[[sites]]\nkey = {}\norigins = [\"http://127.0.0.1:{p}\", \"http://localhost:{p}\"]\nallow_localhost = true\nallow_webdriver = true\nprivacy_url = \"/privacy.html\"\n",
            toml_str(self.site_key),
            p = self.port
        ));
        if let Some(n) = network {
            t.push_str(&format!(
                "\n[sites.yclients]\nnetwork = \"{n}\"\ngroup_id = {GROUP_ID}\n"
            ));
        }
        t
    }

    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn toml_str(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn has_nginx() -> bool {
    Path::new("/usr/sbin/nginx").exists() || sh::has("nginx")
}

pub fn nginx_bin() -> PathBuf {
    if Path::new("/usr/sbin/nginx").exists() {
        PathBuf::from("/usr/sbin/nginx")
    } else {
        PathBuf::from("nginx")
    }
}

fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    if packages.is_empty() {
        return Ok(());
    }
    let root = sh::output(cmd("id").arg("-u")).is_some_and(|u| u == "0");
    if !root {
        bail!(
            "missing Debian packages: {0}. Install them with:\n    sudo apt-get install -y --no-install-recommends {0}",
            packages.join(" ")
        );
    }
    log(format!("apt-get install {}", packages.join(" ")));
    sh::run(cmd("apt-get").args(["update", "-qq"]))?;
    sh::run(
        cmd("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args([
                "install",
                "-y",
                "-qq",
                "--no-install-recommends",
                "-o",
                "Dpkg::Use-Pty=0",
            ])
            .args(packages)
            .stdout(std::process::Stdio::null()),
    )
}

/// Versions and the machine, for the report.
fn environment() -> serde_json::Value {
    let first_line = |c: &mut Command| {
        sh::output(c)
            .map(|s| s.lines().next().unwrap_or("").to_owned())
            .unwrap_or_else(|| "not found".into())
    };
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|r| r.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_default();
    let nginx = Command::new(nginx_bin())
        .arg("-v")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stderr).trim().to_owned())
        .unwrap_or_else(|| "not found".into());
    let lighthouse =
        std::fs::read(sh::root().join(".ci/tools/node_modules/lighthouse/package.json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v["version"].as_str().map(str::to_owned))
            .unwrap_or_else(|| "not found".into());
    let puppeteer =
        std::fs::read(sh::root().join(".ci/tools/node_modules/puppeteer-core/package.json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v["version"].as_str().map(str::to_owned))
            .unwrap_or_else(|| "not found".into());
    let commit = sh::output(cmd("git").args(["rev-parse", "--short", "HEAD"])).unwrap_or_default();
    let dirty = sh::output(cmd("git").args(["status", "--porcelain", "--untracked-files=no"]))
        .is_some_and(|s| !s.is_empty());
    serde_json::json!({
        "commit": format!("{commit}{}", if dirty { " (with uncommitted changes)" } else { "" }),
        "machine": format!("{} cores, {} ({}), shared with other builds and tests", std::thread::available_parallelism().map_or(0, |n| n.get()), cpu, first_line(Command::new("uname").arg("-r"))),
        "memory": first_line(Command::new("sh").args(["-c", "free -h | awk '/Mem:/{print $2\" total\"}'"])),
        "rustc": first_line(cmd("rustc").arg("--version")),
        "node": first_line(Command::new("node").arg("--version")),
        "chromium": first_line(Command::new("/usr/bin/chromium").arg("--version")),
        "lighthouse": lighthouse,
        "puppeteer-core": puppeteer,
        "nginx": nginx,
        "postgresql": first_line(Command::new("psql").args(["-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"])),
        "sqlite3 (CLI, for counting)": first_line(Command::new("sqlite3").arg("--version")),
        "load generator": "xtask/src/bench/http.rs: HTTP/1.1 keep-alive over std TcpStream, one OS thread per connection",
    })
}

/// The demo site's files, for the host-page and first-screen parts.
pub fn demo_site(ctx: &Ctx) -> anyhow::Result<PathBuf> {
    let site = ctx.root.join("demo-site");
    if !site.join("index.html").is_file() {
        bail!("demo-site/index.html is missing (the demo site is not finished yet)");
    }
    Ok(site)
}

/// Copies `from` into `to` recursively (cp -r semantics for a directory's contents).
pub fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from).with_context(|| format!("{}", from.display()))? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), &target)?;
        }
    }
    Ok(())
}

pub fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

/// Nearest-rank percentile of floats.
pub fn pct(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let rank = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len());
    s[rank - 1]
}
