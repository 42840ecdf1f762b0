//! Touches: where a session came from, as the tracker saw it: the campaign parameters of the
//! landing URL (utm_*, yclid, gclid, fbclid), the referrer when it is another site, the landing
//! path + query. The server classifies it (channel, source, medium: `zapis::attribution`); the
//! tracker only needs to know whether a touch is a campaign (a new one starts a session) and
//! whether it is direct (for the last non-direct touch).
//!
//! A touch is kept as its wire JSON (`protocol::track::Touch`, without `ch`) plus the three
//! numbers the session rules need; that is all the tracker ever does with one, and it keeps the
//! wasm small.

use super::buf::Buf;
use super::json;

/// The URL parameters of a campaign; without `utm_`, their names are `protocol::track::Touch`'s.
const PARAMS: &str = "utm_source utm_medium utm_campaign utm_content utm_term yclid gclid fbclid";

/// The server's limit on one text value (`protocol::track::MAX_TEXT`).
pub const MAX_TEXT: usize = 2048;

/// Reads a decoded URL parameter of the page ("" when it is not there).
pub type Params<'a> = &'a dyn Fn(&str) -> super::Text;

/// A touch being made: the JSON goes on the wire and into storage; the numbers feed the rules.
#[derive(Clone, Default, PartialEq)]
#[cfg_attr(test, derive(Debug))]
pub struct Touch {
    /// Not direct: a campaign or another site's referrer.
    pub ext: bool,
    /// A hash of the campaign parameters; 0 when there are none.
    pub camp: u64,
    /// When it happened, ms since the epoch.
    pub ts: u64,
    /// `protocol::track::Touch` as JSON.
    pub json: super::Text,
}

impl Touch {
    /// The touch of a page view. `param` reads the page's URL parameters; `referrer` is
    /// `document.referrer` (empty for SPA navigations) and `rhost` its host; `host` is
    /// `location.hostname`; `landing` the page's path + query (clipped to `MAX_TEXT`).
    pub fn of_page(
        param: Params,
        referrer: &str,
        rhost: &str,
        host: &str,
        landing: &str,
        ts: u64,
    ) -> Touch {
        let mut out = Buf::from("{");
        let mut any = false;
        let mut camp: u32 = 0x811c_9dc5; // FNV-1a of all the parameters
        for p in Parts(PARAMS, b' ') {
            let v = clip(param(p));
            for &b in v.as_bytes() {
                camp = (camp ^ b as u32).wrapping_mul(0x0100_0193);
            }
            camp = (camp ^ 0xff).wrapping_mul(0x0100_0193); // (a byte no UTF-8 text has)
            if !v.is_empty() {
                any = true;
                json::field(&mut out, p.strip_prefix("utm_").unwrap_or(p), v);
            }
        }
        let external = !rhost.is_empty() && bare(rhost) != bare(host);
        if external {
            // Without its query and fragment: search terms and mail ids stay in the browser.
            json::field(&mut out, "referrer", clip(cut(cut(referrer, b'?'), b'#')));
        }
        json::field(&mut out, "landing", landing);
        json::key(&mut out, "ts");
        json::num(&mut out, ts);
        out.push("}");
        Touch {
            ext: any || external,
            camp: if any { camp as u64 | 1 } else { 0 },
            ts,
            json: out.text(),
        }
    }

    /// Has utm parameters or a click id.
    pub fn is_campaign(&self) -> bool {
        self.camp != 0
    }
}

/// The parts of `.0` separated by the byte `.1`; what is not yet read stays in `.0`.
pub struct Parts<'a>(pub &'a str, pub u8);

impl<'a> Parts<'a> {
    /// The next part; "" when there is none.
    pub fn part(&mut self) -> &'a str {
        let w = cut(self.0, self.1);
        // SAFETY: past an ASCII separator, or the end: a char boundary. (The checked `get`
        // and its fallback cost code everywhere this is inlined.)
        self.0 = unsafe { self.0.get_unchecked((w.len() + 1).min(self.0.len())..) };
        w
    }

    /// The next part as a number (0 when it is none).
    pub fn num(&mut self) -> u64 {
        number(self.part())
    }
}

