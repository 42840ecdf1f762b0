//! Configuration: an optional TOML file (`--config PATH` or `ZAPIS_CONFIG`), then environment
//! overrides. Secrets never live in the file: it names environment variables that hold them.
//!
//! With no file, zapis runs the demo: the demo site at `/`, site key `demo`, the built-in
//! YCLIENTS sandbox, SQLite in `zapis.db`.

use std::{net::SocketAddr, path::PathBuf};

use anyhow::Context;
use jiff::tz::TimeZone;
use protocol::site::{ConsentMode, Goals, Theme};
use serde::Deserialize;
use yclients::Secret;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub server: ServerSettings,
    /// YCLIENTS accounts ("networks"), each with its own tokens.
    #[serde(default)]
    pub networks: Vec<NetworkSettings>,
    /// Run the built-in YCLIENTS sandbox in-process (the demo); it becomes network `sandbox`.
    #[serde(default)]
    pub sandbox: Option<SandboxSettings>,
    #[serde(default)]
    pub sites: Vec<SiteSettings>,
    /// Dashboard accounts: site owners, each with an argon2 password hash and their sites.
    #[serde(default)]
    pub owners: Vec<OwnerSettings>,
    /// How often bookings are checked against YCLIENTS (a missed webhook never leaves one wrong).
    #[serde(default)]
    pub reconciler: ReconcilerSettings,
    /// How zapis talks to YCLIENTS (timeouts, the client-side rate budget).
    #[serde(default)]
    pub upstream: UpstreamSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpstreamSettings {
    /// Timeout of one attempt of one YCLIENTS call, milliseconds.
    #[serde(default = "default_upstream_timeout_ms")]
    pub timeout_ms: u64,
    /// Keep to YCLIENTS' documented 5 requests/s and 200/min on our side. Off only for tests
    /// against a sandbox that does not enforce them.
    #[serde(default = "yes")]
    pub rate_budget: bool,
}

impl Default for UpstreamSettings {
    fn default() -> Self {
        Self {
            timeout_ms: default_upstream_timeout_ms(),
            rate_budget: true,
        }
    }
}

fn default_upstream_timeout_ms() -> u64 {
    8000
}

/// A dashboard account. `password_hash` is what `zapis hash-password` prints (argon2id, PHC form).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnerSettings {
    pub login: String,
    pub password_hash: String,
    /// Site keys this owner sees; every other site answers 404.
    pub sites: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReconcilerSettings {
    /// Seconds between runs; 0 turns the periodic run off (the dashboard button still works).
    #[serde(default = "default_reconcile_secs")]
    pub interval_secs: u64,
}

impl Default for ReconcilerSettings {
    fn default() -> Self {
        Self {
            interval_secs: default_reconcile_secs(),
        }
    }
}

fn default_reconcile_secs() -> u64 {
    300
}

/// One YCLIENTS account. Tokens come from the environment variables named here.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSettings {
    pub name: String,
    #[serde(default = "default_yclients_url")]
    pub base_url: String,
    /// Name of the environment variable holding the partner token.
    #[serde(default)]
    pub partner_token_env: String,
    /// Name of the environment variable holding the user token (records, reconciliation).
    #[serde(default)]
    pub user_token_env: Option<String>,
    #[serde(skip)]
    pub partner_token: Option<Secret>,
    #[serde(skip)]
    pub user_token: Option<Secret>,
}

