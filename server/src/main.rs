//! `zapis` — see `zapis --help`. The command line is [`zapis::cli::Cli`].

use clap::Parser;
use zapis::{
    cli::{Cli, Command},
    config::Settings,
    startup::Application,
    telemetry,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let Some(config) = cli.config else {
                eprintln!("{}", zapis::cli::NEEDS_CONFIG);
                std::process::exit(2);
            };
            telemetry::init();
            serve(Settings::load(&config)?, false).await
        }
        Command::Demo { database } => {
            telemetry::init();
            serve(Settings::load_demo(&database)?, true).await
        }
        Command::Sandbox { port } => {
            telemetry::init();
            zapis::cli::sandbox(port, shutdown_signal()).await
        }
        Command::Pbx(call) => zapis::cli::pbx::run(call).await,
        Command::HashPassword => zapis::cli::hash_password(),
        Command::Unlock { login } => {
            let Some(config) = cli.config else {
                eprintln!("{}", zapis::cli::NEEDS_CONFIG);
                std::process::exit(2);
            };
            zapis::cli::unlock(&Settings::load(&config)?, &login).await
        }
    }
}

async fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    let pbx = settings
        .sites
        .iter()
        .find(|s| s.key == "demo")
        .and_then(|s| s.calls.as_ref()?.pbx_secret.clone())
        .filter(|_| demo);
    let app = Application::build(settings).await?;
    let addr = app.local_addr();
    tracing::info!(%addr, "zapis listening");
    println!("zapis listening on http://{addr}/");
    if demo {
        println!("dashboard: http://{addr}/dashboard (login demo, password demo)");
        if let Some(secret) = pbx {
            // The demo's own, fresh each run (like the sandbox's tokens, demo-only).
            println!(
                "calls: zapis pbx --url http://{addr} --secret {} --vid <visitor id>",
                secret.expose()
            );
        }
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
