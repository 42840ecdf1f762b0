//! The sites this server serves, looked up by key (a component of `App`; no handlers here).

use std::{collections::HashMap, sync::Arc};

use crate::config::SiteSettings;

#[derive(Debug, Clone, Default)]
pub struct Sites {
    by_key: Arc<HashMap<String, SiteSettings>>,
}

impl Sites {
    pub fn new(list: &[SiteSettings]) -> Self {
        Self {
            by_key: Arc::new(list.iter().map(|s| (s.key.clone(), s.clone())).collect()),
        }
    }

    pub fn get(&self, key: &str) -> Option<&SiteSettings> {
        self.by_key.get(key)
    }

    /// Every site.
    pub fn iter(&self) -> impl Iterator<Item = &SiteSettings> {
        self.by_key.values()
    }

    /// Whether `origin` may call the API of any site (CORS preflight, before the site is known).
    pub fn any_allows(&self, origin: &str) -> bool {
        self.by_key.values().any(|s| s.allows(origin))
    }
}
