//! `[http]`: what a client may hold of the server, and who may read `/metrics`.

use std::{net::SocketAddr, time::Duration};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpSettings {
    /// Seconds to send a request's headers, and to start the next request on a kept-alive
    /// connection (then it is closed).
    pub header_timeout_secs: u64,
    /// Seconds to send a request's body.
    pub body_timeout_secs: u64,
    /// Connections open at once; more wait to be accepted.
    pub max_connections: usize,
    /// Serve `/metrics` only here (e.g. `127.0.0.1:9100`), not on the public address.
    pub metrics_addr: Option<SocketAddr>,
    /// Or: serve `/metrics` on the public address to `Authorization: Bearer <token>` only, the
    /// token in this environment variable. With neither (nor `metrics_public`), the public
    /// `/metrics` answers 404.
    pub metrics_token_env: Option<String>,
    #[serde(skip)]
    pub metrics_token: Option<yclients::Secret>,
    /// Serve `/metrics` on the public address to anyone: for the demo and loopback benches only.
    pub metrics_public: bool,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            header_timeout_secs: 10,
            body_timeout_secs: 30,
            max_connections: 1024,
            metrics_addr: None,
            metrics_token_env: None,
            metrics_token: None,
            metrics_public: false,
        }
    }
}

impl HttpSettings {
    /// Who may read `/metrics` on the public address.
    pub fn metrics_access(&self) -> crate::metrics::MetricsAccess {
        use crate::metrics::MetricsAccess;
        match (&self.metrics_token, self.metrics_public) {
            (Some(token), _) => MetricsAccess::Token(token.clone()),
            (None, true) => MetricsAccess::Public,
            (None, false) => MetricsAccess::Hidden,
        }
    }

    pub fn limits(&self) -> crate::serve::ServeLimits {
        crate::serve::ServeLimits {
            header_timeout: Duration::from_secs(self.header_timeout_secs.max(1)),
            body_timeout: Duration::from_secs(self.body_timeout_secs.max(1)),
            max_connections: self.max_connections.max(1),
        }
    }
}
