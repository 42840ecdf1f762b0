//! `cargo xtask <command>`: the project's one entry point for people and CI.
//!
//! - `demo`: install what is missing, build the release assets and server, run zapis on
//!   127.0.0.1:8080 with the built-in YCLIENTS sandbox and SQLite, print the URLs.
//! - `test`: the same installs plus browsers, then every test; a summary at the end.
//! - `dist`: only build the browser assets into `dist/`.
//! - `bench`: measure what DESIGN.md §8 budgets (see `bench/`).
//! - `fuzz`: run the cargo-fuzz targets of `fuzz/` (every decoder of untrusted bytes).

mod bench;
mod demo;
mod dist;
mod fuzz;
mod screens;
mod sh;
mod std_build;
mod test;
mod tools;

const HELP: &str = "cargo xtask <command>

  demo    build everything and run zapis on http://127.0.0.1:8080 (sandbox + SQLite)
  test    install what is missing, then run every test (host, wasm in Chromium and Firefox, end-to-end)
  dist    build the browser assets (tracker, widget, embed.js) into dist/
  fuzz    fuzz every decoder of untrusted bytes: `cargo xtask fuzz [TARGET…] [--secs N]`
          (targets: beacon widget_api yclients_answer tracker_record; default 60 s each)
  screens the README's screenshots of the widget and the dashboard (phone and desktop) into docs/screens/
  bench   measure sizes, page impact, first screen, proxy overhead, ingest, upstream budget, memory
          (writes bench/RESULTS.md and bench/results.json; `cargo xtask bench --help` for parts)";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo::run(&args[1..]),
        Some("test") => test::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("screens") => screens::run(),
        Some("dist") => tools::ensure_build_tools().and_then(|_| dist::build().map(|_| ())),
        Some("-h" | "--help" | "help") | None => {
            println!("{HELP}");
            Ok(())
        }
        Some(other) => Err(anyhow::anyhow!("unknown command {other:?}\n\n{HELP}")),
    };
    if let Err(e) = result {
        eprintln!("xtask: error: {e:#}");
        std::process::exit(1);
    }
}
