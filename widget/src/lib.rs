//! The zapis booking widget: Leptos (CSR) components, mounted inside a Shadow DOM root so the
//! host page's CSS cannot break it and its CSS cannot leak out.
//!
//! `widget-embed` ships this crate as a cdylib; embed.js calls [`embed::open`] / [`embed::mount`]
//! through it. Components live in files named after what they show.

pub mod app;
pub mod embed;
pub mod i18n;
pub mod options;
mod style;

pub use options::Options;
