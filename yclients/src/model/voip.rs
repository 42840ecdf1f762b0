//! The telephony-provider API (`POST /api/v1/voip/integration`): a provider enables itself for a
//! network with the network's CRM token, then sends a popup `event` when a call starts and the
//! call into `history` when it ends.

use serde::{Deserialize, Serialize};

/// Direction of a call as YCLIENTS names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VoipCallType {
    /// A client calls the salon (the only type that shows a popup).
    Incoming,
    /// The salon calls out.
    Outgoing,
    /// Between extensions.
    Internal,
}

/// How a call ended, for the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VoipCallStatus {
    /// Answered.
    Success,
    /// Not answered.
    Missed,
}

/// A call as `event` and `history` carry it (the token is added by the client).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoipCall {
    /// `incoming`, `outgoing` or `internal`.
    #[serde(rename = "type")]
    pub kind: VoipCallType,
    /// The client's phone, digits only.
    pub phone: String,
    /// The number the call came through (digits): routing's Phone rules match it.
    pub diversion: String,
    /// The SIP user: routing's SIP rules match it, and win over Phone rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Seconds (history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
    /// The recording's URL (history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// The provider's call id (history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    /// `success` or `missed` (history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<VoipCallStatus>,
    /// When the call started, ISO 8601 (history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}
