//! The demo configuration: no file, the demo site, the built-in sandbox, owner demo/demo.

use std::net::{IpAddr, SocketAddr};

use protocol::site::{ConsentMode, Goals, Theme};
use yclients::Secret;

use super::{
    HttpSettings, OwnerSettings, ReconcilerSettings, SandboxSettings, ServerSettings, Settings,
    SiteSettings, SiteYclients, TagValue, Target, UpstreamSettings,
    sites::{default_lang, default_timezone},
};

impl Settings {
    /// The demo: the demo site and site key `demo`, open to the origins it is served from (the
    /// default address; [`Settings::demo_follows_address`] after the environment moved it).
    pub fn demo() -> Self {
        let server = ServerSettings {
            site_dir: Some("demo-site".into()),
            ..ServerSettings::default()
        };
        let origins = served_from(server.addr, server.public_url.as_deref());
        let origins: Vec<&str> = origins.iter().map(String::as_str).collect();
        let mut site = SiteSettings::demo(&origins);
        site.calls = Some(crate::calls::CallSettings::demo());
        Self {
            server,
            networks: Vec::new(),
            sandbox: Some(SandboxSettings {
                port: 0,
                rate_limit: true,
            }),
            sites: vec![site],
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

impl Settings {
    /// The demo site allows the origins the server is actually served from: its listening
    /// address (`ZAPIS_ADDR=127.0.0.1:9000` → `http://127.0.0.1:9000`, `http://localhost:9000`)
    /// and `ZAPIS_PUBLIC_URL`'s origin. Called once the environment is applied.
    pub fn demo_follows_address(&mut self) {
        let origins = served_from(self.server.addr, self.server.public_url.as_deref());
        for site in self.sites.iter_mut().filter(|s| s.key == "demo") {
            site.origins = origins.clone();
        }
    }
}

/// The origins a browser sends for pages of a server listening on `addr` and published at
/// `public_url`: a loopback or unspecified address is reached as 127.0.0.1, localhost and
/// [::1]; any other by its address; port 80 is left out, as browsers leave it.
pub fn served_from(addr: SocketAddr, public_url: Option<&str>) -> Vec<String> {
    let port = match addr.port() {
        80 => String::new(),
        p => format!(":{p}"),
    };
    let ip = addr.ip();
    let mut hosts: Vec<String> = if ip.is_loopback() || ip.is_unspecified() {
        vec!["127.0.0.1".into(), "localhost".into(), "[::1]".into()]
    } else {
        Vec::new()
    };
    if !ip.is_loopback() && !ip.is_unspecified() {
        hosts.push(match ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => format!("[{v6}]"),
        });
    }
    let mut origins: Vec<String> = hosts
        .into_iter()
        .map(|h| format!("http://{h}{port}"))
        .collect();
    if let Some(origin) = public_url.and_then(origin_of)
        && !origins.contains(&origin)
    {
        origins.push(origin);
    }
    origins
}

/// `https://book.example.com` of `https://book.example.com/zapis/`.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .filter(|h| !h.is_empty())?;
    Some(format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase()
    ))
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
            calls: None,
        }
    }
}

/// The demo owner's password, `demo`, hashed (the demo prints login and password).
pub const DEMO_PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$aW/3xNTz2kNGc5dF9tbWOA$ny4CjKP/f4LOvI4ch9WveUawqGMfUcFnElYUqEIbPxQ";

/// The network name of the built-in sandbox.
pub const SANDBOX_NETWORK: &str = "sandbox";
/// The sandbox seed's chain «Лён».
pub const DEMO_GROUP_ID: u64 = 120501;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_allows_the_origins_it_is_served_from() {
        assert_eq!(
            Settings::demo().sites[0].origins,
            [
                "http://127.0.0.1:8080",
                "http://localhost:8080",
                "http://[::1]:8080"
            ]
        );
        let mut s = Settings::demo();
        s.server.addr = "0.0.0.0:9000".parse().unwrap();
        s.server.public_url = Some("https://Book.Example.com/zapis".into());
        s.demo_follows_address();
        assert_eq!(
            s.sites[0].origins,
            [
                "http://127.0.0.1:9000",
                "http://localhost:9000",
                "http://[::1]:9000",
                "https://book.example.com"
            ]
        );
        assert_eq!(
            served_from("192.168.1.5:80".parse().unwrap(), None),
            ["http://192.168.1.5"]
        );
    }
}
