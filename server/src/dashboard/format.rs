//! How the dashboard writes numbers, money, times and path segments (the markup itself is in the
//! templates, `server/templates/dashboard/`). Russian: `12 500 ₽`, `99,50 ₽`, `12,5 %`;
//! English: `₽12,500`, `₽99.50`, `12.5%` — the same rules on every page.

pub use crate::util::url::seg;

/// Digits grouped by thousands: a narrow no-break space in Russian, a comma in English.
fn grouped(whole: u64, ru: bool) -> String {
    let digits = whole.to_string();
    let sep = if ru { '\u{202f}' } else { ',' };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A call lead in a line: `Звонок на +7 (495) 300-00-00 · 2:30 · повторный`, and what followed
/// (`записан на 12 дек., оплачено 3 500 ₽`).
pub fn call_text(l: super::i18n::L, c: &crate::reports::calls::CallLead) -> String {
    let mut parts = vec![if c.number.is_empty() {
        l.t("Звонок", "Call").to_owned()
    } else {
        format!("{} {}", l.t("Звонок на", "Call to"), c.number)
    }];
    if c.answered {
        parts.push(format!("{}:{:02}", c.duration / 60, c.duration % 60));
    }
    parts.push(
        if c.repeat {
            l.t("повторный", "repeat caller")
        } else {
            l.t("первый", "first call")
        }
        .to_owned(),
    );
    if !c.followed.is_empty() {
        parts.push(crate::calls::followed::describe(&c.followed, l.ru()));
    }
    parts.join(" · ")
}

/// A whole number: `12 500` / `12,500`.
pub fn count(n: i64, ru: bool) -> String {
    let sign = if n < 0 { "−" } else { "" };
    format!("{sign}{}", grouped(n.unsigned_abs(), ru))
}

/// A sum without the currency sign: `12 500`, `99,50` (ru) / `12,500`, `99.50` (en).
pub fn amount(v: f64, ru: bool) -> String {
    let cents_total = (v.abs() * 100.0).round() as u64;
    let (whole, cents) = (cents_total / 100, cents_total % 100);
    let sign = if v < 0.0 && cents_total > 0 {
        "−"
    } else {
        ""
    };
    let whole = grouped(whole, ru);
    if cents == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}{}{cents:02}", if ru { ',' } else { '.' })
    }
}

/// A sum in roubles: `12 500 ₽` (ru) / `₽12,500` (en).
pub fn money(v: f64, ru: bool) -> String {
    let a = amount(v, ru);
    if ru {
        format!("{a}\u{a0}₽")
    } else if let Some(rest) = a.strip_prefix('−') {
        format!("−₽{rest}")
    } else {
        format!("₽{a}")
    }
}

/// A price range in roubles: one sum when both ends agree, else `2 000–3 500 ₽` / `₽2,000–3,500`.
pub fn money_range(min: f64, max: f64, ru: bool) -> String {
    if (max - min).abs() < 0.005 {
        return money(min, ru);
    }
    if ru {
        format!("{}–{}\u{a0}₽", amount(min, ru), amount(max, ru))
    } else {
        format!("₽{}–{}", amount(min, ru), amount(max, ru))
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
        format!("{}\u{a0}%", p.replace('.', ","))
    } else {
        format!("{p}%")
    }
}

/// A change against the previous period: `+12,5 %` / `−3.0%`, or `None` when there was
/// nothing to compare with.
pub fn change(now: f64, before: f64, ru: bool) -> Option<String> {
    if before.abs() < f64::EPSILON {
        return None;
    }
    let d = (now - before) / before;
    let sign = if d > 0.0005 {
        "+"
    } else if d < -0.0005 {
        "−"
    } else {
        "±"
    };
    Some(format!("{sign}{}", percent(d.abs(), ru)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well_in_each_language() {
        assert_eq!(money(12500.0, true), "12\u{202f}500\u{a0}₽");
        assert_eq!(money(12500.0, false), "₽12,500");
        assert_eq!(money(99.5, true), "99,50\u{a0}₽");
        assert_eq!(money(-5.0, false), "−₽5");
        assert_eq!(amount(1234567.25, false), "1,234,567.25");
        assert_eq!(
            money_range(2000.0, 3500.0, true),
            "2\u{202f}000–3\u{202f}500\u{a0}₽"
        );
        assert_eq!(money_range(2000.0, 2000.0, false), "₽2,000");
        assert_eq!(count(1234, true), "1\u{202f}234");
        assert_eq!(count(1234, false), "1,234");
        assert_eq!(percent(0.125, true), "12,5\u{a0}%");
        assert_eq!(change(12.0, 10.0, false).as_deref(), Some("+20.0%"));
        assert_eq!(change(5.0, 10.0, true).as_deref(), Some("−50,0\u{a0}%"));
        assert_eq!(change(5.0, 0.0, true), None);
        assert_eq!(seg("a b/ц"), "a%20b%2F%D1%86");
    }
}
