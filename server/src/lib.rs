//! The zapis server as a library: `startup::Application` builds and runs it; `tests/` start it on
//! a free port through one `spawn_app` helper.
//!
//! Data flows one way: browser → `protocol` types → handler (`routes`, `ingest`) → domain →
//! `store` or upstream (`yclients`).

pub mod assets;
pub mod attribution;
pub mod auth;
pub mod booking;
pub mod config;
pub mod dashboard;
pub mod error;
pub mod ingest;
pub mod limits;
pub mod metrics;
pub mod reconcile;
pub mod reports;
pub mod routes;
pub mod sites;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod webhooks;
