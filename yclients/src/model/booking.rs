//! Booking requests (`book_code`, `book_check`, `book_record`) and user authorisation.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Secret;
use crate::decode::flex;

/// Body of `POST /book_code/{company_id}`: asks YCLIENTS to text a confirmation code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "BookCodeWire")]
pub struct BookCode {
    /// Phone, digits with country code (`79161234567`).
    pub phone: String,
    /// Client's name (the docs' sample spells the key `fulname`; both are read, and a body with
    /// both is taken as YCLIENTS takes it — `fullname` first).
    pub fullname: String,
}

/// [`BookCode`] as it may arrive: `fullname`, `fulname`, or both (a serde alias would refuse
/// the last as a duplicate field).
#[derive(Deserialize, Default)]
#[serde(default)]
struct BookCodeWire {
    #[serde(deserialize_with = "flex::text")]
    phone: String,
    #[serde(deserialize_with = "flex::text")]
    fullname: String,
    #[serde(deserialize_with = "flex::text")]
    fulname: String,
}

impl From<BookCodeWire> for BookCode {
    fn from(w: BookCodeWire) -> Self {
        let fullname = if w.fullname.trim().is_empty() {
            w.fulname
        } else {
            w.fullname
        };
        BookCode {
            phone: w.phone,
            fullname,
        }
    }
}

/// One appointment of a `book_check` / `book_record` request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Appointment {
    /// Client-chosen correlation id, echoed in answers and errors.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Service ids.
    #[serde(deserialize_with = "flex::int_list")]
    pub services: Vec<u64>,
    /// Master; 0 means "any master".
    #[serde(deserialize_with = "flex::int")]
    pub staff_id: u64,
    /// Start, best passed exactly as `book_times` gave it.
    #[serde(deserialize_with = "flex::text")]
    pub datetime: String,
    /// Record custom fields by code.
    #[serde(
        deserialize_with = "flex::object_map",
        skip_serializing_if = "Map::is_empty"
    )]
    pub custom_fields: Map<String, Value>,
}

impl Appointment {
    /// An appointment for `services` with `staff_id` (0 = any) at a slot's `datetime`.
    pub fn new(id: u64, services: &[u64], staff_id: u64, datetime: impl Into<String>) -> Self {
        Appointment {
            id,
            services: services.to_vec(),
            staff_id,
            datetime: datetime.into(),
            custom_fields: Map::new(),
        }
    }
}

/// Who books, and how the booking is tagged: the fields `book_record` and activity
/// booking share (flattened into both bodies).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Contact {
    /// Phone, digits with country code (`79161234567`); a wrong format → 431.
    #[serde(deserialize_with = "flex::text")]
    pub phone: String,
    /// Client's name; empty → 435.
    #[serde(deserialize_with = "flex::text")]
    pub fullname: String,
    /// E-mail.
    #[serde(
        deserialize_with = "flex::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub email: Option<String>,
    /// SMS code from `book_code`, when the company confirms phones (else 432).
    #[serde(
        deserialize_with = "flex::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub code: Option<String>,
    /// Comment for the salon.
    #[serde(
        deserialize_with = "flex::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub comment: Option<String>,
    /// Source of the booking («Источник записи», e.g. `mobile`).
    #[serde(
        rename = "type",
        deserialize_with = "flex::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub source: Option<String>,
    /// Our own id for the booking; stored on every record and readable back.
    #[serde(
        deserialize_with = "flex::opt_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub api_id: Option<String>,
}

impl Contact {
    /// A contact with a phone and a name.
    pub fn new(phone: impl Into<String>, fullname: impl Into<String>) -> Contact {
        Contact {
            phone: phone.into(),
            fullname: fullname.into(),
            ..Contact::default()
        }
    }
}

/// Body of `POST /book_record/{company_id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookRecord {
    /// Who books, and the booking's tags (`api_id`, `comment`, `type`).
    #[serde(flatten)]
    pub contact: Contact,
    /// Hours before the visit to send an SMS reminder (0 = none).
    #[serde(
        deserialize_with = "flex::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub notify_by_sms: Option<u32>,
    /// Hours before the visit to send an e-mail reminder.
    #[serde(
        deserialize_with = "flex::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub notify_by_email: Option<u32>,
    /// Client-card custom fields by code.
    #[serde(
        deserialize_with = "flex::object_map",
        skip_serializing_if = "Map::is_empty"
    )]
    pub custom_fields: Map<String, Value>,
    /// The booking form the visitor used.
    #[serde(
        deserialize_with = "flex::opt_int",
        skip_serializing_if = "Option::is_none"
    )]
    pub bookform_id: Option<u64>,
    /// Appointments, one record each.
    #[serde(deserialize_with = "flex::list")]
    pub appointments: Vec<Appointment>,
}

/// One created record, per appointment and in the same order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BookedRecord {
    /// The appointment's correlation id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// The YCLIENTS record id.
    #[serde(deserialize_with = "flex::int")]
    pub record_id: u64,
    /// 32 hex characters; lets the visitor view or cancel the record without a user token.
    #[serde(deserialize_with = "flex::text")]
    pub record_hash: String,
}

/// Body of `POST /user/auth`: a salon client signs in with the SMS code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserAuth {
    /// Phone, digits with country code.
    #[serde(deserialize_with = "flex::text")]
    pub phone: String,
    /// The code sent by `book_code`.
    #[serde(deserialize_with = "flex::text")]
    pub code: String,
}

/// A signed-in user (`POST /auth` for staff, `POST /user/auth` for a salon client).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct AuthUser {
    /// User id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// The user token for `Authorization: Bearer <partner>, User <token>`.
    pub user_token: Secret,
    /// Name.
    #[serde(deserialize_with = "flex::text")]
    pub name: String,
    /// Phone.
    #[serde(deserialize_with = "flex::text")]
    pub phone: String,
    /// Login.
    #[serde(deserialize_with = "flex::text")]
    pub login: String,
    /// E-mail.
    #[serde(deserialize_with = "flex::text")]
    pub email: String,
    /// Whether the account is approved.
    #[serde(deserialize_with = "flex::boolean")]
    pub is_approved: bool,
}
