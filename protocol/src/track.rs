//! Tracker beacons: `POST /api/v1/t`, body = one [`Batch`] as JSON (sent as `text/plain` by
//! `navigator.sendBeacon`, so no CORS preflight).
//!
//! The tracker (no_std, in `tracker/`) writes this JSON by hand; `tests/contract` in this crate and
//! the tracker's own tests keep the two in step. Keys are short because the tracker carries them
//! as string literals in its wasm.

use serde::{Deserialize, Serialize};

/// Limits the server enforces on a batch (the tracker keeps under them).
pub const MAX_BATCH_BYTES: usize = 32 * 1024;
pub const MAX_EVENTS_PER_BATCH: usize = 50;
pub const MAX_TEXT: usize = 2048;

/// One beacon: the events of one page (or of a retried queue) of one visitor's session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// Site key from the snippet's `data-site`.
    pub site: String,
    /// Visitor id: 32 lowercase hex chars (128 random bits).
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9a-f]{32}$"))]
    pub vid: String,
    /// Session id: 32 lowercase hex chars.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9a-f]{32}$"))]
    pub sid: String,
    /// The session's touch. Sent with every batch so that whichever batch of a session arrives
    /// first creates the session with its attribution.
    pub touch: Touch,
    /// Session start, ms since the Unix epoch (browser clock).
    pub started: u64,
    /// 1 to [`MAX_EVENTS_PER_BATCH`] events.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub events: Vec<Event>,
}

/// Where a session came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Touch {
    /// The channel: see [`Channel`]. The server sets it; trackers leave it out (old ones send
    /// their own guess, which the server replaces).
    #[serde(default)]
    pub ch: Channel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub medium: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub campaign: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub term: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub yclid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub gclid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub fbclid: Option<String>,
    /// `document.referrer` at the session's landing (empty → none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub referrer: Option<String>,
    /// Landing URL path + query.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub landing: Option<String>,
    /// When this touch happened, ms since the Unix epoch.
    #[serde(default, deserialize_with = "crate::booking::whole::u64")]
    pub ts: u64,
}

/// A touch's channel. The server decides it (`zapis::attribution`, rules in its README) from
/// what the tracker saw; a tracker sends none (old trackers in caches send their own guess, which
/// the server ignores).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Any campaign before the server classified it: what old trackers sent (and what sessions
    /// stored before the server classified them).
    Paid,
    /// Organic search: referred by a search engine (Yandex, Google, Bing, Mail.ru, 2GIS, …).
    Search,
    /// Paid search: Yandex Direct, Google Ads (a click id, a `cpc` medium, an ad redirector).
    PaidSearch,
    /// Organic social: referred by a social network or messenger (VK, OK, Telegram, …).
    Social,
    /// Paid social: a paid medium from a social network (VK Ads, Meta ads, …).
    PaidSocial,
    /// Email: a webmail referrer or an `email`/`newsletter` medium.
    Email,
    /// Referred by any other site.
    Referral,
    /// Tagged with utm parameters that fit none of the above.
    Campaign,
    /// No referrer, no campaign.
    #[default]
    Direct,
}

impl Channel {
    /// Every channel the server assigns, in report order.
    pub const ALL: [Channel; 8] = [
        Channel::Direct,
        Channel::Search,
        Channel::PaidSearch,
        Channel::Social,
        Channel::PaidSocial,
        Channel::Email,
        Channel::Referral,
        Channel::Campaign,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Paid => "paid",
            Channel::Search => "search",
            Channel::PaidSearch => "paid_search",
            Channel::Social => "social",
            Channel::PaidSocial => "paid_social",
            Channel::Email => "email",
            Channel::Referral => "referral",
            Channel::Campaign => "campaign",
            Channel::Direct => "direct",
        }
    }
}

/// One thing that happened on the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// `pageview`, `custom`, or a widget event (`widget_open`, `booked`).
    pub t: EventType,
    /// ms since the Unix epoch (browser clock).
    pub ts: u64,
    /// URL path + query of the page.
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub title: Option<String>,
    /// Name of a custom event (`zapis('track', name, props)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 2048))]
    pub name: Option<String>,
    /// Props of a custom event: a flat JSON object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub props: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Pageview,
    Custom,
    WidgetOpen,
    Booked,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Pageview => "pageview",
            EventType::Custom => "custom",
            EventType::WidgetOpen => "widget_open",
            EventType::Booked => "booked",
        }
    }
}

impl Touch {
    /// The touch's texts, each at most [`MAX_TEXT`] characters.
    pub fn texts(&self) -> impl Iterator<Item = &String> {
        [
            &self.source,
            &self.medium,
            &self.campaign,
            &self.content,
            &self.term,
            &self.yclid,
            &self.gclid,
            &self.fbclid,
            &self.referrer,
            &self.landing,
        ]
        .into_iter()
        .flatten()
    }
}

/// Whether `s` is longer than [`MAX_TEXT`] characters (characters, as the OpenAPI document's
/// `maxLength` counts them: 2,048 Cyrillic letters are 4,096 bytes and still fit).
pub fn too_long(s: &str) -> bool {
    s.len() > MAX_TEXT && s.chars().count() > MAX_TEXT
}

/// `true` when `s` is 32 lowercase hex chars: the form of visitor and session ids.
pub fn is_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// What ingest answers on success.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ack {
    /// Events stored durably.
    pub stored: u32,
}
