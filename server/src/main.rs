//! `zapis` — serve (default), `zapis sandbox --port N`, `zapis --help`.

use std::path::PathBuf;

use zapis::{config::Settings, startup::Application, telemetry};

const HELP: &str = "zapis — online booking embed and visitor attribution for YCLIENTS salons

USAGE:
  zapis [--config PATH]        serve (no config: the demo site, the built-in sandbox, SQLite zapis.db)
  zapis --help

ENVIRONMENT:
  ZAPIS_CONFIG   config file (same as --config)
  ZAPIS_ADDR     listen address, default 127.0.0.1:8080
  DATABASE_URL   sqlite://zapis.db (default) or postgres://…
  ZAPIS_DIST     built assets, default ./dist
  ZAPIS_SITE_DIR static site served at /
  RUST_LOG       log filter; ZAPIS_LOG=json for JSON logs";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init();
    let mut args = std::env::args().skip(1);
    let mut config: Option<PathBuf> = std::env::var_os("ZAPIS_CONFIG").map(PathBuf::from);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => config = Some(args.next().ok_or_else(|| anyhow::anyhow!("--config needs a path"))?.into()),
            "-h" | "--help" => {
                println!("{HELP}");
                return Ok(());
            }
            other => anyhow::bail!("unknown argument {other:?}\n\n{HELP}"),
        }
    }
    let settings = Settings::load(config.as_deref())?;
    let app = Application::build(settings).await?;
    let addr = app.local_addr();
    tracing::info!(%addr, "zapis listening");
    println!("zapis listening on http://{addr}/");
    app.run_until_stopped(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
