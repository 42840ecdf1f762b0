//! Many instances on one database (DESIGN.md §10). Each instance has an id and keeps a lease
//! `instance:<id>` alive while it runs; background work that must run once across instances
//! (the reconciler, webhook processing) runs under a named [`Lease`]; the SMS and booking limits
//! ([`limits`]) and the YCLIENTS call budget ([`budget`]) are counted in the database.
//!
//! On SQLite — one machine, one instance by design — leases are always held (a restart does not
//! wait for its predecessor's lease to expire) and the YCLIENTS budget stays in the process; the
//! limits are in the database on both.
//!
//! What each instance still keeps to itself, and why that is safe: the catalog cache (answers
//! are copies of YCLIENTS; a day's free times are dropped by every instance as soon as one of
//! them books or hears of a record on that day ([`days`]), and a booking is checked by YCLIENTS
//! itself: a taken slot answers 409 with fresh times), the per-address limit on uncached lookups (it protects the
//! YCLIENTS budget, which is shared), single-flight of identical lookups (one call per instance
//! at most), ingest's group commit (each batch is its own transaction).

pub mod budget;
pub mod days;
pub mod lease;
pub mod limits;

use std::{sync::Arc, time::Duration};

pub use lease::Lease;

use crate::store::{Backend, Store};

/// The counter of lease-held background runs, by job.
pub const RUNS_METRIC: &str = "zapis_background_runs_total";

/// This instance: its id and how long its leases last.
#[derive(Clone)]
pub struct Cluster {
    id: Arc<str>,
    term: Duration,
    store: Store,
    /// This instance's liveness: bookings it runs are finished by another when it lapses.
    alive: Lease,
}

impl Cluster {
    pub fn new(store: Store, term: Duration) -> Self {
        let id: Arc<str> = format!("{:016x}", rand::random::<u64>()).into();
        let alive = Lease::new(&format!("instance:{id}"), &id, term, always(&store));
        Self {
            id,
            term,
            store,
            alive,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The lease `name` as this instance would hold it.
    pub fn lease(&self, name: &str) -> Lease {
        Lease::new(name, &self.id, self.term, always(&self.store))
    }

    /// Takes this instance's liveness lease (before it serves: a booking it runs must never
    /// look orphaned), then keeps it until the task is stopped.
    pub async fn start(&self) -> tokio::task::JoinHandle<()> {
        self.alive.try_hold(&self.store).await;
        let this = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(this.alive.every()).await;
                this.alive.try_hold(&this.store).await;
            }
        })
    }

    /// Gives up the liveness lease (a clean stop).
    pub async fn stop(&self) {
        self.alive.release(&self.store).await;
    }
}

fn always(store: &Store) -> bool {
    store.backend() == Backend::Sqlite
}
