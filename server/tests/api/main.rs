//! The server over real HTTP: started on a free loopback port by `helpers::spawn_app`, on SQLite
//! and on PostgreSQL.

mod access;
mod assets;
mod booking;
mod booking_errors;
mod busy;
mod calls;
mod calls_more;
mod cancel;
mod dashboard;
mod deletion;
mod demo;
mod durations;
mod events;
mod events_after;
mod faults;
mod hardening;
mod helpers;
mod imports;
mod ingest;
mod ingest_limits;
mod journey;
mod leaks;
mod limits;
mod lockout;
mod lookups;
mod metrics;
mod owner_views;
mod proxies;
mod refused_origins;
mod reports;
mod sessions;
mod sources;
mod storm;
mod timeouts;
mod webhooks;
