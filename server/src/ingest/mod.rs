//! `POST /api/v1/t`: the tracker's beacons. The body is `protocol::track::Batch` as JSON, sent as
//! `text/plain` (sendBeacon), so the content type is not checked. A request is answered only
//! after the transaction holding its events has committed (see [`writer`]). Handler: [`http`].

pub mod bots;
pub mod http;
pub mod quota;
pub mod writer;

pub use writer::Writer;
