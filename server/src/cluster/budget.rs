//! The YCLIENTS call budget shared by every instance on one PostgreSQL database: YCLIENTS allows
//! 5 calls a second and 200 a minute per account and address, however many servers make them.
//! Each instance first waits for its own budget (`yclients`' in-process one, which orders its
//! callers by priority), then takes a slot here: one short transaction that, under an advisory
//! lock per upstream origin, reads the sends of the last minute and records this one if both
//! windows have room — else says how long to wait. Catalogue reads leave the last
//! [`BOOKING_RESERVE`] slots of each minute to booking calls, so a booking on one instance does
//! not wait behind another instance's backlog of reads.

use std::{future::Future, pin::Pin, time::Duration};

use yclients::{Priority, RateLimit, SharedBudget};

use crate::store::{BudgetTry, Store};

/// Slots of each minute only booking calls may take.
pub const BOOKING_RESERVE: u32 = 10;

/// Slots of each minute an import leaves to visitors (their reads and bookings), on top of
/// [`BOOKING_RESERVE`]: a running import never takes the whole minute from another instance's
/// visitors. (It also leaves one slot of each second.)
pub const VISITOR_RESERVE: u32 = 20;

pub struct StoreBudget {
    store: Store,
}

impl StoreBudget {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl SharedBudget for StoreBudget {
    fn take<'a>(
        &'a self,
        origin: &'a str,
        limit: RateLimit,
        priority: Priority,
    ) -> Pin<Box<dyn Future<Output = Result<(), Duration>> + Send + 'a>> {
        Box::pin(async move {
            let window = 60_000 + limit.margin.as_millis() as i64;
            match self
                .store
                .take_upstream_slot(origin, window, |t| decide(t, limit, priority))
                .await
            {
                // A little jitter, so that instances waiting for the same slot do not ask at
                // the same instant.
                Ok(verdict) => verdict
                    .map_err(|ms| Duration::from_millis(ms as u64 + rand::random::<u64>() % 20)),
                Err(e) => {
                    // The store is down: this instance's own budget still holds it to the
                    // limit, and no booking can be stored meanwhile anyway.
                    tracing::warn!(error = %e, "shared YCLIENTS budget unavailable; using this instance's own");
                    Ok(())
                }
            }
        })
    }
}

/// `Ok` to send now, or the milliseconds until a slot frees.
fn decide(t: &BudgetTry, limit: RateLimit, priority: Priority) -> Result<(), i64> {
    let margin = limit.margin.as_millis() as i64;
    let per_minute = match priority {
        Priority::Booking => limit.per_minute,
        Priority::Import => limit
            .per_minute
            .saturating_sub(BOOKING_RESERVE + VISITOR_RESERVE),
        _ => limit.per_minute.saturating_sub(BOOKING_RESERVE),
    };
    // An import leaves one send of every second to visitors, so a visitor's call waiting here
    // is never behind it (the minute's cap, not this, bounds an import's pace).
    let per_second = match priority {
        Priority::Import => limit.per_second.saturating_sub(1),
        _ => limit.per_second,
    };
    let mut at = t.now;
    for (count, window) in [(per_second, 1_000 + margin), (per_minute, 60_000 + margin)] {
        let count = count.max(1) as usize;
        // `recent` is newest first: the count-th newest send opens the window that is full.
        if let Some(oldest) = t.recent.get(count - 1) {
            at = at.max(oldest + window);
        }
    }
    if at <= t.now { Ok(()) } else { Err(at - t.now) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit() -> RateLimit {
        RateLimit {
            per_second: 5,
            per_minute: 200,
            margin: Duration::from_millis(100),
        }
    }

    #[test]
    fn the_sixth_send_within_a_second_waits_for_the_first_to_age_out() {
        let t = BudgetTry {
            now: 10_000,
            recent: vec![9_900, 9_800, 9_700, 9_600, 9_500],
        };
        assert_eq!(decide(&t, limit(), Priority::Catalog), Err(600));
        let t = BudgetTry {
            now: 10_000,
            recent: vec![9_900, 9_800, 9_700, 9_600],
        };
        assert_eq!(decide(&t, limit(), Priority::Catalog), Ok(()));
    }

    #[test]
    fn reads_leave_the_last_slots_of_a_minute_to_bookings() {
        // 190 sends spread over the last 50 s: reads wait, a booking goes.
        let t = BudgetTry {
            now: 100_000,
            recent: (0..190).map(|i| 99_000 - i * 250).collect(),
        };
        assert!(decide(&t, limit(), Priority::Catalog).is_err());
        assert_eq!(decide(&t, limit(), Priority::Booking), Ok(()));
    }

    #[test]
    fn an_import_leaves_more_of_the_minute_to_visitors_than_reads_do() {
        // 175 sends in the last 50 s: an import row waits, a visitor's read goes.
        let t = BudgetTry {
            now: 100_000,
            recent: (0..175).map(|i| 99_000 - i * 280).collect(),
        };
        assert!(decide(&t, limit(), Priority::Import).is_err());
        assert_eq!(decide(&t, limit(), Priority::Catalog), Ok(()));
        // Four sends in the last second: a visitor's read takes the fifth, an import waits.
        let t = BudgetTry {
            now: 10_000,
            recent: vec![9_900, 9_800, 9_700, 9_600],
        };
        assert!(decide(&t, limit(), Priority::Import).is_err());
        assert_eq!(decide(&t, limit(), Priority::Catalog), Ok(()));
    }
}
