//! `[sites.calls]`: a site's numbers (default, static per source, the dynamic pool), the PBX
//! webhook's secret and how calls are counted.

use serde::Deserialize;
use yclients::Secret;

use super::digits;

/// A site's call tracking, as written in the file and resolved at load.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallSettings {
    /// The salon's number as printed on the site (`+7 (495) 123-45-67`): shown when nothing else
    /// applies, and the format every number shown takes.
    pub default_number: String,
    /// Numbers rented from the PBX for the dynamic pool, each shown to one visitor at a time.
    #[serde(default)]
    pub pool: Vec<String>,
    /// Seconds a number stays with a visitor after their last activity.
    #[serde(default = "default_tail")]
    pub tail_secs: u64,
    /// Numbers per source (all of Yandex Direct, a flyer's `utm_source=flyer`).
    #[serde(default, rename = "static")]
    pub static_numbers: Vec<StaticNumber>,
    /// Name of the environment variable holding the PBX webhook's secret:
    /// the PBX posts to `/hooks/pbx/{site}/{secret}`.
    #[serde(default)]
    pub pbx_secret_env: Option<String>,
    #[serde(skip)]
    pub pbx_secret: Option<Secret>,
    /// A caller is "repeat" when the same phone called within this many days before.
    #[serde(default = "default_repeat_days")]
    pub repeat_window_days: u32,
    /// A record the salon makes in YCLIENTS joins the caller's last call when the call was at
    /// most this many days before the record.
    #[serde(default = "default_record_days")]
    pub record_window_days: u32,
    /// Seconds to wait for the recording after a call ends before its history goes to YCLIENTS
    /// without one (the PBX often posts the recording later).
    #[serde(default = "default_recording_wait")]
    pub recording_wait_secs: u64,
}

/// A number for a source: every given field must match the visitor's latest touch.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct StaticNumber {
    pub number: String,
    /// `utm_source` (or the source the touch was classified as: `yandex`, `google`).
    #[serde(default, alias = "utm_source")]
    pub source: Option<String>,
    #[serde(default, alias = "utm_medium")]
    pub medium: Option<String>,
    #[serde(default, alias = "utm_campaign")]
    pub campaign: Option<String>,
    /// `paid_search`, `social`, …
    #[serde(default)]
    pub channel: Option<String>,
}

fn default_tail() -> u64 {
    180
}
fn default_repeat_days() -> u32 {
    30
}
fn default_record_days() -> u32 {
    30
}
fn default_recording_wait() -> u64 {
    30
}

impl CallSettings {
    /// The demo salon's numbers: its printed number, ten pool numbers, a flyer's static number,
    /// and a fresh PBX secret per run (`zapis pbx` is given it).
    pub fn demo() -> CallSettings {
        CallSettings {
            default_number: "+7 495 120-45-17".into(),
            pool: (20..30).map(|i| format!("+7 495 120-45-{i}")).collect(),
            tail_secs: default_tail(),
            static_numbers: vec![StaticNumber {
                number: "+7 495 120-45-30".into(),
                source: Some("flyer".into()),
                medium: None,
                campaign: None,
                channel: None,
            }],
            pbx_secret_env: None,
            pbx_secret: Some(Secret::new(format!("{:032x}", rand::random::<u128>()))),
            repeat_window_days: default_repeat_days(),
            record_window_days: default_record_days(),
            recording_wait_secs: default_recording_wait(),
        }
    }

    /// Reads the secret from the environment and checks the numbers; errors name the site.
    pub fn resolve(&mut self, site: &str) -> anyhow::Result<()> {
        let number = |n: &str, what: &str| -> anyhow::Result<String> {
            digits(n).ok_or_else(|| {
                anyhow::anyhow!(
                    "site {site}: calls: {what} `{n}` is not a phone number (10–15 digits)"
                )
            })
        };
        let default = number(&self.default_number, "default_number")?;
        let mut seen = vec![default];
        for n in &self.pool {
            let d = number(n, "pool number")?;
            anyhow::ensure!(
                !seen.contains(&d),
                "site {site}: calls: number {n} is listed twice"
            );
            seen.push(d);
        }
        for s in &self.static_numbers {
            let d = number(&s.number, "static number")?;
            anyhow::ensure!(
                !seen.contains(&d),
                "site {site}: calls: number {} is listed twice",
                s.number
            );
            anyhow::ensure!(
                s.source.is_some()
                    || s.medium.is_some()
                    || s.campaign.is_some()
                    || s.channel.is_some(),
                "site {site}: calls: static number {} needs a source, medium, campaign or channel",
                s.number
            );
            seen.push(d);
        }
        if let Some(var) = &self.pbx_secret_env {
            let secret = std::env::var(var).map_err(|_| {
                anyhow::anyhow!(
                    "site {site}: environment variable {var} (PBX webhook secret) is not set"
                )
            })?;
            anyhow::ensure!(
                secret.len() >= 16,
                "site {site}: the PBX webhook secret in {var} is shorter than 16 characters"
            );
            self.pbx_secret = Some(Secret::new(secret));
        }
        Ok(())
    }

