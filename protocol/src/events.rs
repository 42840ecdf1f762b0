//! Group events (classes, master classes, lectures): the week's schedule with seats left, and
//! the sign-up for one or several seats. Served under `/api/v1/sites/{site}/…`.
//!
//! The schedule is what the widget renders as is: days in order, each with its events by start
//! time; every event with its time, title, master, duration, price and seats left (or full);
//! the filters (categories, masters) of the whole period, so they do not vanish while one is
//! applied; the most seats one sign-up may take and whether an SMS code is asked.

use serde::{Deserialize, Serialize};

use crate::booking::Attribution;

/// `GET /api/v1/sites/{site}/branches/{branch}/events?from=&till=&category=&staff=`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Schedule {
    pub branch: u64,
    /// IANA zone of the branch; every time below is branch-local.
    pub timezone: String,
    /// First day shown, `YYYY-MM-DD`.
    pub from: String,
    /// Last day shown, `YYYY-MM-DD`.
    pub till: String,
    /// The most seats one sign-up may take (1 or more).
    pub max_seats: u32,
    /// The branch asks for an SMS code before a sign-up (`…/branches/{branch}/code`).
    pub phone_confirmation: bool,
    /// The branch asks for an email.
    pub email_required: bool,
    /// The branch asks for a comment.
    pub comment_required: bool,
    /// The categories of the period's events (for the filter), by title.
    pub categories: Vec<Choice>,
    /// The masters of the period's events (for the filter), by name.
    pub masters: Vec<Choice>,
    /// Days with events matching the filters, in order; a day without events is left out.
    pub days: Vec<EventDay>,
}

/// A filter choice: a category or a master.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Choice {
    pub id: u64,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventDay {
    /// `YYYY-MM-DD`, branch-local.
    pub date: String,
    pub events: Vec<GroupEvent>,
}

/// One group event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupEvent {
    /// YCLIENTS activity id.
    pub id: u64,
    /// Start, branch-local with offset: `YYYY-MM-DDTHH:MM:SS±HH:MM`.
    pub datetime: String,
    /// Start time alone, `HH:MM`.
    pub time: String,
    /// Minutes.
    pub length: u32,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub service: u64,
    pub category: u64,
    pub staff: u64,
    /// The master's name.
    pub master: String,
    /// Price of one seat.
    pub price_min: f64,
    pub price_max: f64,
    pub capacity: u32,
    pub seats_left: u32,
    /// No seat left (or it has begun): cannot be signed up for.
    pub full: bool,
    /// When full: the next event of the same service with a seat left, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<u64>,
    /// The room, when the salon names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
}

/// `POST /api/v1/sites/{site}/signups` with header `Idempotency-Key` (as for bookings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignupRequest {
    #[serde(deserialize_with = "crate::booking::whole::u64")]
    pub branch: u64,
    /// The event's `id` from the schedule.
    #[serde(deserialize_with = "crate::booking::whole::u64")]
    pub event: u64,
    /// 1 to the schedule's `max_seats`.
    #[serde(deserialize_with = "crate::booking::whole::u64")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub seats: u64,
    /// Not blank, at most 100 characters, no control characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    /// As typed (at most 32 bytes).
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 32, example = "+7 916 123-45-67")
    )]
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub comment: Option<String>,
    #[serde(default)]
    pub consent: bool,
    /// The SMS code, when the schedule says `phone_confirmation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{0,10}$"))]
    pub code: Option<String>,
    /// Honeypot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<Attribution>,
}

/// `201` (or `200` on an idempotent repeat). Carries every field of
/// [`BookingResult`](crate::booking::BookingResult), so a sign-up reads as a booking too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignupResult {
    /// Our sign-up id (also YCLIENTS `api_id`).
    pub id: String,
    /// The event's id.
    pub event: u64,
    pub branch: String,
    pub address: String,
    pub datetime: String,
    pub timezone: String,
    /// Minutes.
    pub length: u32,
    /// The event's title, as a one-item list (as a booking's services).
    pub services: Vec<String>,
    pub staff: String,
    pub seats: u32,
    /// Price of all the seats.
    pub price_min: f64,
    pub price_max: f64,
    /// The visitor's link to see or cancel the sign-up.
    pub cancel_url: String,
}
