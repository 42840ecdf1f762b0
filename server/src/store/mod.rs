//! The store: one schema, SQLite (default, a file next to the server) or PostgreSQL
//! (`postgres://…`). Queries are written once, in SQL both accept, and run through sqlx's `Any`
//! driver; only the migrations differ per backend (`migrations/sqlite`, `migrations/postgres`).

mod attribution;
mod bookings;
mod cabinet;
mod calls;
mod cluster;
mod erasure;
mod imports;
mod lockout;
mod overview;
mod owners;
mod refused;
mod reports;
mod retention;
pub mod sources;
mod tracking;

pub use attribution::{BookingRef, Delivery, Payment, RecordState};
pub use bookings::{BookingState, CancelView, Inserted, NewBooking, TouchColumns};
pub use cabinet::{
    Account as CabinetAccount, CabinetUse, DeletionRow, MessageRow, Receipt, SessionRow, ThreadRow,
};
pub use calls::{CallRecord, CallRow, Leased, Matched, PoolUse};
pub use cluster::BudgetTry;
pub use erasure::Erased;
pub use imports::{LinkRow, LogLine, Progress, RunRow, StoredRow};
pub use lockout::{AttemptCounts, NewAttempt};
pub use overview::Step;
pub use owners::StoredSession;
pub use refused::RefusedOrigin;
pub use reports::*;
pub use retention::Purged;
pub use tracking::Received;

use std::{str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::{
    AnyPool, Executor,
    any::{AnyConnectOptions, AnyPoolOptions},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// For a connection of its own (PostgreSQL's LISTEN): never logged.
    url: std::sync::Arc<str>,
}

// By hand: the URL may hold the database password.
impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates.
    pub async fn open(url: &str) -> anyhow::Result<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres:");
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).context("parsing DATABASE_URL")?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL: readers don't block the writer. FULL: a commit is on disk when it
                        // returns, which is what "acknowledged = stored" needs.
                        conn.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .context("connecting to the database")?;
        let store = Self {
            pool,
            backend,
            url: url.as_str().into(),
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator
            .run(&self.pool)
            .await
            .context("running migrations")?;
        Ok(())
    }

    /// A transaction that writes. On SQLite it takes the write lock up front (`BEGIN
    /// IMMEDIATE`): a deferred transaction that reads first and writes later fails at once with
    /// SQLITE_BUSY when another writer committed in between, whatever the busy timeout.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Appends placeholders for one row of `cols` values, the `start`-th value first: `($1,$2,…)`
/// on PostgreSQL, `(?,?,…)` on SQLite. (SQLite resolves a `$n` by scanning the statement's
/// parameter names, so binding the thousands of a bulk insert by `$n` is quadratic: measured,
/// 69 % of ingest time went to `sqlite3_bind_parameter_name`. Anonymous `?` bind in order.)
pub(crate) fn row_params(sql: &mut String, start: usize, cols: usize, backend: Backend) {
    use std::fmt::Write;
    sql.push('(');
    for i in 0..cols {
        let sep = if i > 0 { "," } else { "" };
        let _ = match backend {
            Backend::Sqlite => write!(sql, "{sep}?"),
            Backend::Postgres => write!(sql, "{sep}${}", start + i),
        };
    }
    sql.push(')');
}

/// A text column read as the enum it stores (`BookingStatus`, `Outcome`): the store's edge.
pub(crate) fn parsed<T>(row: &sqlx::any::AnyRow, col: &str) -> Result<T, sqlx::Error>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: String = sqlx::Row::try_get(row, col)?;
    text.parse().map_err(|e| sqlx::Error::ColumnDecode {
        index: col.to_owned(),
        source: Box::new(e),
    })
}

/// A nullable text column read as the enum it stores.
pub(crate) fn parsed_opt<T>(row: &sqlx::any::AnyRow, col: &str) -> Result<Option<T>, sqlx::Error>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: Option<String> = sqlx::Row::try_get(row, col)?;
    text.map(|t| {
        t.parse().map_err(|e| sqlx::Error::ColumnDecode {
            index: col.to_owned(),
            source: Box::new(e),
        })
    })
    .transpose()
}
