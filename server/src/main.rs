//! `zapis` — serve (default), `zapis sandbox --port N`, `zapis --help`.

use std::path::PathBuf;

use zapis::{config::Settings, startup::Application, telemetry};

const HELP: &str = "zapis — online booking embed and visitor attribution for YCLIENTS salons

USAGE:
  zapis [--config PATH]        serve (no config: the demo site, the built-in sandbox, SQLite zapis.db)
  zapis sandbox [--port N]     run only the YCLIENTS sandbox on 127.0.0.1:N (default 8081)
  zapis hash-password          read a password from stdin, print its argon2 hash for [[owners]]
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
            "sandbox" => return sandbox(args.collect()).await,
            "hash-password" => return hash_password(),
            "--config" => {
                config = Some(
                    args.next()
                        .ok_or_else(|| anyhow::anyhow!("--config needs a path"))?
                        .into(),
                )
            }
            "-h" | "--help" => {
                println!("{HELP}");
                return Ok(());
            }
            other => anyhow::bail!("unknown argument {other:?}\n\n{HELP}"),
        }
    }
    let demo = config.is_none();
    let settings = Settings::load(config.as_deref())?;
    let app = Application::build(settings).await?;
    let addr = app.local_addr();
    tracing::info!(%addr, "zapis listening");
    println!("zapis listening on http://{addr}/");
    if demo {
        println!("dashboard: http://{addr}/dashboard (login demo, password demo)");
    }
    app.run_until_stopped(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

/// `zapis hash-password`: one line from stdin (a terminal or a pipe) → the PHC hash on stdout.
fn hash_password() -> anyhow::Result<()> {
    use std::io::BufRead;
    eprintln!("password (one line, then Enter):");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    anyhow::ensure!(!password.is_empty(), "the password is empty");
    println!("{}", zapis::auth::password::hash(password)?);
    Ok(())
}

/// `zapis sandbox --port N`: the YCLIENTS sandbox alone, with the documented rate limit on.
async fn sandbox(args: Vec<String>) -> anyhow::Result<()> {
    use yclients::sandbox::{Sandbox, SandboxConfig};
    let mut port = 8081u16;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => {
                port = it
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or_else(|| anyhow::anyhow!("--port needs a number"))?
            }
            other => anyhow::bail!("unknown argument {other:?}\n\n{HELP}"),
        }
    }
    let sb = Sandbox::start(SandboxConfig {
        addr: ([127, 0, 0, 1], port).into(),
        rate_limit: true,
        ..SandboxConfig::default()
    })
    .await?;
    println!(
        "YCLIENTS sandbox on {}/api/v1/ (test hooks under /sandbox/)",
        sb.base_url()
    );
    for n in sb.networks() {
        println!(
            "  network {} «{}»: branches {:?}, admin login {}",
            n.id, n.title, n.company_ids, n.admin_login
        );
    }
    println!("  partner and user tokens: see yclients/seed/salon.json (sandbox-only values)");
    shutdown_signal().await;
    sb.shutdown().await;
    Ok(())
}