fn default_yclients_url() -> String {
    yclients::PRODUCTION_BASE_URL.into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SandboxSettings {
    /// Port of the sandbox's own HTTP listener on 127.0.0.1 (0: any free port).
    #[serde(default)]
    pub port: u16,
    /// Enforce YCLIENTS' documented rate limit (5/s, 200/min).
    #[serde(default = "yes")]
    pub rate_limit: bool,
}

fn yes() -> bool {
    true
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
    /// How visitors reach this server (`https://book.example.com`), for links in answers
    /// (cancel links). Default: `http://{addr}`. Env: `ZAPIS_PUBLIC_URL`.
    #[serde(default)]
    pub public_url: Option<String>,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            addr: default_addr(),
            database_url: default_database_url(),
            dist_dir: default_dist(),
            site_dir: None,
            public_url: None,
        }
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
    /// A floating "book" button on every page of the site.
    #[serde(default)]
    pub float_button: Option<FloatButton>,
    #[serde(default)]
    pub goals: Goals,
    /// Where bookings go. A site without it only tracks.
    #[serde(default)]
    pub yclients: Option<SiteYclients>,
    /// Link to the personal-data policy shown beside the consent checkbox.
    #[serde(default)]
    pub privacy_url: Option<String>,
    /// The visitor must tick consent to personal-data processing before booking.
    #[serde(default = "yes")]
    pub booking_consent: bool,
    /// Name of the environment variable holding this site's webhook secret: YCLIENTS posts to
    /// `/hooks/yclients/{site}/{secret}`. Without it the site gets no webhooks (the reconciler
    /// still reads the records).
    #[serde(default)]
    pub webhook_secret_env: Option<String>,
    #[serde(skip)]
    pub webhook_secret: Option<Secret>,
    /// Time zone of the reports (day boundaries, times shown): an IANA name, checked at load.
    #[serde(default = "default_timezone", deserialize_with = "time_zone")]
    pub timezone: TimeZone,
}

fn default_timezone() -> TimeZone {
    TimeZone::get("Europe/Moscow").expect("the bundled tz database has Europe/Moscow")
}

/// An IANA time zone name, parsed once here; an unknown name stops the load with its name.
fn time_zone<'de, D: serde::Deserializer<'de>>(d: D) -> Result<TimeZone, D::Error> {
    let name = String::deserialize(d)?;
    TimeZone::get(&name).map_err(|_| serde::de::Error::custom(format!("unknown timezone {name}")))
}

/// A site's YCLIENTS target: one company or a chain, and how bookings are tagged.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteYclients {
    /// Which `[[networks]]` entry holds the tokens.
    pub network: String,
    /// One salon…
    #[serde(default)]
    pub company_id: Option<u64>,
    /// …or a chain (its branches open for online booking).
    #[serde(default)]
    pub group_id: Option<u64>,
    #[serde(default)]
    pub bookform_id: Option<u64>,
    /// Add a line "zapis: source / medium / campaign" to the record's comment for salon staff.
    #[serde(default = "yes")]
    pub comment_tag: bool,
    /// YCLIENTS custom field code → what to put there: `vid`, `booking_id`,
    /// `first.source|medium|campaign|channel`, `last.source|medium|campaign|channel`.
    #[serde(default)]
    pub custom_fields: std::collections::BTreeMap<String, String>,
}

fn default_lang() -> String {
    "ru".into()
}

