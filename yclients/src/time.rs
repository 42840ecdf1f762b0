//! Date-time forms YCLIENTS uses, parsed and written.
//!
//! `datetime` carries the offset with a colon (`2025-07-13T12:10:00+05:00`), `create_date`
//! without (`2025-07-13T11:49:08+0500`), `date` is local with a space (`2025-07-13 12:10:00`).

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

/// Parses an instant with an offset, in any of the forms YCLIENTS writes
/// (`+05:00`, `+0500`, `Z`, fractional seconds), or unix seconds as a string.
pub fn parse_instant(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    if let Some(fixed) = colon_offset(s)
        && let Ok(t) = fixed.parse::<Timestamp>()
    {
        return Some(t);
    }
    s.parse::<i64>()
        .ok()
        .and_then(|secs| Timestamp::from_second(secs).ok())
}

/// `…+0500` → `…+05:00`; `None` when `s` does not end in a four-digit offset.
fn colon_offset(s: &str) -> Option<String> {
    let (head, tail) = s.split_at_checked(s.len().checked_sub(5)?)?;
    let bytes = tail.as_bytes();
    if (bytes[0] == b'+' || bytes[0] == b'-') && bytes[1..].iter().all(u8::is_ascii_digit) {
        Some(format!("{head}{}:{}", &tail[..3], &tail[3..]))
    } else {
        None
    }
}

/// Parses a date-time that may carry an offset; without one it is read as local time in `tz`
/// (`2025-01-01 12:00:00`, `2016-05-20T14:30:00`, `2016-05-20T14:30`).
pub fn parse_in_zone(s: &str, tz: &TimeZone) -> Option<Timestamp> {
    parse_instant(s).or_else(|| {
        let local = s.trim().replacen(' ', "T", 1);
        let dt = local.parse::<DateTime>().ok()?;
        tz.to_timestamp(dt).ok()
    })
}

/// `2025-07-13T12:10:00+05:00` (the `datetime` form).
pub fn with_colon(z: &ZonedDateTime) -> String {
    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// `2025-07-13T11:49:08+0500` (the `create_date` / `last_change_date` form).
pub fn without_colon(z: &ZonedDateTime) -> String {
    z.strftime("%Y-%m-%dT%H:%M:%S%z").to_string()
}

/// `2025-07-13 12:10:00` (the local `date` form).
pub fn local(z: &ZonedDateTime) -> String {
    z.strftime("%Y-%m-%d %H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_documented_forms_parse() {
        let a = parse_instant("2025-07-13T12:10:00+05:00").unwrap();
        assert_eq!(parse_instant("2025-07-13T12:10:00+0500"), Some(a));
        assert_eq!(parse_instant("2025-07-13T07:10:00.000Z"), Some(a));
        let tz = TimeZone::get("Asia/Yekaterinburg").unwrap();
        assert_eq!(parse_in_zone("2025-07-13 12:10:00", &tz), Some(a));
        assert_eq!(parse_in_zone("2025-07-13T12:10", &tz), Some(a));
        let z = a.to_zoned_datetime(tz);
        assert_eq!(with_colon(&z), "2025-07-13T12:10:00+05:00");
        assert_eq!(without_colon(&z), "2025-07-13T12:10:00+0500");
        assert_eq!(local(&z), "2025-07-13 12:10:00");
    }
}
