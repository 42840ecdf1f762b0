//! Whether and how to track: not at all (opted out, DNT/GPC when the site honours them), in
//! memory only (consent required and not yet given), or persistently. Bots and automated
//! browsers and pages on localhost are the server's to refuse (`zapis::ingest`, by User-Agent
//! and Origin, unless the site allows them): that check cost the tracker 0.18 KB gzip.

use super::js;

#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(Debug))]
pub enum Mode {
    /// Nothing is tracked, stored or sent.
    Off,
    /// A session in memory: nothing stored (no cookie, no localStorage), nothing sent.
    Memory,
    /// Ids in cookie + localStorage, events sent.
    Persist,
}

/// The site's settings (`protocol::site::EmbedConfig`).
#[derive(Clone, Copy, Default)]
pub struct Cfg {
    pub consent_required: bool,
    pub honor_dnt: bool,
}

/// What the browser says.
#[derive(Clone, Copy, Default)]
pub struct Env {
    pub opted_out: bool,
    /// `navigator.doNotTrack == "1"` or `navigator.globalPrivacyControl`.
    pub dnt: bool,
    /// Consent given on an earlier page (remembered only after consent).
    pub consented: bool,
}

pub fn mode(c: Cfg, e: Env) -> Mode {
    if e.opted_out || (c.honor_dnt && e.dnt) {
        Mode::Off
    } else if c.consent_required && !e.consented {
        Mode::Memory
    } else {
        Mode::Persist
    }
}

/// Reads the browser's side (not the remembered opt-out and consent: see `store`).
pub fn env() -> Env {
    Env {
        dnt: js::text("navigator.doNotTrack") == "1"
            || js::is_true(&js::at("navigator.globalPrivacyControl")),
        ..Env::default()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        let none = Cfg::default();
        let req = Cfg {
            consent_required: true,
            ..none
        };
        assert_eq!(mode(none, Env::default()), Mode::Persist);
        assert_eq!(mode(req, Env::default()), Mode::Memory);
        assert_eq!(
            mode(
                req,
                Env {
                    consented: true,
                    ..Env::default()
                }
            ),
            Mode::Persist
        );
        assert_eq!(
            mode(
                none,
                Env {
                    opted_out: true,
                    ..Env::default()
                }
            ),
            Mode::Off
        );
        assert_eq!(
            mode(
                req,
                Env {
                    opted_out: true,
                    consented: true,
                    ..Env::default()
                }
            ),
            Mode::Off
        );
        let dnt = Env {
            dnt: true,
            ..Env::default()
        };
        assert_eq!(
            mode(none, dnt),
            Mode::Persist,
            "DNT only when the site honours it"
        );
        assert_eq!(
            mode(
                Cfg {
                    honor_dnt: true,
                    ..none
                },
                dnt
            ),
            Mode::Off
        );
    }
}
