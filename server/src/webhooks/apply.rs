//! A record's state in YCLIENTS applied to our booking: the outcome (upcoming, came, no-show,
//! cancelled by the client or the salon, rescheduled), what it holds, and its payments. Used by
//! the webhook processor and by the reconciler, so both judge a record the same way.

use serde_json::Value;
use yclients::model::{FinanceTransaction, Record};

use crate::{
    booking::status::Outcome,
    store::{BookingRef, Payment, RecordState, Store},
};

/// Which fields a delivery really carried: webhook `data` may hold only the changed ones, and a
/// missing field must not read as "attendance 0" or "not deleted".
#[derive(Debug, Clone, Copy)]
pub struct Present {
    pub attendance: bool,
    pub datetime: bool,
    pub deleted: bool,
    pub services: bool,
    pub staff: bool,
    pub paid_full: bool,
}

impl Present {
    /// Everything: a record read through the API.
    pub const ALL: Present = Present {
        attendance: true,
        datetime: true,
        deleted: true,
        services: true,
        staff: true,
        paid_full: true,
    };

    /// The keys present in a webhook's `data`.
    pub fn of(data: &Value) -> Present {
        let has = |k: &str| data.get(k).is_some_and(|v| !v.is_null());
        Present {
            attendance: has("attendance") || has("visit_attendance"),
            datetime: has("datetime"),
            deleted: has("deleted"),
            services: has("services"),
            staff: has("staff"),
            paid_full: has("paid_full"),
        }
    }
}

/// The state to store for `record`, judged against the booking. `deleted` is forced by a
/// `delete` delivery.
pub fn record_state(
    booking: &BookingRef,
    record: &Record,
    present: Present,
    deleted: bool,
) -> RecordState {
    let deleted = deleted || (present.deleted && record.deleted);
    let moved = present.datetime
        && !record.datetime.is_empty()
        && !same_instant(&record.datetime, &booking.datetime);
    let outcome = if deleted {
        Some(if booking.client_cancelled.is_some() {
            Outcome::CancelledClient
        } else {
            Outcome::CancelledSalon
        })
    } else if present.attendance {
        Some(match record.attendance {
            1 => Outcome::Came,
            i8::MIN..=-1 => Outcome::NoShow,
            _ if moved => Outcome::Rescheduled,
            _ => Outcome::Upcoming,
        })
    } else if moved {
        Some(Outcome::Rescheduled)
    } else if present.deleted {
        // Restored after a deletion, attendance unknown: upcoming until told otherwise.
        booking
            .outcome
            .filter(|o| o.is_cancelled())
            .map(|_| Outcome::Upcoming)
    } else {
        None
    };
    let titles: Vec<&str> = record.services.iter().map(|s| s.title.as_str()).collect();
    RecordState {
        record_id: record.id as i64,
        outcome,
        visit_at: (present.datetime && !record.datetime.is_empty())
            .then(|| record.datetime.clone()),
        changed: yclients::time::parse_instant(&record.last_change_date)
            .map_or(0, |t| t.as_millisecond()),
        staff_name: record
            .staff
            .as_ref()
            .filter(|_| present.staff)
            .map(|s| s.name.clone()),
        service_titles: (present.services && !titles.is_empty())
            .then(|| serde_json::to_string(&titles).unwrap_or_default()),
        cost: (present.services && !record.services.is_empty()).then(|| record.total_cost()),
        paid_full: present.paid_full.then_some(record.paid_full == 1),
    }
}

fn same_instant(a: &str, b: &str) -> bool {
    match (
        yclients::time::parse_instant(a),
        yclients::time::parse_instant(b),
    ) {
        (Some(x), Some(y)) => x == y,
        _ => a.get(..16) == b.get(..16),
    }
}

pub fn payment(t: &FinanceTransaction) -> Payment {
    Payment {
        id: t.id as i64,
        amount: t.amount,
        paid_at: t.date.clone(),
    }
}

/// Applies a full record read through the API: state and the complete list of payments.
pub async fn apply_full_record(
    store: &Store,
    booking: &BookingRef,
    record: &Record,
) -> Result<(), sqlx::Error> {
    let state = record_state(booking, record, Present::ALL, false);
    store.apply_record_state(&booking.id, &state).await?;
    let payments: Vec<Payment> = record.finance_transactions.iter().map(payment).collect();
    store
        .replace_payments(&booking.site, &booking.id, record.id as i64, &payments)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn booked() -> BookingRef {
        BookingRef {
            datetime: "2026-03-01T12:00:00+03:00".into(),
            outcome: Some(Outcome::Upcoming),
            ..BookingRef::default()
        }
    }

    fn state(data: Value, deleted: bool) -> RecordState {
        let record: Record = serde_json::from_value(data.clone()).unwrap();
        record_state(&booked(), &record, Present::of(&data), deleted)
    }

    #[test]
    fn each_record_state_maps_to_an_outcome() {
        assert_eq!(
            state(
                serde_json::json!({"attendance": 1, "datetime": "2026-03-01T12:00:00+03:00"}),
                false
            )
            .outcome,
            Some(Outcome::Came)
        );
        assert_eq!(
            state(serde_json::json!({"attendance": -1}), false).outcome,
            Some(Outcome::NoShow)
        );
        assert_eq!(
            state(
                serde_json::json!({"attendance": 0, "datetime": "2026-03-01T09:00:00Z"}),
                false
            )
            .outcome,
            Some(Outcome::Upcoming),
            "the same instant"
        );
        assert_eq!(
            state(
                serde_json::json!({"attendance": 2, "datetime": "2026-03-02T12:00:00+03:00"}),
                false
            )
            .outcome,
            Some(Outcome::Rescheduled)
        );
        assert_eq!(
            state(serde_json::json!({"deleted": true}), false).outcome,
            Some(Outcome::CancelledSalon)
        );
        assert_eq!(
            state(serde_json::json!({}), true).outcome,
            Some(Outcome::CancelledSalon)
        );
    }

    #[test]
    fn a_partial_delivery_changes_only_what_it_carries() {
        let s = state(serde_json::json!({"id": 5, "comment": "позвонить"}), false);
        assert_eq!(
            (s.outcome, s.visit_at, s.paid_full, s.cost, s.staff_name),
            (None, None, None, None, None)
        );
        let s = state(
            serde_json::json!({"paid_full": 1, "last_change_date": "2026-03-01T12:30:00+0300"}),
            false,
        );
        assert_eq!((s.paid_full, s.changed), (Some(true), 1_772_357_400_000));
    }
}
