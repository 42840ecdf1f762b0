//! The client cabinet: a salon's client signs in on the salon's own site (phone + SMS code, or
//! email + password) and sees their visits, balances and classes, cancels and reschedules within
//! the salon's rules, asks the salon questions, and may delete the account.
//!
//! Served under `/api/v1/sites/{site}/cabinet/…`. A signed-in browser holds an opaque session
//! (kept in the salon site's own `localStorage`, never a cookie: third-party cookies are blocked)
//! and sends it as the header [`SESSION_HEADER`]; the YCLIENTS user token stays on the server.
//! Requests without a valid session answer 401 `not_signed_in`.
//!
//! Endpoints (all JSON; errors in the API's `ErrorBody` shape):
//! - `POST code` [`CodeRequest`] → 202 [`CodeSent`]
//! - `POST sessions` [`SignIn`] → 201 [`SignedIn`]; `POST sessions/second-step` [`SecondStep`] → 204
//! - `DELETE sessions/current` (sign out) → 204; `DELETE sessions` (sign out everywhere) → 204
//! - `GET me` → [`Me`]; `PUT me` [`ProfileUpdate`] → [`Me`]; `PUT password` [`PasswordUpdate`] → 204
//! - `GET visits` → [`Visits`]; `PUT visits/{id}` [`Reschedule`] → [`Visit`]; `DELETE visits/{id}` → 204
//! - `GET balances` → [`Balances`]
//! - `GET questions` → `[Thread]`; `POST questions` [`Ask`] → 201 [`Thread`];
//!   `GET questions/{id}` → [`Thread`]; `POST questions/{id}` [`Ask`] → [`Thread`]
//! - `DELETE account` → [`Deleted`]

use serde::{Deserialize, Serialize};

/// The header carrying the cabinet session.
pub const SESSION_HEADER: &str = "x-zapis-cabinet";

/// `POST …/cabinet/code`: send an SMS code to this phone (to sign in, or to prove a phone).
/// 202 with [`CodeSent`]; 429 `too_many_codes` with `retry_after` when throttled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeRequest {
    /// As typed; the server normalises it (`+7 916 …`, `8 916 …`).
    pub phone: String,
    /// The branch whose SMS sender is used; the site's first branch when absent.
    #[serde(
        default,
        deserialize_with = "crate::booking::whole::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub branch: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeSent {
    /// Seconds before another code may be asked for this phone.
    pub resend_after: u32,
}

/// `POST …/cabinet/sessions`: sign in. 201 with [`SignedIn`]; 401 `wrong_code` /
/// `wrong_password`; 429 `too_many_attempts` with `retry_after`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum SignIn {
    /// Phone + the SMS code from `…/cabinet/code`. A phone never seen makes a new account
    /// (`name` then required: every registration field is).
    Sms {
        phone: String,
        code: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// Email + password (any characters, any length). When the account asks for a second step,
    /// the answer is `SignedIn { second_step: Some(..) }` and the session is not usable until
    /// `…/cabinet/sessions/second-step` gets the SMS code.
    Password { email: String, password: String },
    /// The booking the visitor just made with an SMS code proves the phone: the booking's
    /// receipt (`BookingResult.cabinet`, in the 201 answer only) is exchanged once, within 10
    /// minutes, for a session.
    Booking { receipt: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedIn {
    /// The opaque session: store it, send it as [`SESSION_HEADER`].
    pub session: String,
    /// Set when the session still waits for a second step: the phone the code went to, masked
    /// (`+7 916 ***-**-67`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_step: Option<String>,
}

/// `POST …/cabinet/sessions/second-step`: the SMS code of the second step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondStep {
    pub code: String,
}

/// `GET …/cabinet/me`: who is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub name: String,
    /// `+79161234567`.
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The ways this account signs in.
    pub identities: Vec<Identity>,
    /// A password sign-in asks for an SMS code too.
    pub second_step: bool,
    /// Questions with an answer the client has not read.
    pub unread: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Identity {
    pub kind: IdentityKind,
    /// The phone or email, shown to its owner.
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    Phone,
    Email,
}

/// `PUT …/cabinet/me`: profile. A new phone needs the code `…/cabinet/code` sent to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileUpdate {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// `PUT …/cabinet/password`: set or change the password of the email sign-in (adds the email
/// identity when there is none yet); `second_step` turns the SMS step on or off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordUpdate {
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_password: Option<String>,
    pub new_password: String,
    pub second_step: bool,
}

