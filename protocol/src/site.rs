//! What the embed needs to know about a site before it tracks or shows anything:
//! `GET /api/v1/sites/{site}/embed` → [`EmbedConfig`]. Small and cacheable (short max-age).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmbedConfig {
    pub site: String,
    /// `none`: track at once. `required`: keep the session in memory only until
    /// `zapis('consent', true)`.
    pub consent: ConsentMode,
    /// Honour Do-Not-Track and Global Privacy Control: when set and the browser sends either,
    /// nothing is tracked or stored.
    #[serde(default)]
    pub honor_dnt: bool,
    /// Track on localhost / 127.0.0.1 (off in production; on for the demo and tests).
    #[serde(default)]
    pub allow_localhost: bool,
    /// Track browsers driven by automation (`navigator.webdriver`): only for tests.
    #[serde(default)]
    pub allow_webdriver: bool,
    /// Default widget language (`ru` | `en`); the page may override it.
    pub lang: String,
    pub theme: Theme,
    /// The floating "book" button, when the site has one, as ready markup per language: the
    /// embed appends `float_button[page lang] || float_button[site lang]` to `<body>`. The
    /// server renders it (labels escaped) so that the embed carries no styling or labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub float_button: Option<FloatButtonMarkup>,
    /// Analytics goals fired on `booked` (the widget fires them: `SiteInfo.goals`).
    #[serde(default)]
    pub goals: Goals,
    /// The modules the embed loads on demand, by name → content hash (files
    /// `<name>.<hash>.js` and `.wasm` beside embed.js): `widget` (booking), `events`, `cabinet`,
    /// and `phone` (call tracking) only for a site that tracks calls — the embed mounts it on
    /// the page at once. (Here rather than in embed.js: every module named there costs every
    /// page's first download.)
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub modules: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ConsentMode {
    #[default]
    None,
    Required,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Theme {
    /// CSS colour, e.g. `#8a4baf`.
    pub brand: String,
    /// CSS length, e.g. `12px`.
    pub radius: String,
    /// CSS font-family list; empty = inherit the system UI font.
    #[serde(default)]
    pub font: String,
    /// `light` | `dark` | `auto`.
    pub mode: String,
}

impl Default for Theme {
    fn default() -> Self {
        Self {
            brand: "#8a4baf".into(),
            radius: "12px".into(),
            font: String::new(),
            mode: "auto".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FloatButtonMarkup {
    /// `<button type="button" data-zapis-book …>Записаться</button>`
    pub ru: String,
    /// `<button type="button" data-zapis-book …>Book now</button>`
    pub en: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Goals {
    /// Yandex Metrica counter id: the widget calls `ym(id, 'reachGoal', 'zapis_booked')`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrika: Option<String>,
    /// The widget pushes `{event: 'zapis_booked', zapis: booking}` to `window.dataLayer` (GA4 /
    /// GTM).
    #[serde(default)]
    pub ga4: bool,
}
