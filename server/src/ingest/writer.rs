//! Group commit: requests hand their batch to one writer task and wait; the writer takes every
//! batch that is waiting, stores them all in one transaction, and only then answers each request.
//! While one commit runs, the next requests queue up and share the following commit.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::store::{Received, Store};

/// Most events one commit takes (keeps a transaction short under load).
const MAX_EVENTS_PER_COMMIT: usize = 5_000;
/// Requests that may wait for the writer before new ones are turned away with 503.
const QUEUE: usize = 4_096;

struct Job {
    batch: Received,
    done: oneshot::Sender<Result<(), String>>,
}

/// Handle the handlers use; cloning is cheap.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("ingest queue is full")]
    Busy,
    #[error("ingest writer stopped")]
    Stopped,
    #[error("store: {0}")]
    Store(String),
}

impl Writer {
    /// Starts the writer task on the current runtime.
    pub fn start(store: Store) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(store, rx));
        Self { tx }
    }

    /// Stores `batch` durably; returns once its transaction has committed.
    pub async fn write(&self, batch: Received) -> Result<(), WriteError> {
        let (done, wait) = oneshot::channel();
        self.tx.try_send(Job { batch, done }).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => WriteError::Busy,
            mpsc::error::TrySendError::Closed(_) => WriteError::Stopped,
        })?;
        wait.await
            .map_err(|_| WriteError::Stopped)?
            .map_err(WriteError::Store)
    }
}

async fn run(store: Store, mut rx: mpsc::Receiver<Job>) {
    let mut jobs: Vec<Job> = Vec::new();
    while let Some(first) = rx.recv().await {
        let mut events = first.batch.batch.events.len();
        jobs.push(first);
        while events < MAX_EVENTS_PER_COMMIT {
            match rx.try_recv() {
                Ok(job) => {
                    events += job.batch.batch.events.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        let batches: Vec<Received> = jobs.iter().map(|j| j.batch.clone()).collect();
        let result = commit_with_retry(&store, &batches).await;
        if let Err(e) = &result {
            tracing::error!(error = %e, batches = batches.len(), "ingest commit failed");
        } else {
            tracing::debug!(batches = batches.len(), events, "ingest commit");
        }
        for job in jobs.drain(..) {
            let _ = job.done.send(result.clone());
        }
    }
}

/// A busy SQLite file or a dropped PostgreSQL connection gets two more tries before the
/// requests are told to retry.
async fn commit_with_retry(store: &Store, batches: &[Received]) -> Result<(), String> {
    let mut last = String::new();
    for attempt in 0..3 {
        match store.insert_batches(batches).await {
            Ok(()) => return Ok(()),
            Err(e) => {
                last = e.to_string();
                tokio::time::sleep(Duration::from_millis(20 << attempt)).await;
            }
        }
    }
    Err(last)
}
