//! Configuration: an optional TOML file (`--config PATH` or `ZAPIS_CONFIG`), then environment
//! overrides. Secrets never live in the file: it names environment variables that hold them.
//!
//! With no file, zapis runs the demo: the demo site at `/`, site key `demo`, the built-in
//! YCLIENTS sandbox, SQLite in `zapis.db`.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::Context;
use protocol::site::{ConsentMode, FloatButton, Goals, Theme};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub server: ServerSettings,
    #[serde(default)]
    pub sites: Vec<SiteSettings>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// Where to listen. Env: `ZAPIS_ADDR`.
    #[serde(default = "default_addr")]
    pub addr: SocketAddr,
    /// `sqlite://zapis.db` (default) or `postgres://…`. Env: `DATABASE_URL`.
    #[serde(default = "default_database_url")]
    pub database_url: String,
    /// Built assets (`cargo xtask dist` output): embed.js, hashed wasm and js. Env: `ZAPIS_DIST`.
    #[serde(default = "default_dist")]
    pub dist_dir: PathBuf,
    /// A static site served at `/` (the demo site). Env: `ZAPIS_SITE_DIR`.
    #[serde(default)]
    pub site_dir: Option<PathBuf>,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self { addr: default_addr(), database_url: default_database_url(), dist_dir: default_dist(), site_dir: None }
    }
}

fn default_addr() -> SocketAddr {
    ([127, 0, 0, 1], 8080).into()
}
fn default_database_url() -> String {
    "sqlite://zapis.db".into()
}
fn default_dist() -> PathBuf {
    "dist".into()
}

/// One site where the snippet is pasted.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSettings {
    /// The snippet's `data-site`.
    pub key: String,
    /// Origins allowed to call the API and send beacons (`https://salon.example`).
    pub origins: Vec<String>,
    #[serde(default = "default_lang")]
    pub lang: String,
    #[serde(default)]
    pub consent: ConsentMode,
    #[serde(default)]
    pub honor_dnt: bool,
    #[serde(default)]
    pub allow_localhost: bool,
    #[serde(default)]
    pub allow_webdriver: bool,
    #[serde(default)]
    pub theme: Theme,
    #[serde(default)]
    pub float_button: Option<FloatButton>,
    #[serde(default)]
    pub goals: Goals,
}

fn default_lang() -> String {
    "ru".into()
}

impl Settings {
    /// Reads the file at `path` when given, else the demo defaults; then the environment.
    pub fn load(path: Option<&std::path::Path>) -> anyhow::Result<Self> {
        let mut settings = match path {
            Some(p) => {
                let text = std::fs::read_to_string(p).with_context(|| format!("reading config {}", p.display()))?;
                toml::from_str(&text).with_context(|| format!("parsing config {}", p.display()))?
            }
            None => Self::demo(),
        };
        settings.apply_env()?;
        settings.validate()?;
        Ok(settings)
    }

    /// The demo: the demo site and site key `demo`, open to loopback origins.
    pub fn demo() -> Self {
        Self {
            server: ServerSettings { site_dir: Some("demo-site".into()), ..ServerSettings::default() },
            sites: vec![SiteSettings::demo(&["http://127.0.0.1:8080", "http://localhost:8080"])],
        }
    }

    fn apply_env(&mut self) -> anyhow::Result<()> {
        if let Ok(v) = std::env::var("ZAPIS_ADDR") {
            self.server.addr = v.parse().with_context(|| format!("ZAPIS_ADDR={v} is not host:port"))?;
        }
        if let Ok(v) = std::env::var("DATABASE_URL") {
            self.server.database_url = v;
        }
        if let Ok(v) = std::env::var("ZAPIS_DIST") {
            self.server.dist_dir = v.into();
        }
        if let Ok(v) = std::env::var("ZAPIS_SITE_DIR") {
            self.server.site_dir = Some(v.into());
        }
        Ok(())
    }

    fn validate(&self) -> anyhow::Result<()> {
        let mut keys = std::collections::HashSet::new();
        for s in &self.sites {
            anyhow::ensure!(!s.key.is_empty() && s.key.len() <= 64, "site key must be 1–64 characters");
            anyhow::ensure!(keys.insert(&s.key), "site key {} appears twice", s.key);
            for o in &s.origins {
                anyhow::ensure!(
                    (o.starts_with("https://") || o.starts_with("http://")) && !o.ends_with('/'),
                    "site {}: origin {o} must be scheme://host[:port] with no trailing slash",
                    s.key
                );
            }
        }
        Ok(())
    }
}

impl SiteSettings {
    /// The demo site, allowed from these origins; tracks on localhost (it is the demo).
    pub fn demo(origins: &[&str]) -> Self {
        Self {
            key: "demo".into(),
            origins: origins.iter().map(|o| o.to_string()).collect(),
            lang: default_lang(),
            consent: ConsentMode::None,
            honor_dnt: false,
            allow_localhost: true,
            allow_webdriver: false,
            theme: Theme::default(),
            float_button: None,
            goals: Goals::default(),
        }
    }
}
