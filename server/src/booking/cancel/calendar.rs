//! The move page's month, laid out as the widget's calendar: a weekday header, the days with
//! free time as links, the others shown but not links, the chosen day `aria-current`, and the
//! previous and next months while there is something to see there.

use jiff::civil::Date;

use super::{MONTHS, WEEKDAYS, t};
use crate::error::Lang;

const NOMINATIVE: [&str; 12] = [
    "Январь",
    "Февраль",
    "Март",
    "Апрель",
    "Май",
    "Июнь",
    "Июль",
    "Август",
    "Сентябрь",
    "Октябрь",
    "Ноябрь",
    "Декабрь",
];
const SHORT: [(&str, &str); 7] = [
    ("Пн", "Mon"),
    ("Вт", "Tue"),
    ("Ср", "Wed"),
    ("Чт", "Thu"),
    ("Пт", "Fri"),
    ("Сб", "Sat"),
    ("Вс", "Sun"),
];

/// One day of the grid; `day == 0` is a blank before the 1st or after the last.
pub struct Cell {
    pub day: i8,
    /// The link that shows the day's times, when it has free time.
    pub href: Option<String>,
    pub current: bool,
    /// "суббота, 12 декабря" / "Saturday, 12 December".
    pub label: String,
}

pub struct Month {
    /// "Декабрь 2026" / "December 2026".
    pub title: String,
    /// Weekday columns: the short name shown and the full one for screen readers.
    pub weekdays: [(&'static str, &'static str); 7],
    pub weeks: Vec<[Cell; 7]>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// "суббота, 12 декабря" / "Saturday, 12 December".
pub fn day_in_words(lang: Lang, d: Date) -> String {
    let w = WEEKDAYS[d.weekday().to_monday_zero_offset() as usize];
    let m = MONTHS[(d.month() - 1) as usize];
    match lang {
        Lang::Ru => format!("{}, {} {}", w.0, d.day(), m.0),
        Lang::En => format!("{}, {} {}", w.1, d.day(), m.1),
    }
}

/// The month starting `first` (a 1st): `free` are the days with free time (ascending,
/// `YYYY-MM-DD`), `today` the branch's today; `href(month, day)` is a link on this page.
pub fn month(
    lang: Lang,
    first: Date,
    free: &[String],
    chosen: Option<Date>,
    today: Date,
    href: impl Fn(Date, Option<Date>) -> String,
) -> Month {
    let title = match lang {
        Lang::Ru => format!(
            "{} {}",
            NOMINATIVE[(first.month() - 1) as usize],
            first.year()
        ),
        Lang::En => format!(
            "{} {}",
            MONTHS[(first.month() - 1) as usize].1,
            first.year()
        ),
    };
    let lead = first.weekday().to_monday_zero_offset() as usize;
    let days = first.days_in_month() as usize;
    let mut cells: Vec<Cell> = (0..lead).map(|_| blank()).collect();
    for n in 1..=days {
        let d = first.with().day(n as i8).build().unwrap_or(first);
        let key = d.to_string();
        let open = d >= today && free.binary_search(&key).is_ok();
        cells.push(Cell {
            day: n as i8,
            href: open.then(|| href(first, Some(d))),
            current: chosen == Some(d),
            label: day_in_words(lang, d),
        });
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(blank());
    }
    let mut weeks = Vec::new();
    let mut it = cells.into_iter();
    loop {
        let week: Vec<Cell> = it.by_ref().take(7).collect();
        let Ok(week) = <[Cell; 7]>::try_from(week) else {
            break;
        };
        weeks.push(week);
    }
    let this_month = today.first_of_month();
    let prev = first
        .checked_sub(jiff::Span::new().months(1))
        .ok()
        .filter(|p| *p >= this_month)
        .map(|p| href(p, None));
    let next_first = first.checked_add(jiff::Span::new().months(1)).ok();
    let later = free.last().and_then(|l| l.parse::<Date>().ok());
    let next = next_first
        .filter(|n| later.is_some_and(|l| l >= *n))
        .map(|n| href(n, None));
    let weekdays = std::array::from_fn(|i| {
        let full = WEEKDAYS[i];
        (t(lang, SHORT[i].0, SHORT[i].1), t(lang, full.0, full.1))
    });
    Month {
        title,
        weekdays,
        weeks,
        prev,
        next,
    }
}

fn blank() -> Cell {
    Cell {
        day: 0,
        href: None,
        current: false,
        label: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_starts_on_its_weekday_and_links_only_its_free_days() {
        let first: Date = "2026-12-01".parse().unwrap();
        let today: Date = "2026-12-06".parse().unwrap();
        let free = vec![
            "2026-12-05".to_owned(),
            "2026-12-12".to_owned(),
            "2027-01-03".to_owned(),
        ];
        let chosen = "2026-12-12".parse().ok();
        let m = month(Lang::Ru, first, &free, chosen, today, |m, d| {
            format!("{m}/{}", d.map(|d| d.to_string()).unwrap_or_default())
        });
        assert_eq!(m.title, "Декабрь 2026");
        // 1 December 2026 is a Tuesday: one blank first.
        assert_eq!(m.weeks[0][0].day, 0);
        assert_eq!(m.weeks[0][1].day, 1);
        let days: Vec<&Cell> = m
            .weeks
            .iter()
            .flatten()
            .filter(|c| c.href.is_some())
            .collect();
        // The 5th has passed: only the 12th is a link, and it is the chosen one.
        assert_eq!(days.len(), 1);
        assert!(days[0].current && days[0].label == "суббота, 12 декабря");
        assert!(m.prev.is_none(), "no month before this one");
        assert_eq!(m.next.as_deref(), Some("2027-01-01/"));
    }
}
