//! The zapis server as a library: `startup::Application` builds and runs it; `tests/` start it on
//! a free port through one `spawn_app` helper.
//!
//! Layers, leaves first: `util` (clock, crypto, url) and `config`; components (`store`, `metrics`,
//! `sites`, `limits`, the handles in `webhooks::hooks`, `reconcile::reconciler`, …); `app` (the
//! shared state, which imports components only); each capability's `http.rs` (its router);
//! `routes` (merges the routers, adds the layers); `startup` (builds and runs; used by `main.rs`
//! and tests alone).
//!
//! Data flows one way: browser → `protocol` types → handler (`routes`, `ingest`) → domain →
//! `store` or upstream (`yclients`).

pub mod app;
pub mod assets;
pub mod attribution;
pub mod auth;
pub mod booking;
pub mod cabinet;
pub mod calls;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod dashboard;
pub mod error;
pub mod events;
pub mod imports;
pub mod ingest;
pub mod limits;
pub mod metrics;
pub mod net;
pub mod ops;
pub mod reconcile;
pub mod reports;
pub mod routes;
pub mod serve;
pub mod sites;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod util;
pub mod webhooks;
