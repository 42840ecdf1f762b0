//! Writes of the tracker's data: visitors, sessions with their touch, events.

use protocol::track::Batch;

use std::collections::BTreeMap;

use super::Store;

/// Browser-clock milliseconds as the i64 the store keeps.
fn ms(v: u64) -> i64 {
    v.min(i64::MAX as u64) as i64
}

/// Appends `rows` placeholder tuples of `cols` values: `($1,…),($n,…)` (`(?,…)` on SQLite).
fn values(sql: &mut String, rows: usize, cols: usize, backend: super::Backend) {
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        super::row_params(sql, 1 + i * cols, cols, backend);
    }
}

/// A validated batch and when it arrived (ms since the Unix epoch).
#[derive(Debug, Clone)]
pub struct Received {
    pub batch: Batch,
    pub at: i64,
}

const EVENT_COLS: usize = 10;
const SESSION_COLS: usize = 17;
/// Rows of one visitors/sessions upsert: 17 × 500 parameters stays under both databases' limits.
const ROWS_PER_UPSERT: usize = 500;
/// Keeps one INSERT under SQLite's and PostgreSQL's bound-parameter limits.
const EVENTS_PER_INSERT: usize = 500;

impl Store {
    /// Stores many batches in ONE transaction (the group commit). Returns when it has committed.
    pub async fn insert_batches(&self, batches: &[Received]) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        // One multi-row upsert per table and commit, with each key once (PostgreSQL refuses to
        // update a row twice in one statement): a visitor's earliest start and latest arrival,
        // a session's first-seen touch and latest arrival.
        let mut visitors: BTreeMap<(&str, &str), (i64, i64)> = BTreeMap::new();
        let mut sessions: BTreeMap<(&str, &str), (&Received, i64)> = BTreeMap::new();
        for r in batches {
            let b = &r.batch;
            let started = ms(b.started);
            let v = visitors
                .entry((&b.site, &b.vid))
                .or_insert((started.min(r.at), r.at));
            v.0 = v.0.min(started.min(r.at));
            v.1 = v.1.max(r.at);
            let s = sessions.entry((&b.site, &b.sid)).or_insert((r, r.at));
            s.1 = s.1.max(r.at);
        }
        let visitors: Vec<_> = visitors.into_iter().collect();
        for chunk in visitors.chunks(ROWS_PER_UPSERT) {
            let mut sql =
                String::from("INSERT INTO visitors (site, vid, first_seen, last_seen) VALUES ");
            values(&mut sql, chunk.len(), 4, self.backend);
            sql.push_str(
                " ON CONFLICT (site, vid) DO UPDATE SET \
                 last_seen = CASE WHEN excluded.last_seen > visitors.last_seen THEN excluded.last_seen ELSE visitors.last_seen END",
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for ((site, vid), (first, last)) in chunk {
                q = q.bind(*site).bind(*vid).bind(*first).bind(*last);
            }
            q.execute(&mut *tx).await?;
        }
        let sessions: Vec<_> = sessions.into_values().collect();
        for chunk in sessions.chunks(ROWS_PER_UPSERT) {
            let mut sql = String::from(
                "INSERT INTO sessions (site, sid, vid, started, last_seen, channel, source, medium, campaign, content, term, \
                 yclid, gclid, fbclid, referrer, landing, touch_ts) VALUES ",
            );
            values(&mut sql, chunk.len(), SESSION_COLS, self.backend);
            sql.push_str(
                " ON CONFLICT (site, sid) DO UPDATE SET \
                 last_seen = CASE WHEN excluded.last_seen > sessions.last_seen THEN excluded.last_seen ELSE sessions.last_seen END",
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (r, last) in chunk {
                let (b, t) = (&r.batch, &r.batch.touch);
                q = q
                    .bind(&b.site)
                    .bind(&b.sid)
                    .bind(&b.vid)
                    .bind(ms(b.started))
                    .bind(*last)
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
                    .bind(ms(t.ts));
            }
            q.execute(&mut *tx).await?;
        }
        let events = batches
            .iter()
            .flat_map(|r| r.batch.events.iter().map(move |e| (r, e)));
        let all: Vec<_> = events.collect();
        for chunk in all.chunks(EVENTS_PER_INSERT) {
            // Built by hand: sqlx's QueryBuilder writes `?` for `Any`, which PostgreSQL rejects.
            let mut sql = String::from(
                "INSERT INTO events (site, sid, vid, ts, received, kind, path, title, name, props) VALUES ",
            );
            values(&mut sql, chunk.len(), EVENT_COLS, self.backend);
            // Only placeholders are generated; every value is bound.
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (r, e) in chunk {
                q = q
                    .bind(&r.batch.site)
                    .bind(&r.batch.sid)
                    .bind(&r.batch.vid)
                    .bind(ms(e.ts))
                    .bind(r.at)
                    .bind(e.t.as_str())
                    .bind(&e.path)
                    .bind(&e.title)
                    .bind(&e.name)
                    .bind(
                        e.props
                            .as_ref()
                            .map(|p| serde_json::Value::Object(p.clone()).to_string()),
                    );
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await
    }

    /// Number of events stored for a site (tests, metrics).
    pub async fn count_events(&self, site: &str) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE site = $1")
            .bind(site)
            .fetch_one(&self.pool)
            .await
    }

    /// Campaigns of a site's sessions, oldest first (tests, reports).
    pub async fn session_campaigns(&self, site: &str) -> Result<Vec<Option<String>>, sqlx::Error> {
        sqlx::query_scalar("SELECT campaign FROM sessions WHERE site = $1 ORDER BY started")
            .bind(site)
            .fetch_all(&self.pool)
            .await
    }
}
