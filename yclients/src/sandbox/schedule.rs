//! Free time: working windows from weekly schedules and days off, lengths per master,
//! existing records, the booking lead time and horizon — all in the branch's time zone.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

use super::seed::StaffSeed;
use super::world::{Company, World};

/// One bookable start time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    pub start: Timestamp,
    /// Seconds.
    pub length: i64,
    pub staff_id: u64,
}

/// Answers "when is who free" for one branch at one moment.
pub(crate) struct Planner<'a> {
    pub world: &'a World,
    pub company: &'a Company,
    now: Timestamp,
}

fn overlaps(a: (Timestamp, Timestamp), b: (Timestamp, Timestamp)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

fn plus(t: Timestamp, secs: i64) -> Timestamp {
    t.saturating_add(SignedDuration::from_secs(secs))
        .unwrap_or(Timestamp::MAX)
}

impl<'a> Planner<'a> {
    pub(crate) fn new(world: &'a World, company: &'a Company) -> Self {
        Planner {
            world,
            company,
            now: world.now(),
        }
    }

    /// The earliest bookable start.
    fn earliest(&self) -> Timestamp {
        plus(self.now, i64::from(self.company.seed.min_lead_minutes) * 60)
    }

    /// The last date open for booking.
    pub(crate) fn horizon(&self) -> Date {
        let today = self.company.today(self.now);
        today
            .checked_add(jiff::Span::new().days(i64::from(self.company.seed.horizon_days)))
            .unwrap_or(today)
    }

    /// Working hours of a master on a date, unless it is a day off.
    pub(crate) fn window(&self, staff: &StaffSeed, date: Date) -> Option<(Timestamp, Timestamp)> {
        if self
            .company
            .days_off
            .get(&staff.id)
            .is_some_and(|off| off.contains(&date))
        {
            return None;
        }
        let (open, close) = staff.hours_on(date.weekday())?;
        let tz = &self.company.tz;
        let open = tz.to_timestamp(date.to_datetime(open)).ok()?;
        let close = tz.to_timestamp(date.to_datetime(close)).ok()?;
        Some((open, close))
    }

    /// Masters who do all `services` (any order), highest weight first; or just `staff_id`.
    pub(crate) fn candidates(&self, staff_id: u64, services: &[u64]) -> Vec<&'a StaffSeed> {
        let company = self.company;
        let mut list: Vec<&StaffSeed> = company
            .seed
            .staff
            .iter()
            .filter(|s| staff_id == 0 || s.id == staff_id)
            .filter(|s| services.is_empty() || company.length_secs(s, services).is_some())
            .collect();
        list.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.id.cmp(&b.id)));
        list
    }

    /// Whether `staff` can take `[start, start+length)`: a working time, not in the past,
    /// within the horizon, and clear of `busy` intervals.
    pub(crate) fn is_free(
        &self,
        staff: &StaffSeed,
        start: Timestamp,
        length: i64,
        busy: &[(Timestamp, Timestamp)],
    ) -> bool {
        let date = start.to_zoned_datetime(self.company.tz.clone()).date();
        let end = plus(start, length);
        let Some((open, close)) = self.window(staff, date) else {
            return false;
        };
        start >= open
            && end <= close
            && start >= self.earliest()
            && date <= self.horizon()
            && !busy.iter().any(|b| overlaps(*b, (start, end)))
    }

    /// Free starts of one master on a date, on the branch's grid.
    /// Without chosen services, a master's time is probed with their shortest service.
    fn staff_slots(&self, staff: &StaffSeed, date: Date, services: &[u64]) -> Vec<Slot> {
        let probe: Vec<u64>;
        let services = if services.is_empty() {
            probe = self.shortest_service(staff).into_iter().collect();
            &probe
        } else {
            services
        };
        let (Some(length), Some((open, close))) = (
            self.company.length_secs(staff, services),
            self.window(staff, date),
        ) else {
            return Vec::new();
        };
        let busy = self.world.busy(staff.id);
        let step = i64::from(self.company.seed.slot_step_minutes.max(5)) * 60;
        let mut slots = Vec::new();
        let mut start = open;
        while plus(start, length) <= close {
            if self.is_free(staff, start, length, &busy) {
                slots.push(Slot {
                    start,
                    length,
                    staff_id: staff.id,
                });
            }
            start = plus(start, step);
        }
        slots
    }

    fn shortest_service(&self, staff: &StaffSeed) -> Option<u64> {
        let bookable = staff
            .services
            .iter()
            .filter_map(|id| self.company.bookable_service(*id));
        bookable.min_by_key(|s| staff.minutes_for(s)).map(|s| s.id)
    }

    /// Free starts on a date for a master, or for any master (`staff_id` 0: each start
    /// goes to the highest-weight master free then).
    pub(crate) fn day_slots(&self, staff_id: u64, date: Date, services: &[u64]) -> Vec<Slot> {
        let mut slots: Vec<Slot> = Vec::new();
        for staff in self.candidates(staff_id, services) {
            for slot in self.staff_slots(staff, date, services) {
                if !slots.iter().any(|s| s.start == slot.start) {
                    slots.push(slot);
                }
            }
        }
        slots.sort_by_key(|s| s.start);
        slots
    }

    /// Whether any candidate works on the date.
    pub(crate) fn is_working_day(&self, staff_id: u64, date: Date, services: &[u64]) -> bool {
        self.candidates(staff_id, services)
            .iter()
            .any(|s| self.window(s, date).is_some())
    }

    /// The first date from `from` (up to the horizon) with free time, and its slots.
    pub(crate) fn nearest(
        &self,
        staff_id: u64,
        services: &[u64],
        from: Date,
    ) -> Option<(Date, Vec<Slot>)> {
        let mut date = from.max(self.company.today(self.now));
        while date <= self.horizon() {
            let slots = self.day_slots(staff_id, date, services);
            if !slots.is_empty() {
                return Some((date, slots));
            }
            date = date.tomorrow().ok()?;
        }
        None
    }

    /// The master to give an "any master" appointment: the highest-weight one free then.
    pub(crate) fn resolve_any(
        &self,
        services: &[u64],
        start: Timestamp,
        extra: &[(u64, Timestamp, Timestamp)],
    ) -> Option<(&'a StaffSeed, i64)> {
        self.candidates(0, services).into_iter().find_map(|staff| {
            let length = self.company.length_secs(staff, services)?;
            self.is_free(staff, start, length, &self.busy_with(staff.id, extra))
                .then_some((staff, length))
        })
    }

    /// A master's busy intervals plus those of earlier appointments in the same request.
    pub(crate) fn busy_with(
        &self,
        staff_id: u64,
        extra: &[(u64, Timestamp, Timestamp)],
    ) -> Vec<(Timestamp, Timestamp)> {
        let mut busy = self.world.busy(staff_id);
        busy.extend(
            extra
                .iter()
                .filter(|(s, ..)| *s == staff_id)
                .map(|(_, a, b)| (*a, *b)),
        );
        busy
    }
}
