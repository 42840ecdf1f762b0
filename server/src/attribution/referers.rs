//! The referrer database: Snowplow's `referers.yml` with our additions (`server/data/`), compiled
//! by `build.rs` into two sorted tables, looked up by binary search.

/// What kind of site a referrer is, as the database says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Medium {
    /// A known site with no channel of its own (Google Drive, Yahoo News): a referral.
    Unknown,
    Email,
    Social,
    Search,
    /// An ad network's click redirector.
    Paid,
    /// An AI assistant (ChatGPT, Claude, …): a referral under its name.
    Chatbot,
}

include!(concat!(env!("OUT_DIR"), "/referers.rs"));

/// A referrer the database knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Known {
    pub medium: Medium,
    /// The source's name in the database (`Yandex`, `Google Images`, `Mail.ru`).
    pub source: &'static str,
}

fn find(table: &'static [(&'static str, Medium, &'static str)], key: &str) -> Option<Known> {
    table
        .binary_search_by(|(k, _, _)| (*k).cmp(key))
        .ok()
        .map(|i| Known {
            medium: table[i].1,
            source: table[i].2,
        })
}

/// The referrer `host` (lowercase, no port) with `path`: the most specific entry wins. From the
/// whole host down to its last two labels, each level tries its longest path prefix first, so
/// `mail.yandex.ru` (email) and `yabs.yandex.ru` (paid) are found before `yandex.ru` (search),
/// and `www.google.fr/imgres` is Google Images before `google.fr` is Google.
pub fn lookup(host: &str, path: &str) -> Option<Known> {
    let path = path.trim_end_matches('/');
    let mut h = host.trim_end_matches('.');
    loop {
        // Path prefixes ending at a segment boundary, longest first, then the host alone. The
        // host with and without `www.` is one level: `www.google.fr/imgres` is `google.fr/imgres`
        // (Google Images) before it is `www.google.fr` (Google).
        let bare = h.strip_prefix("www.").unwrap_or(h);
        let mut p = path;
        while !p.is_empty() {
            for h in [h, bare] {
                if let Some(k) = find(HOSTS, &format!("{h}{p}")) {
                    return Some(k);
                }
            }
            p = &p[..p.rfind('/').unwrap_or(0)];
        }
        if let Some(k) = find(HOSTS, h) {
            return Some(k);
        }
        match h.split_once('.') {
            Some((_, rest)) if rest.contains('.') => h = rest,
            _ => return None,
        }
    }
}

/// A `utm_source` as marketers write it (`yandex`, `vk`, `ig`, `google.com`), if the database
/// knows the source: by alias or name, else as a host.
pub fn source(s: &str) -> Option<Known> {
    let s = s.trim().to_lowercase();
    if s.is_empty() {
        return None;
    }
    find(ALIASES, &s).or_else(|| {
        if s.contains('.') {
            lookup(s.strip_prefix("www.").unwrap_or(&s), "")
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_large() {
        assert!(HOSTS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(ALIASES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(HOSTS.len() > 2500, "{}", HOSTS.len());
    }

    #[test]
    fn most_specific_suffix_wins() {
        let m = |h: &str, p: &str| lookup(h, p).map(|k| (k.medium, k.source));
        assert_eq!(m("mail.yandex.ru", "/"), Some((Medium::Email, "Yandex")));
        assert_eq!(
            m("yabs.yandex.ru", "/count/abc"),
            Some((Medium::Paid, "Yandex.Direct"))
        );
        assert_eq!(m("yandex.ru", "/search/"), Some((Medium::Search, "Yandex")));
        assert_eq!(m("e.mail.ru", "/inbox"), Some((Medium::Email, "Mail.ru")));
        assert_eq!(m("otvet.mail.ru", ""), Some((Medium::Search, "Mail.ru")));
        assert_eq!(m("googleusercontent.com", ""), None);
        assert_eq!(m("ru", ""), None);
        assert_eq!(m("", ""), None);
        assert_eq!(source("VK").map(|k| k.source), Some("Vkontakte"));
        assert_eq!(source("yandex").map(|k| k.medium), Some(Medium::Search));
        assert_eq!(source("newsletter"), None);
    }
}