impl Settings {
    /// Reads the file at `path` when given, else the demo defaults; then the environment.
    pub fn load(path: Option<&std::path::Path>) -> anyhow::Result<Self> {
        let mut settings = match path {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("reading config {}", p.display()))?;
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
            server: ServerSettings {
                site_dir: Some("demo-site".into()),
                ..ServerSettings::default()
            },
            networks: Vec::new(),
            sandbox: Some(SandboxSettings {
                port: 0,
                rate_limit: true,
            }),
            sites: vec![SiteSettings::demo(&[
                "http://127.0.0.1:8080",
                "http://localhost:8080",
            ])],
            owners: vec![OwnerSettings {
                login: "demo".into(),
                password_hash: DEMO_PASSWORD_HASH.into(),
                sites: vec!["demo".into()],
            }],
            reconciler: ReconcilerSettings { interval_secs: 60 },
            upstream: UpstreamSettings::default(),
        }
    }

    fn apply_env(&mut self) -> anyhow::Result<()> {
        if let Ok(v) = std::env::var("ZAPIS_ADDR") {
            self.server.addr = v
                .parse()
                .with_context(|| format!("ZAPIS_ADDR={v} is not host:port"))?;
        }
        if let Ok(v) = std::env::var("DATABASE_URL") {
            self.server.database_url = v;
        }
        if let Ok(v) = std::env::var("ZAPIS_DIST") {
            self.server.dist_dir = v.into();
        }
        if let Ok(v) = std::env::var("ZAPIS_PUBLIC_URL") {
            self.server.public_url = Some(v.trim_end_matches('/').to_owned());
        }
        if let Ok(v) = std::env::var("ZAPIS_SITE_DIR") {
            self.server.site_dir = Some(v.into());
        }
        for s in &mut self.sites {
            if let Some(var) = &s.webhook_secret_env {
                let secret = std::env::var(var).with_context(|| {
                    format!(
                        "site {}: environment variable {var} (webhook secret) is not set",
                        s.key
                    )
                })?;
                s.webhook_secret = Some(Secret::new(secret));
            }
        }
        for n in &mut self.networks {
            if !n.partner_token_env.is_empty() {
                let token = std::env::var(&n.partner_token_env).with_context(|| {
                    format!(
                        "network {}: environment variable {} (partner token) is not set",
                        n.name, n.partner_token_env
                    )
                })?;
                n.partner_token = Some(Secret::new(token));
            }
            if let Some(var) = &n.user_token_env {
                let token = std::env::var(var).with_context(|| {
                    format!(
                        "network {}: environment variable {var} (user token) is not set",
                        n.name
                    )
                })?;
                n.user_token = Some(Secret::new(token));
            }
        }
        Ok(())
    }

    fn validate(&self) -> anyhow::Result<()> {
        for n in &self.networks {
            anyhow::ensure!(
                n.name != SANDBOX_NETWORK,
                "network name `sandbox` is reserved for the built-in sandbox"
            );
            anyhow::ensure!(
                n.partner_token.is_some(),
                "network {}: partner_token_env is required",
                n.name
            );
        }
        for s in &self.sites {
            if let Some(y) = &s.yclients {
                let known = self.networks.iter().any(|n| n.name == y.network)
                    || (y.network == SANDBOX_NETWORK && self.sandbox.is_some());
                anyhow::ensure!(known, "site {}: unknown network {}", s.key, y.network);
                anyhow::ensure!(
                    y.company_id.is_some() != y.group_id.is_some(),
                    "site {}: set exactly one of company_id and group_id",
                    s.key
                );
            }
        }
        for o in &self.owners {
            anyhow::ensure!(!o.login.is_empty(), "an owner has an empty login");
            anyhow::ensure!(
                o.password_hash.starts_with("$argon2"),
                "owner {}: password_hash must be an argon2 hash (zapis hash-password)",
                o.login
            );
            for site in &o.sites {
                anyhow::ensure!(
                    self.sites.iter().any(|s| &s.key == site),
                    "owner {}: unknown site {site}",
                    o.login
                );
            }
        }
        for s in &self.sites {
            if let Some(secret) = &s.webhook_secret {
                anyhow::ensure!(
                    secret.expose().len() >= 16,
                    "site {}: the webhook secret must be at least 16 characters",
                    s.key
                );
            }
        }
        let mut keys = std::collections::HashSet::new();
        for s in &self.sites {
            anyhow::ensure!(
                !s.key.is_empty() && s.key.len() <= 64,
                "site key must be 1–64 characters"
            );
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
            yclients: Some(SiteYclients {
                network: SANDBOX_NETWORK.into(),
                company_id: None,
                group_id: Some(DEMO_GROUP_ID),
                bookform_id: None,
                comment_tag: true,
                custom_fields: [("zapis_visitor".to_string(), "vid".to_string())].into(),
            }),
            privacy_url: Some("/privacy.html".into()),
            booking_consent: true,
            // A fresh secret per run: the built-in sandbox is pointed at it at startup.
            webhook_secret_env: None,
            webhook_secret: Some(Secret::new(format!("{:032x}", rand::random::<u128>()))),
            timezone: default_timezone(),
        }
    }
}

/// The demo owner's password, `demo`, hashed (the demo prints login and password).
pub const DEMO_PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$aW/3xNTz2kNGc5dF9tbWOA$ny4CjKP/f4LOvI4ch9WveUawqGMfUcFnElYUqEIbPxQ";

/// The network name of the built-in sandbox.
pub const SANDBOX_NETWORK: &str = "sandbox";
/// The sandbox seed's chain «Лён».
pub const DEMO_GROUP_ID: u64 = 120501;

/// `[sites.float_button]`: the floating "book" button the embed adds to every page.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FloatButton {
    /// `right` (default) or `left` bottom corner.
    #[serde(default)]
    pub position: FloatPosition,
    /// Button text per language; empty → "Записаться" / "Book now".
    #[serde(default)]
    pub label_ru: String,
    #[serde(default)]
    pub label_en: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FloatPosition {
    #[default]
    Right,
    Left,
}
