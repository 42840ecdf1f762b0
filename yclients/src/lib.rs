//! A typed async client for the YCLIENTS REST API (online booking, records, group events,
//! webhooks), and a faithful sandbox of that API for demos and tests.
//!
//! * [`Client`]: reqwest + rustls; `Accept: application/vnd.yclients.v2+json`; partner and
//!   user tokens kept in [`Secret`]; a timeout on every call; retries with jittered backoff
//!   for idempotent reads only; `429`/`Retry-After`; a shared client-side rate budget
//!   (5/s, 200/min) that serves booking writes before catalogue reads.
//! * [`model`]: requests and answers, decoded tolerantly (ids as numbers or strings, `meta`
//!   as `[]` or `{}`, `success:false` under 2xx, both error shapes).
//! * [`Error`]: booking refusals 431–438 as [`BookingError`] with a [`BookingCode`].
//! * `sandbox` (feature `sandbox`, on by default): the same HTTP API over seeded salon data,
//!   with test hooks and fault injection.
//!
//! The reference this follows is `yclients-api.md`; choices on its UNCONFIRMED points are
//! listed in this crate's README.

#![warn(missing_docs)]

mod client;
pub mod decode;
mod error;
pub mod model;
mod secret;
pub mod time;

#[cfg(feature = "sandbox")]
pub mod sandbox;

pub use client::{
    ACCEPT_V2, Client, ClientBuilder, PRODUCTION_BASE_URL, Priority, RateLimit, RetryPolicy,
    SharedBudget,
};
pub use error::{ApiErrorItem, BookingCode, BookingError, Error, Result};
pub use secret::Secret;
