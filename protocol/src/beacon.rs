//! A beacon body as it arrives at `POST /api/v1/t` → a checked [`Batch`], or why not.
//!
//! The server's ingest runs exactly this, and `fuzz/` runs it on arbitrary bytes: whatever the
//! body, the answer is a `Batch` within every limit of [`crate::track`] or a [`BeaconError`],
//! never a panic.

use crate::track::{self, Batch};

/// Why a beacon body was refused.
#[derive(Debug)]
pub enum BeaconError {
    /// Longer than [`track::MAX_BATCH_BYTES`].
    TooLarge,
    /// Not JSON, or not a `Batch` (serde's message says where).
    Malformed(serde_json::Error),
    /// `vid` is not 32 lowercase hex chars.
    VisitorId,
    /// `sid` is not 32 lowercase hex chars.
    SessionId,
    /// No events, or more than [`track::MAX_EVENTS_PER_BATCH`].
    EventCount,
    /// A text of the touch or of an event (props as JSON included) is longer than
    /// [`track::MAX_TEXT`] characters.
    TextTooLong,
}

/// Decodes and checks one beacon body.
pub fn decode(body: &[u8]) -> Result<Batch, BeaconError> {
    if body.len() > track::MAX_BATCH_BYTES {
        return Err(BeaconError::TooLarge);
    }
    let batch: Batch = serde_json::from_slice(body).map_err(BeaconError::Malformed)?;
    check(&batch)?;
    Ok(batch)
}

fn check(b: &Batch) -> Result<(), BeaconError> {
    if !track::is_id(&b.vid) {
        return Err(BeaconError::VisitorId);
    }
    if !track::is_id(&b.sid) {
        return Err(BeaconError::SessionId);
    }
    if b.events.is_empty() || b.events.len() > track::MAX_EVENTS_PER_BATCH {
        return Err(BeaconError::EventCount);
    }
    let event_texts = b
        .events
        .iter()
        .flat_map(|e| [Some(&e.path), e.title.as_ref(), e.name.as_ref()]);
    let too_long = b
        .touch
        .texts()
        .chain(event_texts.flatten())
        .any(|s| track::too_long(s))
        || b.events
            .iter()
            .filter_map(|e| e.props.as_ref())
            .any(|p| serde_json::to_string(p).map_or(true, |s| track::too_long(&s)));
    if too_long {
        Err(BeaconError::TextTooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef";

    fn body(vid: &str, events: usize, path: &str) -> Vec<u8> {
        let events: Vec<String> = (0..events)
            .map(|_| format!(r#"{{"t":"pageview","ts":1,"path":"{path}"}}"#))
            .collect();
        format!(r#"{{"site":"demo","vid":"{vid}","sid":"{ID}","touch":{{}},"started":1,"events":[{}]}}"#, events.join(",")).into_bytes()
    }

    #[test]
    fn a_tracker_batch_passes_and_each_limit_has_its_reason() {
        assert_eq!(decode(&body(ID, 1, "/")).unwrap().events.len(), 1);
        assert!(matches!(
            decode(&body("x", 1, "/")),
            Err(BeaconError::VisitorId)
        ));
        assert!(matches!(
            decode(&body(ID, 0, "/")),
            Err(BeaconError::EventCount)
        ));
        assert!(matches!(
            decode(&body(ID, 51, "/")),
            Err(BeaconError::EventCount)
        ));
        assert!(matches!(
            decode(&body(ID, 1, &"a".repeat(2049))),
            Err(BeaconError::TextTooLong)
        ));
        // Characters, not bytes: 2,048 Cyrillic letters fit.
        assert_eq!(
            decode(&body(ID, 1, &"я".repeat(2048))).unwrap().events[0]
                .path
                .chars()
                .count(),
            2048
        );
        assert!(matches!(
            decode(&body(ID, 1, &"я".repeat(2049))),
            Err(BeaconError::TextTooLong)
        ));
        assert!(matches!(
            decode(&body(ID, 1, &"a".repeat(40_000))),
            Err(BeaconError::TooLarge)
        ));
        assert!(matches!(
            decode(b"{\"site\":1"),
            Err(BeaconError::Malformed(_))
        ));
    }
}
