//! A small HTML writer that escapes every interpolated value: markup comes only from
//! `&'static str` templates, values only through [`Html::put`] and [`Html::text`].

use std::fmt::{Display, Write};

use crate::util::html::esc;

#[derive(Debug, Default)]
pub struct Html {
    buf: String,
}

impl Html {
    pub fn new() -> Self {
        Self::default()
    }

    /// Markup written in the source.
    pub fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.buf.push_str(markup);
        self
    }

    /// Escaped text.
    pub fn text(&mut self, value: impl Display) -> &mut Self {
        let mut s = String::new();
        let _ = write!(s, "{value}");
        self.buf.push_str(&esc(&s));
        self
    }

    /// `template` with each `{}` replaced by the next value, escaped.
    pub fn put(&mut self, template: &'static str, values: &[&dyn Display]) -> &mut Self {
        let mut values = values.iter();
        let mut parts = template.split("{}");
        if let Some(first) = parts.next() {
            self.buf.push_str(first);
        }
        for part in parts {
            if let Some(v) = values.next() {
                self.text(v);
            }
            self.buf.push_str(part);
        }
        self
    }

    /// Appends another writer's output (escaped when it was written).
    pub fn append(&mut self, other: Html) -> &mut Self {
        self.buf.push_str(&other.buf);
        self
    }

    pub fn finish(self) -> String {
        self.buf
    }
}

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
    fn every_value_is_escaped_and_markup_is_kept() {
        let mut h = Html::new();
        h.put("<td title=\"{}\">{}</td>", &[&"a\"b", &"<script>&"]);
        assert_eq!(
            h.finish(),
            "<td title=\"a&quot;b\">&lt;script&gt;&amp;</td>"
        );
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(money(12500.0, true), "12\u{202f}500");
        assert_eq!(money(99.5, true), "99,50");
        assert_eq!(money(1234567.25, false), "1\u{202f}234\u{202f}567.25");
        assert_eq!(percent(0.125, true), "12,5 %");
        assert_eq!(seg("a b/ц"), "a%20b%2F%D1%86");
    }
}
