//! Whether and how to track: not at all (opted out, or DNT/GPC when the site honours them), in
//! memory only (consent required and not yet given), or persistently. embed.js reads
//! `navigator.doNotTrack` and `navigator.globalPrivacyControl` for a site that honours them and
//! passes the answer to `start` (0.1 KB gzip less tracker for 30 B more embed.js). Bots and
//! automated browsers and pages on localhost are the server's to refuse (`zapis::ingest`, by
//! User-Agent and Origin, unless the site allows them): that check cost the tracker 0.18 KB gzip.

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

/// What the site and the browser say.
#[derive(Clone, Copy, Default)]
pub struct Env {
    /// The site requires consent (`protocol::site::EmbedConfig`).
    pub consent_required: bool,
    /// The site honours DNT/GPC and the browser sends one (embed.js decides).
    pub dnt: bool,
    pub opted_out: bool,
    /// Consent given on an earlier page (remembered only after consent).
    pub consented: bool,
}

pub fn mode(e: Env) -> Mode {
    if e.opted_out || e.dnt {
        Mode::Off
    } else if e.consent_required && !e.consented {
        Mode::Memory
    } else {
        Mode::Persist
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn modes() {
        let none = Env::default();
        let req = Env {
            consent_required: true,
            ..none
        };
        assert_eq!(mode(none), Mode::Persist);
        assert_eq!(mode(req), Mode::Memory);
        assert_eq!(
            mode(Env {
                consented: true,
                ..req
            }),
            Mode::Persist
        );
        for off in [
            Env {
                opted_out: true,
                ..none
            },
            Env {
                opted_out: true,
                consented: true,
                ..req
            },
            Env { dnt: true, ..none },
            Env { dnt: true, ..req },
        ] {
            assert_eq!(mode(off), Mode::Off);
        }
    }
}
