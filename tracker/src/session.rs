//! Sessions and attribution rules: a new session after 30 minutes idle or when a new campaign
//! arrives; the visitor's first touch is kept, and the last non-direct touch within 90 days.

use super::Text;
use super::buf::Buf;
use super::json::num;
use super::touch::{Parts, Touch};

pub const IDLE_MS: u64 = 30 * 60 * 1000;
pub const LOOKBACK_MS: u64 = 90 * 24 * 60 * 60 * 1000;

/// What the tracker remembers of a visitor: the current session and the attribution touches.
/// Touches are kept as their JSON; "" while there is none.
#[derive(Clone, Default, PartialEq)]
#[cfg_attr(test, derive(Debug))]
pub struct Visit {
    pub sid: Text,
    /// Session start and last activity, ms since the epoch.
    pub started: u64,
    pub last: u64,
    /// The session's campaign hash (`Touch::camp`) and touch.
    pub camp: u64,
    pub touch: Text,
    /// The visitor's first touch.
    pub first: Text,
    /// The last non-direct touch, and when it happened.
    pub nondirect: Text,
    pub nondirect_ts: u64,
}

impl Visit {
    pub const NONE: Visit = Visit {
        sid: "",
        started: 0,
        last: 0,
        camp: 0,
        touch: "",
        first: "",
        nondirect: "",
        nondirect_ts: 0,
    };

    /// Whether `page` (the touch of the current page, at `now`) needs a new session.
    pub fn expired(&self, now: u64, page: &Touch) -> bool {
        self.sid.is_empty()
            || now.saturating_sub(self.last) > IDLE_MS
            || (page.is_campaign() && page.camp != self.camp)
    }

    /// Starts session `sid` with the touch `page`.
    pub fn begin(&mut self, sid: Text, page: &Touch) {
        self.sid = sid;
        (self.started, self.last, self.camp) = (page.ts, page.ts, page.camp);
        if self.first.is_empty() {
            self.first = page.json;
        }
        if page.ext {
            (self.nondirect, self.nondirect_ts) = (page.json, page.ts);
        }
        self.touch = page.json;
    }

    /// The last non-direct touch, if it is at most 90 days old at `now`.
    pub fn last_touch(&self, now: u64) -> Option<Text> {
        (!self.nondirect.is_empty() && now.saturating_sub(self.nondirect_ts) <= LOOKBACK_MS)
            .then_some(self.nondirect)
    }

    /// `sid started last camp ts` and the three touches, one a line: for storage.
    pub fn record(&self) -> Buf {
        let mut out = Buf::from(self.sid);
        // Straight-line: looping over an array of them costs 0.1 KB gzip more.
        out.push(" ");
        num(&mut out, self.started);
        out.push(" ");
        num(&mut out, self.last);
        out.push(" ");
        num(&mut out, self.camp);
        out.push(" ");
        num(&mut out, self.nondirect_ts);
        out.push("\n");
        out.push(self.touch);
        out.push("\n");
        out.push(self.first);
        out.push("\n");
        out.push(self.nondirect);
        out
    }

    /// Reads what [`Visit::record`] wrote into `self`; false (and `self` unchanged) when `s`
    /// is not such a record.
    #[inline(never)] // (measured: smaller wasm)
    pub fn parse(&mut self, s: Text) -> bool {
        let mut lines = Parts(s, b'\n');
        let mut w = Parts(lines.part(), b' ');
        let sid = w.part();
        let numbers = [w.num(), w.num(), w.num(), w.num()];
        let touch = lines.part();
        let ok = super::id::is_id(sid) && super::json::is_object(touch);
        if ok {
            [self.started, self.last, self.camp, self.nondirect_ts] = numbers;
            (self.sid, self.touch) = (sid, touch);
            self.first = lines.part();
            self.nondirect = lines.part();
        }
        ok
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::touch::tests::page_at as t;

    const T0: u64 = 1_700_000_000_000;
    const SID: &str = "0123456789abcdef0123456789abcdef";

    fn visit(page: Touch) -> Visit {
        let mut v = Visit::default();
        v.begin(SID, &page);
        v
    }

    #[test]
    fn idle_timeout_starts_a_new_session() {
        let s = visit(t("", "", T0));
        assert_eq!((s.started, s.last), (T0, T0));
        assert!(!s.expired(T0 + IDLE_MS, &t("", "", T0 + IDLE_MS)));
        assert!(s.expired(T0 + IDLE_MS + 1, &t("", "", T0 + IDLE_MS + 1)));
        assert!(Visit::default().expired(T0, &t("", "", T0)));
        // A clock that went backwards is no reason for a new session.
        assert!(!s.expired(T0 - 5, &t("", "", T0)));
    }

    #[test]
    fn new_campaign_starts_a_new_session() {
        let s = visit(t("utm_source=vk&utm_campaign=a", "", T0));
        assert!(!s.expired(T0 + 1, &t("utm_source=vk&utm_campaign=a", "", T0 + 1)));
        assert!(
            !s.expired(T0 + 1, &t("", "https://google.com/", T0 + 1)),
            "a referrer alone is no campaign"
        );
        assert!(!s.expired(T0 + 1, &t("", "", T0 + 1)));
        assert!(s.expired(T0 + 1, &t("utm_source=vk&utm_campaign=b", "", T0 + 1)));
        assert!(s.expired(T0 + 1, &t("gclid=1", "", T0 + 1)));
        assert!(visit(t("", "", T0)).expired(T0 + 1, &t("yclid=5", "", T0 + 1)));
    }

    #[test]
    fn first_touch_kept_last_non_direct_with_lookback() {
        let direct = t("", "", T0);
        let mut v = visit(direct.clone());
        assert_eq!((v.first, v.last_touch(T0)), (direct.json, None));
        let search = t("", "https://yandex.ru/", T0 + 10);
        v.begin(SID, &search);
        v.begin(SID, &t("", "", T0 + 20));
        assert_eq!(v.first, direct.json);
        assert_eq!(v.last_touch(T0 + 20), Some(search.json));
        let paid = t("utm_source=vk", "", T0 + 30);
        v.begin(SID, &paid);
        assert_eq!(v.last_touch(T0 + 30 + LOOKBACK_MS), Some(paid.json));
        assert_eq!(v.last_touch(T0 + 31 + LOOKBACK_MS), None);
        assert_eq!(
            (v.first, v.camp, v.touch),
            (direct.json, paid.camp, paid.json)
        );
    }

    #[test]
    fn records_round_trip() {
        let mut v = visit(t("utm_source=vk&utm_term=a b", "https://vk.com/", T0));
        v.begin(SID, &t("", "", T0 + 50));
        v.last = T0 + 99;
        let rec = v.record();
        assert!(
            rec.starts_with(&format!("{SID} {} {} 0 {T0}\n{{", T0 + 50, T0 + 99)),
            "{rec}"
        );
        let mut back = Visit::NONE;
        assert!(back.parse(rec.text()));
        assert_eq!(back, v);
        v.sid = "nothex";
        assert!(!back.parse(v.record().text()));
        for bad in [
            "",
            "garbage",
            SID,
            format!("{SID} 1 2 3 4\nnot json").leak(),
        ] {
            assert!(!back.parse(bad), "{bad}");
        }
    }
}
