//! Whether and how to track: not at all (opted out, DNT/GPC when the site honours them, bots,
//! localhost), in memory only (consent required and not yet given), or persistently.

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
    pub allow_localhost: bool,
    pub allow_webdriver: bool,
}

/// What the browser says.
#[derive(Clone, Copy, Default)]
pub struct Env {
    pub opted_out: bool,
    /// `navigator.doNotTrack == "1"` or `navigator.globalPrivacyControl`.
    pub dnt: bool,
    pub webdriver: bool,
    pub localhost: bool,
    /// Consent given on an earlier page (remembered only after consent).
    pub consented: bool,
}

pub fn mode(c: Cfg, e: Env) -> Mode {
    if e.opted_out
        || (c.honor_dnt && e.dnt)
        || (e.webdriver && !c.allow_webdriver)
        || (e.localhost && !c.allow_localhost)
    {
        Mode::Off
    } else if c.consent_required && !e.consented {
        Mode::Memory
    } else {
        Mode::Persist
    }
}

/// `localhost`, `*.localhost`, `127.x.x.x`, `[::1]`, or a page opened from a file.
#[inline(never)] // (measured: smaller wasm)
pub fn is_local(h: &str, protocol: &str) -> bool {
    h == "localhost"
        || h.ends_with(".localhost")
        || h == "[::1]"
        || h.strip_prefix("127.")
            .is_some_and(|r| r.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
        || protocol == "file:"
}

/// Reads the browser's side (not the remembered opt-out and consent: see `store`).
pub fn env() -> Env {
    Env {
        dnt: js::text("navigator.doNotTrack") == "1"
            || js::is_true(&js::at("navigator.globalPrivacyControl")),
        webdriver: js::is_true(&js::at("navigator.webdriver")),
        localhost: is_local(js::text("location.hostname"), js::text("location.protocol")),
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
        let bot = Env {
            webdriver: true,
            ..Env::default()
        };
        assert_eq!(mode(none, bot), Mode::Off);
        assert_eq!(
            mode(
                Cfg {
                    allow_webdriver: true,
                    ..none
                },
                bot
            ),
            Mode::Persist
        );
        let local = Env {
            localhost: true,
            ..Env::default()
        };
        assert_eq!(mode(none, local), Mode::Off);
        assert_eq!(
            mode(
                Cfg {
                    allow_localhost: true,
                    ..req
                },
                local
            ),
            Mode::Memory
        );
    }

    #[test]
    fn local_hosts() {
        for h in [
            "localhost",
            "app.localhost",
            "127.0.0.1",
            "127.1.2.3",
            "[::1]",
        ] {
            assert!(is_local(h, "http:"), "{h}");
        }
        for h in [
            "salon.ru",
            "127.0.0.1.nip.io",
            "localhost.salon.ru",
            "10.0.0.1",
            "",
        ] {
            assert!(!is_local(h, "https:"), "{h}");
        }
        assert!(is_local("", "file:"));
    }
}
