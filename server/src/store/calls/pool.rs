//! SQL of the dynamic pool: leases of numbers (a compare-and-set on `call_numbers`, so instances
//! on one database never hand a number to two visitors at once), the holds' history that
//! matching reads, and the pool's use for the owner.

use sqlx::Row;

use crate::calls::pool::{self, Choice, Hold, PastHold};
use crate::store::Store;

/// A lease handed out: the number (digits) and whether it was taken from an active visitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leased {
    pub number: String,
    pub reused: bool,
}

/// How a site's pool was used over a period ([`Store::pool_use`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PoolUse {
    pub holds: i64,
    pub reused: i64,
    pub peak_per_hour: i64,
    pub average_active_ms: f64,
}

impl Store {
    /// Gives `vid` a number of `pool` (digits) at `now`, or renews the one they hold: the choice
    /// is [`pool::choose`]'s, applied by a compare-and-set on the number's current hold and tried
    /// again when another instance changed it first. `None` when the pool is empty.
    /// `page_touch`: what the page sent of its touch, kept on the hold (a renewal keeps the
    /// earlier one when the page sent none).
    #[allow(clippy::too_many_arguments)]
    pub async fn lease_number(
        &self,
        site: &str,
        pool_numbers: &[String],
        vid: &str,
        now: i64,
        tail_ms: i64,
        page_touch: Option<&str>,
    ) -> Result<Option<Leased>, sqlx::Error> {
        for _ in 0..8 {
            let mut tx = self.begin_write().await?;
            let rows = sqlx::query(
                "SELECT number, hold_id, vid, active_at FROM call_numbers WHERE site = $1",
            )
            .bind(site)
            .fetch_all(&mut *tx)
            .await?;
            let holds = rows
                .iter()
                .map(|r| {
                    Ok(Hold {
                        number: r.try_get("number")?,
                        hold_id: r.try_get("hold_id")?,
                        vid: r.try_get("vid")?,
                        active_at: r.try_get("active_at")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
            let Some(choice) = pool::choose(pool_numbers, &holds, vid, now, tail_ms) else {
                return Ok(None);
            };
            let won = match &choice {
                Choice::Renew { number, hold_id } => {
                    let n = sqlx::query("UPDATE call_numbers SET active_at = $1 WHERE site = $2 AND number = $3 AND hold_id = $4")
                        .bind(now).bind(site).bind(number).bind(hold_id)
                        .execute(&mut *tx).await?.rows_affected();
                    sqlx::query("UPDATE call_holds SET active_at = $1, page_touch = COALESCE($3, page_touch) WHERE id = $2")
                        .bind(now)
                        .bind(hold_id)
                        .bind(page_touch)
                        .execute(&mut *tx)
                        .await?;
                    n == 1
                }
                Choice::Take {
                    number,
                    prev,
                    reused,
                } => {
                    let id = crate::booking::book::new_id();
                    let n = match prev {
                        None => sqlx::query("INSERT INTO call_numbers (site, number, hold_id, vid, active_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (site, number) DO NOTHING")
                            .bind(site).bind(number).bind(&id).bind(vid).bind(now)
                            .execute(&mut *tx).await?.rows_affected(),
                        Some(p) => sqlx::query("UPDATE call_numbers SET hold_id = $1, vid = $2, active_at = $3 WHERE site = $4 AND number = $5 AND hold_id = $6")
                            .bind(&id).bind(vid).bind(now).bind(site).bind(number).bind(&p.hold_id)
                            .execute(&mut *tx).await?.rows_affected(),
                    };
                    if let Some(p) = prev.as_ref().filter(|_| *reused) {
                        sqlx::query("UPDATE call_holds SET ended = $1 WHERE id = $2")
                            .bind(now)
                            .bind(&p.hold_id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    sqlx::query("INSERT INTO call_holds (id, site, number, vid, started, active_at, ended, reused, page_touch) VALUES ($1, $2, $3, $4, $5, $5, NULL, $6, $7)")
                        .bind(&id).bind(site).bind(number).bind(vid).bind(now).bind(i64::from(*reused)).bind(page_touch)
                        .execute(&mut *tx).await?;
                    n == 1
                }
            };
            if won {
                tx.commit().await?;
                return Ok(Some(Leased {
                    number: choice.number().to_owned(),
                    reused: matches!(choice, Choice::Take { reused: true, .. }),
                }));
            }
            tx.rollback().await?;
        }
        Err(sqlx::Error::Protocol(
            "the number lease kept changing under us".into(),
        ))
    }

    /// The holds of a pool number that started by `t` (give or take the PBX's clock skew;
    /// newest first, the last 100).
    pub async fn holds_of(
        &self,
        site: &str,
        number: &str,
        t: i64,
    ) -> Result<Vec<PastHold>, sqlx::Error> {
        let rows = sqlx::query("SELECT vid, started, active_at, ended, page_touch FROM call_holds WHERE site = $1 AND number = $2 AND started <= $3 ORDER BY started DESC LIMIT 100")
            .bind(site).bind(number).bind(t.saturating_add(pool::CLOCK_SKEW_MS))
            .fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(PastHold {
                    vid: r.try_get("vid")?,
                    started: r.try_get("started")?,
                    active_at: r.try_get("active_at")?,
                    ended: r.try_get("ended")?,
                    page_touch: r.try_get("page_touch")?,
                })
            })
            .collect()
    }

    /// The pool's use in [from, to): holds started, how many took a number from an active
    /// visitor, the most visitors who started a hold within one clock hour, and the average
    /// time from a hold's start to its holder's last activity (ms).
    pub async fn pool_use(&self, site: &str, from: i64, to: i64) -> Result<PoolUse, sqlx::Error> {
        let r = sqlx::query("SELECT COUNT(*) AS holds, CAST(SUM(reused) AS BIGINT) AS reused, CAST(AVG(active_at - started) AS DOUBLE PRECISION) AS active FROM call_holds WHERE site = $1 AND started >= $2 AND started < $3")
            .bind(site).bind(from).bind(to)
            .fetch_one(&self.pool).await?;
        let peak: Option<i64> = sqlx::query_scalar("SELECT MAX(n) FROM (SELECT COUNT(DISTINCT vid) AS n FROM call_holds WHERE site = $1 AND started >= $2 AND started < $3 GROUP BY started / 3600000) AS hours")
            .bind(site).bind(from).bind(to)
            .fetch_one(&self.pool).await?;
        Ok(PoolUse {
            holds: r.try_get("holds")?,
            reused: r.try_get::<Option<i64>, _>("reused")?.unwrap_or(0),
            peak_per_hour: peak.unwrap_or(0),
            average_active_ms: r.try_get::<Option<f64>, _>("active")?.unwrap_or(0.0),
        })
    }
}
