//! Every wire type of the widget API (`protocol::booking`, `protocol::catalog`,
//! `protocol::error`), decoded from arbitrary bytes as the server (requests) and the widget
//! (answers) decode them: no panic, and whatever decodes survives an encode/decode round trip
//! unchanged (so what the server answers is what the widget reads).

#![no_main]

use libfuzzer_sys::fuzz_target;
use protocol::{booking, catalog, error};
use serde::{Serialize, de::DeserializeOwned};

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(body: &[u8]) {
    let Ok(value) = serde_json::from_slice::<T>(body) else {
        return;
    };
    let text = serde_json::to_string(&value).expect("a decoded value encodes");
    let back: T =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text} does not decode: {e}"));
    assert_eq!(back, value, "{text}");
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    match which % 12 {
        0 => round_trip::<booking::BookingRequest>(body),
        1 => round_trip::<booking::CodeRequest>(body),
        2 => round_trip::<booking::Attribution>(body),
        3 => round_trip::<booking::BookingResult>(body),
        4 => round_trip::<catalog::SiteInfo>(body),
        5 => round_trip::<catalog::Services>(body),
        6 => round_trip::<catalog::StaffList>(body),
        7 => round_trip::<catalog::Dates>(body),
        8 => round_trip::<catalog::Times>(body),
        9 => round_trip::<error::ErrorBody>(body),
        10 => round_trip::<protocol::site::EmbedConfig>(body),
        _ => round_trip::<protocol::track::Batch>(body),
    }
});
