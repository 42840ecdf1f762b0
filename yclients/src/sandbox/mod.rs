//! A faithful local YCLIENTS: the same HTTP paths and shapes over seeded salon data, with
//! the documented booking rules, SMS codes, webhooks, test hooks and fault injection.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use yclients::sandbox::{Sandbox, SandboxConfig};
//! let sandbox = Sandbox::start(SandboxConfig::default()).await?;
//! let client = yclients::Client::builder(sandbox.partner_token()).base_url(sandbox.base_url()).build()?;
//! # Ok(()) }
//! ```
//!
//! Test hooks are both Rust methods on [`Control`] and HTTP endpoints under `/sandbox/…`
//! (listed in the crate README), so a test in another process can drive them too.

pub mod accounts;
mod admin;
mod control;
mod documented;
mod faults;
mod populate;
mod render;
mod routes;
mod rules;
mod schedule;
pub mod seed;
mod server;
pub mod voip;
mod webhooks;
mod world;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use control::Control;
pub use faults::{Fault, FaultKind};
use faults::{FaultBook, RateLimiter};
use seed::SeedFile;
use webhooks::Webhooks;
use world::{Clock, World};

/// Which error body shape refusals use (both are documented; see `yclients-api.md` §2.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorStyle {
    /// `{"success": false, "data": null, "meta": {"message", "errors": [{code, message, id}]}}`.
    #[default]
    Current,
    /// The v1-era `{"errors": {"code", "id", "message"}, "meta": {"message"}}`.
    Legacy,
}

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Seed of every random choice (generated bookings, SMS codes, hashes, fault rates).
    pub seed: u64,
    /// A fixed "now"; `None` follows the real clock. Either can be moved through [`Control`].
    pub now: Option<Timestamp>,
    /// A seed file to load instead of the embedded `seed/salon.json`.
    pub data_file: Option<PathBuf>,
    /// Replaces the first network's partner token.
    pub partner_token: Option<String>,
    /// Where webhooks are POSTed.
    pub webhook_urls: Vec<String>,
    /// Enforce the documented 5/s and 200/min per client IP (429 beyond).
    pub rate_limit: bool,
    /// Address to bind; port 0 picks a free one.
    pub addr: SocketAddr,
    /// Forces SMS phone confirmation on (or off) for every branch.
    pub phone_confirmation: Option<bool>,
    /// Error body shape for refusals.
    pub error_style: ErrorStyle,
    /// Add the seed file's generated bookings around today (off gives an exact schedule:
    /// only the seed's listed bookings).
    pub generate_bookings: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            seed: 42,
            now: None,
            data_file: None,
            partner_token: None,
            webhook_urls: Vec::new(),
            rate_limit: false,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            phone_confirmation: None,
            error_style: ErrorStyle::Current,
            generate_bookings: true,
        }
    }
}

impl SandboxConfig {
    /// The default configuration with a fixed clock (deterministic runs).
    pub fn at(now: Timestamp) -> Self {
        SandboxConfig {
            now: Some(now),
            ..Self::default()
        }
    }
}

/// A chain served by the sandbox, with its credentials (for demo output and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SandboxNetwork {
    /// Chain (group) id.
    pub id: u64,
    /// Name.
    pub title: String,
    /// Partner token.
    pub partner_token: String,
    /// Admin login for `POST /api/v1/auth`.
    pub admin_login: String,
    /// Admin password.
    pub admin_password: String,
    /// Admin user token.
    pub user_token: String,
    /// Branch ids.
    pub company_ids: Vec<u64>,
}

/// State shared by the routes and [`Control`].
pub(crate) struct Shared {
    world: Mutex<World>,
    calls: Mutex<BTreeMap<String, u64>>,
    faults: Mutex<FaultBook>,
    limiter: Mutex<RateLimiter>,
    rate_limit: AtomicBool,
    /// Requests refused by the rate limit (429), all endpoints.
    refused: std::sync::atomic::AtomicU64,
    webhooks: Webhooks,
    shutdown: watch::Receiver<bool>,
}

impl Shared {
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn count(&self, endpoint: &str) {
        *self
            .calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(endpoint.to_owned())
            .or_default() += 1;
    }

    fn rate_limited(&self) -> bool {
        self.rate_limit.load(Ordering::Relaxed)
    }
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    control: Control,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Loads the seed, binds `cfg.addr` and serves on the current tokio runtime.
    pub async fn start(cfg: SandboxConfig) -> anyhow::Result<Sandbox> {
        let text = match &cfg.data_file {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("seed file {}: {e}", path.display()))?,
            None => seed::DEFAULT_SEED.to_owned(),
        };
        let mut seed = SeedFile::parse(&text)?;
        if !cfg.generate_bookings {
            seed.generated.fill = 0.0;
        }
        if let (Some(token), Some(first)) = (&cfg.partner_token, seed.networks.first_mut()) {
            first.partner_token = token.clone();
        }
        let mut world = World::new(&seed, cfg.seed, Clock::new(cfg.now));
        world.error_style = cfg.error_style;
        if let Some(on) = cfg.phone_confirmation {
            world
                .companies
                .values_mut()
                .for_each(|c| c.phone_confirmation = on);
        }
        populate::populate(&mut world, &seed);
        let listener = tokio::net::TcpListener::bind(cfg.addr).await?;
        let addr = listener.local_addr()?;
        let (stop, shutdown) = watch::channel(false);
        let shared = Arc::new(Shared {
            world: Mutex::new(world),
            calls: Mutex::new(BTreeMap::new()),
            refused: Default::default(),
            faults: Mutex::new(FaultBook::new(cfg.seed)),
            limiter: Mutex::new(RateLimiter::default()),
            rate_limit: AtomicBool::new(cfg.rate_limit),
            webhooks: Webhooks::new(cfg.webhook_urls.clone(), tokio::runtime::Handle::current()),
            shutdown: shutdown.clone(),
        });
        let app = routes::router(shared.clone());
        let server = tokio::spawn(server::serve(listener, app, shutdown));
        tracing::info!(%addr, "YCLIENTS sandbox listening");
        Ok(Sandbox {
            control: Control::new(shared),
            addr,
            stop,
            server: Some(server),
        })
    }

    /// The base URL to give the client, `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The first network's partner token.
    pub fn partner_token(&self) -> String {
        self.networks()
            .first()
            .map(|n| n.partner_token.clone())
            .unwrap_or_default()
    }

    /// The first network's seeded admin user token (also obtainable via `/api/v1/auth`).
    pub fn user_token(&self) -> String {
        self.networks()
            .first()
            .map(|n| n.user_token.clone())
            .unwrap_or_default()
    }

    /// All networks with their credentials and branches.
    pub fn networks(&self) -> Vec<SandboxNetwork> {
        self.control.networks()
    }

    /// The test hooks.
    pub fn control(&self) -> &Control {
        &self.control
    }

    /// The last SMS code "sent" to a phone by `book_code`.
    pub fn last_sms_code(&self, phone: &str) -> Option<String> {
        self.control.last_sms_code(phone)
    }

    /// How many requests an endpoint has received (`book_times`, `book_record`, …).
    pub fn calls(&self, endpoint: &str) -> u64 {
        self.control.calls(endpoint)
    }

    /// All records, as `GET /record` renders them (with payments).
    pub fn records(&self) -> Vec<crate::model::Record> {
        self.control.records()
    }

    /// Stops the server and waits for it; hung requests are released.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

// The server embeds the sandbox in its own tasks: keep the handle shareable.
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<Sandbox>();
    shareable::<Control>();
};

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
