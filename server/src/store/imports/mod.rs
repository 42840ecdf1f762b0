//! Import links, runs, rows and the per-row log (`imports::run` writes, the dashboard reads).

use sqlx::{Row, any::AnyRow};

use super::Store;

mod rows;

/// A link as stored (mapping and schedule as JSON, the sheet of an upload as JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct LinkRow {
    pub id: i64,
    pub site: String,
    pub name: String,
    pub action: String,
    pub source_url: Option<String>,
    pub file_name: Option<String>,
    pub sheet: Option<String>,
    pub mapping: String,
    pub schedule: String,
    pub next_run_ms: Option<i64>,
}

/// A run and its progress.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunRow {
    pub id: i64,
    pub link_id: i64,
    pub cause: String,
    pub state: String,
    pub total: i64,
    pub processed: i64,
    pub sent: i64,
    pub skipped: i64,
    pub failed: i64,
    pub changed: i64,
    pub message: Option<String>,
    pub created_ms: i64,
    pub finished_ms: Option<i64>,
}

/// Counters of a run, written as it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub total: i64,
    pub processed: i64,
    pub sent: i64,
    pub skipped: i64,
    pub failed: i64,
    pub changed: i64,
}

/// A row of a link as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRow {
    pub row_key: String,
    pub row_number: i64,
    pub status: String,
    pub digest: String,
    pub upstream_id: Option<String>,
    pub reason: Option<String>,
    pub attempts: i64,
    pub next_try_ms: Option<i64>,
}

/// One line of a run's log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub row_key: String,
    pub row_number: i64,
    pub outcome: String,
    pub reason: Option<String>,
}

const LINK_COLS: &str =
    "id, site, name, action, source_url, file_name, sheet, mapping, schedule, next_run_ms";
const RUN_COLS: &str = "id, link_id, cause, state, total, processed, sent, skipped, failed, changed, message, created_ms, finished_ms";
pub(super) const ROW_COLS: &str =
    "row_key, row_number, status, digest, upstream_id, reason, attempts, next_try_ms";

fn link(r: &AnyRow) -> Result<LinkRow, sqlx::Error> {
    Ok(LinkRow {
        id: r.try_get("id")?,
        site: r.try_get("site")?,
        name: r.try_get("name")?,
        action: r.try_get("action")?,
        source_url: r.try_get("source_url")?,
        file_name: r.try_get("file_name")?,
        sheet: r.try_get("sheet")?,
        mapping: r.try_get("mapping")?,
        schedule: r.try_get("schedule")?,
        next_run_ms: r.try_get("next_run_ms")?,
    })
}

fn run(r: &AnyRow) -> Result<RunRow, sqlx::Error> {
    Ok(RunRow {
        id: r.try_get("id")?,
        link_id: r.try_get("link_id")?,
        cause: r.try_get("cause")?,
        state: r.try_get("state")?,
        total: r.try_get("total")?,
        processed: r.try_get("processed")?,
        sent: r.try_get("sent")?,
        skipped: r.try_get("skipped")?,
        failed: r.try_get("failed")?,
        changed: r.try_get("changed")?,
        message: r.try_get("message")?,
        created_ms: r.try_get("created_ms")?,
        finished_ms: r.try_get("finished_ms")?,
    })
}

pub(super) fn stored(r: &AnyRow) -> Result<StoredRow, sqlx::Error> {
    Ok(StoredRow {
        row_key: r.try_get("row_key")?,
        row_number: r.try_get("row_number")?,
        status: r.try_get("status")?,
        digest: r.try_get("digest")?,
        upstream_id: r.try_get("upstream_id")?,
        reason: r.try_get("reason")?,
        attempts: r.try_get("attempts")?,
        next_try_ms: r.try_get("next_try_ms")?,
    })
}

impl Store {
    /// Stores a new link; returns its id.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_import_link(
        &self,
        site: &str,
        name: &str,
        action: &str,
        source_url: Option<&str>,
        file_name: Option<&str>,
        sheet: Option<&str>,
        mapping: &str,
        schedule: &str,
        now: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO import_links (site, name, action, source_url, file_name, sheet, mapping, schedule, created_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(site)
        .bind(name)
        .bind(action)
        .bind(source_url)
        .bind(file_name)
        .bind(sheet)
        .bind(mapping)
        .bind(schedule)
        .bind(now)
        .fetch_one(&self.pool)
        .await
    }

