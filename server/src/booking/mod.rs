//! The booking domain: catalog reads through a cache, and the booking itself — parsed at the
//! edge, stored before the visitor is answered, exactly one YCLIENTS record per booking. Routes: [`http`]; the
//! visitor's cancel page: [`cancel`].

mod assigned;
pub mod book;
pub mod cache;
pub mod cancel;
pub mod catalog;
pub mod http;
pub mod openapi;
pub mod outbound;
pub mod params;
pub mod phone;
pub mod request;
pub mod status;
pub mod upstream;
