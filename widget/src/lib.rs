//! The zapis booking widget: Leptos (CSR) components, mounted inside a Shadow DOM root so the
//! host page's CSS cannot break it and its CSS cannot leak out.
//!
//! `widget-embed` ships this crate as a cdylib; embed.js calls [`embed::open`] / [`embed::mount`]
//! through it. Components live in files named after what they show; [`api`] is the only code
//! that talks to the network.

pub mod api;
pub mod app;
pub mod components;
pub mod dom;
pub mod embed;
pub mod flow;
pub mod format;
pub mod i18n;
pub mod ics;
pub mod options;
pub mod reactive;
pub mod state;
mod style;
pub mod submit;
pub mod validate;
pub mod wire;

pub use options::Options;
