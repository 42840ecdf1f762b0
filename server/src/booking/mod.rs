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
pub mod zone;

/// Free time changed at `company` on `date` (`None`: on a day not known): this instance's cached
/// answers for it go at once, and the other instances on the database are told to drop theirs.
pub async fn day_changed(app: &crate::app::AppState, company: u64, date: Option<&str>) {
    app.catalog.record_changed(company, date);
    // A record of the branch changed: group events' seats are read afresh too.
    app.schedules.changed(company);
    app.cluster.day_changed(company, date).await;
}
