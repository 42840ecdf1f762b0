//! zapis' own notification (documented in the OpenAPI document as `PbxNotification`): one JSON
//! object (or form fields) per moment of a call.
//!
//! ```json
//! {"call_id": "c-1", "event": "finished", "caller": "+7 916 123-45-67",
//!  "called": "+7 (495) 100-00-01", "sip": "101", "at": "2026-12-06T10:03:10Z",
//!  "started_at": "2026-12-06T10:00:00Z", "duration": 150, "answered": true,
//!  "recording_url": "https://pbx.example/rec/c-1.mp3", "direction": "incoming"}
//! ```
//! `event`: `started`, `answered`, `finished` or `recording`; `duration`: talk seconds.

use super::{CallEvent, Fields, Refused, Stage};

/// The generic body as the OpenAPI document shows it (decoding is by [`decode`]).
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct PbxNotification {
    /// The PBX's id of the call: every notification of one call carries the same.
    pub call_id: String,
    /// `started`, `answered`, `finished` or `recording`.
    pub event: String,
    /// The caller's phone in any format; stored as digits.
    pub caller: Option<String>,
    /// The number dialled (a pool, static or the default number).
    pub called: Option<String>,
    /// The SIP extension that took the call.
    pub sip: Option<String>,
    /// When this moment happened: RFC 3339, or seconds / ms since the epoch. Default: now.
    pub at: Option<String>,
    /// When the call started, if known.
    pub started_at: Option<String>,
    /// Talk seconds.
    pub duration: Option<i64>,
    /// Whether it was answered (end notifications).
    pub answered: Option<bool>,
    /// Link to the recording (http or https).
    pub recording_url: Option<String>,
    /// `incoming` (default); others are accepted and ignored.
    pub direction: Option<String>,
}

pub fn decode(f: &Fields) -> Result<CallEvent, Refused> {
    if let Some(d) = f.text(&["direction"])
        && !matches!(d.as_str(), "in" | "incoming" | "inbound")
    {
        return Err(Refused::NotIncoming);
    }
    let stage = match f.text(&["event"]).as_deref() {
        Some("started" | "start" | "ringing" | "incoming") => Stage::Started,
        Some("answered" | "answer") => Stage::Answered,
        Some("finished" | "finish" | "ended" | "end" | "hangup") => Stage::Finished,
        Some("recording" | "record") => Stage::Recording,
        _ => return Err(Refused::Field("event")),
    };
    Ok(CallEvent {
        pbx_id: f.id(&["call_id"], "call_id")?,
        stage,
        caller: f.phone(&["caller"], "caller")?,
        called: f.phone(&["called"], "called")?,
        sip: f.text(&["sip"]).filter(|s| s.len() <= 32),
        at: f.at(&["at"], "at")?,
        started: f.time(&["started_at"], "started_at")?,
        duration: f.int(&["duration"]),
        answered: f.flag(&["answered"]),
        recording: f.link(&["recording_url"]),
    })
}
