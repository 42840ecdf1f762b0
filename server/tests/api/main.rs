//! The server over real HTTP: started on a free loopback port by `helpers::spawn_app`, on SQLite
//! and on PostgreSQL.

mod access;
mod assets;
mod booking;
mod booking_errors;
mod busy;
mod cancel;
mod dashboard;
mod deletion;
mod demo;
mod durations;
mod faults;
mod helpers;
mod ingest;
mod journey;
mod leaks;
mod limits;
mod owner_views;
mod refused_origins;
mod proxies;
mod reports;
mod sources;
mod storm;
mod webhooks;
