//! Checks across sections (a site's network exists, an owner's sites exist, keys are unique).

use super::{SANDBOX_NETWORK, Settings};

impl Settings {
    pub(super) fn validate(&self) -> anyhow::Result<()> {
        for n in &self.networks {
            anyhow::ensure!(
                n.name != SANDBOX_NETWORK,
                "network name `sandbox` is reserved for the built-in sandbox"
            );
            anyhow::ensure!(
                n.partner_token.is_some(),
                "network {}: partner_token_env is required",
                n.name
            );
        }
        for s in &self.sites {
            if let Some(y) = &s.yclients {
                let known = self.networks.iter().any(|n| n.name == y.network)
                    || (y.network == SANDBOX_NETWORK && self.sandbox.is_some());
                anyhow::ensure!(known, "site {}: unknown network {}", s.key, y.network);
            }
        }
        for o in &self.owners {
            anyhow::ensure!(!o.login.is_empty(), "an owner has an empty login");
            anyhow::ensure!(
                o.password_hash.starts_with("$argon2"),
                "owner {}: password_hash must be an argon2 hash (zapis hash-password)",
                o.login
            );
            for site in &o.sites {
                anyhow::ensure!(
                    self.sites.iter().any(|s| &s.key == site),
                    "owner {}: unknown site {site}",
                    o.login
                );
            }
        }
        for s in &self.sites {
            if let Some(secret) = &s.webhook_secret {
                anyhow::ensure!(
                    secret.expose().len() >= 16,
                    "site {}: the webhook secret must be at least 16 characters",
                    s.key
                );
            }
        }
        let mut keys = std::collections::HashSet::new();
        for s in &self.sites {
            anyhow::ensure!(
                !s.key.is_empty() && s.key.len() <= 64,
                "site key must be 1–64 characters"
            );
            anyhow::ensure!(keys.insert(&s.key), "site key {} appears twice", s.key);
            for o in &s.origins {
                anyhow::ensure!(
                    (o.starts_with("https://") || o.starts_with("http://")) && !o.ends_with('/'),
                    "site {}: origin {o} must be scheme://host[:port] with no trailing slash",
                    s.key
                );
            }
        }
        Ok(())
    }
}
