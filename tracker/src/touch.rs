//! Touches: where a session came from. Campaign parameters (utm_*, yclid, gclid, fbclid) make a
//! `paid` touch; otherwise the referrer is classified as search, social, referral or direct.
//!
//! A touch is kept as its wire JSON (`protocol::track::Touch`) plus the three numbers the
//! session rules need; that is all the tracker ever does with one, and it keeps the wasm small.

use super::buf::Buf;
use super::json;

/// Channels, as `protocol::track::Channel` spells them; `Touch::ch` indexes this.
/// (Word lists rather than arrays of `&str` here and below: pointers compress badly.)
pub const CHANNELS: &str = "direct paid search social referral";
pub const DIRECT: u8 = 0;
pub const PAID: u8 = 1;
pub const SEARCH: u8 = 2;
pub const SOCIAL: u8 = 3;
pub const REFERRAL: u8 = 4;
/// The medium of each channel (none for direct and paid).
const MEDIUMS: &str = "  organic social referral";

/// The URL parameters of a campaign; without `utm_`, their names are `protocol::track::Touch`'s.
const PARAMS: &str = "utm_source utm_medium utm_campaign utm_content utm_term yclid gclid fbclid";
const SOURCE: usize = 0;
const MEDIUM: usize = 1;
/// The first click id in `PARAMS`.
const CLICK: usize = 5;

/// The server's limit on one text value (`protocol::track::MAX_TEXT`).
pub const MAX_TEXT: usize = 2048;

/// Reads a decoded URL parameter of the page ("" when it is not there).
pub type Params<'a> = &'a dyn Fn(&str) -> super::Text;

