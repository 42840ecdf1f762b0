//! How the dashboard writes numbers, times and path segments (the markup itself is in the
//! templates, `server/templates/dashboard/`).

pub use crate::util::url::seg;

/// A money sum with thin spaces between thousands: `12 500`, `99,50` (ru) / `99.50` (en).
pub fn money(v: f64, ru: bool) -> String {
    let rounded = (v * 100.0).round() / 100.0;
    let whole = rounded.trunc().abs() as u64;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    let sign = if rounded < 0.0 { "−" } else { "" };
    let cents = ((rounded.abs().fract()) * 100.0).round() as u64;
    if cents == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}{}{cents:02}", if ru { ',' } else { '.' })
    }
}

/// `2025-07-13T12:10:00+05:00` as `2025-07-13 12:10` (the branch's local time, as booked).
pub fn short_time(iso: &str) -> String {
    iso.replacen('T', " ", 1).chars().take(16).collect()
}

/// A touch as `source / medium / campaign`, the empty parts left out.
pub fn touch_text(t: &crate::reports::TouchView) -> String {
    let mut text = t.source.clone();
    for part in [&t.medium, &t.campaign]
        .into_iter()
        .filter(|p| !p.is_empty())
    {
        text.push_str(" / ");
        text.push_str(part);
    }
    text
}

/// A share as a percentage: `12,5 %` / `12.5%`.
pub fn percent(v: f64, ru: bool) -> String {
    let p = format!("{:.1}", v * 100.0);
    if ru {
        format!("{} %", p.replace('.', ","))
    } else {
        format!("{p}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(money(12500.0, true), "12\u{202f}500");
        assert_eq!(money(99.5, true), "99,50");
        assert_eq!(money(1234567.25, false), "1\u{202f}234\u{202f}567.25");
        assert_eq!(percent(0.125, true), "12,5 %");
        assert_eq!(seg("a b/ц"), "a%20b%2F%D1%86");
    }
}
