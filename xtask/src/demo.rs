//! `cargo xtask demo`: the product, running on the built-in YCLIENTS sandbox and SQLite.

use crate::{
    dist,
    sh::{self, cmd, log},
    tools,
};

pub const ADDR: &str = "127.0.0.1:8080";

pub fn run(args: &[String]) -> anyhow::Result<()> {
    anyhow::ensure!(args.is_empty(), "`cargo xtask demo` takes no arguments");
    tools::ensure_build_tools()?;
    dist::build()?;
    log("building the server (release, assets and demo site embedded)");
    sh::run(cmd("cargo").args([
        "build",
        "--quiet",
        "--release",
        "-p",
        "zapis",
        "--features",
        "embed-assets",
    ]))?;

    // Ctrl-C reaches the server too (same process group); we wait for it to stop cleanly.
    ctrlc::set_handler(|| {}).ok();
    let base = format!("http://{ADDR}");
    println!();
    println!("  zapis demo — Ctrl-C stops it");
    println!("  salon site     {base}/");
    println!("  ad landings    {base}/campaigns.html   (links with UTM tags and click ids)");
    println!("  dashboard      {base}/dashboard        (login demo / demo)");
    println!("  API document   {base}/api/openapi.json");
    println!("  metrics        {base}/metrics");
    println!("  YCLIENTS       the built-in sandbox (its address is in the log below)");
    println!();
    let status = sh::status(
        cmd(&sh::root().join("target/release/zapis").to_string_lossy())
            .arg("demo")
            .env("ZAPIS_ADDR", ADDR)
            .env("ZAPIS_DIST", sh::root().join("dist")),
    )?;
    if !status.success() && status.code().is_some() {
        anyhow::bail!("zapis exited with {status}");
    }
    log("demo stopped");
    Ok(())
}
