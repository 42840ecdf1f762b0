//! The tracker's beacon as the server decodes it (`protocol::beacon::decode`, what
//! `POST /api/v1/t` runs): any bytes give a batch within every limit or a refusal, never a
//! panic; an accepted batch encodes back to a body that is accepted as the same batch.

#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::{beacon, track};

fuzz_target!(|body: &[u8]| {
    let Ok(batch) = beacon::decode(body) else {
        return;
    };
    assert!(track::is_id(&batch.vid) && track::is_id(&batch.sid));
    assert!((1..=track::MAX_EVENTS_PER_BATCH).contains(&batch.events.len()));
    let again = serde_json::to_vec(&batch).expect("a decoded batch encodes");
    // Re-encoding may grow the body (escapes), so only the limits other than size must hold.
    if again.len() <= track::MAX_BATCH_BYTES {
        let back = beacon::decode(&again).expect("a re-encoded batch is accepted");
        assert_eq!(back, batch);
    }
});
