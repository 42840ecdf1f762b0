//! The sites this server serves, looked up by key, with their allowed origins.

use std::{collections::HashMap, sync::Arc};

use protocol::site::EmbedConfig;

use crate::config::SiteSettings;

#[derive(Debug, Clone, Default)]
pub struct Sites {
    by_key: Arc<HashMap<String, SiteSettings>>,
}

impl Sites {
    pub fn new(list: &[SiteSettings]) -> Self {
        Self { by_key: Arc::new(list.iter().map(|s| (s.key.clone(), s.clone())).collect()) }
    }

    pub fn get(&self, key: &str) -> Option<&SiteSettings> {
        self.by_key.get(key)
    }

    /// Whether `origin` may call the API of any site (CORS preflight, before the site is known).
    pub fn any_allows(&self, origin: &str) -> bool {
        self.by_key.values().any(|s| s.allows(origin))
    }
}

impl SiteSettings {
    pub fn allows(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o == origin)
    }

    pub fn embed_config(&self) -> EmbedConfig {
        EmbedConfig {
            site: self.key.clone(),
            consent: self.consent,
            honor_dnt: self.honor_dnt,
            allow_localhost: self.allow_localhost,
            allow_webdriver: self.allow_webdriver,
            lang: self.lang.clone(),
            theme: self.theme.clone(),
            float_button: self.float_button.clone(),
            goals: self.goals.clone(),
        }
    }
}
