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
