//! Configuration: a TOML file (`--config PATH` or `ZAPIS_CONFIG`), then environment overrides.
//! Secrets never live in the file: it names environment variables that hold them.
//!
//! `zapis demo` (never a bare `zapis`) runs the demo: the demo site at `/`, site key `demo`, the
//! built-in YCLIENTS sandbox, SQLite in `zapis-demo.db`.
//!
//! [`Settings`] composes the sections; [`sites`] holds a site's settings, [`load`] reads the file
//! and the environment and parses what needs parsing, [`validate`] checks what spans sections,
//! [`demo`] is the demo's configuration.

mod demo;
mod http;
mod load;
pub mod sites;
mod validate;

use std::{net::SocketAddr, path::PathBuf};

use serde::Deserialize;
use yclients::Secret;

use crate::net::{ForwardedHeader, ProxyNet};

pub use demo::{DEMO_GROUP_ID, DEMO_PASSWORD_HASH, SANDBOX_NETWORK};
pub use http::HttpSettings;
pub use sites::{
    FloatButton, FloatPosition, SiteSettings, SiteYclients, TagValue, Target, TouchPart,
};

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
    /// How long clients may take, how many at once, where `/metrics` is served.
    #[serde(default)]
    pub http: HttpSettings,
    /// What tracker clients may send, and how long what they sent is kept.
    #[serde(default)]
    pub ingest: crate::ingest::quota::IngestSettings,
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
    /// At start, fetch each site's services and every master's free time for this many days
    /// ahead, before visitors ask (0: don't).
    #[serde(default = "default_warm_days")]
    pub warm_days: u32,
}

impl Default for UpstreamSettings {
    fn default() -> Self {
        Self {
            timeout_ms: default_upstream_timeout_ms(),
            rate_budget: true,
            warm_days: default_warm_days(),
        }
    }
}

/// Each master's first week of free days: where every calendar's first dates lie (a visitor
/// picks among them), at one call per master and day (about 50 for a salon of 7 masters,
/// within the first minute's 200).
fn default_warm_days() -> u32 {
    7
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
    /// Name of the environment variable holding the network's telephony CRM token
    /// (Telephony → Integration in YCLIENTS): calls go to YCLIENTS with it.
    #[serde(default)]
    pub crm_token_env: Option<String>,
    #[serde(skip)]
    pub crm_token: Option<Secret>,
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
    /// Proxies whose forwarding header names the client (`["127.0.0.1", "10.0.0.0/8"]`):
    /// addresses or networks. Empty (the default): the TCP peer is the client, and forwarding
    /// headers are ignored. Env: `ZAPIS_TRUSTED_PROXIES` (comma-separated).
    #[serde(default)]
    pub trusted_proxies: Vec<ProxyNet>,
    /// The header those proxies write: `x-forwarded-for` (default) or `forwarded` (RFC 7239).
    /// Only this one is read. Env: `ZAPIS_FORWARDED_HEADER`.
    #[serde(default)]
    pub forwarded_header: ForwardedHeader,
    /// Term of the leases by which instances on one PostgreSQL database run background work
    /// once, seconds: a dead holder's work is taken over within this time.
    #[serde(default = "default_lease_secs")]
    pub lease_secs: u64,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            addr: default_addr(),
            database_url: default_database_url(),
            dist_dir: default_dist(),
            site_dir: None,
            public_url: None,
            trusted_proxies: Vec::new(),
            forwarded_header: ForwardedHeader::default(),
            lease_secs: default_lease_secs(),
        }
    }
}

fn default_lease_secs() -> u64 {
    30
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