/// `GET …/cabinet/visits`: every record of this client in the site's branches, online and made
/// at the salon, upcoming first (soonest first), then past (latest first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Visits {
    pub upcoming: Vec<Visit>,
    pub past: Vec<Visit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Visit {
    /// YCLIENTS record id.
    pub id: u64,
    pub branch: u64,
    pub branch_title: String,
    /// Branch-local with offset: `YYYY-MM-DDTHH:MM:SS±HH:MM`.
    pub datetime: String,
    /// Minutes.
    pub length: u32,
    pub services: Vec<VisitService>,
    /// 0 = any master.
    pub staff: u64,
    pub master: String,
    /// Seats, for a group event sign-up.
    pub seats: u32,
    /// The group event this record signs up for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<u64>,
    /// Made online (widget, app) rather than at the salon.
    pub online: bool,
    pub attendance: Attendance,
    /// What was paid (past visits; 0 when unknown).
    pub paid: f64,
    /// Cancel: allowed now, and until when (branch-local), as the salon's rule says.
    pub cancel: Rule,
    /// Reschedule, likewise.
    pub reschedule: Rule,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitService {
    pub id: u64,
    pub title: String,
    pub cost: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    Waiting,
    Confirmed,
    Came,
    NoShow,
}

/// A salon rule for the client's own change: shown before the button, not after an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rule {
    pub allowed: bool,
    /// The last moment it is allowed (branch-local with offset), when the salon sets a window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Hours before the visit the window closes (0 = until the visit starts).
    pub hours_before: u32,
}

/// `PUT …/cabinet/visits/{id}`: move a visit (same services and master) to a free time from
/// the booking calendar. 409 `slot_taken`; 403 `not_allowed` outside the salon's window.
/// `DELETE …/cabinet/visits/{id}`: cancel (204; 403 `not_allowed` outside the window).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reschedule {
    /// The new start, as the times endpoint lists it.
    pub datetime: String,
}

/// `GET …/cabinet/balances`: loyalty cards, abonements and gift certificates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Balances {
    pub cards: Vec<LoyaltyCard>,
    pub abonements: Vec<Abonement>,
    pub certificates: Vec<Certificate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoyaltyCard {
    pub id: u64,
    pub title: String,
    pub number: String,
    /// Money on the card.
    pub balance: f64,
    /// Bonus points.
    pub points: f64,
    /// The card's programmes, as the salon names them ("5% скидка", "кешбэк 10%").
    pub programs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Abonement {
    pub id: u64,
    pub title: String,
    pub number: String,
    /// Visits left, as YCLIENTS words it ("8 из 10").
    pub balance: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visits_left: Option<u32>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    pub frozen: bool,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Certificate {
    pub id: u64,
    pub title: String,
    pub number: String,
    pub balance: f64,
    /// The nominal value.
    pub nominal: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    pub status: String,
}

/// `GET …/cabinet/questions`: the client's threads with the salon, newest activity first.
/// `POST …/cabinet/questions` with [`Ask`] starts one (201 [`Thread`]); `POST
/// …/cabinet/questions/{id}` with [`Ask`] (no `visit`) adds a message. Reading a thread
/// (`GET …/cabinet/questions/{id}`) marks the salon's answers read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ask {
    pub text: String,
    /// The visit the question is about.
    #[serde(
        default,
        deserialize_with = "crate::booking::whole::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub visit: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Thread {
    pub id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<u64>,
    /// Messages the salon wrote that the client has not read.
    pub unread: u32,
    pub messages: Vec<Message>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    /// `true`: the salon wrote it.
    pub from_salon: bool,
    pub text: String,
    /// UTC, RFC 3339.
    pub at: String,
}

/// `DELETE …/cabinet/account`: what was erased and what remains (the salon keeps the client's
/// card and visit history in YCLIENTS, which has no client-side deletion; the salon is told).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deleted {
    /// Lines for the client, in the request's language (`Accept-Language`).
    pub remains: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::Ask;

    #[test]
    fn a_visit_id_written_as_a_whole_float_is_read_and_a_fraction_is_not() {
        let read = |json: &str| serde_json::from_str::<Ask>(json).map(|a| a.visit);
        assert_eq!(read(r#"{"text":"?","visit":7.0}"#).unwrap(), Some(7));
        assert_eq!(read(r#"{"text":"?","visit":7}"#).unwrap(), Some(7));
        assert_eq!(read(r#"{"text":"?"}"#).unwrap(), None);
        assert!(read(r#"{"text":"?","visit":7.5}"#).is_err());
    }
}
