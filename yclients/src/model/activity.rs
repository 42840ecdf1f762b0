//! Group events ("activities"): search and booking.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Contact, Query, RecordStaff, push, push_ids};
use crate::decode::flex;

/// Filters of `GET /activity/{company_id}/search/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityQuery {
    /// First date (required by the API).
    pub from: Date,
    /// Last date (required by the API).
    pub till: Date,
    /// Only these services.
    pub service_ids: Vec<u64>,
    /// Only these masters.
    pub staff_ids: Vec<u64>,
    /// Only in these rooms (resources).
    pub resource_ids: Vec<u64>,
    /// Page, from 1.
    pub page: Option<u32>,
    /// Page size (default 25).
    pub count: Option<u32>,
}

impl ActivityQuery {
    /// All events between two dates.
    pub fn between(from: Date, till: Date) -> Self {
        ActivityQuery {
            from,
            till,
            service_ids: Vec::new(),
            staff_ids: Vec::new(),
            resource_ids: Vec::new(),
            page: None,
            count: None,
        }
    }

    pub(crate) fn to_query(&self) -> Query {
        let mut q = Query::new();
        push(&mut q, "from", Some(self.from));
        push(&mut q, "till", Some(self.till));
        push_ids(&mut q, "service_ids", &self.service_ids);
        push_ids(&mut q, "staff_ids", &self.staff_ids);
        push_ids(&mut q, "resource_ids", &self.resource_ids);
        push(&mut q, "page", self.page);
        push(&mut q, "count", self.count);
        q
    }
}

/// A group event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Activity {
    /// Event id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Service id.
    #[serde(deserialize_with = "flex::int")]
    pub service_id: u64,
    /// Company id.
    #[serde(deserialize_with = "flex::int")]
    pub company_id: u64,
    /// Master id.
    #[serde(deserialize_with = "flex::int")]
    pub staff_id: u64,
    /// Local start, `2021-06-03 13:30:00`.
    #[serde(deserialize_with = "flex::text")]
    pub date: String,
    /// Start, unix seconds.
    #[serde(deserialize_with = "flex::int")]
    pub timestamp: i64,
    /// Duration, seconds.
    #[serde(deserialize_with = "flex::int")]
    pub length: u32,
    /// Places.
    #[serde(deserialize_with = "flex::int")]
    pub capacity: u32,
    /// Places taken.
    #[serde(deserialize_with = "flex::int")]
    pub records_count: u32,
    /// `forbidden`, `allowed`, `required`.
    #[serde(deserialize_with = "flex::text")]
    pub prepaid: String,
    /// The service.
    #[serde(deserialize_with = "flex::opt_object")]
    pub service: Option<ActivityService>,
    /// The master.
    #[serde(deserialize_with = "flex::opt_object")]
    pub staff: Option<RecordStaff>,
    /// Rooms and other resources, as sent.
    #[serde(deserialize_with = "flex::list")]
    pub resource_instances: Vec<Value>,
}

impl Activity {
    /// Places still free.
    pub fn places_left(&self) -> u32 {
        self.capacity.saturating_sub(self.records_count)
    }
}

/// The service of a group event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityService {
    /// Service id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Category id.
    #[serde(deserialize_with = "flex::int")]
    pub category_id: u64,
    /// Name.
    #[serde(deserialize_with = "flex::text")]
    pub title: String,
    /// Lowest price.
    #[serde(deserialize_with = "flex::num")]
    pub price_min: f64,
    /// Highest price.
    #[serde(deserialize_with = "flex::num")]
    pub price_max: f64,
    /// Description.
    #[serde(deserialize_with = "flex::text")]
    pub comment: String,
    /// Its category.
    #[serde(deserialize_with = "flex::opt_object")]
    pub category: Option<ActivityCategory>,
}

/// The category of a group event's service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityCategory {
    /// Category id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Name.
    #[serde(deserialize_with = "flex::text")]
    pub title: String,
}

/// Body of `POST /activity/{company_id}/{activity_id}/book`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityBooking {
    /// Who books, and the booking's tags.
    #[serde(flatten)]
    pub contact: Contact,
    /// Places to take (default 1).
    #[serde(
        deserialize_with = "flex::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub clients_count: Option<u32>,
    /// Record-level custom fields (not in the documented body; sent like `book_record`'s,
    /// which YCLIENTS may ignore here).
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub custom_fields: serde_json::Map<String, Value>,
}

/// Answer of an activity booking. The key is `hash` here, not `record_hash`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityBooked {
    /// Record id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Record hash (32 hex).
    #[serde(deserialize_with = "flex::text")]
    pub hash: String,
}

/// `GET /activity/{company_id}/search_dates_range/`: the first and last day with events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityDatesRange {
    /// `YYYY-MM-DD`, empty when there are no events.
    #[serde(deserialize_with = "flex::text")]
    pub min_date: String,
    /// `YYYY-MM-DD`, empty when there are no events.
    #[serde(deserialize_with = "flex::text")]
    pub max_date: String,
}

/// One filter of `GET /activity/{company_id}/filters/` (`service_ids`, `staff_ids`,
/// `resource_ids`: the codes are our assumption).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityFilter {
    /// What it filters by.
    #[serde(deserialize_with = "flex::text")]
    pub code: String,
    /// Shown name.
    #[serde(deserialize_with = "flex::text")]
    pub title: String,
    /// The choices.
    #[serde(deserialize_with = "flex::list")]
    pub data: Vec<ActivityFilterItem>,
}

/// A choice of an activity filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityFilterItem {
    /// Id of the service, master or room.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Its name.
    #[serde(deserialize_with = "flex::text")]
    pub title: String,
    /// No events with it in the period.
    #[serde(deserialize_with = "flex::boolean")]
    pub is_disabled: bool,
}
