//! The salon administrator's writes used by imports: a record created as an admin
//! (`POST /records/{company_id}`) and a client card (`POST /clients/{company_id}`), and the
//! client list searched by phone (`GET /clients/{company_id}?phone=`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::decode::flex;

/// One service line of [`NewRecord`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewRecordService {
    /// Service id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Price before the discount (0: the catalogue's).
    #[serde(deserialize_with = "flex::num")]
    pub first_cost: f64,
    /// Discount, percent.
    #[serde(deserialize_with = "flex::num")]
    pub discount: f64,
    /// Price after the discount.
    #[serde(deserialize_with = "flex::num")]
    pub cost: f64,
}

/// The client of [`NewRecord`]: found by phone or made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewRecordClient {
    /// Phone, digits with the country code.
    #[serde(deserialize_with = "flex::text")]
    pub phone: String,
    /// First name.
    #[serde(deserialize_with = "flex::text")]
    pub name: String,
    /// Surname.
    #[serde(
        deserialize_with = "flex::text",
        skip_serializing_if = "String::is_empty"
    )]
    pub surname: String,
    /// E-mail.
    #[serde(
        deserialize_with = "flex::text",
        skip_serializing_if = "String::is_empty"
    )]
    pub email: String,
}

/// Body of `POST /records/{company_id}` (partner + admin user token).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewRecord {
    /// Master.
    #[serde(deserialize_with = "flex::int")]
    pub staff_id: u64,
    /// Services.
    #[serde(deserialize_with = "flex::list")]
    pub services: Vec<NewRecordService>,
    /// The client.
    pub client: NewRecordClient,
    /// Start, company-local `YYYY-MM-DD HH:MM:SS` (or ISO 8601 with an offset).
    #[serde(deserialize_with = "flex::text")]
    pub datetime: String,
    /// Length in seconds (0: the services' own).
    #[serde(deserialize_with = "flex::int")]
    pub seance_length: u64,
    /// Save even when the master is busy or off at that time.
    #[serde(deserialize_with = "flex::boolean")]
    pub save_if_busy: bool,
    /// Text the client about the record.
    #[serde(deserialize_with = "flex::boolean")]
    pub send_sms: bool,
    /// Comment.
    #[serde(
        deserialize_with = "flex::text",
        skip_serializing_if = "String::is_empty"
    )]
    pub comment: String,
    /// External id, echoed back in the record (imports: link and row key).
    #[serde(
        deserialize_with = "flex::text",
        skip_serializing_if = "String::is_empty"
    )]
    pub api_id: String,
    /// Record custom fields by code.
    #[serde(
        deserialize_with = "flex::object_map",
        skip_serializing_if = "Map::is_empty"
    )]
    pub custom_fields: Map<String, Value>,
}

/// Body of `POST /clients/{company_id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewClient {
    /// Name (required).
    #[serde(deserialize_with = "flex::text")]
    pub name: String,
    /// Phone, digits with the country code (required).
    #[serde(deserialize_with = "flex::text")]
    pub phone: String,
    /// E-mail.
    #[serde(
        deserialize_with = "flex::text",
        skip_serializing_if = "String::is_empty"
    )]
    pub email: String,
    /// Birthday, `DD-MM-YYYY` as documented (empty: none).
    #[serde(
        deserialize_with = "flex::text",
        skip_serializing_if = "String::is_empty"
    )]
    pub birth_date: String,
    /// Comment.
    #[serde(
        deserialize_with = "flex::text",
        skip_serializing_if = "String::is_empty"
    )]
    pub comment: String,
    /// Client category ids.
    #[serde(
        deserialize_with = "flex::int_list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub categories: Vec<u64>,
    /// Client-card custom fields by code.
    #[serde(
        deserialize_with = "flex::object_map",
        skip_serializing_if = "Map::is_empty"
    )]
    pub custom_fields: Map<String, Value>,
}

/// A client card as `POST /clients` and `GET /clients` answer it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientCard {
    /// Client id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Name.
    #[serde(deserialize_with = "flex::text")]
    pub name: String,
    /// Phone in any of the API's forms.
    #[serde(deserialize_with = "flex::text")]
    pub phone: String,
    /// E-mail.
    #[serde(deserialize_with = "flex::text")]
    pub email: String,
    /// Birthday as YCLIENTS writes it (`YYYY-MM-DD`, or empty).
    #[serde(deserialize_with = "flex::text")]
    pub birth_date: String,
    /// Comment.
    #[serde(deserialize_with = "flex::text")]
    pub comment: String,
    /// Categories.
    #[serde(deserialize_with = "flex::list")]
    pub categories: Vec<Value>,
    /// Client-card custom fields.
    #[serde(
        deserialize_with = "flex::object_map",
        serialize_with = "flex::ser_map"
    )]
    pub custom_fields: Map<String, Value>,
}
