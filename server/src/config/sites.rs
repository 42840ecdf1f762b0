//! A site's settings: where the snippet is pasted, how it looks, and where its bookings go.

use jiff::tz::TimeZone;
use protocol::site::{ConsentMode, Goals, Theme};
use serde::Deserialize;
use yclients::Secret;

use super::yes;

/// One site where the snippet is pasted.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteSettings {
    /// The snippet's `data-site`.
    pub key: String,
    /// Origins allowed to call the API and send beacons (`https://salon.example`).
    pub origins: Vec<String>,
    #[serde(default = "default_lang")]
    pub lang: String,
    #[serde(default)]
    pub consent: ConsentMode,
    #[serde(default)]
    pub honor_dnt: bool,
    #[serde(default)]
    pub allow_localhost: bool,
    #[serde(default)]
    pub allow_webdriver: bool,
    #[serde(default)]
    pub theme: Theme,
    /// A floating "book" button on every page of the site.
    #[serde(default)]
    pub float_button: Option<FloatButton>,
    #[serde(default)]
    pub goals: Goals,
    /// `[sites.yclients]` as written; [`Settings::load`](super::Settings::load) parses it into
    /// [`Self::yclients`] and nothing else reads it.
    #[serde(default, rename = "yclients")]
    pub(super) yclients_file: Option<YclientsFile>,
    /// Where bookings go. A site without it only tracks.
    #[serde(skip)]
    pub yclients: Option<SiteYclients>,
    /// Link to the personal-data policy shown beside the consent checkbox.
    #[serde(default)]
    pub privacy_url: Option<String>,
    /// The visitor must tick consent to personal-data processing before booking.
    #[serde(default = "yes")]
    pub booking_consent: bool,
    /// Name of the environment variable holding this site's webhook secret: YCLIENTS posts to
    /// `/hooks/yclients/{site}/{secret}`. Without it the site gets no webhooks (the reconciler
    /// still reads the records).
    #[serde(default)]
    pub webhook_secret_env: Option<String>,
    #[serde(skip)]
    pub webhook_secret: Option<Secret>,
    /// `[sites.calls]`: call tracking (numbers shown, the PBX webhook). Off without it.
    #[serde(default)]
    pub calls: Option<crate::calls::CallSettings>,
    /// Time zone of the reports (day boundaries, times shown): an IANA name, checked at load.
    #[serde(default = "default_timezone", deserialize_with = "time_zone")]
    pub timezone: TimeZone,
}

pub(super) fn default_timezone() -> TimeZone {
    TimeZone::get("Europe/Moscow").expect("the bundled tz database has Europe/Moscow")
}

/// An IANA time zone name, parsed once here; an unknown name stops the load with its name.
fn time_zone<'de, D: serde::Deserializer<'de>>(d: D) -> Result<TimeZone, D::Error> {
    let name = String::deserialize(d)?;
    TimeZone::get(&name).map_err(|_| serde::de::Error::custom(format!("unknown timezone {name}")))
}

/// `[sites.yclients]` as written in the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct YclientsFile {
    /// Which `[[networks]]` entry holds the tokens.
    network: String,
    /// One salon…
    #[serde(default)]
    company_id: Option<u64>,
    /// …or a chain (its branches open for online booking).
    #[serde(default)]
    group_id: Option<u64>,
    #[serde(default)]
    bookform_id: Option<u64>,
    /// Add a line "zapis: source / medium / campaign" to the record's comment for salon staff.
    #[serde(default = "yes")]
    comment_tag: bool,
    /// YCLIENTS custom field code → what to put there: `vid`, `booking_id`,
    /// `first.source|medium|campaign|channel`, `last.source|medium|campaign|channel`.
    #[serde(default)]
    custom_fields: std::collections::BTreeMap<String, String>,
}

