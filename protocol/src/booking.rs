//! Booking: the SMS code request and the booking itself, with the visitor's attribution.
//!
//! `POST /api/v1/sites/{site}/bookings` with header `Idempotency-Key: <uuid>` (required: a repeat
//! with the same key returns the first result; a concurrent repeat waits for it).

use serde::{Deserialize, Serialize};

use crate::track::Touch;

/// `POST /api/v1/sites/{site}/branches/{branch}/code` → 204: YCLIENTS sends an SMS code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeRequest {
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingRequest {
    pub branch: u64,
    pub services: Vec<u64>,
    /// 0 = any master.
    pub staff: u64,
    /// The chosen slot's `datetime`, as `Times` gave it.
    pub datetime: String,
    pub name: String,
    /// As typed; the server parses and normalises it (`+7 (916) 123-45-67` → `79161234567`).
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Consent to personal-data processing was given.
    #[serde(default)]
    pub consent: bool,
    /// The SMS code, when the branch requires one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Honeypot: a field people never see. Anything in it marks a bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Who is booking, from the tracker (absent when tracking is off or not consented).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<Attribution>,
}

/// The tracker's context at booking time: what ties the booking to the visitor's journey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attribution {
    pub vid: String,
    pub sid: String,
    /// The visitor's first touch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Touch>,
    /// The last non-direct touch within 90 days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Touch>,
}

/// `201` (or `200` on an idempotent repeat).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingResult {
    /// Our booking id (also YCLIENTS `api_id`).
    pub id: String,
    pub branch: String,
    pub address: String,
    pub datetime: String,
    pub timezone: String,
    /// Minutes the visit takes.
    pub length: u32,
    pub services: Vec<String>,
    pub staff: String,
    pub price_min: f64,
    pub price_max: f64,
    /// The visitor's link to see or cancel the booking (`GET/DELETE …/bookings/{id}?hash=…`).
    pub cancel_url: String,
}

/// Error codes of the booking API (`ErrorBody.error.code`), stable for the widget.
pub mod codes {
    pub const SLOT_TAKEN: &str = "slot_taken";
    pub const INVALID_PHONE: &str = "invalid_phone";
    pub const NAME_REQUIRED: &str = "name_required";
    pub const SERVICE_GONE: &str = "service_gone";
    pub const STAFF_UNAVAILABLE: &str = "staff_unavailable";
    pub const BLACKLISTED: &str = "blacklisted";
    pub const WRONG_CODE: &str = "wrong_code";
    pub const CODE_REQUIRED: &str = "code_required";
    pub const CONSENT_REQUIRED: &str = "consent_required";
    pub const UPSTREAM_UNAVAILABLE: &str = "upstream_unavailable";
    pub const RATE_LIMITED: &str = "rate_limited";
    pub const IDEMPOTENCY_KEY_REQUIRED: &str = "idempotency_key_required";
    pub const INVALID_FIELD: &str = "invalid_field";
}
