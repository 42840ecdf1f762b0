//! Companies (branches), chains and booking forms.

use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Query, push, push_flag};
use crate::decode::flex;

/// Settings of an online-booking form (`GET /bookform/{id}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Bookform {
    /// Steps of the widget in display order.
    #[serde(deserialize_with = "flex::list")]
    pub steps: Vec<BookformStep>,
    /// Chain id; 0 for a single company.
    #[serde(deserialize_with = "flex::int")]
    pub group_id: u64,
    /// The company the form belongs to.
    #[serde(deserialize_with = "flex::int")]
    pub company_id: u64,
    /// Whether booking needs an SMS code (`book_code`, then `code` in `book_record`).
    #[serde(deserialize_with = "flex::boolean")]
    pub phone_confirmation: bool,
    /// Widget language, `ru-RU`.
    #[serde(deserialize_with = "flex::text")]
    pub lang: String,
    /// Whether the comment is required.
    #[serde(deserialize_with = "flex::boolean")]
    pub comment_required: bool,
    /// Whether SMS are enabled for the form.
    #[serde(deserialize_with = "flex::boolean")]
    pub sms_enabled: bool,
    /// Yandex Metrica counter id, if the salon set one.
    #[serde(deserialize_with = "flex::text")]
    pub metrika_counter_id: String,
    /// Google Analytics id, if set.
    #[serde(deserialize_with = "flex::text")]
    pub google_analytics_id: String,
    /// Text shown after booking.
    #[serde(deserialize_with = "flex::text")]
    pub booking_notify_text: String,
    /// Colours and logo, as sent.
    #[serde(deserialize_with = "flex::object_map")]
    pub style: Map<String, Value>,
}

/// One step of a booking form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookformStep {
    /// `city`, `company`, `service`, `master`, `datetime`, `contact` or `confirm`.
    #[serde(deserialize_with = "flex::text")]
    pub step: String,
    /// Title shown by the widget.
    #[serde(deserialize_with = "flex::text")]
    pub title: String,
    /// Order number.
    #[serde(deserialize_with = "flex::int")]
    pub num: u32,
    /// Hidden step (sent as `"0"`, `"1"` or a boolean).
    #[serde(deserialize_with = "flex::boolean")]
    pub hidden: bool,
    /// Preselected value (an id, `-1`, a string), as sent.
    pub default: Value,
}

