//! The online-booking user's own data (the client cabinet): records with their branch's rules,
//! loyalty cards, abonements, gift certificates, and the profile update.

use serde::{Deserialize, Serialize};

use super::{Record, Titled};
use crate::decode::flex;

/// An item of `GET /user/records/{id}/{hash}`: a record with the branch it is in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserRecord {
    /// The record.
    #[serde(flatten)]
    pub record: Record,
    /// The branch, with its rules for the client's own changes.
    pub company: RecordCompany,
}

/// The `company` object of a user's record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RecordCompany {
    /// Company id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Name.
    #[serde(deserialize_with = "flex::text")]
    pub title: String,
    /// Address.
    #[serde(deserialize_with = "flex::text")]
    pub address: String,
    /// The client may cancel.
    #[serde(deserialize_with = "flex::boolean")]
    pub allow_delete_record: bool,
    /// Seconds before the visit until which cancelling is allowed.
    #[serde(deserialize_with = "flex::int")]
    pub allow_delete_record_delay_step: u64,
    /// The client may reschedule.
    #[serde(deserialize_with = "flex::boolean")]
    pub allow_change_record: bool,
    /// Seconds before the visit until which rescheduling is allowed.
    #[serde(deserialize_with = "flex::int")]
    pub allow_change_record_delay_step: u64,
}

/// An item of `GET /user/loyalty_cards/{group_id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoyaltyCard {
    /// Card id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Money on the card.
    #[serde(deserialize_with = "flex::num")]
    pub balance: f64,
    /// Bonus points.
    #[serde(deserialize_with = "flex::num")]
    pub points: f64,
    /// Card number.
    #[serde(deserialize_with = "flex::text")]
    pub number: String,
    /// The card type.
    #[serde(rename = "type")]
    pub card_type: Titled,
    /// Programmes.
    #[serde(deserialize_with = "flex::list")]
    pub programs: Vec<Titled>,
}

/// An item of `GET /user/loyalty/abonements`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Abonement {
    /// Abonement id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Number.
    #[serde(deserialize_with = "flex::text")]
    pub number: String,
    /// "8 из 10".
    #[serde(deserialize_with = "flex::text")]
    pub balance_string: String,
    /// Frozen.
    #[serde(deserialize_with = "flex::boolean")]
    pub is_frozen: bool,
    /// `YYYY-MM-DD…` or empty.
    #[serde(deserialize_with = "flex::text")]
    pub expiration_date: String,
    /// Status.
    pub status: Titled,
    /// The type.
    #[serde(rename = "type")]
    pub abonement_type: Titled,
    /// Visits left, per service link.
    pub balance_container: BalanceContainer,
}

/// What an abonement still holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BalanceContainer {
    /// Links with a count of visits left each.
    #[serde(deserialize_with = "flex::list")]
    pub links: Vec<BalanceLink>,
}

/// One link of a balance container.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BalanceLink {
    /// Visits left.
    #[serde(deserialize_with = "flex::int")]
    pub count: u32,
}

/// An item of `GET /user/loyalty/certificates`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Certificate {
    /// Certificate id.
    #[serde(deserialize_with = "flex::int")]
    pub id: u64,
    /// Number.
    #[serde(deserialize_with = "flex::text")]
    pub number: String,
    /// What is left.
    #[serde(deserialize_with = "flex::num")]
    pub balance: f64,
    /// The nominal value.
    #[serde(deserialize_with = "flex::num")]
    pub default_balance: f64,
    /// `YYYY-MM-DD…` or empty.
    #[serde(deserialize_with = "flex::text")]
    pub expiration_date: String,
    /// The type.
    #[serde(rename = "type")]
    pub certificate_type: Titled,
    /// Status.
    pub status: Titled,
}

/// Body of `PUT /booking/user`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UserUpdate {
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// E-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// New phone (needs `confirmation_code`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The code `GET /booking/user/phone_confirmation` sent to the new phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmation_code: Option<String>,
}
