//! What the widget reads to let a visitor choose: the site's branches, services, masters, dates
//! and times. Served under `/api/v1/sites/{site}/…` (see the server's `routes/booking`).
//!
//! Ids are YCLIENTS ids as numbers. Times are the branch's local time; every branch carries its
//! IANA time zone so the widget can say when the visitor's zone differs.

use serde::{Deserialize, Serialize};

use crate::site::Theme;

/// `GET /api/v1/sites/{site}/config`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteInfo {
    pub site: String,
    /// Default language (`ru` | `en`).
    pub lang: String,
    pub theme: Theme,
    /// One for a single salon; several for a chain (the widget then starts with a branch step).
    pub branches: Vec<Branch>,
    /// Link to the personal-data policy shown beside the consent checkbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_url: Option<String>,
    /// The analytics goals the widget fires on a booking (Metrica, GA4/GTM).
    #[serde(default)]
    pub goals: crate::site::Goals,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Branch {
    pub id: u64,
    pub title: String,
    pub address: String,
    /// IANA zone, e.g. `Europe/Moscow`.
    pub timezone: String,
    /// The company requires an SMS code before booking.
    pub phone_confirmation: bool,
    /// The company asks for an email.
    pub email_required: bool,
    /// The comment field is mandatory.
    #[serde(default)]
    pub comment_required: bool,
    /// Nearest free time at this branch, branch-local `YYYY-MM-DDTHH:MM:SS±HH:MM`, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nearest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// How a time at the branch is said, by its zone's city: «по времени Екатеринбурга».
    #[serde(default)]
    pub zone_ru: String,
    /// The same in English: "Yekaterinburg time".
    #[serde(default)]
    pub zone_en: String,
}

/// `GET /api/v1/sites/{site}/branches/{branch}/services[?staff=ID]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Services {
    pub categories: Vec<Category>,
    pub services: Vec<Service>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    pub id: u64,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Service {
    pub id: u64,
    pub category_id: u64,
    pub title: String,
    /// Roubles. A range (`price_min < price_max`) is shown as "from–to".
    pub price_min: f64,
    pub price_max: f64,
    /// Seconds, as the salon's catalogue has it: the chosen master's own, or (any master) the
    /// shortest among the masters who do the service; 0 when the catalogue gives none.
    pub duration: u32,
    /// Seconds: the longest among the masters when masters differ (any master), else 0 — the
    /// widget shows "30 мин – 45 мин".
    #[serde(default, skip_serializing_if = "is_zero")]
    pub duration_max: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// `GET /api/v1/sites/{site}/branches/{branch}/staff?services=1,2[&datetime=…]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffList {
    pub staff: Vec<Staff>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Staff {
    pub id: u64,
    pub name: String,
    /// Position or specialization (`Топ-стилист`).
    pub position: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar: Option<String>,
    /// 0–5.
    #[serde(default)]
    pub rating: f32,
    /// Whether the master can be booked for the chosen services at all.
    pub bookable: bool,
    /// The master's nearest free time, branch-local ISO datetime.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nearest: Option<String>,
}

/// `GET /api/v1/sites/{site}/branches/{branch}/dates?services=1,2&staff=ID` (staff 0 = any)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dates {
    /// Days with free time, `YYYY-MM-DD`, branch-local, ascending.
    pub dates: Vec<String>,
    pub timezone: String,
}

/// `GET /api/v1/sites/{site}/branches/{branch}/times?services=1,2&staff=ID&date=YYYY-MM-DD`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Times {
    pub date: String,
    pub timezone: String,
    pub slots: Vec<Slot>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slot {
    /// `HH:MM`, branch-local.
    pub time: String,
    /// Branch-local ISO datetime with offset: what the booking sends back.
    pub datetime: String,
    /// Seconds the visit takes.
    pub length: u32,
}
