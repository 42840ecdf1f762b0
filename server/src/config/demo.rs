//! The demo configuration: no file, the demo site, the built-in sandbox, owner demo/demo.

use protocol::site::{ConsentMode, Goals, Theme};
use yclients::Secret;

use super::{
    HttpSettings, OwnerSettings, ReconcilerSettings, SandboxSettings, ServerSettings, Settings,
    SiteSettings, SiteYclients, TagValue, Target, UpstreamSettings,
    sites::{default_lang, default_timezone},
};

impl Settings {
    /// The demo: the demo site and site key `demo`, open to loopback origins.
    pub fn demo() -> Self {
        Self {
            server: ServerSettings {
                site_dir: Some("demo-site".into()),
                ..ServerSettings::default()
            },
            networks: Vec::new(),
            sandbox: Some(SandboxSettings {
                port: 0,
                rate_limit: true,
            }),
            sites: vec![SiteSettings::demo(&[
                "http://127.0.0.1:8080",
                "http://localhost:8080",
            ])],
            owners: vec![OwnerSettings {
                login: "demo".into(),
                password_hash: DEMO_PASSWORD_HASH.into(),
                sites: vec!["demo".into()],
            }],
            reconciler: ReconcilerSettings { interval_secs: 60 },
            upstream: UpstreamSettings::default(),
            // The demo runs on loopback: its /metrics is open to look at.
            http: HttpSettings {
                metrics_public: true,
                ..HttpSettings::default()
            },
            ingest: Default::default(),
        }
    }
}

impl SiteSettings {
    /// The demo site, allowed from these origins; tracks on localhost (it is the demo).
    pub fn demo(origins: &[&str]) -> Self {
        Self {
            key: "demo".into(),
            origins: origins.iter().map(|o| o.to_string()).collect(),
            lang: default_lang(),
            consent: ConsentMode::None,
            honor_dnt: false,
            allow_localhost: true,
            allow_webdriver: false,
            theme: Theme::default(),
            float_button: None,
            goals: Goals::default(),
            yclients: Some(SiteYclients {
                network: SANDBOX_NETWORK.into(),
                target: Target::Group(DEMO_GROUP_ID),
                bookform_id: None,
                comment_tag: true,
                custom_fields: vec![("zapis_visitor".to_string(), TagValue::Vid)],
            }),
            yclients_file: None,
            privacy_url: Some("/privacy.html".into()),
            booking_consent: true,
            // A fresh secret per run: the built-in sandbox is pointed at it at startup.
            webhook_secret_env: None,
            webhook_secret: Some(Secret::new(format!("{:032x}", rand::random::<u128>()))),
            timezone: default_timezone(),
        }
    }
}

/// The demo owner's password, `demo`, hashed (the demo prints login and password).
pub const DEMO_PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$aW/3xNTz2kNGc5dF9tbWOA$ny4CjKP/f4LOvI4ch9WveUawqGMfUcFnElYUqEIbPxQ";

/// The network name of the built-in sandbox.
pub const SANDBOX_NETWORK: &str = "sandbox";
/// The sandbox seed's chain «Лён».
pub const DEMO_GROUP_ID: u64 = 120501;