/// A company (a branch of a chain): `GET /company/{id}` and items of `GET /companies`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Company {
    /// Company id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Name.
    #[serde(deserialize_with = "flex::text")]
    pub title: String,
    /// Public name, when it differs.
    #[serde(deserialize_with = "flex::text")]
    pub public_title: String,
    /// Short description ("Салон красоты").
    #[serde(deserialize_with = "flex::text")]
    pub short_descr: String,
    /// Long description (HTML).
    #[serde(deserialize_with = "flex::text")]
    pub description: String,
    /// Logo URL.
    #[serde(deserialize_with = "flex::text")]
    pub logo: String,
    /// Country name.
    #[serde(deserialize_with = "flex::text")]
    pub country: String,
    /// City id.
    #[serde(deserialize_with = "flex::int")]
    pub city_id: u64,
    /// City name.
    #[serde(deserialize_with = "flex::text")]
    pub city: String,
    /// IANA time zone of the branch (`Europe/Moscow`).
    #[serde(deserialize_with = "flex::text")]
    pub timezone_name: String,
    /// UTC offset in hours, where sent.
    #[serde(deserialize_with = "flex::num")]
    pub timezone: f64,
    /// Street address.
    #[serde(deserialize_with = "flex::text")]
    pub address: String,
    /// Phone, as the salon typed it.
    #[serde(deserialize_with = "flex::text")]
    pub phone: String,
    /// Site.
    #[serde(deserialize_with = "flex::text")]
    pub site: String,
    /// Latitude.
    #[serde(deserialize_with = "flex::num")]
    pub coordinate_lat: f64,
    /// Longitude.
    #[serde(deserialize_with = "flex::num")]
    pub coordinate_lon: f64,
    /// Whether online booking needs an SMS code.
    #[serde(deserialize_with = "flex::boolean")]
    pub phone_confirmation: bool,
    /// Number of active masters.
    #[serde(deserialize_with = "flex::int")]
    pub active_staff_count: u32,
    /// Nearest free slot, as sent (`2023-03-23T10:10:00+0300`).
    #[serde(deserialize_with = "flex::text")]
    pub next_slot: String,
    /// Main chain id.
    #[serde(deserialize_with = "flex::int")]
    pub main_group_id: u64,
    /// Currency symbol (`₽`).
    #[serde(deserialize_with = "flex::text")]
    pub currency_short_title: String,
    /// Whether the booking comment is required.
    #[serde(deserialize_with = "flex::boolean")]
    pub booking_comment_required: bool,
    /// Whether the e-mail is required.
    #[serde(deserialize_with = "flex::boolean")]
    pub booking_email_required: bool,
    /// Whether a client may cancel online.
    #[serde(deserialize_with = "flex::boolean")]
    pub allow_delete_record: bool,
    /// How long before the visit cancelling is still allowed, seconds.
    #[serde(deserialize_with = "flex::int")]
    pub allow_delete_record_delay_step: u64,
    /// Whether a client may reschedule online.
    #[serde(deserialize_with = "flex::boolean")]
    pub allow_change_record: bool,
    /// How long before the visit rescheduling is still allowed, seconds.
    #[serde(deserialize_with = "flex::int")]
    pub allow_change_record_delay_step: u64,
    /// Booking forms (with `showBookforms=1`).
    #[serde(deserialize_with = "flex::list")]
    pub bookforms: Vec<BookformRef>,
    /// Most places one online sign-up to a group event may take (0 when not sent).
    #[serde(deserialize_with = "flex::int")]
    pub activity_online_record_clients_count_max: u32,
}

impl Company {
    /// The branch's time zone, when `timezone_name` is a known IANA name.
    pub fn time_zone(&self) -> Option<TimeZone> {
        TimeZone::get(&self.timezone_name).ok()
    }
}

/// A booking form listed on a company.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookformRef {
    /// Form id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Title.
    #[serde(deserialize_with = "flex::text")]
    pub title: String,
    /// Whether it is the default form (`1`/`0` on the wire, as documented).
    #[serde(
        deserialize_with = "flex::boolean",
        serialize_with = "flex::ser_bool_int"
    )]
    pub is_default: bool,
    /// Public URL (`https://n19203.yclients.com/`).
    #[serde(deserialize_with = "flex::text")]
    pub url: String,
}

/// Filters of `GET /companies`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompaniesQuery {
    /// Only companies of this chain.
    pub group_id: Option<u64>,
    /// Only companies open for online booking (`forBooking=1`).
    pub for_booking: bool,
    /// Only active companies.
    pub active: bool,
    /// Include booking forms (`showBookforms=1`).
    pub show_bookforms: bool,
    /// Only this city.
    pub city_id: Option<u64>,
    /// Page number.
    pub page: Option<u32>,
    /// Page size.
    pub count: Option<u32>,
}

impl CompaniesQuery {
    /// The branches of a chain open for online booking.
    pub fn chain(group_id: u64) -> Self {
        CompaniesQuery {
            group_id: Some(group_id),
            for_booking: true,
            active: true,
            ..Self::default()
        }
    }

    pub(crate) fn to_query(&self) -> Query {
        let mut q = Query::new();
        push(&mut q, "group_id", self.group_id);
        push_flag(&mut q, "forBooking", self.for_booking);
        push_flag(&mut q, "active", self.active);
        push_flag(&mut q, "showBookforms", self.show_bookforms);
        push(&mut q, "city_id", self.city_id);
        push(&mut q, "page", self.page);
        push(&mut q, "count", self.count);
        q
    }
}
