//! What YCLIENTS made of a booking for "any master": the master it assigned and the visit's
//! length, read back from the record so the success screen, the .ics and the `booked` event
//! name them.

use std::time::Duration;

use super::request::ValidBooking;
use crate::{app::AppState, config::SiteSettings};

/// The master and the visit's length (minutes) of what YCLIENTS made. For "any master" the
/// records are read back: YCLIENTS assigned the master and the length is that master's; a chosen
/// master's are known already (the catalog's durations are that master's). When the read fails
/// the booking still stands, with what was asked for.
pub(super) async fn assigned(
    app: &AppState,
    site: &SiteSettings,
    valid: &ValidBooking,
    records: &[(u64, String)],
) -> (String, u32) {
    let asked = (valid.staff_name.clone(), valid.length_minutes);
    if valid.staff != 0 || records.is_empty() {
        return asked;
    }
    let Ok(up) = app.upstreams.get(&site.key) else {
        return asked;
    };
    let (mut staff, mut seconds) = (String::new(), 0u32);
    for (record, _) in records {
        let read = up.client.record(valid.branch.id, *record);
        match tokio::time::timeout(Duration::from_secs(3), read).await {
            Ok(Ok(r)) => {
                if staff.is_empty() {
                    staff = r.staff.map(|s| s.name).unwrap_or_default();
                }
                seconds += if r.length > 0 {
                    r.length
                } else {
                    r.seance_length
                };
            }
            _ => {
                tracing::info!(record, "the assigned master could not be read back");
                return asked;
            }
        }
    }
    (
        if staff.is_empty() { asked.0 } else { staff },
        if seconds > 0 { seconds / 60 } else { asked.1 },
    )
}
