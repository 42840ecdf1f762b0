//! A booking's lifecycle as types. [`BookingStatus`] is ours: a row is written `Pending` before
//! YCLIENTS is called, then becomes `Confirmed` (a record exists) or `Failed` (YCLIENTS refused),
//! or `Unknown` when the call's outcome was lost (the reconciler looks it up by `api_id`).
//! [`Outcome`] is YCLIENTS's, for a confirmed booking, set by webhooks and the reconciler.
//! [`LeadState`] is what a report shows: the outcome when confirmed, else the status.
//!
//! The database holds these as text; `as_str()` and `FromStr` are the one place that maps them.

use std::{fmt, str::FromStr};

use serde::Serialize;

/// The text in the database named no known state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown booking state {0:?}")]
pub struct UnknownState(pub String);

macro_rules! text_enum {
    ($name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        impl $name {
            /// The text stored in the database (and shown in reports' JSON).
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownState;
            fn from_str(s: &str) -> Result<Self, UnknownState> {
                match s { $($text => Ok(Self::$variant),)+ other => Err(UnknownState(other.to_owned())) }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

/// Where our booking stands with YCLIENTS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BookingStatus {
    /// Stored, YCLIENTS being called (or the process died while it was).
    #[default]
    Pending,
    /// YCLIENTS was called and the answer was lost: looked up by `api_id` later.
    Unknown,
    /// YCLIENTS made the record.
    Confirmed,
    /// YCLIENTS refused; the stored error is answered to a repeat.
    Failed,
}

text_enum!(BookingStatus { Pending = "pending", Unknown = "unknown", Confirmed = "confirmed", Failed = "failed" });

/// What became of a confirmed booking in YCLIENTS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Upcoming,
    Came,
    NoShow,
    CancelledClient,
    CancelledSalon,
    Rescheduled,
}

text_enum!(Outcome {
    Upcoming = "upcoming",
    Came = "came",
    NoShow = "no_show",
    CancelledClient = "cancelled_client",
    CancelledSalon = "cancelled_salon",
    Rescheduled = "rescheduled",
});

impl Outcome {
    pub const fn is_cancelled(self) -> bool {
        matches!(self, Self::CancelledClient | Self::CancelledSalon)
    }
}

/// What the reports show for a booking: its outcome once confirmed, else its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeadState {
    Status(BookingStatus),
    Outcome(Outcome),
    /// A call lead: ringing, answered or missed.
    Call(crate::calls::CallStatus),
}

impl LeadState {
    /// A confirmed booking without an outcome yet is upcoming.
    pub fn of(status: BookingStatus, outcome: Option<Outcome>) -> Self {
        match (status, outcome) {
            (BookingStatus::Confirmed, Some(o)) => Self::Outcome(o),
            (BookingStatus::Confirmed, None) => Self::Outcome(Outcome::Upcoming),
            (s, _) => Self::Status(s),
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Status(s) => s.as_str(),
            Self::Outcome(o) => o.as_str(),
            Self::Call(c) => c.as_str(),
        }
    }

    pub const fn is_cancelled(self) -> bool {
        matches!(self, Self::Outcome(o) if o.is_cancelled())
    }
}

impl fmt::Display for LeadState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for LeadState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_the_text_it_is_stored_as() {
        for s in [
            BookingStatus::Pending,
            BookingStatus::Unknown,
            BookingStatus::Confirmed,
            BookingStatus::Failed,
        ] {
            assert_eq!(s.as_str().parse::<BookingStatus>(), Ok(s));
        }
        for o in [
            Outcome::Upcoming,
            Outcome::Came,
            Outcome::NoShow,
            Outcome::CancelledClient,
            Outcome::CancelledSalon,
            Outcome::Rescheduled,
        ] {
            assert_eq!(o.as_str().parse::<Outcome>(), Ok(o));
        }
        assert!("cancelled".parse::<Outcome>().is_err());
    }

    #[test]
    fn a_confirmed_booking_shows_its_outcome_and_is_upcoming_without_one() {
        assert_eq!(
            LeadState::of(BookingStatus::Confirmed, None).as_str(),
            "upcoming"
        );
        assert_eq!(
            LeadState::of(BookingStatus::Confirmed, Some(Outcome::NoShow)).as_str(),
            "no_show"
        );
        assert_eq!(
            LeadState::of(BookingStatus::Unknown, Some(Outcome::Came)).as_str(),
            "unknown"
        );
        assert!(
            LeadState::of(BookingStatus::Confirmed, Some(Outcome::CancelledSalon)).is_cancelled()
        );
    }
}
