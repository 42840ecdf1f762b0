//! Which visitor or source a call belongs to: a pool number → the visitor holding it at the
//! call's start (their first touch and the latest touch by then, as bookings keep them; the
//! touch their page sent with its ask while none is stored); a static
//! number → its rule's source; the default number → default; anything else → unknown.

use super::{CallSettings, NumberKind, digits, page_touch::PageTouch, pool};
use crate::store::{Matched, Store, TouchCols};

/// What kind of number `called` (digits) is for the site.
pub fn kind_of(calls: &CallSettings, called: &str) -> NumberKind {
    if called.is_empty() {
        NumberKind::Unknown
    } else if calls.pool_digits().iter().any(|n| n == called) {
        NumberKind::Pool
    } else if calls.static_number(called).is_some() {
        NumberKind::Static
    } else if digits(&calls.default_number).as_deref() == Some(called) {
        NumberKind::Default
    } else {
        NumberKind::Unknown
    }
}

/// A static rule's source as a touch.
fn rule_touch(calls: &CallSettings, called: &str) -> TouchCols {
    let rule = calls.static_number(called);
    TouchCols {
        channel: rule.and_then(|r| r.channel.clone()),
        source: rule.and_then(|r| r.source.clone()),
        medium: rule.and_then(|r| r.medium.clone()),
        campaign: rule.and_then(|r| r.campaign.clone()),
        json: None,
    }
}

/// Matches a call to `called` that started at `started`.
pub async fn match_call(
    store: &Store,
    site: &str,
    calls: &CallSettings,
    called: &str,
    started: i64,
) -> Result<Matched, sqlx::Error> {
    let kind = kind_of(calls, called);
    let mut m = Matched {
        kind: (!called.is_empty()).then_some(kind),
        ..Matched::default()
    };
    match kind {
        NumberKind::Pool => {
            let holds = store.holds_of(site, called, started).await?;
            if let Some(h) = pool::holder_at(&holds, started, calls.tail_ms()) {
                // The sessions by then, with the same allowance for the PBX's clock.
                // With no session stored yet (the first beacon still on its way), the touch the
                // page sent with its ask.
                let by = started.saturating_add(pool::CLOCK_SKEW_MS);
                let page = PageTouch::from_json(h.page_touch.as_deref());
                let page = |first: bool| page.as_ref().and_then(|p| p.cols(first));
                m.first = match store.visitor_touch(site, &h.vid, by, true).await? {
                    Some(t) => t,
                    None => page(true).unwrap_or_default(),
                };
                m.last = match store.visitor_touch(site, &h.vid, by, false).await? {
                    Some(t) => t,
                    None => page(false).unwrap_or_default(),
                };
                m.vid = Some(h.vid.clone());
            } else {
                // A pool number nobody held at the time: unknown traffic.
                m.kind = Some(NumberKind::Unknown);
            }
        }
        NumberKind::Static => {
            m.first = rule_touch(calls, called);
            m.last = m.first.clone();
        }
        NumberKind::Default | NumberKind::Unknown => {}
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_is_pool_static_default_or_unknown() {
        let mut c: CallSettings = toml::from_str(
            "default_number = \"+7 (495) 123-45-67\"\npool = [\"+7 495 100-00-01\"]\n\
             [[static]]\nnumber = \"+7 495 200-00-01\"\nutm_source = \"flyer\"",
        )
        .unwrap();
        c.resolve("s").unwrap();
        assert_eq!(kind_of(&c, "74951000001"), NumberKind::Pool);
        assert_eq!(kind_of(&c, "74952000001"), NumberKind::Static);
        assert_eq!(kind_of(&c, "74951234567"), NumberKind::Default);
        assert_eq!(kind_of(&c, "74959999999"), NumberKind::Unknown);
        assert_eq!(kind_of(&c, ""), NumberKind::Unknown);
        assert_eq!(
            rule_touch(&c, "74952000001").source.as_deref(),
            Some("flyer")
        );
    }
}
