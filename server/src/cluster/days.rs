//! Free times cached by every instance, dropped by all of them at once: a booking through one
//! instance, or a YCLIENTS webhook processed by the lease holder, takes time on a day, and every
//! other instance must stop offering it, not wait for its copy to expire. On PostgreSQL the
//! instance that learns of it says so on a channel (`NOTIFY`), and each instance listens
//! (`LISTEN`) and drops that day from its cache. A listener that lost its connection cannot know
//! what it missed meanwhile, so it drops every cached day. On SQLite there is one instance.

use std::sync::Arc;

use super::Cluster;
use crate::store::Store;

const CHANNEL: &str = "zapis_days";

/// What changed: a company's day (`None`: a day not known, every day of the company), or
/// everything (`None`: notices may have been missed).
pub type Change = Option<(u64, Option<String>)>;

impl Cluster {
    /// Tells the other instances that free time changed at `company` on `date`.
    pub async fn day_changed(&self, company: u64, date: Option<&str>) {
        let payload = format!("{company} {}", date.unwrap_or("*"));
        if let Err(e) = self.store().notify(CHANNEL, &payload).await {
            tracing::warn!(error = %e, "could not tell the other instances of a changed day");
        }
    }
}

fn parse(payload: &str) -> Option<(u64, Option<String>)> {
    let (company, date) = payload.split_once(' ')?;
    Some((
        company.parse().ok()?,
        (date != "*").then(|| date.to_owned()),
    ))
}

/// Listens for changed days until the task is stopped, handing each to `drop_cached`.
pub fn follow(
    store: Store,
    drop_cached: Arc<dyn Fn(Change) + Send + Sync>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let mut listener = match store.listen(CHANNEL).await {
                Ok(Some(l)) => l,
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for changed days; retrying");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    continue;
                }
            };
            // Whatever happened before this connection listened is unknown.
            drop_cached(None);
            loop {
                match listener.try_recv().await {
                    Ok(Some(n)) => match parse(n.payload()) {
                        Some(change) => drop_cached(Some(change)),
                        None => {
                            tracing::warn!(payload = n.payload(), "unreadable changed-day notice")
                        }
                    },
                    // Reconnected: notices may have been missed.
                    Ok(None) => drop_cached(None),
                    Err(e) => {
                        tracing::warn!(error = %e, "lost the changed-days listener");
                        break;
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn a_notice_names_the_company_and_the_day_or_every_day() {
        assert_eq!(
            parse("410201 2026-12-08"),
            Some((410201, Some("2026-12-08".into())))
        );
        assert_eq!(parse("410201 *"), Some((410201, None)));
        assert_eq!(parse("x 2026-12-08"), None);
        assert_eq!(parse(""), None);
    }
}