    /// The pool's numbers as digits.
    pub fn pool_digits(&self) -> Vec<String> {
        self.pool.iter().filter_map(|n| digits(n)).collect()
    }

    /// The repeat-caller window, ms.
    pub fn repeat_window_ms(&self) -> i64 {
        i64::from(self.repeat_window_days) * 86_400_000
    }

    /// The window in which a salon's record joins the caller's call, ms.
    pub fn record_window_ms(&self) -> i64 {
        i64::from(self.record_window_days) * 86_400_000
    }

    pub fn tail_ms(&self) -> i64 {
        (self.tail_secs as i64).saturating_mul(1000)
    }

    /// The static number whose rule the touch matches (the first such).
    pub fn static_for(&self, touch: &TouchFacts) -> Option<&StaticNumber> {
        let is = |want: &Option<String>, have: &Option<String>| match want {
            None => true,
            Some(w) => have.as_deref().is_some_and(|h| h.eq_ignore_ascii_case(w)),
        };
        self.static_numbers.iter().find(|s| {
            is(&s.source, &touch.source)
                && is(&s.medium, &touch.medium)
                && is(&s.campaign, &touch.campaign)
                && is(&s.channel, &touch.channel)
        })
    }

    /// The static rule of a number (digits), if it is one.
    pub fn static_number(&self, number: &str) -> Option<&StaticNumber> {
        self.static_numbers
            .iter()
            .find(|s| digits(&s.number).as_deref() == Some(number))
    }
}

/// What is known of a visitor's latest touch when a number is chosen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TouchFacts {
    pub channel: Option<String>,
    pub source: Option<String>,
    pub medium: Option<String>,
    pub campaign: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(extra: &str) -> anyhow::Result<CallSettings> {
        let mut s: CallSettings =
            toml::from_str(&format!("default_number = \"+7 (495) 123-45-67\"\n{extra}"))?;
        s.resolve("salon")?;
        Ok(s)
    }

    #[test]
    fn a_static_rule_matches_by_utm_source_or_channel() {
        let s = settings(
            "[[static]]\nnumber = \"+7 495 200-00-01\"\nutm_source = \"flyer\"\n\
             [[static]]\nnumber = \"+7 495 200-00-02\"\nchannel = \"paid_search\"\nsource = \"yandex\"",
        )
        .unwrap();
        let touch = |ch: &str, src: &str| TouchFacts {
            channel: Some(ch.into()),
            source: Some(src.into()),
            ..TouchFacts::default()
        };
        assert_eq!(
            s.static_for(&touch("other_campaign", "Flyer"))
                .unwrap()
                .number,
            "+7 495 200-00-01"
        );
        assert_eq!(
            s.static_for(&touch("paid_search", "yandex"))
                .unwrap()
                .number,
            "+7 495 200-00-02"
        );
        assert!(s.static_for(&touch("paid_search", "google")).is_none());
        assert!(s.static_number("74952000002").is_some());
    }

    #[test]
    fn a_wrong_or_repeated_number_or_an_empty_rule_is_a_load_error_naming_the_site() {
        let e = settings("pool = [\"12-34\"]").unwrap_err().to_string();
        assert!(e.contains("site salon") && e.contains("12-34"), "{e}");
        let e = settings("pool = [\"+7 495 123 45 67\"]")
            .unwrap_err()
            .to_string();
        assert!(e.contains("twice"), "{e}");
        let e = settings("[[static]]\nnumber = \"+7 495 200-00-01\"")
            .unwrap_err()
            .to_string();
        assert!(e.contains("needs a source"), "{e}");
        assert_eq!(settings("").unwrap().tail_secs, 180);
    }
}
