//! Loading: the file (or, for `zapis demo`, the demo), then the environment, then the checks.

use anyhow::Context;
use yclients::Secret;

use super::Settings;

impl Settings {
    /// Reads the file at `path`, then the environment.
    pub fn load(path: &std::path::Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config {}", path.display()))?;
        let settings: Self =
            toml::from_str(&text).with_context(|| format!("parsing config {}", path.display()))?;
        settings.finish(true)
    }

    /// `zapis demo`: the demo settings on `database_url`. `DATABASE_URL` is not read, so the
    /// demo (owner demo/demo, a sandbox that hands out its tokens) never runs on a real database.
    pub fn load_demo(database_url: &str) -> anyhow::Result<Self> {
        let mut settings = Self::demo();
        settings.server.database_url = database_url.to_owned();
        let mut settings = settings.finish(false)?;
        settings.demo_follows_address();
        Ok(settings)
    }

    fn finish(mut self, database_from_env: bool) -> anyhow::Result<Self> {
        self.apply_env(database_from_env)?;
        for s in &mut self.sites {
            if let Some(file) = s.yclients_file.take() {
                s.yclients = Some(file.parse(&s.key)?);
            }
            if let Some(calls) = &mut s.calls {
                calls.resolve(&s.key)?;
            }
        }
        self.validate()?;
        Ok(self)
    }

    fn apply_env(&mut self, database_from_env: bool) -> anyhow::Result<()> {
        if let Ok(v) = std::env::var("ZAPIS_ADDR") {
            self.server.addr = v
                .parse()
                .with_context(|| format!("ZAPIS_ADDR={v} is not host:port"))?;
        }
        if let Ok(v) = std::env::var("DATABASE_URL")
            && database_from_env
        {
            self.server.database_url = v;
        }
        if let Ok(v) = std::env::var("ZAPIS_DIST") {
            self.server.dist_dir = v.into();
        }
        if let Ok(v) = std::env::var("ZAPIS_PUBLIC_URL") {
            self.server.public_url = Some(v.trim_end_matches('/').to_owned());
        }
        if let Ok(v) = std::env::var("ZAPIS_TRUSTED_PROXIES") {
            self.server.trusted_proxies = v
                .split(',')
                .filter(|p| !p.trim().is_empty())
                .map(str::parse)
                .collect::<anyhow::Result<_>>()
                .with_context(|| format!("ZAPIS_TRUSTED_PROXIES={v}"))?;
        }
        if let Ok(v) = std::env::var("ZAPIS_FORWARDED_HEADER") {
            self.server.forwarded_header = v
                .parse()
                .with_context(|| format!("ZAPIS_FORWARDED_HEADER={v}"))?;
        }
        if let Ok(v) = std::env::var("ZAPIS_SITE_DIR") {
            self.server.site_dir = Some(v.into());
        }
        for s in &mut self.sites {
            if let Some(var) = &s.webhook_secret_env {
                let secret = std::env::var(var).with_context(|| {
                    format!(
                        "site {}: environment variable {var} (webhook secret) is not set",
                        s.key
                    )
                })?;
                s.webhook_secret = Some(Secret::new(secret));
            }
        }
        if let Some(var) = &self.http.metrics_token_env {
            let token = std::env::var(var).with_context(|| {
                format!("[http] environment variable {var} (metrics token) is not set")
            })?;
            anyhow::ensure!(
                token.len() >= 16,
                "[http] the metrics token in {var} is shorter than 16 characters"
            );
            self.http.metrics_token = Some(Secret::new(token));
        }
        for n in &mut self.networks {
            if !n.partner_token_env.is_empty() {
                let token = std::env::var(&n.partner_token_env).with_context(|| {
                    format!(
                        "network {}: environment variable {} (partner token) is not set",
                        n.name, n.partner_token_env
                    )
                })?;
                n.partner_token = Some(Secret::new(token));
            }
            if let Some(var) = &n.crm_token_env {
                let token = std::env::var(var).with_context(|| {
                    format!(
                        "network {}: environment variable {var} (telephony CRM token) is not set",
                        n.name
                    )
                })?;
                n.crm_token = Some(Secret::new(token));
            }
            if let Some(var) = &n.user_token_env {
                let token = std::env::var(var).with_context(|| {
                    format!(
                        "network {}: environment variable {var} (user token) is not set",
                        n.name
                    )
                })?;
                n.user_token = Some(Secret::new(token));
            }
        }
        Ok(())
    }
}
