//! The async YCLIENTS client.
//!
//! ```no_run
//! # async fn demo() -> yclients::Result<()> {
//! use yclients::{Client, model::BookQuery};
//! let client = Client::builder("partner-token").user_token("user-token").build()?;
//! let services = client.book_services(4564, &BookQuery::default()).await?;
//! # Ok(()) }
//! ```

mod activity;
mod booking;
mod budget;
mod catalog;
mod clients;
mod http;
mod records;
mod user;
mod voip;

use std::sync::Arc;
use std::time::Duration;

pub use budget::{Priority, RateLimit, SharedBudget};

use crate::{Error, Result, Secret};
use budget::{Budget, Shared};

/// The production API host.
pub const PRODUCTION_BASE_URL: &str = "https://api.yclients.com";

/// The `Accept` header that selects the v2 response format (`{success, data, meta}`).
pub const ACCEPT_V2: &str = "application/vnd.yclients.v2+json";

/// When and how often a call is tried again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries per call, the first included (1 = never retry).
    pub max_attempts: u32,
    /// Backoff before the second try; doubles each time, with full jitter.
    pub base_delay: Duration,
    /// Backoff ceiling.
    pub max_delay: Duration,
    /// The longest `Retry-After` the client waits for; a longer one fails the call at once.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(3),
            max_retry_after: Duration::from_secs(10),
        }
    }
}

/// Builds a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    base_url: String,
    partner_token: Secret,
    user_token: Option<Secret>,
    timeout: Duration,
    retry: RetryPolicy,
    rate_limit: Option<RateLimit>,
    shared_budget: Option<Arc<dyn SharedBudget>>,
    user_agent: String,
}

impl std::fmt::Debug for dyn SharedBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedBudget")
    }
}

impl ClientBuilder {
    /// The API host, `https://api.yclients.com` by default (a sandbox's `base_url()` in tests).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The user token sent as `, User <token>` on calls that need one (records, visits).
    pub fn user_token(mut self, token: impl Into<Secret>) -> Self {
        self.user_token = Some(token.into());
        self
    }

    /// Timeout of one attempt, connect to last byte (10 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retry policy of idempotent calls.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The client-side rate budget (5/s and 200/min by default); `None` turns it off.
    pub fn rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.rate_limit = limit;
        self
    }

    /// A budget shared with other processes, consulted before each send after this process's
    /// own (which must be on: the shared one is asked about its limit).
    pub fn shared_budget(mut self, shared: Arc<dyn SharedBudget>) -> Self {
        self.shared_budget = Some(shared);
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// Builds the client. Clients built for the same host and limits share one rate budget.
    pub fn build(self) -> Result<Client> {
        let base = self.base_url.trim_end_matches('/').to_owned();
        let url = reqwest::Url::parse(&base)
            .map_err(|e| Error::Config(format!("base URL {base:?}: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(Error::Config(format!(
                "base URL {base:?} is not an http(s) URL"
            )));
        }
        let http = reqwest::Client::builder()
            .user_agent(self.user_agent)
            .connect_timeout(self.timeout)
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        let origin = url.origin().ascii_serialization();
        let budget = self.rate_limit.map(|limit| Budget::shared(&origin, limit));
        let shared = match (self.shared_budget, self.rate_limit) {
            (Some(budget), Some(limit)) => Some(Shared {
                budget,
                origin: origin.clone(),
                limit,
            }),
            _ => None,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                timeout: self.timeout,
                retry: self.retry,
                budget,
                shared,
            }),
            partner: self.partner_token,
            user: self.user_token,
            background: false,
            importing: false,
            tenant: Arc::from(""),
        })
    }
}

struct Inner {
    http: reqwest::Client,
    base: String,
    timeout: Duration,
    retry: RetryPolicy,
    budget: Option<Arc<Budget>>,
    shared: Option<Shared>,
}

/// An async YCLIENTS client. Cheap to clone; clones share the connection pool and the
/// rate budget.
///
/// Calls are grouped as in the API reference: catalogue (`bookform`, `company`, `book_*`),
/// booking (`book_code`, `book_check`, `book_record`, user auth and user records),
/// records (`record`, `records`, [`find_record_by_api_id`](Client::find_record_by_api_id))
/// and group events (`activity_search`, `activity`, `activity_book`, …).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    partner: Secret,
    user: Option<Secret>,
    /// Catalogue reads at [`Priority::Background`].
    background: bool,
    /// Every call at [`Priority::Import`].
    importing: bool,
    /// Whose calls these are on the shared rate budget (a site): tenants waiting at one
    /// priority are served in turn.
    tenant: Arc<str>,
}

// Clients are shared across tasks and threads.
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<Client>();
};

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base)
            .field("partner_token", &self.partner)
            .field("user_token", &self.user)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts building a client with the partner token.
    pub fn builder(partner_token: impl Into<Secret>) -> ClientBuilder {
        ClientBuilder {
            base_url: PRODUCTION_BASE_URL.to_owned(),
            partner_token: partner_token.into(),
            user_token: None,
            timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            rate_limit: Some(RateLimit::default()),
            shared_budget: None,
            user_agent: concat!("zapis-yclients/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }

    /// A production client with default settings.
    pub fn new(partner_token: impl Into<Secret>) -> Result<Client> {
        Client::builder(partner_token).build()
    }

    /// The same client acting as another user (sharing pool and budget).
    pub fn with_user_token(&self, token: impl Into<Secret>) -> Client {
        Client {
            inner: self.inner.clone(),
            partner: self.partner.clone(),
            user: Some(token.into()),
            ..self.clone()
        }
    }

    /// The same client without a user token.
    pub fn partner_only(&self) -> Client {
        Client {
            inner: self.inner.clone(),
            partner: self.partner.clone(),
            user: None,
            ..self.clone()
        }
    }

    /// The same client for `tenant` (a site of several on one YCLIENTS account): when the rate
    /// budget is spent, waiting tenants are served in turn, so one site's burst of lookups
    /// cannot starve another's.
    pub fn for_tenant(&self, tenant: &str) -> Client {
        Client {
            tenant: Arc::from(tenant),
            ..self.clone()
        }
    }

    /// The same client for reads nobody waits for (a cache's refresh): its catalogue calls
    /// queue behind every other call on the rate budget.
    pub fn in_background(&self) -> Client {
        Client {
            background: true,
            ..self.clone()
        }
    }

    /// The same client for a spreadsheet import: every call, writes and lookups alike, waits
    /// on the rate budget behind visitors' calls and cache refreshes.
    pub fn for_import(&self) -> Client {
        Client {
            importing: true,
            ..self.clone()
        }
    }

    /// The API host this client talks to.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// Whether the client carries a user token.
    pub fn has_user_token(&self) -> bool {
        self.user.is_some()
    }
}
