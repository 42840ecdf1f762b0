//! What embed.js passes when it opens or mounts the widget (a JSON string).

use protocol::booking::Attribution;

use crate::i18n::Lang;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    /// Site key (`data-site`).
    pub site: String,
    /// Base URL of the zapis server (where embed.js came from), ending in `/`.
    pub api: String,
    pub lang: Option<String>,
    /// Preselected service ids (`123` or `123,456`), master id (`0` = any) and branch id from
    /// `data-service`, `data-staff`, `data-branch`. The steps they settle are skipped.
    pub service: Option<String>,
    pub staff: Option<String>,
    pub branch: Option<String>,
    /// The tracker's context (`{vid, sid, first, last}`), sent with the booking.
    pub ctx: Option<Attribution>,
    /// The cabinet's one-time receipt from a booking just made (`BookingResult.cabinet`),
    /// exchanged for a session when the cabinet opens.
    pub receipt: Option<String>,
    /// Seconds before an SMS code may be requested again (60; tests shorten it). Not read from JSON.
    pub resend_after: Option<u32>,
}

impl Options {
    /// Reads the options JSON (`site` is required; ids may be numbers or strings).
    pub fn parse(json: &str) -> Result<Self, String> {
        crate::wire::options(json)
    }

    /// The host's choice (`lang`), else the page's `<html lang>`, else `navigator.language`;
    /// `None` when none of them is a language the widget has (the site's default then applies).
    pub fn language(&self) -> Option<Lang> {
        let window = web_sys::window();
        let html = window
            .as_ref()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"));
        let navigator = window.and_then(|w| w.navigator().language());
        [self.lang.clone(), html, navigator]
            .into_iter()
            .flatten()
            .find_map(|tag| Lang::recognise(&tag))
    }

    pub fn resend_seconds(&self) -> u32 {
        self.resend_after.unwrap_or(60)
    }
}
