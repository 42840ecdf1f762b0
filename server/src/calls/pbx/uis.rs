//! UIS / CoMagic notifications: the owner makes one notification per event type ("Inbound call
//! on a virtual phone number", "Call answered", "Call finished", "Call record ready") with a
//! template of UIS variables POSTed to the zapis hook. Field names are the notification
//! variables (`call_session_id`, `notification_mnemonic`, `virtual_phone_number`,
//! `contact_phone_number`, `notification_time`, `employee_*`) and the call-report ones for the
//! end (`start_time`, `talk_duration`, `is_lost`, `call_records`/`file_link`).
//! UIS writes local times (`2026-12-06 10:00:00`): read in the site's zone.

use super::{CallEvent, Fields, Refused, Stage};

pub fn decode(f: &Fields) -> Result<CallEvent, Refused> {
    if let Some(d) = f.text(&["direction", "call_direction"])
        && !matches!(d.as_str(), "in" | "incoming" | "inbound")
    {
        return Err(Refused::NotIncoming);
    }
    // The mnemonic names the event type the owner chose; the words UIS uses in them.
    let mnemonic = f
        .text(&["notification_mnemonic", "event"])
        .unwrap_or_default()
        .to_ascii_lowercase();
    let has = |w: &str| mnemonic.contains(w);
    let stage = if has("outgoing") || has("outbound") {
        return Err(Refused::NotIncoming);
    } else if has("record") {
        Stage::Recording
    } else if has("finish") || has("end") || has("lost") || has("missed") {
        Stage::Finished
    } else if has("answer") || has("talk") || has("transfer") {
        Stage::Answered
    } else {
        Stage::Started
    };
    let lost = f.flag(&["is_lost"]);
    let talk = f.int(&["talk_duration", "clean_talk_duration"]);
    Ok(CallEvent {
        pbx_id: f.id(&["call_session_id", "communication_id"], "call_session_id")?,
        stage,
        caller: f.phone(
            &["contact_phone_number", "communication_number", "numa"],
            "contact_phone_number",
        )?,
        called: f.phone(&["virtual_phone_number", "numb"], "virtual_phone_number")?,
        sip: f
            .text(&[
                "employee_sip",
                "employee_extension",
                "employee_phone_number",
            ])
            .filter(|s| s.len() <= 32),
        at: f.at(&["notification_time", "finish_time"], "notification_time")?,
        started: f.time(&["start_time"], "start_time")?,
        duration: talk.or_else(|| f.int(&["total_duration"]).filter(|_| lost == Some(false))),
        answered: lost.map(|l| !l).or(talk.map(|t| t > 0)),
        recording: f.link(&["call_records", "file_link", "record_url"]),
    })
}
