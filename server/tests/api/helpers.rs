//! `spawn_app`: the real application on 127.0.0.1:0 with its own database (a SQLite file in a
//! temp dir, or a fresh PostgreSQL database dropped afterwards) and its own dist dir.

use std::path::Path;

use std::sync::Arc;
use tempfile::TempDir;

use yclients::sandbox::Sandbox;
use zapis::{
    config::{SandboxSettings, ServerSettings, Settings, SiteSettings},
    startup::Application,
    store::Store,
};

pub const ORIGIN: &str = "http://salon.test";

#[derive(Debug, Clone, Copy)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    /// The database this app uses (a second instance may share it).
    pub database_url: String,
    /// `http://…` of `[http] metrics_addr`, when the test set one.
    pub metrics_base: Option<String>,
    pub client: reqwest::Client,
    pub store: Store,
    pub sandbox: Arc<Sandbox>,
    _tmp: TempDir,
    _pg: Option<PgDatabase>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

/// Writes a small dist dir like `cargo xtask dist` makes.
fn write_dist(dir: &Path) {
    std::fs::write(dir.join("embed.js"), "/* embed */ console.log('zapis');").unwrap();
    let wasm = b"\0asm\x01\0\0\0 pretend module";
    std::fs::write(dir.join("widget.0123456789.wasm"), wasm).unwrap();
    std::fs::write(dir.join("widget.0123456789.wasm.gz"), b"gz-bytes").unwrap();
    std::fs::write(dir.join("widget.0123456789.wasm.br"), b"br-bytes").unwrap();
    // The modules the site's config names: a glue and a wasm of one hash each.
    for m in [
        "widget.0123456789",
        "tracker.9876543210",
        "phone.abcdef0123",
    ] {
        std::fs::write(
            dir.join(format!("{m}.js")),
            b"export function initSync() {}",
        )
        .unwrap();
        std::fs::write(dir.join(format!("{m}.wasm")), wasm).unwrap();
    }
}

pub async fn spawn_app(db: Db) -> TestApp {
    spawn_app_with(db, |_| {}).await
}

/// [`spawn_app`] with the settings changed first (owners, more sites, webhook secrets);
/// `settings.server.addr` is already the address the app listens on.
pub async fn spawn_app_with(db: Db, customize: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_on(db, None, customize).await
}

/// Another instance on `first`'s database (PostgreSQL: many instances, one store), with a
/// built-in sandbox of its own.
pub async fn spawn_instance_of(first: &TestApp, customize: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_on(Db::Postgres, Some(first.database_url.clone()), customize).await
}

async fn spawn_on(
    db: Db,
    shared_url: Option<String>,
    customize: impl FnOnce(&mut Settings),
) -> TestApp {
    zapis::telemetry::init_for_tests();
    let tmp = tempfile::tempdir().unwrap();
    let dist = tmp.path().join("dist");
    std::fs::create_dir(&dist).unwrap();
    write_dist(&dist);
    let site_dir = tmp.path().join("site");
    std::fs::create_dir(&site_dir).unwrap();
    std::fs::write(
        site_dir.join("index.html"),
        "<!doctype html><title>Салон</title>",
    )
    .unwrap();

    let (database_url, pg) = match (db, shared_url) {
        (_, Some(url)) => (url, None),
        (Db::Sqlite, None) => (
            format!("sqlite://{}", tmp.path().join("zapis.db").display()),
            None,
        ),
        (Db::Postgres, None) => {
            let pg = PgDatabase::create().await;
            (pg.url.clone(), Some(pg))
        }
    };
    // Bound first, so the settings know the address the server is reached at.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut settings = Settings {
        server: ServerSettings {
            addr: listener.local_addr().unwrap(),
            database_url: database_url.clone(),
            dist_dir: dist,
            site_dir: Some(site_dir),
            public_url: None,
            ..ServerSettings::default()
        },
        networks: Vec::new(),
        sandbox: Some(SandboxSettings {
            port: 0,
            rate_limit: false,
        }),
        sites: vec![SiteSettings::demo(&[ORIGIN])],
        owners: Vec::new(),
        reconciler: Default::default(),
        // Tests count YCLIENTS calls: no warming at start (a test of its own turns it on).
        upstream: zapis::config::UpstreamSettings {
            warm_days: 0,
            ..Default::default()
        },
        http: zapis::config::HttpSettings {
            metrics_public: true,
            ..Default::default()
        },
        ingest: Default::default(),
    };
    customize(&mut settings);
    let app = Application::build_on(settings, listener)
        .await
        .expect("app builds");
    let base = format!("http://{}", app.local_addr());
    let metrics_base = app.metrics_addr().map(|a| format!("http://{a}"));
    let store = app.state().store.clone();
    let sandbox = app
        .state()
        .sandbox
        .clone()
        .expect("the test app runs the sandbox");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    TestApp {
        base,
        database_url,
        metrics_base,
        client: reqwest::Client::new(),
        store,
        sandbox,
        _tmp: tmp,
        _pg: pg,
        stop: Some(stop),
    }
}

/// A fresh PostgreSQL database on 127.0.0.1:5432, dropped when this is dropped.
pub struct PgDatabase {
    pub url: String,
    name: String,
}

const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";

impl PgDatabase {
    async fn create() -> Self {
        use sqlx::Connection;
        let name = format!("zapis_test_{:016x}", rand::random::<u64>());
        let mut conn = sqlx::PgConnection::connect(PG_ADMIN)
            .await
            .expect("PostgreSQL on 127.0.0.1:5432");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap();
        Self {
            url: format!("postgres://postgres@127.0.0.1:5432/{name}"),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs inside the test's runtime: do the async work on a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::PgConnection::connect(PG_ADMIN).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut conn)
                    .await;
                }
            })
        })
        .join();
    }
}

/// Defines one `#[tokio::test]` per backend for an `async fn(Db)`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $( #[tokio::test] async fn $name() { super::$name($crate::helpers::Db::Sqlite).await } )* }
        mod postgres { $( #[tokio::test] async fn $name() { super::$name($crate::helpers::Db::Postgres).await } )* }
    };
}
