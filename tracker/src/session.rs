//! Sessions and attribution rules: a new session after 30 minutes idle or when a new campaign
//! arrives; the visitor's first touch is kept, and the last non-direct touch within 90 days.

use super::touch::{DIRECT, Touch, Words};
use alloc::string::String;

pub const IDLE_MS: u64 = 30 * 60 * 1000;
pub const LOOKBACK_MS: u64 = 90 * 24 * 60 * 60 * 1000;

#[derive(Clone, Default, PartialEq)]
#[cfg_attr(test, derive(Debug))]
pub struct Session {
    pub sid: String,
    /// Start, ms since the epoch.
    pub started: u64,
    /// Last activity, ms since the epoch.
    pub last: u64,
    /// Where it came from.
    pub touch: Touch,
}

impl Session {
    /// Whether `page` (the touch of the current page, at `now`) needs a new session.
    pub fn expired(&self, now: u64, page: &Touch) -> bool {
        self.sid.is_empty()
            || now.saturating_sub(self.last) > IDLE_MS
            || (page.is_campaign() && page.camp != self.touch.camp)
    }

    /// `sid started last ` + the touch's record: for storage.
    pub fn record(&self) -> String {
        let mut out = self.sid.clone();
        for n in [self.started, self.last] {
            out.push(' ');
            super::json::num(&mut out, n);
        }
        out.push(' ');
        self.touch.record(&mut out);
        out
    }

    /// Reads what [`Session::record`] wrote.
    pub fn parse(s: &str) -> Option<Session> {
        let mut w = Words(s);
        let sid = w.word().into();
        let (started, last) = (w.num(), w.num());
        let ses = Session { sid, started, last, touch: Touch::parse(w.0)? };
        super::id::is_id(&ses.sid).then_some(ses)
    }
}

/// A visitor's attribution: the first touch ever seen and the last non-direct one.
#[derive(Clone, Default, PartialEq)]
#[cfg_attr(test, derive(Debug))]
pub struct Attribution {
    pub first: Option<Touch>,
    pub last: Option<Touch>,
}

impl Attribution {
    /// Takes in the touch of a new session.
    pub fn add(&mut self, t: &Touch) {
        if self.first.is_none() {
            self.first = Some(t.clone());
        }
        if t.ch != DIRECT {
            self.last = Some(t.clone());
        }
    }

    /// The last non-direct touch, if it is at most 90 days old at `now`.
    pub fn last_at(&self, now: u64) -> Option<&Touch> {
        self.last.as_ref().filter(|t| now.saturating_sub(t.ts) <= LOOKBACK_MS)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::touch::tests::page_at as t;
    use crate::touch::{PAID, SEARCH};

    const T0: u64 = 1_700_000_000_000;

    fn ses(touch: Touch) -> Session {
        Session { sid: "0123456789abcdef0123456789abcdef".into(), started: T0, last: T0, touch }
    }

    #[test]
    fn idle_timeout_starts_a_new_session() {
        let s = ses(t("", "", T0));
        assert!(!s.expired(T0 + IDLE_MS, &t("", "", T0 + IDLE_MS)));
        assert!(s.expired(T0 + IDLE_MS + 1, &t("", "", T0 + IDLE_MS + 1)));
        assert!(Session::default().expired(T0, &t("", "", T0)));
        // A clock that went backwards is no reason for a new session.
        assert!(!s.expired(T0 - 5, &t("", "", T0)));
    }

    #[test]
    fn new_campaign_starts_a_new_session() {
        let s = ses(t("utm_source=vk&utm_campaign=a", "", T0));
        assert!(!s.expired(T0 + 1, &t("utm_source=vk&utm_campaign=a", "", T0 + 1)));
        assert!(!s.expired(T0 + 1, &t("", "https://google.com/", T0 + 1)), "a referrer alone is no campaign");
        assert!(!s.expired(T0 + 1, &t("", "", T0 + 1)));
        assert!(s.expired(T0 + 1, &t("utm_source=vk&utm_campaign=b", "", T0 + 1)));
        assert!(s.expired(T0 + 1, &t("gclid=1", "", T0 + 1)));
        assert!(ses(t("", "", T0)).expired(T0 + 1, &t("yclid=5", "", T0 + 1)));
    }

    #[test]
    fn first_touch_kept_last_non_direct_with_lookback() {
        let mut a = Attribution::default();
        a.add(&t("", "", T0));
        assert_eq!(a.first.as_ref().map(|t| t.ts), Some(T0));
        assert_eq!(a.last_at(T0), None);
        a.add(&t("", "https://yandex.ru/", T0 + 10));
        a.add(&t("", "", T0 + 20));
        assert_eq!(a.first.as_ref().map(|t| (t.ch, t.ts)), Some((DIRECT, T0)));
        assert_eq!(a.last_at(T0 + 20).map(|t| (t.ch, t.ts)), Some((SEARCH, T0 + 10)));
        a.add(&t("utm_source=vk", "", T0 + 30));
        assert_eq!(a.last_at(T0 + 30).map(|t| t.ch), Some(PAID));
        assert!(a.last_at(T0 + 30 + LOOKBACK_MS).is_some());
        assert_eq!(a.last_at(T0 + 31 + LOOKBACK_MS), None);
        assert_eq!(a.first.as_ref().map(|t| t.ch), Some(DIRECT));
    }

    #[test]
    fn records_round_trip() {
        let mut s = ses(t("utm_source=vk&utm_term=a b", "https://vk.com/", T0));
        s.last = T0 + 99;
        let rec = s.record();
        assert!(rec.starts_with("0123456789abcdef0123456789abcdef 1700000000000 1700000000099 1700000000000 1 "), "{rec}");
        assert_eq!(Session::parse(&rec), Some(s.clone()));
        s.sid = "nothex".into();
        assert_eq!(Session::parse(&s.record()), None);
        assert_eq!(Session::parse("garbage"), None);
        assert_eq!(Session::parse(""), None);
    }
}
