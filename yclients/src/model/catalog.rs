//! What can be booked: services, masters, dates and time slots.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Query, push, push_ids};
use crate::decode::flex;

/// Filters shared by the `book_*` catalogue calls. Each call uses the fields it knows:
/// `staff_id`, `service_ids` and `datetime` for services/staff/seances; `date`, `date_from`,
/// `date_to` for dates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BookQuery {
    /// A chosen master; `Some(0)` or `None` means any.
    pub staff_id: Option<u64>,
    /// Services already chosen (`service_ids[]`).
    pub service_ids: Vec<u64>,
    /// A chosen moment, ISO 8601 (`2025-09-29T13:00`, or a slot's `datetime`).
    pub datetime: Option<String>,
    /// Any date of the month to list (`book_dates`).
    pub date: Option<Date>,
    /// First date of a range (`book_dates`; overrides `date`).
    pub date_from: Option<Date>,
    /// Last date of a range (`book_dates`).
    pub date_to: Option<Date>,
}

impl BookQuery {
    /// A query for one master and a set of services.
    pub fn new(staff_id: u64, service_ids: &[u64]) -> Self {
        BookQuery {
            staff_id: Some(staff_id),
            service_ids: service_ids.to_vec(),
            ..Self::default()
        }
    }

    pub(crate) fn to_query(&self) -> Query {
        let mut q = Query::new();
        push(&mut q, "staff_id", self.staff_id);
        push_ids(&mut q, "service_ids", &self.service_ids);
        push(&mut q, "datetime", self.datetime.as_ref());
        push(&mut q, "date", self.date);
        push(&mut q, "date_from", self.date_from);
        push(&mut q, "date_to", self.date_to);
        q
    }
}

/// Answer of `GET /book_services/{company_id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookServices {
    /// Bookable services.
    #[serde(deserialize_with = "flex::list")]
    pub services: Vec<Service>,
    /// Their categories. The wire key is `category` (singular); `categories` is accepted too.
    #[serde(
        rename = "category",
        alias = "categories",
        deserialize_with = "flex::list"
    )]
    pub categories: Vec<ServiceCategory>,
    /// Promotions, as sent.
    #[serde(deserialize_with = "flex::list")]
    pub events: Vec<Value>,
}

/// A bookable service.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Service {
    /// Service id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Name («Стрижка женская»).
    #[serde(deserialize_with = "flex::text")]
    pub title: String,
    /// Category id.
    #[serde(deserialize_with = "flex::int")]
    pub category_id: u64,
    /// Lowest price.
    #[serde(deserialize_with = "flex::num")]
    pub price_min: f64,
    /// Highest price.
    #[serde(deserialize_with = "flex::num")]
    pub price_max: f64,
    /// Discount, percent.
    #[serde(deserialize_with = "flex::num")]
    pub discount: f64,
    /// Description.
    #[serde(deserialize_with = "flex::text")]
    pub comment: String,
    /// Sort weight (higher first).
    #[serde(deserialize_with = "flex::int")]
    pub weight: i64,
    /// 0 any, 1 male, 2 female.
    #[serde(deserialize_with = "flex::int")]
    pub sex: u8,
    /// Image URL.
    #[serde(deserialize_with = "flex::text")]
    pub image: String,
    /// Online prepayment: `forbidden`, `allowed`, `required`.
    #[serde(deserialize_with = "flex::text")]
    pub prepaid: String,
    /// Duration in seconds for the chosen master (sent only with `staff_id`).
    #[serde(
        deserialize_with = "flex::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub seance_length: Option<u32>,
}

/// A service category.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceCategory {
    /// Category id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Name («Окрашивание»).
    #[serde(deserialize_with = "flex::text")]
    pub title: String,
    /// 0 any, 1 male, 2 female.
    #[serde(deserialize_with = "flex::int")]
    pub sex: u8,
    /// External id (`"0"` when unset).
    #[serde(deserialize_with = "flex::text")]
    pub api_id: String,
    /// Sort weight.
    #[serde(deserialize_with = "flex::int")]
    pub weight: i64,
}