    pub async fn import_links(&self, site: &str) -> Result<Vec<LinkRow>, sqlx::Error> {
        let sql = format!("SELECT {LINK_COLS} FROM import_links WHERE site = $1 ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(site)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(link).collect()
    }

    pub async fn import_link(&self, id: i64) -> Result<Option<LinkRow>, sqlx::Error> {
        let sql = format!("SELECT {LINK_COLS} FROM import_links WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(link).transpose()
    }

    /// Replaces the link's uploaded sheet.
    pub async fn set_import_sheet(
        &self,
        id: i64,
        file_name: &str,
        sheet: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE import_links SET file_name = $2, sheet = $3 WHERE id = $1")
            .bind(id)
            .bind(file_name)
            .bind(sheet)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_import_mapping(&self, id: i64, mapping: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE import_links SET mapping = $2 WHERE id = $1")
            .bind(id)
            .bind(mapping)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn set_import_schedule(
        &self,
        id: i64,
        schedule: &str,
        next_run_ms: Option<i64>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE import_links SET schedule = $2, next_run_ms = $3 WHERE id = $1")
            .bind(id)
            .bind(schedule)
            .bind(next_run_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Links whose scheduled run is due.
    pub async fn import_links_due(&self, now: i64) -> Result<Vec<LinkRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {LINK_COLS} FROM import_links WHERE next_run_ms IS NOT NULL AND next_run_ms <= $1 ORDER BY id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(link).collect()
    }

    /// Sets when the link next runs, if it still was due at `was` (one instance moves it on).
    pub async fn advance_import_link(
        &self,
        id: i64,
        was: i64,
        next: Option<i64>,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE import_links SET next_run_ms = $3 WHERE id = $1 AND next_run_ms = $2",
        )
        .bind(id)
        .bind(was)
        .bind(next)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Links of `schedule` JSON "after `link`".
    pub async fn import_links_after(&self, schedule: &str) -> Result<Vec<i64>, sqlx::Error> {
        sqlx::query_scalar("SELECT id FROM import_links WHERE schedule = $1 ORDER BY id")
            .bind(schedule)
            .fetch_all(&self.pool)
            .await
    }

    /// Links with failed rows due for another try.
    pub async fn import_links_with_due_rows(&self, now: i64) -> Result<Vec<i64>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT DISTINCT link_id FROM import_rows WHERE status IN ('failed', 'sending') \
             AND next_try_ms IS NOT NULL AND next_try_ms <= $1 ORDER BY link_id",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await
    }

    /// Queues a run unless one of the link is queued or running; `Some(id)` when queued.
    pub async fn queue_import_run(
        &self,
        link_id: i64,
        cause: &str,
        now: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        self.lock_key(&mut tx, &format!("import-run:{link_id}"))
            .await?;
        let active: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM import_runs WHERE link_id = $1 AND state IN ('queued', 'running')",
        )
        .bind(link_id)
        .fetch_one(&mut *tx)
        .await?;
        if active > 0 {
            return Ok(None);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO import_runs (link_id, cause, state, created_ms) VALUES ($1, $2, 'queued', $3) RETURNING id",
        )
        .bind(link_id)
        .bind(cause)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// The next run to work: one left running (by a stopped process) first, then the oldest
    /// queued.
    pub async fn next_import_run(&self) -> Result<Option<RunRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {RUN_COLS} FROM import_runs WHERE state IN ('running', 'queued') \
             ORDER BY CASE WHEN state = 'running' THEN 0 ELSE 1 END, id LIMIT 1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(run).transpose()
    }

    pub async fn import_run(&self, id: i64) -> Result<Option<RunRow>, sqlx::Error> {
        let sql = format!("SELECT {RUN_COLS} FROM import_runs WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(run).transpose()
    }

    /// The link's latest runs, newest first.
    pub async fn import_runs(&self, link_id: i64, limit: i64) -> Result<Vec<RunRow>, sqlx::Error> {
        let sql = format!(
            "SELECT {RUN_COLS} FROM import_runs WHERE link_id = $1 ORDER BY id DESC LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(link_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(run).collect()
    }

    pub async fn start_import_run(&self, id: i64, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE import_runs SET state = 'running', started_ms = COALESCE(started_ms, $2) WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn import_progress(&self, id: i64, p: &Progress) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE import_runs SET total = $2, processed = $3, sent = $4, skipped = $5, failed = $6, changed = $7 WHERE id = $1",
        )
        .bind(id)
        .bind(p.total)
        .bind(p.processed)
        .bind(p.sent)
        .bind(p.skipped)
        .bind(p.failed)
        .bind(p.changed)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Ends a run (`done` or `failed`) and keeps the log of the link's last 20 runs only.
    pub async fn finish_import_run(
        &self,
        run: &RunRow,
        state: &str,
        message: Option<&str>,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE import_runs SET state = $2, message = $3, finished_ms = $4 WHERE id = $1",
        )
        .bind(run.id)
        .bind(state)
        .bind(message)
        .bind(now)
        .execute(&self.pool)
        .await?;
        sqlx::query(
            "DELETE FROM import_log WHERE run_id IN (SELECT id FROM import_runs WHERE link_id = $1 AND id <= $2 - 20)",
        )
        .bind(run.link_id)
        .bind(run.id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
