//! onlinePBX webhooks: the fields of its call history (`uuid`, `caller_id_number`,
//! `destination_number`, `start_stamp` in Unix seconds, `duration`, `user_talk_time`,
//! `hangup_cause`, `accountcode` inbound|outbound) plus the webhook's `event`
//! (`call_start`, `call_answered`, `call_end`, `call_record`/`record`) and the recording link.
//! A recording not ready at hang-up comes in a later notification of the same `uuid`.

use super::{CallEvent, Fields, Refused, Stage};

pub fn decode(f: &Fields) -> Result<CallEvent, Refused> {
    if let Some(d) = f.text(&["accountcode", "direction"])
        && !matches!(d.as_str(), "inbound" | "incoming" | "in")
    {
        return Err(Refused::NotIncoming);
    }
    let event = f
        .text(&["event", "type"])
        .unwrap_or_default()
        .to_ascii_lowercase();
    let has = |w: &str| event.contains(w);
    let talk = f.int(&["user_talk_time", "dialog_duration"]);
    let hangup = f.text(&["hangup_cause"]).map(|c| c.to_ascii_uppercase());
    let stage = if has("record") {
        Stage::Recording
    } else if has("end") || has("hangup") || has("finish") || (event.is_empty() && hangup.is_some())
    {
        Stage::Finished
    } else if has("answer") {
        Stage::Answered
    } else {
        Stage::Started
    };
    let answered = match (talk, hangup.as_deref()) {
        (Some(t), _) => Some(t > 0),
        (None, Some("NO_ANSWER" | "ORIGINATOR_CANCEL" | "USER_BUSY" | "NO_USER_RESPONSE")) => {
            Some(false)
        }
        _ => None,
    };
    Ok(CallEvent {
        pbx_id: f.id(&["uuid"], "uuid")?,
        stage,
        caller: f.phone(&["caller_id_number", "caller"], "caller_id_number")?,
        called: f.phone(
            &["destination_number", "gateway", "trunk", "callee"],
            "destination_number",
        )?,
        sip: f.text(&["user", "extension"]).filter(|s| s.len() <= 32),
        at: f.at(&["date", "event_stamp", "end_stamp"], "date")?,
        started: f.time(&["start_stamp"], "start_stamp")?,
        duration: talk,
        answered,
        recording: f.link(&["download_url", "record_url", "record", "recording"]),
    })
}
