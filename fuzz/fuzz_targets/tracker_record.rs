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

/// A stored touch as the tracker writes it: a JSON object that is a `protocol::track::Touch`
/// (serde would also take `[]` for a struct whose fields all have defaults).
fn is_touch(s: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(s).is_ok_and(|v| v.is_object())
        && serde_json::from_str::<protocol::track::Touch>(s).is_ok()
}

/// The tracker reads texts that live as long as the page (`&'static str`): `s` is lent as one
/// for the call and freed after it (nothing `read` returns borrows it).
fn read(s: &str) -> Option<[String; 3]> {
    let lent: *mut str = Box::into_raw(s.to_owned().into_boxed_str());
    // SAFETY: `lent` is valid until freed below, after the tracker's last use of it.
    let out = tracker::fuzzing::stored_visit(unsafe { &*lent });
    drop(unsafe { Box::from_raw(lent) });
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some([record, context, batch]) = read(text) else {
        return;
    };
    let (context, batch) = (context.as_str(), batch.as_str());
    // What it writes back reads back the same.
    let again = read(&record).expect("the tracker reads its own record");
    assert_eq!(again[0], record);

    let lines: Vec<&str> = text.split('\n').collect();
    let own = lines.len() >= 2
        && lines[1..]
            .iter()
            .take(3)
            .all(|l| l.is_empty() || is_touch(l))
        && is_touch(lines[1]);
    if own {
        let ctx: serde_json::Value =
            serde_json::from_str(context).unwrap_or_else(|e| panic!("context {context}: {e}"));
        assert!(ctx["first"].is_object(), "{context}");
        if let Err(e) = protocol::beacon::decode(batch.as_bytes()) {
            // A batch may carry a stored touch the server finds too long; nothing else.
            assert!(
                matches!(e, protocol::beacon::BeaconError::TextTooLong),
                "batch {batch}: {e:?}"
            );
        }
    }
});
