//! The wall clock, read in one place. Storage code takes the time as an argument, so it is
//! testable without a clock; handlers and workers read it here.

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}
