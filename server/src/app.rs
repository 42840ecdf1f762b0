//! The state every handler shares: [`App`] behind one `Arc`, and [`FromRef`] impls so a handler
//! can ask for just the component it uses (`State<Store>`). A leaf of the module tree: it imports
//! component types only, never a handler; `startup` builds it.

use std::{path::PathBuf, sync::Arc};

use axum::extract::FromRef;
use yclients::sandbox::Sandbox;

use crate::{
    assets::files::Assets,
    auth::owners::Auth,
    booking::{catalog::Catalog, upstream::Upstreams},
    cluster::{Cluster, limits::SharedLimits},
    imports::Imports,
    ingest::writer::Writer,
    limits::Limits,
    metrics::Metrics,
    net::TrustedProxies,
    reconcile::reconciler::Reconciler,
    sites::{refused::Refusals, registry::Sites},
    store::Store,
    webhooks::hooks::Hooks,
};

/// Shared by every handler: one [`App`] behind an `Arc`, so the clone each request's
/// `State` extractor makes is one reference count (cloning the fields themselves — two dozen
/// `Arc`s — showed as 4 % of ingest CPU).
#[derive(Clone)]
pub struct AppState(Arc<App>);

impl AppState {
    pub fn new(app: App) -> Self {
        Self(Arc::new(app))
    }
}

impl std::ops::Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

/// What the handlers share: sites, store, ingest, upstreams, caches, limits, …
pub struct App {
    pub sites: Sites,
    pub store: Store,
    pub ingest: Writer,
    pub assets: Assets,
    pub site_dir: Option<Arc<PathBuf>>,
    /// The demo site compiled into the binary, served when `site_dir` is the demo's and is
    /// not on disk (empty otherwise).
    pub embedded_site: Assets,
    pub upstreams: Upstreams,
    pub catalog: Catalog,
    /// Group event schedules (cached like the catalogue).
    pub schedules: crate::events::schedule::Schedules,
    pub metrics: Metrics,
    pub limits: Limits,
    /// Base of links we hand out, without a trailing slash.
    pub public_url: Arc<str>,
    /// The built-in YCLIENTS sandbox, when this server runs one (the demo, tests).
    pub sandbox: Option<Arc<Sandbox>>,
    /// Webhook processing (woken when a delivery is stored).
    pub hooks: Hooks,
    pub reconciler: Reconciler,
    /// The import job's handle (woken when a run is queued).
    pub imports: Imports,
    /// Dashboard owners and cookie settings.
    pub auth: Auth,
    /// Origins refused per site, for the owner (`sites::refused`).
    pub refusals: Refusals,
    /// This instance among others on one database: its id and leases.
    pub cluster: Cluster,
    /// The SMS-code and booking limits every instance shares.
    pub shared_limits: SharedLimits,
    /// Telephony CRM tokens per network (`calls::voip`).
    pub voip: crate::calls::voip::Voip,
    /// Whose forwarding header names the client ([`crate::net::ClientAddr`]).
    pub proxies: TrustedProxies,
}

impl FromRef<AppState> for Store {
    fn from_ref(app: &AppState) -> Store {
        app.store.clone()
    }
}

impl FromRef<AppState> for Metrics {
    fn from_ref(app: &AppState) -> Metrics {
        app.metrics.clone()
    }
}
