//! Refused origins per site (`sites::refused` writes them, the dashboard reads them).

use sqlx::Row;

use super::Store;

#[derive(Debug, Clone, PartialEq)]
pub struct RefusedOrigin {
    pub origin: String,
    pub count: i64,
    pub last_page: Option<String>,
    pub last_seen: i64,
}

impl Store {
    /// Adds `count` refusals of `origin` on `site`, the last at `at` on `page`.
    pub async fn add_refusals(
        &self,
        site: &str,
        origin: &str,
        count: i64,
        page: Option<&str>,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO refused_origins (site, origin, count, last_page, last_seen) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (site, origin) DO UPDATE SET count = refused_origins.count + excluded.count, \
             last_page = COALESCE(excluded.last_page, refused_origins.last_page), \
             last_seen = CASE WHEN excluded.last_seen > refused_origins.last_seen THEN excluded.last_seen ELSE refused_origins.last_seen END",
        )
        .bind(site)
        .bind(origin)
        .bind(count)
        .bind(page)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The site's refused origins seen since `since`, the latest first (at most `limit`).
    pub async fn refused_origins(
        &self,
        site: &str,
        since: i64,
        limit: i64,
    ) -> Result<Vec<RefusedOrigin>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT origin, count, last_page, last_seen FROM refused_origins \
             WHERE site = $1 AND last_seen >= $2 ORDER BY last_seen DESC, origin LIMIT $3",
        )
        .bind(site)
        .bind(since)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RefusedOrigin {
                    origin: r.try_get("origin")?,
                    count: r.try_get("count")?,
                    last_page: r.try_get("last_page")?,
                    last_seen: r.try_get("last_seen")?,
                })
            })
            .collect()
    }
}
