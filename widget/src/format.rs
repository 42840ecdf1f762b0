//! Prices, durations, plurals and dates per language, by hand (no chrono: size matters).
//!
//! Dates are civil dates in the branch's zone as the server sends them (`YYYY-MM-DD`,
//! `YYYY-MM-DDTHH:MM:SS±HH:MM`); nothing here converts zones except [`to_utc_stamp`] and [`local_when`].

use crate::i18n::Lang;

/// Index of the plural form: Russian one / few / many; English one / other (1).
pub fn plural_index(lang: Lang, n: u64) -> usize {
    match lang {
        Lang::En => usize::from(n != 1),
        Lang::Ru => {
            let (d, h) = (n % 10, n % 100);
            if d == 1 && h != 11 {
                0
            } else if (2..=4).contains(&d) && !(12..=14).contains(&h) {
                1
            } else {
                2
            }
        }
    }
}

/// `2 услуги`, `5 услуг`, `1 service`.
pub fn count(lang: Lang, n: u64, forms: &[&'static str; 3]) -> String {
    format!("{n} {}", forms[plural_index(lang, n)])
}

/// Whole roubles with thousands grouped: `12 500` (ru, no-break space) / `12,500` (en).
/// Kopecks are shown only when there are any.
pub fn money(lang: Lang, v: f64) -> String {
    let cents = (v.abs() * 100.0).round() as u64;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let sep = if lang == Lang::Ru { '\u{a0}' } else { ',' };
    let mut out = String::new();
    if v < 0.0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    if frac != 0 {
        out.push(if lang == Lang::Ru { ',' } else { '.' });
        out.push_str(&format!("{frac:02}"));
    }
    out
}

/// `1 500 ₽`, `1 500–2 000 ₽`; `None` when there is no price to show.
pub fn price(lang: Lang, min: f64, max: f64) -> Option<String> {
    if min <= 0.0 && max <= 0.0 {
        return None;
    }
    let mut s = money(lang, min);
    if max > min {
        s.push('–');
        s.push_str(&money(lang, max));
    }
    s.push_str("\u{a0}₽");
    Some(s)
}

/// `1 ч 30 мин`, `45 min`; "" for 0 (the catalogue gave no duration).
pub fn duration(lang: Lang, seconds: u32) -> String {
    if seconds == 0 {
        return String::new();
    }
    let t = lang.t();
    let minutes = seconds.div_ceil(60);
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => format!("{m}\u{a0}{}", t.minutes),
        (h, 0) => format!("{h}\u{a0}{}", t.hours),
        (h, m) => format!("{h}\u{a0}{} {m}\u{a0}{}", t.hours, t.minutes),
    }
}

/// A service's duration: `30 мин – 45 мин` when masters differ (`max` > `min`).
pub fn durations(lang: Lang, min: u32, max: u32) -> String {
    let mut s = duration(lang, min);
    if max > min {
        s.push_str(" – ");
        s.push_str(&duration(lang, max));
    }
    s
}

/// A civil date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ymd {
    pub y: i32,
    pub m: u32,
    pub d: u32,
}

