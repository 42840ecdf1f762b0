//! What YCLIENTS (or anything posing as it) may answer, through the client's one decoder
//! (`yclients::decode::decode_response`) for every model the client reads, and webhook
//! deliveries through `WebhookEvent::parse`: arbitrary status and body give data or a typed
//! error, never a panic. A failure status never decodes as success.

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::de::{DeserializeOwned, IgnoredAny};
use yclients::{decode::decode_response, model::*};

fn answer<T: DeserializeOwned>(status: u16, body: &[u8]) {
    let decoded = decode_response::<T>("fuzz", status, body);
    if status >= 400 {
        assert!(decoded.is_err(), "status {status} decoded as success");
    }
    if let Err(e) = decoded {
        // Errors render (they reach logs and the booking error mapping).
        let _ = e.to_string();
    }
}

fuzz_target!(|data: &[u8]| {
    let [which, s0, s1, body @ ..] = data else {
        return;
    };
    let status = 100 + u16::from_le_bytes([*s0, *s1]) % 500;
    match which % 16 {
        0 => answer::<Bookform>(status, body),
        1 => answer::<Company>(status, body),
        2 => answer::<Vec<Company>>(status, body),
        3 => answer::<BookServices>(status, body),
        4 => answer::<Vec<BookStaff>>(status, body),
        5 => answer::<BookDates>(status, body),
        6 => answer::<Vec<TimeSlot>>(status, body),
        7 => answer::<StaffSeances>(status, body),
        8 => answer::<Vec<BookedRecord>>(status, body),
        9 => answer::<AuthUser>(status, body),
        10 => answer::<Record>(status, body),
        11 => answer::<Vec<Record>>(status, body),
        12 => answer::<Vec<Activity>>(status, body),
        13 => answer::<ActivityBooked>(status, body),
        14 => answer::<IgnoredAny>(status, body),
        _ => {
            if let Ok(event) = WebhookEvent::parse(body) {
                let _ = (event.record(), event.finance_operation());
            }
        }
    }
});
