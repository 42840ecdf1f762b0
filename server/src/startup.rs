//! Builds the application from settings and runs it. Tests use the same path with port 0.

use std::{future::Future, net::SocketAddr, path::PathBuf, sync::Arc};

use tokio::net::TcpListener;

use crate::{assets::Assets, config::Settings, ingest::Writer, routes, sites::Sites, store::Store};

/// Shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub sites: Sites,
    pub store: Store,
    pub ingest: Writer,
    pub assets: Assets,
    pub site_dir: Option<Arc<PathBuf>>,
}

pub struct Application {
    listener: TcpListener,
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
        let state = AppState {
            sites: Sites::new(&settings.sites),
            ingest: Writer::start(store.clone()),
            store,
            assets: Assets::load(&settings.server.dist_dir)?,
            site_dir: settings.server.site_dir.map(Arc::new),
        };
        Ok(Self { listener, state })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound listener")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests and closes the store.
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let store = self.state.store.clone();
        let app = routes::router(self.state);
        axum::serve(self.listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown)
            .await?;
        store.close().await;
        Ok(())
    }
}