impl YclientsFile {
    /// The typed settings; an error names the site and the field.
    pub(super) fn parse(self, site: &str) -> anyhow::Result<SiteYclients> {
        let target = match (self.company_id, self.group_id) {
            (Some(id), None) => Target::Company(id),
            (None, Some(id)) => Target::Group(id),
            _ => anyhow::bail!("site {site}: set exactly one of company_id and group_id"),
        };
        let custom_fields = self
            .custom_fields
            .into_iter()
            .map(|(code, value)| {
                let value = value.parse().map_err(|()| {
                    anyhow::anyhow!(
                        "site {site}: custom field {code}: unknown value `{value}` (use vid, \
                         booking_id, first.source|medium|campaign|channel or last.…)"
                    )
                })?;
                Ok((code, value))
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(SiteYclients {
            network: self.network,
            target,
            bookform_id: self.bookform_id,
            comment_tag: self.comment_tag,
            custom_fields,
        })
    }
}

/// A site's YCLIENTS target and how its bookings are tagged, parsed at load.
#[derive(Debug, Clone)]
pub struct SiteYclients {
    /// Which `[[networks]]` entry holds the tokens.
    pub network: String,
    pub target: Target,
    pub bookform_id: Option<u64>,
    /// Add a line "zapis: source / medium / campaign" to the record's comment for salon staff.
    pub comment_tag: bool,
    /// YCLIENTS custom field code → what zapis puts there.
    pub custom_fields: Vec<(String, TagValue)>,
}

/// Where a site's bookings go: `company_id` (one salon) or `group_id` (a chain: its branches
/// open for online booking).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Company(u64),
    Group(u64),
}

/// What a YCLIENTS custom field of the record receives (`custom_fields` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagValue {
    /// `vid`: the visitor id.
    Vid,
    /// `booking_id`: zapis's booking id.
    BookingId,
    /// `first.…`: a part of the first touch.
    First(TouchPart),
    /// `last.…`: a part of the last touch.
    Last(TouchPart),
}

/// `source`, `medium`, `campaign` or `channel` of a touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TouchPart {
    Source,
    Medium,
    Campaign,
    Channel,
}

impl std::str::FromStr for TagValue {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s {
            "vid" => TagValue::Vid,
            "booking_id" => TagValue::BookingId,
            _ => {
                let (which, part) = s.split_once('.').ok_or(())?;
                let part = match part {
                    "source" => TouchPart::Source,
                    "medium" => TouchPart::Medium,
                    "campaign" => TouchPart::Campaign,
                    "channel" => TouchPart::Channel,
                    _ => return Err(()),
                };
                match which {
                    "first" => TagValue::First(part),
                    "last" => TagValue::Last(part),
                    _ => return Err(()),
                }
            }
        })
    }
}

pub(super) fn default_lang() -> String {
    "ru".into()
}

/// `[sites.float_button]`: the floating "book" button the embed adds to every page.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FloatButton {
    /// `right` (default) or `left` bottom corner.
    #[serde(default)]
    pub position: FloatPosition,
    /// Button text per language; empty → "Записаться" / "Book now".
    #[serde(default)]
    pub label_ru: String,
    #[serde(default)]
    pub label_en: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FloatPosition {
    #[default]
    Right,
    Left,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yclients(extra: &str) -> anyhow::Result<SiteYclients> {
        let file: YclientsFile = toml::from_str(&format!("network = \"n\"\n{extra}"))?;
        file.parse("salon")
    }

    #[test]
    fn the_target_and_custom_fields_are_parsed_at_load() {
        let y = yclients(
            "group_id = 7\n[custom_fields]\nzv = \"vid\"\nsrc = \"first.source\"\nch = \"last.channel\"",
        )
        .unwrap();
        assert_eq!(y.target, Target::Group(7));
        assert_eq!(
            y.custom_fields,
            vec![
                ("ch".to_string(), TagValue::Last(TouchPart::Channel)),
                ("src".to_string(), TagValue::First(TouchPart::Source)),
                ("zv".to_string(), TagValue::Vid),
            ]
        );
        assert_eq!(
            yclients("company_id = 3").unwrap().target,
            Target::Company(3)
        );
    }

    #[test]
    fn a_wrong_target_or_command_is_a_load_error_naming_the_site_and_field() {
        let both = yclients("company_id = 1\ngroup_id = 2")
            .unwrap_err()
            .to_string();
        assert!(
            both.contains("site salon") && both.contains("exactly one"),
            "{both}"
        );
        assert!(yclients("").is_err());
        let typo = yclients("company_id = 1\n[custom_fields]\nsrc = \"first.sorce\"")
            .unwrap_err()
            .to_string();
        assert!(
            typo.contains("site salon")
                && typo.contains("custom field src")
                && typo.contains("first.sorce"),
            "{typo}"
        );
    }
}
