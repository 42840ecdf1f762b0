//! The booking domain: catalog reads through a cache, and the booking itself — parsed at the
//! edge, stored before the visitor is answered, exactly one YCLIENTS record per booking.

pub mod book;
pub mod cache;
pub mod catalog;
pub mod phone;
pub mod request;
pub mod upstream;
