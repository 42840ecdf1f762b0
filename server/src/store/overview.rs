//! Reads for the overview: the period's bookings and revenue, and visits, bookings and revenue
//! in fixed time steps (the report turns steps into the site's calendar days).

use sqlx::Row;

use super::Store;

/// One time step's numbers: step `n` covers [from + n·step, from + (n+1)·step).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Step {
    pub n: i64,
    pub visits: i64,
    pub bookings: i64,
    pub revenue: f64,
}

impl Store {
    /// Bookings made (not failed) within [from, to) and what they paid.
    pub async fn booking_totals(
        &self,
        site: &str,
        from: i64,
        to: i64,
    ) -> Result<(i64, f64), sqlx::Error> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS bookings, SUM(paid) AS revenue FROM bookings \
             WHERE site = $1 AND state <> 'failed' AND created >= $2 AND created < $3",
        )
        .bind(site)
        .bind(from)
        .bind(to)
        .fetch_one(&self.pool)
        .await?;
        Ok((
            row.try_get("bookings")?,
            row.try_get::<Option<f64>, _>("revenue")?.unwrap_or(0.0),
        ))
    }

    /// Sessions started and bookings made within [from, to), per `step` ms, steps without
    /// either left out; in step order.
    pub async fn steps(
        &self,
        site: &str,
        from: i64,
        to: i64,
        step: i64,
    ) -> Result<Vec<Step>, sqlx::Error> {
        let visits = sqlx::query(
            "SELECT (started - $2) / $4 AS n, COUNT(*) AS visits FROM sessions \
             WHERE site = $1 AND started >= $2 AND started < $3 GROUP BY 1",
        )
        .bind(site)
        .bind(from)
        .bind(to)
        .bind(step)
        .fetch_all(&self.pool)
        .await?;
        let bookings = sqlx::query(
            "SELECT (created - $2) / $4 AS n, COUNT(*) AS bookings, SUM(paid) AS revenue FROM bookings \
             WHERE site = $1 AND state <> 'failed' AND created >= $2 AND created < $3 GROUP BY 1",
        )
        .bind(site)
        .bind(from)
        .bind(to)
        .bind(step)
        .fetch_all(&self.pool)
        .await?;
        let mut steps = std::collections::BTreeMap::<i64, Step>::new();
        for r in &visits {
            let n: i64 = r.try_get("n")?;
            steps
                .entry(n)
                .or_insert_with(|| Step {
                    n,
                    ..Step::default()
                })
                .visits = r.try_get("visits")?;
        }
        for r in &bookings {
            let n: i64 = r.try_get("n")?;
            let s = steps.entry(n).or_insert_with(|| Step {
                n,
                ..Step::default()
            });
            s.bookings = r.try_get("bookings")?;
            s.revenue = r.try_get::<Option<f64>, _>("revenue")?.unwrap_or(0.0);
        }
        Ok(steps.into_values().collect())
    }
}
