//! The zapis server for a test: its own SQLite file, the demo site, the built assets, the demo
//! site key allowed from the server's own origin.

use std::path::{Path, PathBuf};

use tempfile::TempDir;
use zapis::{
    config::{SandboxSettings, ServerSettings, Settings, SiteSettings},
    startup::Application,
    store::Store,
};

pub struct TestServer {
    pub base: String,
    pub store: Store,
    pub sandbox: std::sync::Arc<yclients::sandbox::Sandbox>,
    _tmp: TempDir,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub fn dist_dir() -> PathBuf {
    std::env::var_os("ZAPIS_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("dist"))
}

impl TestServer {
    /// Starts the server; `tune` may change the demo site's settings (consent mode, …).
    pub async fn start_with(tune: impl FnOnce(&mut SiteSettings)) -> anyhow::Result<Self> {
        Self::start_in(repo().join("demo-site"), tune).await
    }

    async fn start_in(
        site_dir: PathBuf,
        tune: impl FnOnce(&mut SiteSettings),
    ) -> anyhow::Result<Self> {
        zapis::telemetry::init_for_tests();
        let dist = dist_dir();
        anyhow::ensure!(
            dist.join("embed.js").exists(),
            "no {}/embed.js: run `cargo xtask dist` first",
            dist.display()
        );
        let tmp = tempfile::tempdir()?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let mut site = SiteSettings::demo(&[&base]);
        site.allow_webdriver = true;
        tune(&mut site);
        // The demo's settings (owner demo/demo, reconciler…) with this test's server, store,
        // sandbox and site.
        let mut settings = Settings::demo();
        settings.server = ServerSettings {
            addr: listener.local_addr()?,
            database_url: format!("sqlite://{}", tmp.path().join("zapis.db").display()),
            dist_dir: dist,
            site_dir: Some(site_dir),
            public_url: Some(base.clone()),
            ..ServerSettings::default()
        };
        settings.networks = Vec::new();
        settings.sandbox = Some(SandboxSettings {
            port: 0,
            rate_limit: false,
        });
        settings.sites = vec![site];
        let app = Application::build_on(settings, listener).await?;
        let store = app.state().store.clone();
        let sandbox = app.state().sandbox.clone().expect("sandbox");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(app.run_until_stopped(async {
            let _ = stopped.await;
        }));
        Ok(Self {
            base,
            store,
            sandbox,
            _tmp: tmp,
            stop: Some(stop),
        })
    }

    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(|_| ()).await
    }

    /// Serves `tests/fixtures/` (pages made for a test: the snippet pasted twice, a SPA)
    /// instead of the demo site.
    pub async fn start_fixtures(tune: impl FnOnce(&mut SiteSettings)) -> anyhow::Result<Self> {
        Self::start_in(repo().join("tests/fixtures"), tune).await
    }

    /// `(channel, source, medium, campaign)` of the site's sessions, oldest first.
    pub async fn sessions(&self) -> Vec<(String, Option<String>, Option<String>, Option<String>)> {
        sqlx::query_as("SELECT channel, source, medium, campaign FROM sessions WHERE site = 'demo' ORDER BY started")
            .fetch_all(self.store.pool())
            .await
            .unwrap_or_default()
    }

    /// `(kind, path)` of the site's events in the order they happened.
    pub async fn events(&self) -> Vec<(String, String)> {
        sqlx::query_as("SELECT kind, path FROM events WHERE site = 'demo' ORDER BY ts, id")
            .fetch_all(self.store.pool())
            .await
            .unwrap_or_default()
    }

    pub async fn visitors(&self) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM visitors WHERE site = 'demo'")
            .fetch_one(self.store.pool())
            .await
            .unwrap_or(-1)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Polls `f` until it returns `Some`, for up to `secs` seconds.
    pub async fn eventually<T, F, Fut>(secs: u64, mut f: F) -> Option<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Option<T>>,
    {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
        loop {
            if let Some(v) = f().await {
                return Some(v);
            }
            if tokio::time::Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
}
