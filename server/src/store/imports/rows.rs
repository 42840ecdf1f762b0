//! A link's rows (what was sent, where each stands) and each run's per-row log.

use std::collections::{HashMap, HashSet};

use sqlx::Row;

use super::{LogLine, ROW_COLS, StoredRow, stored};
use crate::store::Store;

impl Store {
    /// Every row of a link by key.
    pub async fn import_rows(
        &self,
        link_id: i64,
    ) -> Result<HashMap<String, StoredRow>, sqlx::Error> {
        let sql = format!("SELECT {ROW_COLS} FROM import_rows WHERE link_id = $1");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(link_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| stored(r).map(|s| (s.row_key.clone(), s)))
            .collect()
    }

    /// The link's rows in `statuses`, by row number (the dashboard's failed rows).
    pub async fn import_rows_in(
        &self,
        link_id: i64,
        statuses: &[&str],
        limit: i64,
    ) -> Result<Vec<StoredRow>, sqlx::Error> {
        let mut all: Vec<StoredRow> = self
            .import_rows(link_id)
            .await?
            .into_values()
            .filter(|r| statuses.contains(&r.status.as_str()))
            .collect();
        all.sort_by_key(|r| r.row_number);
        all.truncate(limit as usize);
        Ok(all)
    }

    /// Writes a row's state.
    pub async fn put_import_row(
        &self,
        link_id: i64,
        row: &StoredRow,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO import_rows (link_id, row_key, row_number, status, digest, upstream_id, reason, attempts, next_try_ms, updated_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (link_id, row_key) DO UPDATE SET row_number = excluded.row_number, status = excluded.status, \
             digest = excluded.digest, upstream_id = excluded.upstream_id, reason = excluded.reason, \
             attempts = excluded.attempts, next_try_ms = excluded.next_try_ms, updated_ms = excluded.updated_ms",
        )
        .bind(link_id)
        .bind(&row.row_key)
        .bind(row.row_number)
        .bind(&row.status)
        .bind(&row.digest)
        .bind(&row.upstream_id)
        .bind(&row.reason)
        .bind(row.attempts)
        .bind(row.next_try_ms)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The owner gives up on a failed row: it is not tried again.
    pub async fn dismiss_import_row(
        &self,
        link_id: i64,
        key: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE import_rows SET status = 'dismissed', next_try_ms = NULL, updated_ms = $3 \
             WHERE link_id = $1 AND row_key = $2 AND status IN ('failed', 'invalid')",
        )
        .bind(link_id)
        .bind(key)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn log_import_row(
        &self,
        run_id: i64,
        line: &LogLine,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO import_log (run_id, row_key, row_number, outcome, reason, at_ms) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (run_id, row_key) DO NOTHING",
        )
        .bind(run_id)
        .bind(&line.row_key)
        .bind(line.row_number)
        .bind(&line.outcome)
        .bind(&line.reason)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Keys a run has logged (a resumed run skips them).
    pub async fn import_logged(&self, run_id: i64) -> Result<HashSet<String>, sqlx::Error> {
        let keys: Vec<String> =
            sqlx::query_scalar("SELECT row_key FROM import_log WHERE run_id = $1")
                .bind(run_id)
                .fetch_all(&self.pool)
                .await?;
        Ok(keys.into_iter().collect())
    }

    /// A run's log by row number; `outcome` filters when given.
    pub async fn import_log(
        &self,
        run_id: i64,
        outcome: Option<&str>,
        limit: i64,
    ) -> Result<Vec<LogLine>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT row_key, row_number, outcome, reason FROM import_log \
             WHERE run_id = $1 AND ($2 = '' OR outcome = $2) ORDER BY row_number, row_key LIMIT $3",
        )
        .bind(run_id)
        .bind(outcome.unwrap_or(""))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LogLine {
                    row_key: r.try_get("row_key")?,
                    row_number: r.try_get("row_number")?,
                    outcome: r.try_get("outcome")?,
                    reason: r.try_get("reason")?,
                })
            })
            .collect()
    }
}
