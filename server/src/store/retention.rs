//! Retention (issue #20 items 4, 12): what is older than the period goes — tracker events,
//! sessions and visitors not seen since, the personal data of failed bookings, and processed
//! webhook deliveries (their digests were kept to ignore repeats; a repeat after a year is not
//! a repeat).

use super::Store;

/// Rows removed or cleared by one run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub events: u64,
    pub sessions: u64,
    pub visitors: u64,
    pub failed_bookings: u64,
    pub deliveries: u64,
}

impl Store {
    /// Removes what was last touched before `before` (ms).
    pub async fn purge_older_than(&self, before: i64) -> Result<Purged, sqlx::Error> {
        let run = |sql: &'static str| async move {
            sqlx::query(sql)
                .bind(before)
                .execute(&self.pool)
                .await
                .map(|r| r.rows_affected())
        };
        Ok(Purged {
            events: run("DELETE FROM events WHERE received < $1").await?,
            sessions: run("DELETE FROM sessions WHERE last_seen < $1").await?,
            visitors: run("DELETE FROM visitors WHERE last_seen < $1").await?,
            failed_bookings: run(
                "UPDATE bookings SET name = '', phone = '', email = NULL, comment = NULL \
                 WHERE state = 'failed' AND updated < $1 AND (name <> '' OR phone <> '')",
            )
            .await?,
            deliveries: run(
                "DELETE FROM webhook_deliveries WHERE processed IS NOT NULL AND processed < $1",
            )
            .await?,
        })
    }
}
