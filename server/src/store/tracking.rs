//! Writes of the tracker's data: visitors, sessions with their touch, events.

use protocol::track::Batch;

use super::Store;

/// A validated batch and when it arrived (ms since the Unix epoch).
#[derive(Debug, Clone)]
pub struct Received {
    pub batch: Batch,
    pub at: i64,
}

const EVENT_COLS: usize = 10;
/// Keeps one INSERT under SQLite's and PostgreSQL's bound-parameter limits.
const EVENTS_PER_INSERT: usize = 500;

impl Store {
    /// Stores many batches in ONE transaction (the group commit). Returns when it has committed.
    pub async fn insert_batches(&self, batches: &[Received]) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        for r in batches {
            let b = &r.batch;
            let started = b.started.min(i64::MAX as u64) as i64;
            sqlx::query(
                "INSERT INTO visitors (site, vid, first_seen, last_seen) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (site, vid) DO UPDATE SET \
                 last_seen = CASE WHEN excluded.last_seen > visitors.last_seen THEN excluded.last_seen ELSE visitors.last_seen END",
            )
            .bind(&b.site)
            .bind(&b.vid)
            .bind(started.min(r.at))
            .bind(r.at)
            .execute(&mut *tx)
            .await?;
            let t = &b.touch;
            sqlx::query(
                "INSERT INTO sessions (site, sid, vid, started, last_seen, channel, source, medium, campaign, content, term, \
                 yclid, gclid, fbclid, referrer, landing, touch_ts) \
                 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) \
                 ON CONFLICT (site, sid) DO UPDATE SET \
                 last_seen = CASE WHEN excluded.last_seen > sessions.last_seen THEN excluded.last_seen ELSE sessions.last_seen END",
            )
            .bind(&b.site)
            .bind(&b.sid)
            .bind(&b.vid)
            .bind(started)
            .bind(r.at)
            .bind(t.ch.as_str())
            .bind(&t.source)
            .bind(&t.medium)
            .bind(&t.campaign)
            .bind(&t.content)
            .bind(&t.term)
            .bind(&t.yclid)
            .bind(&t.gclid)
            .bind(&t.fbclid)
            .bind(&t.referrer)
            .bind(&t.landing)
            .bind(t.ts.min(i64::MAX as u64) as i64)
            .execute(&mut *tx)
            .await?;
        }
        let events = batches.iter().flat_map(|r| r.batch.events.iter().map(move |e| (r, e)));
        let all: Vec<_> = events.collect();
        for chunk in all.chunks(EVENTS_PER_INSERT) {
            // Built by hand: sqlx's QueryBuilder writes `?` for `Any`, which PostgreSQL rejects;
            // `$n` works on both.
            let mut sql = String::from("INSERT INTO events (site, sid, vid, ts, received, kind, path, title, name, props) VALUES ");
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push(',');
                }
                super::row_params(&mut sql, 1 + i * EVENT_COLS, EVENT_COLS);
            }
            // Only placeholders are generated; every value is bound.
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (r, e) in chunk {
                q = q
                    .bind(&r.batch.site)
                    .bind(&r.batch.sid)
                    .bind(&r.batch.vid)
                    .bind(e.ts.min(i64::MAX as u64) as i64)
                    .bind(r.at)
                    .bind(e.t.as_str())
                    .bind(&e.path)
                    .bind(&e.title)
                    .bind(&e.name)
                    .bind(e.props.as_ref().map(|p| serde_json::Value::Object(p.clone()).to_string()));
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await
    }

    /// Number of events stored for a site (tests, metrics).
    pub async fn count_events(&self, site: &str) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE site = $1").bind(site).fetch_one(&self.pool).await
    }

    /// Campaigns of a site's sessions, oldest first (tests, reports).
    pub async fn session_campaigns(&self, site: &str) -> Result<Vec<Option<String>>, sqlx::Error> {
        sqlx::query_scalar("SELECT campaign FROM sessions WHERE site = $1 ORDER BY started").bind(site).fetch_all(&self.pool).await
    }
}
