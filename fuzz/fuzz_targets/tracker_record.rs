//! The tracker's stored visit record (localStorage `zapis_visit`), which anything on the page
//! can edit: the tracker's reader (`Visit::parse`, run natively here from the tracker's own
//! sources) never crashes, never reads out of bounds, reads back what it writes, and — as long
//! as the touches in it are the JSON objects the tracker itself stores — builds a booking
//! context and a beacon that the server's decoders accept.

#![no_main]

extern crate alloc;

#[allow(dead_code, unused_imports)]
#[path = "../../tracker/src/lib.rs"]
mod tracker;

use libfuzzer_sys::fuzz_target;

/// A stored touch as the tracker writes it: a JSON object (one of `protocol::track::Touch`).
fn is_touch(s: &str) -> bool {
    serde_json::from_str::<protocol::track::Touch>(s).is_ok()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The tracker keeps its texts for the page's lifetime (a bump allocator that never frees).
    let text: &'static str = Box::leak(text.to_owned().into_boxed_str());
    let Some([record, context, batch]) = tracker::fuzzing::stored_visit(text) else { return };
    // What it writes back reads back the same.
    let again = tracker::fuzzing::stored_visit(record).expect("the tracker reads its own record");
    assert_eq!(again[0], record);

    let lines: Vec<&str> = text.split('\n').collect();
    let own = lines.len() >= 2 && lines[1..].iter().take(3).all(|l| l.is_empty() || is_touch(l)) && is_touch(lines[1]);
    if own {
        let ctx: serde_json::Value = serde_json::from_str(context).unwrap_or_else(|e| panic!("context {context}: {e}"));
        assert!(ctx["first"].is_object(), "{context}");
        if let Err(e) = protocol::beacon::decode(batch.as_bytes()) {
            // A batch may carry a stored touch the server finds too long; nothing else.
            assert!(matches!(e, protocol::beacon::BeaconError::TextTooLong), "batch {batch}: {e:?}");
        }
    }
});
