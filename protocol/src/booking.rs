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
    /// As typed, as in [`BookingRequest::phone`].
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 32, example = "+7 916 123-45-67")
    )]
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingRequest {
    #[serde(deserialize_with = "whole::u64")]
    pub branch: u64,
    /// 1 to 10 service ids.
    #[serde(deserialize_with = "whole::u64s")]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 10))]
    pub services: Vec<u64>,
    /// 0 = any master.
    #[serde(deserialize_with = "whole::u64")]
    pub staff: u64,
    /// The chosen slot's `datetime`, as `Times` gave it: `YYYY-MM-DDTHH:MM:SS±HH:MM`.
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$"
        )
    )]
    pub datetime: String,
    /// Not blank, at most 100 characters, no control characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    /// As typed (at most 32 bytes); the server parses and normalises it
    /// (`+7 (916) 123-45-67` → `79161234567`).
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 32, example = "+7 916 123-45-67")
    )]
    pub phone: String,
    /// Required when the branch's `email_required`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: Option<String>,
    /// Required when the branch's `comment_required`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub comment: Option<String>,
    /// Consent to personal-data processing was given (required when the site asks for it).
    #[serde(default)]
    pub consent: bool,
    /// The SMS code, when the branch requires one (`phone_confirmation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9]{0,10}$"))]
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
    /// Visitor id: 32 lowercase hex chars.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9a-f]{32}$"))]
    pub vid: String,
    /// Session id: 32 lowercase hex chars.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9a-f]{32}$"))]
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
    /// A one-time receipt that opens the client cabinet signed in (`SignIn::Booking`), when the
    /// booking proved the phone with an SMS code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cabinet: Option<String>,
}

/// JSON numbers read as JSON Schema (and so the API document) reads them: `2.0` is the
/// integer 2, as `2` is. serde's `u64` takes only the second spelling; these take both, and
/// refuse a fraction, a negative number or a float past 2^53 (where it no longer names one
/// integer).
pub(crate) mod whole {
    use serde::{Deserialize, Deserializer, de};

    struct Whole(u64);

    impl<'de> Deserialize<'de> for Whole {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl de::Visitor<'_> for V {
                type Value = Whole;
                fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
                    f.write_str("a non-negative integer")
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<Whole, E> {
                    Ok(Whole(v))
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<Whole, E> {
                    u64::try_from(v)
                        .map(Whole)
                        .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<Whole, E> {
                    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
                    if v.fract() == 0.0 && (0.0..=EXACT).contains(&v) {
                        Ok(Whole(v as u64))
                    } else {
                        Err(E::invalid_value(de::Unexpected::Float(v), &self))
                    }
                }
            }
            d.deserialize_any(V)
        }
    }

    pub fn u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        Whole::deserialize(d).map(|w| w.0)
    }

    pub fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        Option::<Whole>::deserialize(d).map(|o| o.map(|w| w.0))
    }

    pub fn u64s<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
        Vec::<Whole>::deserialize(d).map(|v| v.into_iter().map(|w| w.0).collect())
    }

    #[cfg(test)]
    mod tests {
        #[derive(Debug, serde::Deserialize)]
        struct T {
            #[serde(deserialize_with = "super::u64")]
            n: u64,
            #[serde(deserialize_with = "super::u64s")]
            ns: Vec<u64>,
        }

        fn read(json: &str) -> Result<(u64, Vec<u64>), String> {
            serde_json::from_str::<T>(json)
                .map(|t| (t.n, t.ns))
                .map_err(|e| e.to_string())
        }

        #[test]
        fn a_whole_number_is_an_integer_in_either_spelling() {
            assert_eq!(
                read(r#"{"n": 2, "ns": [3, 4.0, 5e2]}"#),
                Ok((2, vec![3, 4, 500]))
            );
            assert_eq!(read(r#"{"n": 2.0, "ns": []}"#), Ok((2, vec![])));
            assert_eq!(
                read(r#"{"n": 18446744073709551615, "ns": []}"#),
                Ok((u64::MAX, vec![]))
            );
        }

        #[test]
        fn fractions_negatives_and_inexact_floats_are_refused() {
            for json in [
                r#"{"n": 2.5, "ns": []}"#,
                r#"{"n": -1, "ns": []}"#,
                r#"{"n": -0.5, "ns": []}"#,
                r#"{"n": 1e300, "ns": []}"#,
                r#"{"n": "2", "ns": []}"#,
                r#"{"n": 1, "ns": [1.5]}"#,
            ] {
                assert!(read(json).is_err(), "{json}");
            }
        }
    }
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
    /// A group event has fewer seats left than asked (the message names the next one).
    pub const EVENT_FULL: &str = "event_full";
    /// More seats than the salon lets one sign-up take (`Schedule::max_seats`).
    pub const TOO_MANY_SEATS: &str = "too_many_seats";
    /// The event is not in the branch's schedule (any more), or has begun.
    pub const EVENT_GONE: &str = "event_gone";
}