impl<'a> Iterator for Parts<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        (!self.0.is_empty()).then(|| self.part())
    }
}

/// Word `i` of the space-separated `list` of at most 10 words ("" past the end).
pub fn word(list: &str, i: usize) -> &str {
    let mut words = Parts(list, b' ');
    for _ in 0..i.min(9) {
        words.part();
    }
    words.part() // (`nth` costs more code)
}

#[inline(always)] // (measured: smaller wasm)
fn bare(host: &str) -> &str {
    host.strip_prefix("www.").unwrap_or(host)
}

/// `s` up to the first byte `stop`.
pub fn cut(s: &str, stop: u8) -> &str {
    let n = s.bytes().position(|c| c == stop).unwrap_or(s.len());
    // SAFETY: up to an ASCII byte, or the end: a char boundary.
    unsafe { s.get_unchecked(..n) }
}

/// `s` cut to at most `MAX_TEXT` bytes, on a char boundary.
pub fn clip(s: &str) -> &str {
    let mut n = s.len().min(MAX_TEXT);
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    // SAFETY: a char boundary, at most the length.
    unsafe { s.get_unchecked(..n) }
}

/// A decimal number; 0 when it is not one.
pub fn number(s: &str) -> u64 {
    let mut n: u64 = 0;
    for c in s.bytes() {
        if !c.is_ascii_digit() {
            return 0;
        }
        n = n.wrapping_mul(10).wrapping_add((c - b'0') as u64);
    }
    n
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub mod tests {
    use super::*;
    use crate::buf::Buf;
    use protocol::track::{Channel, Touch as Wire};

    /// Parameters of a query (no decoding here: the browser's `URLSearchParams` does that).
    pub fn query(q: &str) -> impl Fn(&str) -> crate::Text + '_ {
        move |k| {
            q.split('&')
                .find_map(|p| p.split_once('=').filter(|(pk, _)| *pk == k))
                .map_or("", |(_, v)| Buf::from(v).text())
        }
    }

    /// What `new URL(r).hostname` gives for the URLs used in tests.
    pub fn host(r: &str) -> &str {
        r.split_once("://").map_or("", |(_, rest)| {
            rest.split(['/', ':', '?', '#']).next().unwrap()
        })
    }

    /// The touch of a page on salon.ru with query `q` after referrer `r`, at `ts`.
    pub fn page_at(q: &str, r: &str, ts: u64) -> Touch {
        Touch::of_page(&query(q), r, host(r), "salon.ru", "/x", ts)
    }

    /// Its JSON, as the server reads it.
    pub fn wire(t: &Touch) -> Wire {
        serde_json::from_str(t.json).unwrap_or_else(|e| panic!("{e}: {}", t.json))
    }

    fn page(q: &str, r: &str) -> Wire {
        let t = page_at(q, r, 9);
        let w = wire(&t);
        assert_eq!(
            (w.ch, w.ts),
            (Channel::Direct, 9),
            "the server decides the channel"
        );
        w
    }

    #[test]
    fn reports_other_sites_referrers_without_query() {
        // The server classifies these (`zapis::attribution`): the tracker reports what it saw.
        for r in [
            "https://yandex.ru/",
            "https://www.google.co.uk/search?q=x",
            "https://mail.yandex.ru/?uid=1#inbox",
            "android-app://com.google.android.googlequicksearchbox/",
            "https://vk.com/away.php?to=x",
            "https://dzen.ru/a/xyz#top",
            "https://www.beauty-blog.ru/top-10",
            "https://yabs.yandex.ru/count/abc?x=1",
        ] {
            let w = page("", r);
            assert_eq!(w.referrer.as_deref(), r.split(['?', '#']).next(), "{r}");
            assert_eq!(
                (w.source, w.medium, w.landing.as_deref()),
                (None, None, Some("/x")),
                "{r}"
            );
            assert!(w.campaign.is_none() && w.yclid.is_none(), "{r}");
            let t = page_at("", r, 1);
            assert!(!t.is_campaign() && t.ext, "{r}");
        }
    }

    #[test]
    fn own_site_and_no_referrer_are_direct() {
        for r in ["", "https://salon.ru/services", "https://www.salon.ru/"] {
            let w = page("", r);
            assert_eq!(
                w,
                Wire {
                    ch: Channel::Direct,
                    landing: Some("/x".into()),
                    ts: 9,
                    ..Wire::default()
                },
                "{r}"
            );
            assert!(!page_at("", r, 1).ext, "{r}");
        }
    }

    #[test]
    fn campaign_parameters_are_reported_as_they_are() {
        let q = "utm_source=yandex&utm_medium=cpc&utm_campaign=spring \"sale\"&utm_content=ad1&utm_term=стрижка&yclid=123";
        let w = page(q, "https://yandex.ru/");
        let want = Wire {
            source: Some("yandex".into()),
            medium: Some("cpc".into()),
            campaign: Some("spring \"sale\"".into()),
            content: Some("ad1".into()),
            term: Some("стрижка".into()),
            yclid: Some("123".into()),
            referrer: Some("https://yandex.ru/".into()),
            landing: Some("/x".into()),
            ts: 9,
            ..Wire::default()
        };
        assert_eq!(w, want);
        assert!(page_at(q, "", 1).is_campaign() && page_at(q, "", 1).ext);

        let sm = |q: &str, r: &str| {
            let w = page(q, r);
            (w.source, w.medium, w.gclid, w.fbclid)
        };
        let s = |v: &str| Some(String::from(v));
        assert_eq!(sm("gclid=abc", ""), (None, None, s("abc"), None));
        assert_eq!(
            sm("fbclid=zz", "https://l.facebook.com/"),
            (None, None, None, s("zz"))
        );
        assert_eq!(
            sm("utm_source=newsletter&utm_medium=email", ""),
            (s("newsletter"), s("email"), None, None)
        );
        // Empty values and other parameters are no campaign.
        assert_eq!(
            sm("utm_source=&page=2&q=utm_source", ""),
            (None, None, None, None)
        );
        assert!(!page_at("utm_source=&page=2", "", 1).is_campaign());
        assert!(!page_at("utm_source=&page=2", "", 1).ext);
    }

    #[test]
    fn campaigns_compare_by_parameters() {
        let a = page_at("utm_source=vk&utm_campaign=a", "", 1);
        assert_eq!(
            a.camp,
            Touch::of_page(
                &query("utm_campaign=a&utm_source=vk"),
                "",
                "",
                "h",
                "/y",
                99
            )
            .camp
        );
        for other in [
            "utm_source=vk&utm_campaign=b",
            "utm_source=vk&utm_campaign=a&gclid=1",
            "utm_source=vka",
            "utm_campaign=vk&utm_source=a",
        ] {
            assert_ne!(a.camp, page_at(other, "", 1).camp, "{other}");
        }
    }

    #[test]
    fn cuts_and_clipping() {
        assert_eq!(cut("https://a.ru/p?q#h", b'?'), "https://a.ru/p");
        assert_eq!(cut("plain", b'?'), "plain");
        let long = "я".repeat(2000);
        assert_eq!(clip(&long).len(), 2048);
        assert!(clip(&long).chars().all(|c| c == 'я'));
        assert_eq!(number("12x"), 0);
        assert_eq!(number("1700000000000"), 1_700_000_000_000);
        let mut w = Parts("12 x 7 rest with spaces", b' ');
        assert_eq!(
            (w.num(), w.next(), w.num(), w.0),
            (12, Some("x"), 7, "rest with spaces")
        );
        assert_eq!(Parts("a\n\nb\n", b'\n').collect::<Vec<_>>(), ["a", "", "b"]);
        assert_eq!(Parts("", b'\n').count(), 0);
    }
}
