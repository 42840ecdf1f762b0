//! The zapis booking widget: Leptos 0.8 (CSR) components, mounted inside a Shadow DOM root so
//! the host page's CSS cannot break it and its CSS cannot leak out.
//!
//! `widget-embed` ships this crate as a cdylib; embed.js calls [`embed::open`] / [`embed::mount`]
//! through it. [`ui`] holds the pieces every screen shares (field, calendar, error banner,
//! summary); [`booking`] the booking flow, a component per step; [`events`] the group events'
//! schedule and sign-up; [`cabinet`] the client cabinet (shipped by `cabinet-embed`); [`api`] is
//! the only code that talks to the network.

pub mod api;
pub mod booking;
pub mod cabinet;
pub mod embed;
pub mod events;
pub mod format;
pub mod goals;
pub mod i18n;
pub mod ics;
pub mod options;
pub mod style;
pub mod ui;
pub mod validate;
pub mod wire;

pub use options::Options;