impl Ymd {
    /// Reads `YYYY-MM-DD` (also the date part of an ISO datetime).
    pub fn parse(s: &str) -> Option<Ymd> {
        let y = s.get(0..4)?.parse().ok()?;
        let m = s.get(5..7)?.parse().ok()?;
        let d = s.get(8..10)?.parse().ok()?;
        (s.as_bytes().get(4) == Some(&b'-')
            && (1..=12).contains(&m)
            && d >= 1
            && d <= days_in_month(y, m))
        .then_some(Ymd { y, m, d })
    }

    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }

    /// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
    pub fn days(self) -> i64 {
        let y = i64::from(self.y) - i64::from(self.m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (i64::from(self.m) + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(z: i64) -> Ymd {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        Ymd {
            y: (yoe + era * 400 + i64::from(m <= 2)) as i32,
            m,
            d,
        }
    }

    pub fn add_days(self, n: i64) -> Ymd {
        Ymd::from_days(self.days() + n)
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> u32 {
        (self.days() + 3).rem_euclid(7) as u32
    }

    pub fn first_of_month(self) -> Ymd {
        Ymd { d: 1, ..self }
    }

    /// The first day of the month `n` months away.
    pub fn add_months(self, n: i32) -> Ymd {
        let idx = self.y * 12 + self.m as i32 - 1 + n;
        Ymd {
            y: idx.div_euclid(12),
            m: idx.rem_euclid(12) as u32 + 1,
            d: 1,
        }
    }

    /// The same day `n` months away, clamped to that month's length.
    pub fn same_day_months(self, n: i32) -> Ymd {
        let first = self.add_months(n);
        Ymd {
            d: self.d.min(days_in_month(first.y, first.m)),
            ..first
        }
    }
}

pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// `Март 2025` / `March 2025`.
pub fn month_year(lang: Lang, d: Ymd) -> String {
    format!("{} {}", lang.t().months[d.m as usize - 1], d.y)
}

/// `12 марта 2025` / `12 March 2025`.
pub fn date_long(lang: Lang, d: Ymd) -> String {
    format!("{} {} {}", d.d, lang.t().months_of[d.m as usize - 1], d.y)
}

/// `Ср, 12 марта` / `We, 12 March`.
pub fn date_short(lang: Lang, d: Ymd) -> String {
    let t = lang.t();
    format!(
        "{}, {} {}",
        t.weekdays[d.weekday() as usize],
        d.d,
        t.months_of[d.m as usize - 1]
    )
}

/// `HH:MM` of an ISO datetime (`2025-03-12T14:00:00+03:00` → `14:00`).
pub fn hhmm(iso: &str) -> &str {
    iso.get(11..16).unwrap_or("")
}

/// `Ср, 12 марта, 14:00` for an ISO datetime; the input itself when it can't be read.
pub fn when(lang: Lang, iso: &str) -> String {
    match Ymd::parse(iso) {
        Some(d) => format!("{}, {}", date_short(lang, d), hhmm(iso)),
        None => iso.to_owned(),
    }
}

/// An instant (`2026-12-06T17:05:00Z`, a message's time) on the visitor's own clock, as
/// [`when`] writes it: the browser knows the visitor's zone.
pub fn local_when(lang: Lang, instant: &str) -> String {
    let d = js_sys::Date::new(&instant.into());
    if d.get_time().is_nan() {
        return when(lang, instant);
    }
    let local = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:00",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    );
    when(lang, &local)
}

/// A time at the branch said with its city (`zone`: «по времени Екатеринбурга»), and the
/// visitor's own clock beside it when that reads otherwise: `Сб, 12 дек., 10:00 по времени
/// Екатеринбурга (у вас 08:00)`, with the date too when it is another day for the visitor.
pub fn zoned(lang: Lang, iso: &str, zone: &str) -> String {
    let there = when(lang, iso);
    let here = local_when(lang, iso);
    let mut out = if zone.is_empty() {
        there.clone()
    } else {
        format!("{there} {zone}")
    };
    if here != there {
        let own = match (here.rsplit_once(", "), there.rsplit_once(", ")) {
            (Some((day, clock)), Some((same, _))) if day == same => clock,
            _ => &here,
        };
        out.push_str(&format!(" ({}{own})", lang.t().your_time));
    }
    out
}

/// The branch's «по времени Екатеринбурга» / "Yekaterinburg time" in the visitor's language.
pub fn zone_of(lang: Lang, b: &protocol::catalog::Branch) -> &str {
    match lang {
        Lang::Ru => &b.zone_ru,
        Lang::En => &b.zone_en,
    }
}

/// `2025-03-12T14:00:00+03:00` plus `add_minutes` → `20250312T110000Z` (for calendar files).
pub fn to_utc_stamp(iso: &str, add_minutes: i64) -> Option<String> {
    let date = Ymd::parse(iso)?;
    let num = |r: std::ops::Range<usize>| iso.get(r)?.parse::<i64>().ok();
    let (h, mi) = (num(11..13)?, num(14..16)?);
    let s = if iso.as_bytes().get(16) == Some(&b':') {
        num(17..19)?
    } else {
        0
    };
    let rest = iso
        .get(16..)?
        .trim_start_matches(|c: char| c == ':' || c.is_ascii_digit() || c == '.');
    let offset = match rest.as_bytes().first() {
        None | Some(b'Z') => 0,
        Some(&sign) => {
            let oh: i64 = rest.get(1..3)?.parse().ok()?;
            let om: i64 = rest.get(rest.len() - 2..)?.parse().ok()?;
            let o = oh * 60 + om;
            if sign == b'-' { -o } else { o }
        }
    };
    let total = (date.days() * 1440 + h * 60 + mi - offset + add_minutes) * 60 + s;
    let day = Ymd::from_days(total.div_euclid(86_400));
    let sec = total.rem_euclid(86_400);
    Some(format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        day.y,
        day.m,
        day.d,
        sec / 3600,
        sec % 3600 / 60,
        sec % 60
    ))
}

/// Lower case by the browser's rules (no Unicode case tables in the wasm: −7 KB gzip).
pub fn lower(s: &str) -> String {
    js_sys::JsString::from(s).to_lower_case().into()
}
