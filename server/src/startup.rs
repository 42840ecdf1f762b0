//! Builds the application from settings and runs it. Tests use the same path with port 0.

use std::{future::Future, net::SocketAddr, sync::Arc};

use tokio::net::TcpListener;

use yclients::sandbox::{Sandbox, SandboxConfig};

use crate::{
    app::{App, AppState},
    assets::Assets,
    auth::Auth,
    booking::{
        catalog::Catalog,
        upstream::{SandboxAccess, Upstreams},
    },
    cluster::{Cluster, budget::StoreBudget, limits::SharedLimits},
    config::Settings,
    ingest::Writer,
    limits::Limits,
    metrics::Metrics,
    net::TrustedProxies,
    reconcile::Reconciler,
    routes,
    sites::{Refusals, Sites},
    store::Store,
    webhooks::Hooks,
};

pub struct Application {
    listener: TcpListener,
    /// `[ingest] retention_days` (0: keep everything).
    retention_days: u32,
    /// `[upstream] warm_days` (0: no warming at start).
    warm_days: u32,
    /// `[http] metrics_addr`'s listener, when set.
    metrics_listener: Option<TcpListener>,
    limits: crate::serve::ServeLimits,
    state: AppState,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(settings.server.addr).await?;
        Self::build_on(settings, listener).await
    }

    /// Builds on a listener bound beforehand (tests that must know the port before the
    /// settings are final, e.g. to allow the server's own origin).
    pub async fn build_on(settings: Settings, listener: TcpListener) -> anyhow::Result<Self> {
        let store = Store::open(&settings.server.database_url).await?;
        crate::attribution::reclassify::run(&store).await?;
        let sandbox = match &settings.sandbox {
            Some(sb) => {
                let cfg = SandboxConfig {
                    addr: ([127, 0, 0, 1], sb.port).into(),
                    rate_limit: sb.rate_limit,
                    ..SandboxConfig::default()
                };
                let sandbox = Sandbox::start(cfg).await?;
                tracing::info!(url = %sandbox.base_url(), "built-in YCLIENTS sandbox running");
                Some(Arc::new(sandbox))
            }
            None => None,
        };
        let access = sandbox.as_ref().map(|s| SandboxAccess {
            base_url: s.base_url(),
            partner_token: s.partner_token(),
            user_token: s.user_token(),
        });
        let mut metrics = Metrics::default();
        metrics.access = settings.http.metrics_access();
        let metrics_listener = match settings.http.metrics_addr {
            Some(addr) => Some(TcpListener::bind(addr).await?),
            None => None,
        };
        if !settings.owners.is_empty()
            && !settings
                .server
                .public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://"))
        {
            tracing::warn!(
                "owners are configured but public_url is not https: dashboard passwords and \
                 session cookies would cross the network in the clear; set [server] public_url \
                 to the https address owners use"
            );
        }
        let public_url = settings
            .server
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", listener.local_addr().expect("bound")));
        if let Some(sb) = &sandbox {
            // The built-in sandbox posts its webhooks to us, at each sandbox site's secret URL.
            let local = listener.local_addr()?;
            let urls = settings
                .sites
                .iter()
                .filter(|s| {
                    s.yclients
                        .as_ref()
                        .is_some_and(|y| y.network == crate::config::SANDBOX_NETWORK)
                })
                .filter_map(|s| {
                    let secret = s.webhook_secret.as_ref()?.expose();
                    Some(format!(
                        "http://{local}/hooks/yclients/{}/{}",
                        crate::util::url::seg(&s.key),
                        crate::util::url::seg(secret)
                    ))
                })
                .collect();
            sb.control().set_webhook_urls(urls);
        }
        let keys = crate::auth::keys::ServerKeys::load(&store).await?;
        let limits = Limits {
            ingest: crate::ingest::quota::IngestQuota::new(&settings.ingest),
            ..Limits::default()
        };
        let cluster = Cluster::new(
            store.clone(),
            std::time::Duration::from_secs(settings.server.lease_secs.max(3)),
        );
        let upstreams = Upstreams::new(&settings, access.as_ref(), shared_budget(&store))?;
        let shared_limits = SharedLimits::new(&store);
        let state = App {
            sites: Sites::new(&settings.sites),
            ingest: Writer::start(store.clone()),
            refusals: Refusals::new(store.clone()),
            store,
            assets: Assets::load(&settings.server.dist_dir)?,
            site_dir: settings.server.site_dir.clone().map(Arc::new),
            embedded_site: embedded_site(settings.server.site_dir.as_deref()),
            upstreams,
            shared_limits,
            cluster,
            catalog: Catalog::new(metrics.clone(), limits.lookup_ip.clone()),
            schedules: crate::events::schedule::Schedules::new(
                metrics.clone(),
                limits.lookup_ip.clone(),
            ),
            metrics,
            limits,
            hooks: Hooks::default(),
            reconciler: Reconciler::new(&settings),
            imports: crate::imports::Imports::default(),
            auth: Auth::new(&settings, &public_url, keys),
            proxies: TrustedProxies::new(
                &settings.server.trusted_proxies,
                settings.server.forwarded_header,
            ),
            public_url: public_url.into(),
            voip: crate::calls::voip::Voip::new(&settings, sandbox.as_deref()),
            sandbox,
        };
        Ok(Self {
            listener,
            retention_days: settings.ingest.retention_days,
            warm_days: settings.upstream.warm_days,
            metrics_listener,
            limits: settings.http.limits(),
            state: AppState::new(state),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound listener")
    }

    /// Where `/metrics` is served on its own, when `[http] metrics_addr` is set.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener
            .as_ref()
            .map(|l| l.local_addr().expect("bound listener"))
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests and closes the store.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let store = self.state.store.clone();
        let cluster = self.state.cluster.clone();
        let tasks = [
            cluster.start().await,
            {
                let catalog = self.state.catalog.clone();
                let schedules = self.state.schedules.clone();
                crate::cluster::days::follow(
                    store.clone(),
                    Arc::new(move |change| match change {
                        Some((company, date)) => {
                            catalog.record_changed(company, date.as_deref());
                            schedules.changed(company);
                        }
                        None => catalog.forget_days(),
                    }),
                )
            },
            {
                let (app, days) = (self.state.clone(), self.warm_days);
                tokio::spawn(async move {
                    for up in app.upstreams.all() {
                        app.catalog.warm(up, days).await;
                    }
                    app.catalog.warmed();
                })
            },
            tokio::spawn(crate::webhooks::run(self.state.clone())),
            tokio::spawn(crate::reconcile::run(self.state.clone())),
            tokio::spawn(crate::imports::run::job(self.state.clone())),
            tokio::spawn(crate::calls::voip::enable(self.state.clone())),
            tokio::spawn(crate::ops::retention::run(
                self.state.store.clone(),
                self.retention_days,
            )),
        ];
        let (stop_tx, stop) = tokio::sync::watch::channel(false);
        let metrics_server = self.metrics_listener.map(|listener| {
            let app = crate::ops::http::metrics_router(
                self.state.metrics.clone(),
                self.state.store.clone(),
            );
            let mut stop = stop.clone();
            tokio::spawn(crate::serve::serve(
                listener,
                app,
                self.limits,
                async move {
                    let _ = stop.wait_for(|s| *s).await;
                },
            ))
        });
        let app = routes::router(self.state);
        let served = crate::serve::serve(self.listener, app, self.limits, shutdown).await;
        let _ = stop_tx.send(true);
        if let Some(m) = metrics_server {
            let _ = m.await;
        }
        tasks.iter().for_each(|t| t.abort());
        crate::reconcile::stopped(&cluster).await;
        crate::webhooks::stopped(&cluster).await;
        crate::imports::run::stopped(&cluster).await;
        cluster.stop().await;
        served?;
        store.close().await;
        Ok(())
    }
}

/// The embedded demo site stands in for the demo's `demo-site/` folder when that is not on disk
/// (a release binary run anywhere); any other site folder is the operator's and is never
/// replaced.
fn embedded_site(site_dir: Option<&std::path::Path>) -> Assets {
    match site_dir {
        Some(dir) if dir.ends_with("demo-site") && !dir.is_dir() => {
            let site = Assets::embedded_site();
            if !site.is_empty() {
                tracing::info!("serving the demo site embedded in this binary");
            }
            site
        }
        _ => Assets::default(),
    }
}

/// The YCLIENTS budget shared through the database, on PostgreSQL (several instances); on
/// SQLite the process's own budget is the whole of it.
fn shared_budget(store: &Store) -> Option<Arc<dyn yclients::SharedBudget>> {
    (store.backend() == crate::store::Backend::Postgres)
        .then(|| Arc::new(StoreBudget::new(store.clone())) as Arc<dyn yclients::SharedBudget>)
}
