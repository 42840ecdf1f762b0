//! Free times from one answer per master and day.
//!
//! YCLIENTS answers `book_times` per master, day *and* set of services, so 200 visitors asking
//! about 25 services, 7 masters and a week of days ask hundreds of different questions, and the
//! account's budget is 200 calls a minute. But a master's free time on a day is the same for
//! every service: what differs is only how long a visit takes. So zapis asks once per master
//! and day, probing with the master's shortest service (length `probe`), and works out the
//! starts for any other length `L ≥ probe` from that answer:
//!
//! - a start that fits `L` also fits `probe`, so every start for `L` is among the probe's starts;
//! - the probe's start `t` says `[t, t + probe)` is free; two starts at most `probe` apart say
//!   the time from the first to the end of the second is free (their intervals touch), so a
//!   chain of such starts is one free stretch, ending at the last start + `probe`;
//! - a probe start `t` is a start for `L` when `t + L` does not pass the end of its stretch.
//!
//! That is never *more* than YCLIENTS would offer (no taken time is shown free). It can be
//! less at the very end of a stretch: the true end lies somewhere in the last grid step after
//! `last start + probe`, so a start whose visit would end in that step is left out (none when
//! the probe's length is a multiple of the salon's grid and bookings keep to it). What a day
//! answer cannot tell (a service that needs a room, a time the salon closed to online booking
//! for one service) the booking's own `book_check` still refuses, and the visitor hears
//! "slot taken" with that day's exact times.

use jiff::Timestamp;
use yclients::model::TimeSlot;

/// One master's free starts on one day, as probed.
#[derive(Debug, Clone, PartialEq)]
pub struct MasterDay {
    /// Seconds of the probing service.
    pub probe: u32,
    /// The probe's starts, earliest first, with their instants.
    pub starts: Vec<(Timestamp, TimeSlot)>,
}

impl MasterDay {
    /// `None` when a start's `datetime` carries no offset (an instant cannot be known, so the
    /// day cannot be worked out and the exact question is asked instead).
    pub fn new(probe: u32, slots: Vec<TimeSlot>) -> Option<Self> {
        let mut starts = slots
            .into_iter()
            .map(|s| Some((s.datetime.parse::<Timestamp>().ok()?, s)))
            .collect::<Option<Vec<_>>>()?;
        starts.sort_by_key(|(t, _)| *t);
        // What the probe actually took, when YCLIENTS says.
        let probe = starts
            .first()
            .map(|(_, s)| s.seance_length)
            .filter(|l| *l > 0)
            .unwrap_or(probe);
        Some(Self { probe, starts })
    }

    /// The starts for a visit of `length` seconds (`None` when `length` is shorter than the
    /// probe: the probe's answer cannot speak for it).
    pub fn starts_for(&self, length: u32) -> Option<Vec<&TimeSlot>> {
        if length < self.probe || self.probe == 0 {
            return None;
        }
        let probe = i64::from(self.probe);
        let mut out = Vec::new();
        // Each start's stretch end, computed from the back: a start's stretch ends where the
        // next start's does when the next is at most `probe` later, else at its own end.
        let mut end = vec![0i64; self.starts.len()];
        for i in (0..self.starts.len()).rev() {
            let t = self.starts[i].0.as_second();
            end[i] = match self.starts.get(i + 1) {
                Some((next, _)) if next.as_second() - t <= probe => end[i + 1],
                _ => t + probe,
            };
        }
        for (i, (t, slot)) in self.starts.iter().enumerate() {
            if t.as_second() + i64::from(length) <= end[i] {
                out.push(slot);
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(probe_min: u32, starts: &[&str]) -> MasterDay {
        let slots = starts
            .iter()
            .map(|hm| TimeSlot {
                time: (*hm).to_owned(),
                seance_length: probe_min * 60,
                datetime: format!("2026-12-08T{hm}:00+03:00"),
                ..TimeSlot::default()
            })
            .collect();
        MasterDay::new(probe_min * 60, slots).expect("offsets")
    }

    fn times(d: &MasterDay, min: u32) -> Vec<String> {
        d.starts_for(min * 60)
            .expect("derivable")
            .into_iter()
            .map(|s| s.time.clone())
            .collect()
    }

    #[test]
    fn a_longer_visit_fits_only_where_the_free_stretch_is_long_enough() {
        // Free 10:00–11:30 and 13:00–14:00 on a 15-minute grid, probed with 30 minutes.
        let d = day(
            30,
            &[
                "10:00", "10:15", "10:30", "10:45", "11:00", "13:00", "13:15", "13:30",
            ],
        );
        assert_eq!(
            times(&d, 30),
            [
                "10:00", "10:15", "10:30", "10:45", "11:00", "13:00", "13:15", "13:30"
            ]
        );
        assert_eq!(times(&d, 60), ["10:00", "10:15", "10:30", "13:00"]);
        assert_eq!(times(&d, 90), ["10:00"]);
        assert!(times(&d, 120).is_empty());
    }

    #[test]
    fn starts_further_apart_than_the_probe_are_separate_stretches() {
        // 10:00 and 10:45 with a 30-minute probe: 10:30–10:45 may be taken.
        let d = day(30, &["10:00", "10:45"]);
        assert!(times(&d, 45).is_empty());
        assert_eq!(times(&d, 30), ["10:00", "10:45"]);
    }

    #[test]
    fn a_visit_shorter_than_the_probe_or_a_start_without_offset_is_asked_exactly() {
        let d = day(30, &["10:00"]);
        assert!(d.starts_for(15 * 60).is_none());
        let local = TimeSlot {
            time: "10:00".into(),
            seance_length: 1800,
            datetime: "2026-12-08 10:00:00".into(),
            ..TimeSlot::default()
        };
        assert!(MasterDay::new(1800, vec![local]).is_none());
    }

    #[test]
    fn an_empty_day_has_no_starts_for_any_length() {
        let d = day(30, &[]);
        assert!(times(&d, 30).is_empty());
        assert!(times(&d, 180).is_empty());
    }
}
