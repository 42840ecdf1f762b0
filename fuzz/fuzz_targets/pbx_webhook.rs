//! What a PBX (or anything that learnt a hook's secret) may post to `/hooks/pbx/{site}/{secret}`:
//! the server's own decoders (`server/src/calls/pbx`, compiled here as modules) for the generic,
//! UIS and onlinePBX formats, JSON or form-encoded. Arbitrary bytes give an event or a refusal,
//! never a panic; an event's phones are digits only, its recording link http(s); folding an
//! event into a call twice changes nothing the second time.

#![no_main]

use libfuzzer_sys::fuzz_target;

/// Stand-in for the server's `calls::CallStatus` (the decoders only name its variants); the
/// decoders' `super` is this crate's root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallStatus {
    Ringing,
    Answered,
    Missed,
}

#[allow(dead_code)]
#[path = "../../server/src/calls/phone.rs"]
mod phone;

#[allow(dead_code)]
#[path = "../../server/src/calls/pbx/mod.rs"]
mod pbx;

use pbx::{CallState, Format, decode};

fn phone_ok(p: &Option<String>) -> bool {
    p.as_ref()
        .is_none_or(|p| (10..=15).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

fuzz_target!(|data: &[u8]| {
    let [which, body @ ..] = data else {
        return;
    };
    let format = match which % 4 {
        0 => None,
        1 => Some(Format::Generic),
        2 => Some(Format::Uis),
        _ => Some(Format::OnlinePbx),
    };
    let zone = jiff::tz::TimeZone::get("Europe/Moscow").unwrap_or(jiff::tz::TimeZone::UTC);
    let Ok(event) = decode(body, format, &zone, 1_780_000_000_000) else {
        return;
    };
    assert!(
        phone_ok(&event.caller) && phone_ok(&event.called),
        "{event:?}"
    );
    assert!(!event.pbx_id.is_empty() && event.pbx_id.len() <= 128);
    assert!(
        event
            .recording
            .as_ref()
            .is_none_or(|r| r.starts_with("http://") || r.starts_with("https://")),
        "{event:?}"
    );
    let mut once = CallState::new(&event);
    let twice = {
        let mut s = once.clone();
        s.apply(&event);
        s
    };
    once.apply(&event);
    assert_eq!(once, twice);
});
