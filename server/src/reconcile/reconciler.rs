//! The reconciler's handle, shared through the app state: which sites, how often, one run at a time.

use std::{sync::Arc, time::Duration};

/// The reconciler's settings and its one-run-at-a-time lock.
#[derive(Clone)]
pub struct Reconciler {
    /// Sites that book into YCLIENTS.
    pub(super) sites: Arc<Vec<String>>,
    pub(super) every: Duration,
    /// One run at a time per server: the periodic one and the dashboard's button queue.
    pub(super) running: Arc<tokio::sync::Mutex<()>>,
    /// When this process started (ms): a booking untouched since before then is in no booking
    /// flow of ours — the process that ran it died — so it is resolved without waiting.
    pub(super) started_ms: i64,
}

impl Reconciler {
    pub fn new(settings: &crate::config::Settings) -> Self {
        Self {
            sites: Arc::new(
                settings
                    .sites
                    .iter()
                    .filter(|s| s.yclients.is_some())
                    .map(|s| s.key.clone())
                    .collect(),
            ),
            every: Duration::from_secs(settings.reconciler.interval_secs),
            running: Arc::default(),
            started_ms: crate::util::clock::now_ms(),
        }
    }
}
