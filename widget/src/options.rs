//! What embed.js passes when it opens or mounts the widget (a JSON string).

use serde::Deserialize;

use crate::i18n::Lang;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Options {
    /// Site key (`data-site`).
    pub site: String,
    /// Base URL of the zapis server (where embed.js came from), ending in `/`.
    #[serde(default)]
    pub api: String,
    #[serde(default)]
    pub lang: Option<String>,
    /// Preselected service / master / branch ids from `data-service`, `data-staff`, `data-branch`.
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub staff: Option<String>,
    #[serde(default)]
    pub branch: Option<String>,
    /// The tracker's context (visitor, session, touches) as raw JSON; sent with the booking.
    #[serde(default)]
    pub ctx: Option<serde_json::Value>,
}

impl Options {
    pub fn parse(json: &str) -> Result<Self, String> {
        serde_json::from_str(json).map_err(|e| format!("zapis: bad widget options: {e}"))
    }

    pub fn language(&self) -> Lang {
        Lang::pick(self.lang.as_deref())
    }
}
