//! Refused origins: a page whose origin is not among the site's allowed origins calls the API
//! (a missing `origins` entry, a new domain, a staging copy). Each refusal is counted per site and
//! origin with its page and time; the counts reach the store in batches (at most one write per
//! origin every [`FLUSH`], and whenever the dashboard reads them), and the log says it once per
//! origin per [`LOG_EVERY`]. The origins are the caller's text: at most [`MAX_ORIGINS`] are
//! tracked at a time and each is cut to [`MAX_LEN`] characters, so a flood of made-up origins
//! costs neither memory nor writes.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use crate::{
    store::{RefusedOrigin, Store},
    util::clock::now_ms,
};

/// How often one origin's counts are written.
pub const FLUSH: Duration = Duration::from_secs(10);
/// How often one origin is logged.
pub const LOG_EVERY: Duration = Duration::from_secs(3600);
/// Origins tracked at once; an origin not seen for a day makes room.
const MAX_ORIGINS: usize = 1000;
const MAX_LEN: usize = 200;
const DAY_MS: i64 = 24 * 3600 * 1000;

#[derive(Debug, Default)]
struct Pending {
    /// Refusals not yet written.
    count: i64,
    page: Option<String>,
    last_seen: i64,
    written_at: i64,
    logged_at: i64,
}

#[derive(Clone)]
pub struct Refusals {
    store: Store,
    pending: Arc<Mutex<HashMap<(String, String), Pending>>>,
}

/// A write the caller makes after the lock is released.
type Write = (String, String, i64, Option<String>, i64);

impl Refusals {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            pending: Arc::default(),
        }
    }

    /// Counts one refusal of `origin` on `site`, from `page` (a path, no query) when known.
    pub async fn note(&self, site: &str, origin: &str, page: Option<&str>) {
        let now = now_ms();
        let origin: String = origin.chars().take(MAX_LEN).collect();
        let page = page.map(|p| {
            p.split(['?', '#'])
                .next()
                .unwrap_or("")
                .chars()
                .take(MAX_LEN)
                .collect::<String>()
        });
        let write = {
            let mut map = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            let key = (site.to_owned(), origin.clone());
            if !map.contains_key(&key) && map.len() >= MAX_ORIGINS {
                map.retain(|_, p| p.count > 0 || now - p.last_seen < DAY_MS);
                if map.len() >= MAX_ORIGINS {
                    return;
                }
            }
            let p = map.entry(key).or_default();
            p.count += 1;
            p.last_seen = now;
            if page.is_some() {
                p.page = page;
            }
            if now - p.logged_at >= LOG_EVERY.as_millis() as i64 {
                p.logged_at = now;
                tracing::warn!(
                    site,
                    origin = %origin,
                    page = p.page.as_deref().unwrap_or("-"),
                    "refused a request from an origin the site does not allow: if it is the site's own, add it to the site's origins"
                );
            }
            (now - p.written_at >= FLUSH.as_millis() as i64).then(|| take(site, &origin, p, now))
        };
        if let Some(w) = write {
            self.write(w).await;
        }
    }

    /// Writes every count not yet written (the dashboard calls this before it reads).
    pub async fn flush(&self) {
        let now = now_ms();
        let writes: Vec<Write> = {
            let mut map = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            map.iter_mut()
                .filter(|(_, p)| p.count > 0)
                .map(|((site, origin), p)| take(site, origin, p, now))
                .collect()
        };
        for w in writes {
            self.write(w).await;
        }
    }

    /// The site's origins refused within the last `days` days, the latest first.
    pub async fn recent(&self, site: &str, days: i64) -> Result<Vec<RefusedOrigin>, sqlx::Error> {
        self.flush().await;
        self.store
            .refused_origins(site, now_ms() - days * DAY_MS, 50)
            .await
    }

    async fn write(&self, (site, origin, count, page, at): Write) {
        if let Err(e) = self
            .store
            .add_refusals(&site, &origin, count, page.as_deref(), at)
            .await
        {
            tracing::warn!(error = %e, "refused origins: the count was not stored");
        }
    }
}

fn take(site: &str, origin: &str, p: &mut Pending, now: i64) -> Write {
    p.written_at = now;
    let count = std::mem::take(&mut p.count);
    (
        site.to_owned(),
        origin.to_owned(),
        count,
        p.page.clone(),
        p.last_seen,
    )
}
