//! When a link runs by itself: never (by hand only), every N minutes (5 min … 24 h), at times
//! of day in the site's time zone, or after another link's run. Times of day are kept as wall
//! clock times and resolved in the zone at each step, so a DST change moves nothing: 09:00 stays
//! 09:00 (a time that does not exist that day runs at the first instant after the gap; one that
//! exists twice runs once, at the first). A time less than 5 minutes ahead when the schedule is
//! saved first runs tomorrow.

use jiff::{SignedDuration, Timestamp, civil::Time, tz::TimeZone};
use serde::{Deserialize, Serialize};

/// The shortest and longest interval.
pub const MIN_MINUTES: u32 = 5;
pub const MAX_MINUTES: u32 = 24 * 60;

/// How far ahead a time of day must be to run today when the schedule is saved.
const LEAD: SignedDuration = SignedDuration::from_mins(5);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Schedule {
    #[default]
    Manual,
    Interval {
        minutes: u32,
    },
    /// `HH:MM` wall-clock times in the site's zone.
    Times {
        times: Vec<String>,
    },
    /// When the other link's run finishes.
    After {
        link: i64,
    },
}

impl Schedule {
    /// Reads the form's fields: `kind`, `minutes`, `times` ("09:00, 18:30"), `after`.
    pub fn from_form(
        kind: &str,
        minutes: &str,
        times: &str,
        after: &str,
    ) -> Result<Schedule, (String, String)> {
        match kind {
            "" | "manual" => Ok(Schedule::Manual),
            "interval" => match minutes.trim().parse::<u32>() {
                Ok(m) if (MIN_MINUTES..=MAX_MINUTES).contains(&m) => {
                    Ok(Schedule::Interval { minutes: m })
                }
                _ => Err((
                    format!("Интервал — от {MIN_MINUTES} до {MAX_MINUTES} минут."),
                    format!("The interval is {MIN_MINUTES} to {MAX_MINUTES} minutes."),
                )),
            },
            "times" => {
                let mut list = Vec::new();
                for t in times
                    .split([',', ' ', ';'])
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                {
                    match Time::strptime("%H:%M", t) {
                        Ok(time) => list.push(time.strftime("%H:%M").to_string()),
                        Err(_) => {
                            return Err((
                                format!("«{t}» — не время (ЧЧ:ММ)."),
                                format!("'{t}' is not a time (HH:MM)."),
                            ));
                        }
                    }
                }
                list.sort();
                list.dedup();
                if list.is_empty() {
                    return Err((
                        "Укажите хотя бы одно время.".into(),
                        "Give at least one time.".into(),
                    ));
                }
                Ok(Schedule::Times { times: list })
            }
            "after" => match after.trim().parse::<i64>() {
                Ok(link) if link > 0 => Ok(Schedule::After { link }),
                _ => Err(("Выберите связь.".into(), "Pick a link.".into())),
            },
            _ => Err(("Неизвестное расписание.".into(), "Unknown schedule.".into())),
        }
    }

    fn times(&self) -> Vec<Time> {
        match self {
            Schedule::Times { times } => times
                .iter()
                .filter_map(|t| Time::strptime("%H:%M", t).ok())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The first run after the schedule is saved at `now`.
    pub fn first(&self, now: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        match self {
            Schedule::Times { .. } => self.next_time(now + LEAD, tz, true),
            _ => self.next(now, tz),
        }
    }

    /// The run after one that started at `now`.
    pub fn next(&self, now: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        match self {
            Schedule::Manual | Schedule::After { .. } => None,
            Schedule::Interval { minutes } => Some(
                now + SignedDuration::from_mins(i64::from(
                    (*minutes).clamp(MIN_MINUTES, MAX_MINUTES),
                )),
            ),
            Schedule::Times { .. } => self.next_time(now, tz, false),
        }
    }

    /// The earliest listed time at or after (`inclusive`) / after `from`, today or later.
    fn next_time(&self, from: Timestamp, tz: &TimeZone, inclusive: bool) -> Option<Timestamp> {
        let times = self.times();
        let day = from.to_zoned_datetime(tz.clone()).date();
        for d in 0..3 {
            let date = day.checked_add(jiff::Span::new().days(d)).ok()?;
            let mut at: Vec<Timestamp> = times
                .iter()
                .filter_map(|t| {
                    tz.to_ambiguous_timestamp(date.to_datetime(*t))
                        .compatible()
                        .ok()
                })
                .filter(|t| if inclusive { *t >= from } else { *t > from })
                .collect();
            at.sort();
            if let Some(first) = at.first() {
                return Some(*first);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str, tz: &TimeZone) -> Timestamp {
        let dt: jiff::civil::DateTime = s.parse().unwrap();
        tz.to_ambiguous_timestamp(dt).compatible().unwrap()
    }

    fn local(t: Timestamp, tz: &TimeZone) -> String {
        t.to_zoned_datetime(tz.clone())
            .strftime("%Y-%m-%d %H:%M %Z")
            .to_string()
    }

    fn times(list: &[&str]) -> Schedule {
        Schedule::Times {
            times: list.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_time_less_than_five_minutes_ahead_first_runs_tomorrow() {
        let tz = TimeZone::get("Europe/Moscow").unwrap();
        let s = times(&["09:00", "12:00"]);
        let first = s.first(at("2025-03-10T11:56", &tz), &tz).unwrap();
        assert_eq!(local(first, &tz), "2025-03-11 09:00 MSK");
        let first = s.first(at("2025-03-10T11:55", &tz), &tz).unwrap();
        assert_eq!(local(first, &tz), "2025-03-10 12:00 MSK");
        // Later runs take the next time, however close.
        let next = s.next(at("2025-03-10T11:58", &tz), &tz).unwrap();
        assert_eq!(local(next, &tz), "2025-03-10 12:00 MSK");
    }

    #[test]
    fn times_of_day_keep_their_wall_clock_across_dst() {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        let s = times(&["02:30", "09:00"]);
        // 2025-03-30: clocks jump 02:00 → 03:00; 02:30 does not exist, runs right after the gap.
        let next = s.next(at("2025-03-29T21:00", &tz), &tz).unwrap();
        assert_eq!(local(next, &tz), "2025-03-30 03:30 CEST");
        let next = s.next(next, &tz).unwrap();
        assert_eq!(local(next, &tz), "2025-03-30 09:00 CEST");
        // 2025-10-26: 02:30 happens twice; it runs once.
        let first = s.next(at("2025-10-26T00:00", &tz), &tz).unwrap();
        assert_eq!(local(first, &tz), "2025-10-26 02:30 CEST");
        let then = s.next(first, &tz).unwrap();
        assert_eq!(local(then, &tz), "2025-10-26 09:00 CET");
    }

    #[test]
    fn an_interval_is_kept_between_five_minutes_and_a_day() {
        assert!(Schedule::from_form("interval", "4", "", "").is_err());
        assert!(Schedule::from_form("interval", "1441", "", "").is_err());
        assert_eq!(
            Schedule::from_form("interval", "30", "", ""),
            Ok(Schedule::Interval { minutes: 30 })
        );
        assert_eq!(
            Schedule::from_form("times", "", "18:30, 9:05", ""),
            Ok(times(&["09:05", "18:30"]))
        );
        assert!(Schedule::from_form("times", "", "25:00", "").is_err());
    }
}