/// A touch being made: the JSON goes on the wire and into storage; the numbers feed the rules.
#[derive(Clone, Default, PartialEq)]
#[cfg_attr(test, derive(Debug))]
pub struct Touch {
    /// Index into `CHANNELS`.
    pub ch: u8,
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
        let (mut src, mut med) = ("", "");
        let mut any = false;
        let mut click = 0; // index of the first click id in PARAMS, or 0
        let mut camp: u32 = 0x811c_9dc5; // FNV-1a of all the parameters
        for (i, p) in Parts(PARAMS, b' ').enumerate() {
            let v = clip(param(p));
            for &b in v.as_bytes() {
                camp = (camp ^ b as u32).wrapping_mul(0x0100_0193);
            }
            camp = (camp ^ 0xff).wrapping_mul(0x0100_0193); // (a byte no UTF-8 text has)
            if !v.is_empty() {
                any = true;
                if click == 0 && i >= CLICK {
                    click = i;
                }
                match i {
                    SOURCE => src = v,
                    MEDIUM => med = v,
                    _ => json::field(&mut out, p.strip_prefix("utm_").unwrap_or(p), v),
                }
            }
        }
        let external = !rhost.is_empty() && bare(rhost) != bare(host);
        let (mut ch, name) = if external {
            classify(rhost)
        } else {
            (DIRECT, "")
        };
        let (mut source, mut medium) = (name, word(MEDIUMS, ch as usize));
        if any {
            ch = PAID;
            // Click ids say whose ad it was: Yandex Direct, Google Ads (both cpc), Meta.
            source = match (src.is_empty(), click) {
                (false, _) => src,
                (true, 0) => name,
                (true, i) => word("yandex google facebook", i - CLICK),
            };
            medium = match (med.is_empty(), click) {
                (false, _) => med,
                (true, i) if i > 0 && i < CLICK + 2 => "cpc",
                _ => "",
            };
        }
        if external {
            json::field(&mut out, "referrer", clip(cut(cut(referrer, b'?'), b'#')));
        }
        json::field(&mut out, "landing", landing);
        json::field(&mut out, "source", source);
        json::field(&mut out, "medium", medium);
        json::field(&mut out, "ch", word(CHANNELS, ch as usize));
        json::key(&mut out, "ts");
        json::num(&mut out, ts);
        out.push("}");
        Touch {
            ch,
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

/// Social networks, then (after `|`) search engines, by referrer domain: `domain[:source]`
/// entries for the domain itself or any subdomain, the source being the domain's first label
/// unless given; an entry ending in `.` is a label any host may have, for search engines with
/// many country domains (`google.` for `www.google.co.uk`, `yandex.` for `yandex.com.tr`).
/// Social first, so that `zen.yandex.ru` is Dzen, not search. Domains that only redirect
/// (`vkontakte.ru`, `odnoklassniki.ru`, `telegram.me`, `fb.com`, `youtu.be`, `wa.me`, …) are left
/// out: a redirect keeps the linking page as the referrer. One string rather than a table of
/// `&str`: pointers compress badly and count against the budget.
const SITES: &str = "dzen.ru zen.yandex.ru:dzen vk.com vk.ru ok.ru t.me:telegram \
    facebook.com instagram.com youtube.com rutube.ru twitter.com x.com:twitter t.co:twitter \
    tiktok.com pinterest.com linkedin.com whatsapp.com viber.com reddit.com threads.net | ya.ru:yandex go.mail.ru:mail.ru search.mail.ru:mail.ru bing.com \
    duckduckgo.com rambler.ru ecosia.org baidu.com search.brave.com:brave startpage.com \
    qwant.com seznam.cz naver.com yandex. google. yahoo.";

/// Channel and source name of an external referrer host (lowercase, no port). Other sites are
/// `referral`, with the host (without `www.`) as the source.
pub fn classify(host: &str) -> (u8, &str) {
    let mut ch = SOCIAL;
    for entry in Parts(SITES, b' ') {
        if entry == "|" {
            ch = SEARCH;
            continue;
        }
        let mut e = Parts(entry, b':');
        let domain = e.part();
        let hit = match domain.strip_suffix(".") {
            Some(label) => Parts(host, b'.').any(|l| l == label),
            None => host
                .strip_suffix(domain)
                .is_some_and(|h| h.is_empty() || h.ends_with(".")),
        };
        if hit {
            return (
                ch,
                if e.0.is_empty() {
                    cut(domain, b'.')
                } else {
                    e.0
                },
            );
        }
    }
    (REFERRAL, bare(host))
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
        assert_eq!((w.ch.as_str(), w.ts), (word(CHANNELS, t.ch as usize), 9));
        w
    }

    #[test]
    fn classifies_referrers() {
        let cases = [
            ("https://yandex.ru/", Channel::Search, "yandex"),
            (
                "https://www.google.co.uk/search?q=x",
                Channel::Search,
                "google",
            ),
            ("https://ya.ru/", Channel::Search, "yandex"),
            ("https://yandex.com.tr/", Channel::Search, "yandex"),
            ("https://go.mail.ru/search?q=x", Channel::Search, "mail.ru"),
            ("https://www.bing.com/", Channel::Search, "bing"),
            ("https://duckduckgo.com/", Channel::Search, "duckduckgo"),
            ("https://search.yahoo.com/", Channel::Search, "yahoo"),
            (
                "android-app://com.google.android.googlequicksearchbox/",
                Channel::Search,
                "google",
            ),
            ("https://vk.com/away.php?to=x", Channel::Social, "vk"),
            ("https://m.vk.com/", Channel::Social, "vk"),
            ("https://ok.ru/", Channel::Social, "ok"),
            ("https://t.me/salon", Channel::Social, "telegram"),
            ("https://l.facebook.com/", Channel::Social, "facebook"),
            ("https://l.instagram.com/", Channel::Social, "instagram"),
            ("https://www.youtube.com/", Channel::Social, "youtube"),
            ("https://dzen.ru/a/xyz#top", Channel::Social, "dzen"),
            ("https://zen.yandex.ru/", Channel::Social, "dzen"),
            (
                "https://www.beauty-blog.ru/top-10",
                Channel::Referral,
                "beauty-blog.ru",
            ),
            ("https://notvk.com/", Channel::Referral, "notvk.com"),
            (
                "https://googleusercontent.com/",
                Channel::Referral,
                "googleusercontent.com",
            ),
            ("https://yandexx.ru/", Channel::Referral, "yandexx.ru"),
        ];
        for (r, ch, src) in cases {
            let w = page("", r);
            let ch_index = Parts(CHANNELS, b' ')
                .position(|c| c == ch.as_str())
                .unwrap();
            let medium = word(MEDIUMS, ch_index);
            assert_eq!(
                (w.ch, w.source.as_deref(), w.medium.as_deref()),
                (ch, Some(src), Some(medium)),
                "{r}"
            );
            assert_eq!(w.referrer.as_deref(), r.split(['?', '#']).next(), "{r}");
            assert!(w.campaign.is_none() && w.yclid.is_none(), "{r}");
            assert!(!page_at("", r, 1).is_campaign(), "{r}");
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
        }
    }

    #[test]
    fn campaign_parameters_make_paid_touches() {
        let q = "utm_source=yandex&utm_medium=cpc&utm_campaign=spring \"sale\"&utm_content=ad1&utm_term=стрижка&yclid=123";
        let w = page(q, "https://yandex.ru/");
        let want = Wire {
            ch: Channel::Paid,
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
        assert!(page_at(q, "", 1).is_campaign());

        let sm = |q: &str, r: &str| {
            let w = page(q, r);
            (w.ch, w.source, w.medium)
        };
        let s = |v: &str| Some(String::from(v));
        assert_eq!(sm("gclid=abc", ""), (Channel::Paid, s("google"), s("cpc")));
        assert_eq!(
            sm("yclid=1&utm_source=direct", ""),
            (Channel::Paid, s("direct"), s("cpc"))
        );
        assert_eq!(
            sm("fbclid=zz", "https://l.facebook.com/"),
            (Channel::Paid, s("facebook"), None)
        );
        assert_eq!(
            sm("utm_campaign=x", "https://vk.com/"),
            (Channel::Paid, s("vk"), None)
        );
        assert_eq!(
            sm("utm_source=newsletter&utm_medium=email", ""),
            (Channel::Paid, s("newsletter"), s("email"))
        );
        // Empty values and other parameters are no campaign.
        assert_eq!(
            sm("utm_source=&page=2&q=utm_source", ""),
            (Channel::Direct, None, None)
        );
        assert!(!page_at("utm_source=&page=2", "", 1).is_campaign());
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
    fn labels_cuts_and_clipping() {
        assert_eq!(classify("www.google.co.uk"), (SEARCH, "google"));
        assert_eq!(classify("google"), (SEARCH, "google"));
        for h in ["googles.com", "mygoogle.com", ""] {
            assert_eq!(classify(h), (REFERRAL, h));
        }
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
