//! URL pieces, from `percent-encoding`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Everything but RFC 3986's unreserved characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a path segment.
pub fn seg(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// A landing page as an owner reads it: the decoded path and the campaign, and the whole
/// address decoded (for a tooltip or an expanded view).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Landing {
    /// `/prices · spring`: the path (no host, no query) and the `utm_campaign`, if any.
    pub path: String,
    pub campaign: Option<String>,
    /// The whole address, percent-decoded (`+` in the query read as a space).
    pub full: String,
}

impl Landing {
    /// The short form: `/prices · spring`, or the path alone.
    pub fn short(&self) -> String {
        match &self.campaign {
            Some(c) => format!("{} · {c}", self.path),
            None => self.path.clone(),
        }
    }
}

/// Percent-decodes `s` (invalid UTF-8 replaced), reading `+` as a space when `plus` is set.
pub fn decode(s: &str, plus: bool) -> String {
    let s = if plus {
        s.replace('+', " ")
    } else {
        s.to_owned()
    };
    percent_decode_str(&s).decode_utf8_lossy().into_owned()
}

/// Splits a landing address (a full URL or a path with a query) into what the owner reads.
pub fn landing(raw: &str) -> Landing {
    let raw = raw.trim();
    // Drop the scheme and host: the owner knows her own site.
    let rest = match raw.split_once("://") {
        Some((_, after)) => after.find('/').map_or("/", |i| &after[i..]),
        None => raw,
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let query = query.split('#').next().unwrap_or("");
    let path = path.split('#').next().unwrap_or("");
    let campaign = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| decode(k, true).eq_ignore_ascii_case("utm_campaign"))
        .map(|(_, v)| decode(v, true))
        .filter(|c| !c.trim().is_empty());
    let path = decode(path, false);
    Landing {
        path: if path.is_empty() { "/".into() } else { path },
        campaign,
        full: match raw.split_once('?') {
            Some((head, q)) => format!("{}?{}", decode(head, false), decode(q, true)),
            None => decode(raw, false),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::landing;

    #[test]
    fn a_landing_address_reads_as_its_path_and_campaign() {
        let l = landing(
            "https://salon.test/%D1%86%D0%B5%D0%BD%D1%8B?utm_source=yandex&utm_campaign=%D0%B2%D0%B5%D1%81%D0%BD%D0%B0+2025&yclid=42#top",
        );
        assert_eq!(l.path, "/цены");
        assert_eq!(l.campaign.as_deref(), Some("весна 2025"));
        assert_eq!(l.short(), "/цены · весна 2025");
        assert_eq!(
            l.full,
            "https://salon.test/цены?utm_source=yandex&utm_campaign=весна 2025&yclid=42#top"
        );
        assert_eq!(landing("/").short(), "/");
        assert_eq!(landing("/?utm_medium=cpc").short(), "/");
        assert_eq!(landing("%FF").path, "\u{fffd}");
    }

    #[test]
    fn a_segment_keeps_unreserved_characters_only() {
        assert_eq!(super::seg("a b/ц"), "a%20b%2F%D1%86");
        assert_eq!(super::seg("A-z.0_9~"), "A-z.0_9~");
    }
}
