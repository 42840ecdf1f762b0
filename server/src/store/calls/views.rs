//! What the owner's calls page reads beyond the calls themselves: the pool's use hour by hour
//! and how the calls went to YCLIENTS.

use sqlx::Row;

use crate::store::Store;

/// One clock hour of the pool's use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolHour {
    /// The hour's start, ms.
    pub hour: i64,
    /// Visitors who started holding a number in this hour.
    pub visitors: i64,
    /// Numbers taken from a visitor still active (the pool was too small).
    pub reused: i64,
}

/// Calls of a period and their way to YCLIENTS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VoipSent {
    pub calls: i64,
    /// In YCLIENTS' call history.
    pub history: i64,
    /// Refused or unanswered by YCLIENTS; the last reason.
    pub failed: i64,
    pub last_error: Option<String>,
}

impl Store {
    /// Hours of [from, to) in which holds started, oldest first.
    pub async fn pool_hours(
        &self,
        site: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<PoolHour>, sqlx::Error> {
        sqlx::query(
            "SELECT started / 3600000 AS h, COUNT(DISTINCT vid) AS visitors, \
             CAST(SUM(reused) AS BIGINT) AS reused FROM call_holds \
             WHERE site = $1 AND started >= $2 AND started < $3 GROUP BY started / 3600000 ORDER BY h",
        )
        .bind(site)
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(PoolHour {
                hour: r.try_get::<i64, _>("h")? * 3_600_000,
                visitors: r.try_get("visitors")?,
                reused: r.try_get::<Option<i64>, _>("reused")?.unwrap_or(0),
            })
        })
        .collect()
    }

    /// The period's calls: how many reached YCLIENTS' history, how many failed, the last reason.
    pub async fn voip_sent(&self, site: &str, from: i64, to: i64) -> Result<VoipSent, sqlx::Error> {
        let r = sqlx::query(
            "SELECT COUNT(*) AS calls, COUNT(voip_history) AS history, COUNT(voip_error) AS failed \
             FROM calls WHERE site = $1 AND started >= $2 AND started < $3",
        )
        .bind(site)
        .bind(from)
        .bind(to)
        .fetch_one(&self.pool)
        .await?;
        let last_error: Option<String> = sqlx::query_scalar(
            "SELECT voip_error FROM calls WHERE site = $1 AND started >= $2 AND started < $3 \
             AND voip_error IS NOT NULL ORDER BY started DESC LIMIT 1",
        )
        .bind(site)
        .bind(from)
        .bind(to)
        .fetch_optional(&self.pool)
        .await?;
        Ok(VoipSent {
            calls: r.try_get("calls")?,
            history: r.try_get("history")?,
            failed: r.try_get("failed")?,
            last_error,
        })
    }
}
