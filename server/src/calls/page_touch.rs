//! The touch a page sends with its number ask. A desktop visitor may dial the number before the
//! tracker's first beacon reaches the server; the call then matches the visitor, but the server
//! has no session to take their touch from. The phone module sends the tracker's context
//! (`touch={"vid":…,"first":…,"last":…}`, of which the two touches are read; older modules only
//! the campaign parameters of one of them); it is classified like a booking's and kept on the
//! hold, and matching uses it where the visitor has no stored touch yet.

use protocol::track::Touch;
use serde::{Deserialize, Serialize};

use crate::store::TouchCols;

/// Longest `touch` parameter read (the tracker clips each field; two touches fit easily).
const MAX_LEN: usize = 8 * 1024;

/// The page's first and last touch, classified.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageTouch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Touch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Touch>,
}

impl PageTouch {
    /// From the ask's `touch` (JSON), else its `utm_*` (one touch, taken as both); `None` when
    /// the page sent neither or something unreadable.
    pub fn from_ask(
        touch: Option<&str>,
        source: Option<&str>,
        medium: Option<&str>,
        campaign: Option<&str>,
    ) -> Option<PageTouch> {
        let sent = touch
            .filter(|t| t.len() <= MAX_LEN)
            .and_then(|t| serde_json::from_str::<PageTouch>(t).ok())
            .filter(|p| p.first.is_some() || p.last.is_some());
        let sent = sent.or_else(|| {
            let clean = |v: Option<&str>| {
                v.map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| s.chars().take(200).collect::<String>())
            };
            let t = Touch {
                source: clean(source),
                medium: clean(medium),
                campaign: clean(campaign),
                ..Touch::default()
            };
            (t.source.is_some() || t.medium.is_some() || t.campaign.is_some()).then(|| PageTouch {
                first: Some(t.clone()),
                last: Some(t),
            })
        })?;
        let first = sent.first.as_ref().or(sent.last.as_ref());
        let last = sent.last.as_ref().or(sent.first.as_ref());
        Some(PageTouch {
            first: first.map(crate::attribution::classify),
            last: last.map(crate::attribution::classify),
        })
    }

    /// As stored on the hold.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored hold's page touch; `None` when absent or unreadable.
    pub fn from_json(s: Option<&str>) -> Option<PageTouch> {
        serde_json::from_str(s?).ok()
    }

    /// The first or the last touch as a call keeps it.
    pub fn cols(&self, first: bool) -> Option<TouchCols> {
        let t = if first { &self.first } else { &self.last };
        t.as_ref().map(|t| TouchCols {
            channel: Some(t.ch.as_str().to_owned()),
            source: t.source.clone(),
            medium: t.medium.clone(),
            campaign: t.campaign.clone(),
            json: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_context_is_classified_and_old_modules_campaign_parameters_are_read_too() {
        // The whole context as the phone module sends it: the ids beside the touches.
        let ctx = r#"{"vid":"0123456789abcdef0123456789abcdef","sid":"0123456789abcdef0123456789abcdef",
            "first":{"referrer":"https://www.google.com/","landing":"/"},
            "last":{"source":"yandex","medium":"cpc","campaign":"spring","yclid":"1","landing":"/?yclid=1"}}"#;
        let p = PageTouch::from_ask(Some(ctx), None, None, None).unwrap();
        let first = p.cols(true).unwrap();
        assert_eq!(first.source.as_deref(), Some("Google"));
        assert_eq!(first.channel.as_deref(), Some("search"));
        let last = p.cols(false).unwrap();
        assert_eq!(
            (last.source.as_deref(), last.campaign.as_deref()),
            (Some("yandex"), Some("spring"))
        );
        assert_eq!(last.channel.as_deref(), Some("paid_search"));
        let old = PageTouch::from_ask(Some("not json"), Some("flyer"), None, Some("may")).unwrap();
        assert_eq!(old.cols(true), old.cols(false));
        assert_eq!(old.cols(true).unwrap().campaign.as_deref(), Some("may"));
        assert_eq!(PageTouch::from_ask(None, Some(" "), None, None), None);
        let back = PageTouch::from_json(Some(&p.to_json())).unwrap();
        assert_eq!(back, p);
    }
}
