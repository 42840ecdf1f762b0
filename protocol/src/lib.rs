//! Types that cross the wire between the browser (tracker, widget) and the zapis server.
//!
//! Everything here is plain data with serde derives: no I/O, compiles for wasm and native.
//! The server decodes requests with these types at the edge; the widget encodes them.

pub mod beacon;
pub mod booking;
pub mod cabinet;
pub mod catalog;
pub mod error;
pub mod events;
pub mod site;
pub mod track;

pub use error::{ErrorBody, ErrorDetail};