/// A master as listed by `GET /book_staff/{company_id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookStaff {
    /// Staff id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Name.
    #[serde(deserialize_with = "flex::text")]
    pub name: String,
    /// Whether the master has free time for the chosen services.
    #[serde(deserialize_with = "flex::boolean")]
    pub bookable: bool,
    /// Specialization («Топ-стилист»).
    #[serde(deserialize_with = "flex::text")]
    pub specialization: String,
    /// Position; the API sends `[]` for none.
    #[serde(
        deserialize_with = "flex::opt_object",
        serialize_with = "flex::ser_opt"
    )]
    pub position: Option<Position>,
    /// Whether to show the rating (`1`/`0` on the wire, as documented).
    #[serde(
        deserialize_with = "flex::boolean",
        serialize_with = "flex::ser_bool_int"
    )]
    pub show_rating: bool,
    /// Rating, 0–5.
    #[serde(deserialize_with = "flex::num")]
    pub rating: f64,
    /// Number of votes.
    #[serde(deserialize_with = "flex::int")]
    pub votes_count: u32,
    /// Number of reviews.
    #[serde(deserialize_with = "flex::int")]
    pub comments_count: u32,
    /// Avatar URL.
    #[serde(deserialize_with = "flex::text")]
    pub avatar: String,
    /// Large avatar URL.
    #[serde(deserialize_with = "flex::text")]
    pub avatar_big: String,
    /// Sort weight.
    #[serde(deserialize_with = "flex::int")]
    pub weight: i64,
    /// About the master (HTML).
    #[serde(deserialize_with = "flex::text")]
    pub information: String,
    /// Nearest date with free time (`"2015-09-25"` or unix seconds on the wire).
    #[serde(deserialize_with = "flex::opt_date")]
    pub seance_date: Option<Date>,
    /// Free slots of that date, when sent.
    #[serde(deserialize_with = "flex::list")]
    pub seances: Vec<TimeSlot>,
}

/// A staff position.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Position {
    /// Position id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Title («Топ-стилист»).
    #[serde(deserialize_with = "flex::text")]
    pub title: String,
}

/// Answer of `GET /book_dates/{company_id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookDates {
    /// Month → days with free time (`{"9": ["4", "5"]}` on the wire; `[]` when none).
    #[serde(deserialize_with = "flex::month_days")]
    pub booking_days: BTreeMap<u8, Vec<u8>>,
    /// Dates with free time.
    #[serde(deserialize_with = "flex::dates")]
    pub booking_dates: Vec<Date>,
    /// Month → working days.
    #[serde(deserialize_with = "flex::month_days")]
    pub working_days: BTreeMap<u8, Vec<u8>>,
    /// Working dates.
    #[serde(deserialize_with = "flex::dates")]
    pub working_dates: Vec<Date>,
}

/// A free start time (`book_times`, `book_staff_seances`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeSlot {
    /// Local time, `HH:MM`.
    #[serde(deserialize_with = "flex::text")]
    pub time: String,
    /// Duration of the session, seconds.
    #[serde(deserialize_with = "flex::int")]
    pub seance_length: u32,
    /// Duration of all chosen services, seconds (not always sent).
    #[serde(
        deserialize_with = "flex::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub sum_length: Option<u32>,
    /// ISO 8601 with the branch's offset. Pass it back unchanged to `book_check`/`book_record`.
    #[serde(deserialize_with = "flex::text")]
    pub datetime: String,
}

impl TimeSlot {
    /// The instant the slot starts, when `datetime` parses.
    pub fn starts_at(&self) -> Option<Timestamp> {
        crate::time::parse_instant(&self.datetime)
    }
}

/// Answer of `GET /book_staff_seances/{company_id}/{staff_id}/`: the nearest day with free time.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StaffSeances {
    /// The day.
    #[serde(deserialize_with = "flex::opt_date")]
    pub seance_date: Option<Date>,
    /// Its free slots.
    #[serde(deserialize_with = "flex::list")]
    pub seances: Vec<TimeSlot>,
}
