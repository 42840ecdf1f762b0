//! YCLIENTS webhooks: `POST /hooks/yclients/{site}/{secret}`. The secret in the URL (compared
//! in constant time) authenticates the sender, since YCLIENTS signs nothing. A delivery is
//! stored and answered at once ([`http`]); a background task processes it afterwards
//! ([`process`], woken through [`Hooks`]). The same delivery twice is stored once, and
//! processing sets absolute state, so repeats change nothing.

pub mod apply;
pub mod hooks;
pub mod http;
mod process;

pub use hooks::Hooks;
pub use process::{ReadBacks, drain, run, stopped};

/// The counter of webhook deliveries by result.
pub const METRIC: &str = "zapis_webhooks_total";
