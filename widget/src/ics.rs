//! An iCalendar file for "add to calendar", made in the browser and offered as a `data:` URL.

use protocol::booking::BookingResult;

use crate::format::to_utc_stamp;

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | ';' | ',' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// The booking as a one-event calendar; `None` when its time can't be read.
pub fn calendar(res: &BookingResult) -> Option<String> {
    let start = to_utc_stamp(&res.datetime, 0)?;
    let end = to_utc_stamp(&res.datetime, i64::from(res.length.max(1)))?;
    let summary = text(&res.services.join(", "));
    let location = text(
        &[res.branch.as_str(), res.address.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", "),
    );
    let description = text(
        &[res.staff.as_str(), res.cancel_url.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".into(),
        "PRODID:-//zapis//booking widget//EN".into(),
        "METHOD:PUBLISH".into(),
        "BEGIN:VEVENT".into(),
        format!("UID:{}@zapis", text(&res.id)),
        format!("DTSTAMP:{start}"),
        format!("DTSTART:{start}"),
        format!("DTEND:{end}"),
        format!("SUMMARY:{summary}"),
        format!("LOCATION:{location}"),
        format!("DESCRIPTION:{description}"),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ];
    Some(lines.join("\r\n") + "\r\n")
}

/// `data:text/calendar,…` for an `<a download>`.
pub fn data_url(ics: &str) -> String {
    format!(
        "data:text/calendar;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(ics))
    )
}
