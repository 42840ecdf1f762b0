//! Group events (classes, master classes, lectures): a visitor sees the branch's schedule with
//! the seats left and signs up for one or several seats.
//!
//! Lifecycle: the schedule is read through a cache ([`schedule`]) — one YCLIENTS search per
//! branch and period, the filters applied here. A sign-up ([`signup`]) is stored `pending` in
//! the bookings table (with the activity id and the seats) before YCLIENTS is called, then
//! `confirmed`, `failed` (full, wrong code, …) or `unknown` (looked up by `api_id`), exactly as
//! a booking ([`BookingStatus`](crate::booking::status::BookingStatus)); from there on it is a
//! lead like any booking: record webhooks bring the visit and the amount paid, and the reports
//! show it as an event sign-up with its seats. Routes: [`http`].

pub mod http;
pub mod schedule;
pub mod signup;

/// What a lead is: an individual booking, a sign-up for a group event, or a phone call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadKind {
    Booking,
    EventSignup,
    Call,
}

impl LeadKind {
    pub fn of(activity_id: Option<i64>) -> LeadKind {
        if activity_id.is_some_and(|a| a != 0) {
            LeadKind::EventSignup
        } else {
            LeadKind::Booking
        }
    }

    /// "запись на событие" / "event sign-up"; empty for a booking.
    pub fn label(self, ru: bool) -> &'static str {
        match (self, ru) {
            (LeadKind::Booking | LeadKind::Call, _) => "",
            (LeadKind::EventSignup, true) => "запись на событие",
            (LeadKind::EventSignup, false) => "event sign-up",
        }
    }
}

/// What was booked, in words: the services, or for a sign-up "запись на событие (2 места):
/// title" / "event sign-up (2 seats): title".
pub fn describe(kind: LeadKind, seats: u32, services: &[String], ru: bool) -> String {
    let titles = services.join(", ");
    if kind != LeadKind::EventSignup {
        return titles;
    }
    let seats = if ru {
        let word = match (seats % 10, seats % 100) {
            (1, n) if n != 11 => "место",
            (2..=4, n) if !(12..=14).contains(&n) => "места",
            _ => "мест",
        };
        format!("{seats} {word}")
    } else if seats == 1 {
        "1 seat".to_owned()
    } else {
        format!("{seats} seats")
    };
    format!("{} ({seats}): {titles}", kind.label(ru))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_up_says_so_with_its_seats_in_both_languages() {
        let t = vec!["Практикум".to_owned()];
        assert_eq!(
            describe(LeadKind::EventSignup, 2, &t, true),
            "запись на событие (2 места): Практикум"
        );
        assert_eq!(
            describe(LeadKind::EventSignup, 5, &t, true),
            "запись на событие (5 мест): Практикум"
        );
        assert_eq!(
            describe(LeadKind::EventSignup, 1, &t, false),
            "event sign-up (1 seat): Практикум"
        );
        assert_eq!(describe(LeadKind::Booking, 1, &t, true), "Практикум");
    }
}
