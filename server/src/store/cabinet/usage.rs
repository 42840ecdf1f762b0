//! What clients did in the cabinet (for the owner's counts) and the deletion requests.

use sqlx::Row;

use crate::store::Store;

/// A site's cabinet use since a moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CabinetUse {
    pub sign_ins: i64,
    pub cancels: i64,
    pub reschedules: i64,
    /// Threads waiting for the salon's answer (any age).
    pub waiting: i64,
    /// Deletion requests not yet marked handled (any age).
    pub deletions: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeletionRow {
    pub id: i64,
    pub name: String,
    pub phone: String,
    pub at: i64,
    pub handled: Option<i64>,
}

impl Store {
    /// Notes one client action: `sign_in`, `cancel`, `reschedule`.
    pub async fn cabinet_note(&self, site: &str, kind: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO cabinet_actions (site, kind, at) VALUES ($1, $2, $3)")
            .bind(site)
            .bind(kind)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn cabinet_use(&self, site: &str, since: i64) -> Result<CabinetUse, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT kind, COUNT(*) AS n FROM cabinet_actions WHERE site = $1 AND at >= $2 GROUP BY kind",
        )
        .bind(site)
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        let mut out = CabinetUse::default();
        for r in &rows {
            let n: i64 = r.try_get("n")?;
            match r.try_get::<String, _>("kind")?.as_str() {
                "sign_in" => out.sign_ins = n,
                "cancel" => out.cancels = n,
                "reschedule" => out.reschedules = n,
                _ => {}
            }
        }
        out.waiting = sqlx::query_scalar(
            "SELECT COUNT(*) FROM cabinet_threads WHERE site = $1 AND salon_unread > 0",
        )
        .bind(site)
        .fetch_one(&self.pool)
        .await?;
        out.deletions = sqlx::query_scalar(
            "SELECT COUNT(*) FROM cabinet_deletions WHERE site = $1 AND handled IS NULL",
        )
        .bind(site)
        .fetch_one(&self.pool)
        .await?;
        Ok(out)
    }

    /// The site's deletion requests, the newest first.
    pub async fn cabinet_deletions(
        &self,
        site: &str,
        limit: i64,
    ) -> Result<Vec<DeletionRow>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, name, phone, at, handled FROM cabinet_deletions WHERE site = $1 ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(site)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DeletionRow {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    phone: r.try_get("phone")?,
                    at: r.try_get("at")?,
                    handled: r.try_get("handled")?,
                })
            })
            .collect()
    }

    /// The owner marks a deletion request done (the card was deleted in YCLIENTS, or kept as
    /// the law requires). `false` when there is no such request on the site.
    pub async fn cabinet_deletion_handled(
        &self,
        site: &str,
        id: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE cabinet_deletions SET handled = $3 WHERE site = $1 AND id = $2 AND handled IS NULL",
        )
        .bind(site)
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
