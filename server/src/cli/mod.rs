//! The command line: `zapis [--config PATH] [serve]`, `zapis demo`, `zapis sandbox`, `zapis pbx`,
//! `zapis hash-password`, `zapis unlock LOGIN`. The demo is never what a bare `zapis` does: with
//! no config it says what it needs and exits with status 2.

pub mod pbx;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// What a bare `zapis` prints when it has no config.
pub const NEEDS_CONFIG: &str = "zapis needs a config file to serve: `zapis --config zapis.toml` \
(or ZAPIS_CONFIG=zapis.toml). It names the YCLIENTS networks, the sites, the owners and \
DATABASE_URL; server/zapis.example.toml is a complete example.
To try zapis without one: `zapis demo` (the demo site, the built-in YCLIENTS sandbox, owner \
demo/demo, SQLite zapis-demo.db). See `zapis --help`.";

#[derive(Debug, Parser)]
#[command(
    name = "zapis",
    version,
    about = "Online booking embed and visitor attribution for YCLIENTS salons",
    after_help = "Environment: ZAPIS_CONFIG, ZAPIS_ADDR (listen address), DATABASE_URL \
(sqlite://… or postgres://…; not read by `zapis demo`), ZAPIS_DIST (built assets), \
ZAPIS_SITE_DIR, ZAPIS_PUBLIC_URL, RUST_LOG, ZAPIS_LOG=json."
)]
pub struct Cli {
    /// The config file (TOML). Required to serve.
    #[arg(long, short, env = "ZAPIS_CONFIG", global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve with the config (what `zapis --config PATH` does with no command).
    Serve,
    /// The demo: the demo salon site, the built-in YCLIENTS sandbox (whose control API hands
    /// out its tokens), owner demo / demo. Never for real data.
    Demo {
        /// Its own database; DATABASE_URL is not read, so the demo never lands in a real one.
        #[arg(long, default_value = "sqlite://zapis-demo.db")]
        database: String,
    },
    /// Only the YCLIENTS sandbox on 127.0.0.1:PORT, with the documented rate limit.
    Sandbox {
        #[arg(long, default_value_t = 8081)]
        port: u16,
    },
    /// Simulate a PBX: place calls to a site's numbers (the number a visitor sees, or one given)
    /// through its PBX webhook, for the demo and tests.
    Pbx(pbx::PbxCall),
    /// Read a password from stdin, print its argon2 hash for `[[owners]]`.
    HashPassword,
    /// Clear the failed-login count of an owner's login (every address) at once.
    Unlock {
        /// The owner's login as in `[[owners]]`.
        login: String,
    },
}

/// `zapis hash-password`: one line from stdin (a terminal or a pipe) → the PHC hash on stdout.
pub fn hash_password() -> anyhow::Result<()> {
    use std::io::BufRead;
    eprintln!("password (one line, then Enter):");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    anyhow::ensure!(!password.is_empty(), "the password is empty");
    println!("{}", crate::auth::password::hash(password)?);
    Ok(())
}

/// `zapis unlock LOGIN`: forgets the login's failed attempts in the config's database.
pub async fn unlock(settings: &crate::config::Settings, login: &str) -> anyhow::Result<()> {
    let store = crate::store::Store::open(&settings.server.database_url).await?;
    let cleared = crate::auth::lockout::unlock(&store, login).await?;
    store.close().await;
    println!("{login}: {cleared} failed attempt(s) cleared; the login is open");
    Ok(())
}

/// `zapis sandbox --port N`: the YCLIENTS sandbox alone, with the documented rate limit on.
pub async fn sandbox(port: u16, stop: impl Future<Output = ()>) -> anyhow::Result<()> {
    use yclients::sandbox::{Sandbox, SandboxConfig};
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
    stop.await;
    sb.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_config_before_or_after_the_command_is_read() {
        let c = Cli::try_parse_from(["zapis", "--config", "a.toml"]).unwrap();
        assert_eq!(c.config.as_deref(), Some(std::path::Path::new("a.toml")));
        assert!(c.command.is_none());
        let c = Cli::try_parse_from(["zapis", "unlock", "anna", "--config", "b.toml"]).unwrap();
        assert!(matches!(c.command, Some(Command::Unlock { ref login }) if login == "anna"));
        assert!(Cli::try_parse_from(["zapis", "--bogus"]).is_err());
    }
}
