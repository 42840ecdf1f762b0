//! What instances on one database share: named leases, the hits of shared limits and the
//! YCLIENTS calls of the shared budget. On PostgreSQL, time is the database's clock (instances on
//! several machines need one clock) and a transaction that counts then writes first takes an
//! advisory lock on what it counts; on SQLite (one machine) `BEGIN IMMEDIATE` serialises it.

use sqlx::Row;

use super::{Backend, Store};

/// Sends within the windows of the shared budget, newest first, and whether one was taken.
pub struct BudgetTry {
    /// The database's "now", ms.
    pub now: i64,
    /// Send times within the last minute window (plus margin), newest first.
    pub recent: Vec<i64>,
}

/// The database's clock, ms (PostgreSQL).
const PG_NOW_MS: &str = "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

impl Store {
    /// Now, ms: the database's clock on PostgreSQL, this machine's on SQLite.
    pub async fn clock_ms(&self) -> Result<i64, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => Ok(crate::util::clock::now_ms()),
            Backend::Postgres => sqlx::query_scalar(PG_NOW_MS).fetch_one(&self.pool).await,
        }
    }

    /// Takes the lease `name` for `holder` until `until` if it is free (expired before `now`)
    /// or already `holder`'s. `true` when held.
    pub async fn take_lease(
        &self,
        name: &str,
        holder: &str,
        now: i64,
        until: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO leases (name, holder, until_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms \
             WHERE leases.until_ms < $4 OR leases.holder = excluded.holder",
        )
        .bind(name)
        .bind(holder)
        .bind(until)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives the lease up (on a clean shutdown), if `holder` has it.
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The holder of a live lease.
    pub async fn lease_holder(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        let now = self.clock_ms().await?;
        sqlx::query_scalar("SELECT holder FROM leases WHERE name = $1 AND until_ms >= $2")
            .bind(name)
            .bind(now)
            .fetch_optional(&self.pool)
            .await
    }

    /// Serialises counting-then-writing on `key` across instances for the rest of `tx`.
    pub(super) async fn lock_key(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        key: &str,
    ) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT CAST(pg_advisory_xact_lock(hashtext($1)) AS TEXT)")
                .bind(key)
                .fetch_one(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// One hit of a shared limit: `true` (and counted) when `key` has fewer than `max` hits in
    /// the window, or when `what` (non-zero) was already counted in it (a repeat is free).
    pub async fn limit_hit(
        &self,
        scope: &str,
        key: &str,
        what: i64,
        max: i64,
        window_ms: i64,
    ) -> Result<bool, sqlx::Error> {
        let now = self.clock_ms().await?;
        let since = now - window_ms;
        let mut tx = self.begin_write().await?;
        self.lock_key(&mut tx, &format!("limit:{scope}:{key}"))
            .await?;
        sqlx::query("DELETE FROM limit_hits WHERE scope = $1 AND key = $2 AND at_ms <= $3")
            .bind(scope)
            .bind(key)
            .bind(since)
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN what = $3 AND what <> 0 THEN 1 ELSE 0 END), 0) AS same \
             FROM limit_hits WHERE scope = $1 AND key = $2",
        )
        .bind(scope)
        .bind(key)
        .bind(what)
        .fetch_one(&mut *tx)
        .await?;
        let (n, same): (i64, i64) = (row.try_get("n")?, row.try_get("same")?);
        let allowed = same > 0 || n < max;
        if allowed && same == 0 {
            sqlx::query("INSERT INTO limit_hits (scope, key, what, at_ms) VALUES ($1, $2, $3, $4)")
                .bind(scope)
                .bind(key)
                .bind(what)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(allowed)
    }

    /// One try at a send slot of the shared YCLIENTS budget for `origin`: `decide` sees the
    /// database's now and the recent sends (newest first) and says whether to send now; if so,
    /// the send is recorded in the same transaction. Returns what `decide` returned.
    pub async fn take_upstream_slot<T>(
        &self,
        origin: &str,
        window_ms: i64,
        decide: impl FnOnce(&BudgetTry) -> Result<(), T>,
    ) -> Result<Result<(), T>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        self.lock_key(&mut tx, &format!("budget:{origin}")).await?;
        let now = match self.backend {
            Backend::Sqlite => crate::util::clock::now_ms(),
            Backend::Postgres => sqlx::query_scalar(PG_NOW_MS).fetch_one(&mut *tx).await?,
        };
        sqlx::query("DELETE FROM upstream_calls WHERE origin = $1 AND at_ms <= $2")
            .bind(origin)
            .bind(now - window_ms)
            .execute(&mut *tx)
            .await?;
        let recent: Vec<i64> = sqlx::query_scalar(
            "SELECT at_ms FROM upstream_calls WHERE origin = $1 ORDER BY at_ms DESC",
        )
        .bind(origin)
        .fetch_all(&mut *tx)
        .await?;
        let verdict = decide(&BudgetTry { now, recent });
        if verdict.is_ok() {
            sqlx::query("INSERT INTO upstream_calls (origin, at_ms) VALUES ($1, $2)")
                .bind(origin)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(verdict)
    }

    /// Pending bookings whose flow ran on an instance that is gone (its `instance:` lease
    /// expired): no flow will finish them.
    pub async fn orphaned_for_site(
        &self,
        site: &str,
        limit: i64,
    ) -> Result<Vec<super::BookingRef>, sqlx::Error> {
        // SQLite runs one instance, which holds its leases without writing them: its own
        // restarts are found by `started_ms` instead.
        if self.backend == Backend::Sqlite {
            return Ok(Vec::new());
        }
        let now = self.clock_ms().await?;
        let sql = format!(
            "SELECT {} FROM bookings b WHERE site = $1 AND state = 'pending' AND instance IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.name = 'instance:' || b.instance AND l.until_ms >= $2) \
             ORDER BY updated LIMIT $3",
            super::attribution::REF_COLS
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(site)
            .bind(now)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(super::attribution::booking_ref).collect()
    }
}

impl Store {
    /// Tells every instance listening on `channel` (PostgreSQL's NOTIFY; nothing to tell on
    /// SQLite, which has one instance).
    pub async fn notify(&self, channel: &str, payload: &str) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(channel)
                .bind(payload)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// A connection listening on `channel` (PostgreSQL); `None` on SQLite.
    pub async fn listen(
        &self,
        channel: &str,
    ) -> Result<Option<sqlx::postgres::PgListener>, sqlx::Error> {
        if self.backend != Backend::Postgres {
            return Ok(None);
        }
        let mut listener = sqlx::postgres::PgListener::connect(&self.url).await?;
        listener.listen(channel).await?;
        Ok(Some(listener))
    }
}
