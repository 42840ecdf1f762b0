//! Each site's way to YCLIENTS: a client with its network's tokens (clients of one network share
//! the connection pool and the rate budget) and the target — one company or a chain.

use std::{collections::HashMap, sync::Arc, time::Duration};

use anyhow::Context;
use axum::http::StatusCode;
use yclients::{BookingCode, Client, Secret};

use crate::{
    config::{SANDBOX_NETWORK, Settings, SiteYclients},
    error::ApiError,
};

pub use crate::config::Target;

pub struct SiteUpstream {
    pub client: Client,
    pub target: Target,
    pub cfg: SiteYclients,
    /// Whether YCLIENTS tells this site of records made elsewhere (its webhook is set up): then
    /// cached free times may live longer, since such a record drops them at once.
    pub hooked: bool,
}

#[derive(Clone, Default)]
pub struct Upstreams {
    by_site: Arc<HashMap<String, Arc<SiteUpstream>>>,
}

/// Base URL and tokens of the built-in sandbox, when it runs.
pub struct SandboxAccess {
    pub base_url: String,
    pub partner_token: String,
    pub user_token: String,
}

impl Upstreams {
    /// `shared`: the budget every instance on the database shares (PostgreSQL), if any.
    pub fn new(
        settings: &Settings,
        sandbox: Option<&SandboxAccess>,
        shared: Option<Arc<dyn yclients::SharedBudget>>,
    ) -> anyhow::Result<Self> {
        let mut clients: HashMap<String, Client> = HashMap::new();
        let timeout = Duration::from_millis(settings.upstream.timeout_ms);
        let budget = if settings.upstream.rate_budget {
            Some(yclients::RateLimit::default())
        } else {
            None
        };
        for n in &settings.networks {
            let partner = n
                .partner_token
                .clone()
                .context("partner token resolved at load")?;
            let mut b = Client::builder(partner)
                .base_url(&n.base_url)
                .timeout(timeout)
                .rate_limit(budget);
            if let Some(shared) = &shared {
                b = b.shared_budget(shared.clone());
            }
            if let Some(user) = &n.user_token {
                b = b.user_token(user.clone());
            }
            clients.insert(n.name.clone(), b.build()?);
        }
        if let Some(sb) = sandbox {
            let mut b = Client::builder(Secret::new(sb.partner_token.clone()))
                .base_url(&sb.base_url)
                .user_token(Secret::new(sb.user_token.clone()))
                .timeout(timeout)
                .rate_limit(budget);
            if let Some(shared) = &shared {
                b = b.shared_budget(shared.clone());
            }
            let client = b.build()?;
            clients.insert(SANDBOX_NETWORK.into(), client);
        }
        let mut by_site = HashMap::new();
        for site in &settings.sites {
            let Some(y) = &site.yclients else { continue };
            let client = clients.get(&y.network).with_context(|| {
                format!("site {}: network {} has no client", site.key, y.network)
            })?;
            by_site.insert(
                site.key.clone(),
                Arc::new(SiteUpstream {
                    // Sites of one account take turns on its rate budget.
                    client: client.for_tenant(&site.key),
                    target: y.target,
                    cfg: y.clone(),
                    hooked: site.webhook_secret.is_some(),
                }),
            );
        }
        Ok(Self {
            by_site: Arc::new(by_site),
        })
    }

    /// Every site's way to YCLIENTS.
    pub fn all(&self) -> impl Iterator<Item = &Arc<SiteUpstream>> {
        self.by_site.values()
    }

    pub fn get(&self, site: &str) -> Result<Arc<SiteUpstream>, ApiError> {
        self.by_site.get(site).cloned().ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "booking_not_configured",
                "Онлайн-запись на этом сайте не настроена.",
                "Online booking is not set up for this site.",
            )
        })
    }
}

/// An upstream failure, reduced to what the API tells a visitor. Clone, so a cached or shared
/// fetch can hand it to every waiter.
#[derive(Debug, Clone)]
pub enum UpstreamError {
    /// YCLIENTS refused with a documented booking code.
    Refused { code: BookingCode, message: String },
    /// 429 from YCLIENTS or our own budget ran out.
    RateLimited,
    /// Not reachable, 5xx, timeout, an unexpected answer.
    Unavailable(String),
    /// 404 from YCLIENTS (a company or service that is gone).
    NotFound,
}

impl From<yclients::Error> for UpstreamError {
    fn from(e: yclients::Error) -> Self {
        match &e {
            yclients::Error::Booking(b) => UpstreamError::Refused {
                code: b.code,
                message: b.message.clone(),
            },
            yclients::Error::RateLimited { .. } => UpstreamError::RateLimited,
            yclients::Error::Api { status: 404, .. } => UpstreamError::NotFound,
            _ => UpstreamError::Unavailable(e.to_string()),
        }
    }
}

impl From<UpstreamError> for ApiError {
    fn from(e: UpstreamError) -> Self {
        use protocol::booking::codes;
        match e {
            UpstreamError::Refused { code, message } => {
                tracing::info!(code = code.code(), %message, "YCLIENTS refused");
                refusal(code)
            }
            UpstreamError::RateLimited => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                codes::RATE_LIMITED,
                "Сейчас слишком много запросов. Попробуйте через минуту.",
                "Too many requests right now. Please try again in a minute.",
            ),
            UpstreamError::NotFound => ApiError::not_found(),
            UpstreamError::Unavailable(detail) => {
                tracing::warn!(%detail, "YCLIENTS unavailable");
                upstream_unavailable()
            }
        }
    }
}

pub fn upstream_unavailable() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        protocol::booking::codes::UPSTREAM_UNAVAILABLE,
        "Система записи салона сейчас не отвечает. Попробуйте ещё раз — всё введённое сохранится.",
        "The salon's booking system is not answering. Please try again — everything you entered is kept.",
    )
}

/// The visitor-facing error for a YCLIENTS booking code.
pub fn refusal(code: BookingCode) -> ApiError {
    use protocol::booking::codes;
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    match code {
        BookingCode::InvalidPhone => ApiError::new(
            unprocessable,
            codes::INVALID_PHONE,
            "Проверьте номер телефона.",
            "Please check the phone number.",
        )
        .field("phone"),
        BookingCode::WrongSmsCode => ApiError::new(
            unprocessable,
            codes::WRONG_CODE,
            "Неверный код из SMS. Проверьте его или запросите новый.",
            "Wrong SMS code. Check it or ask for a new one.",
        )
        .field("code"),
        BookingCode::SlotTaken => ApiError::new(
            StatusCode::CONFLICT,
            codes::SLOT_TAKEN,
            "Это время только что заняли. Выберите другое.",
            "This time was just taken. Please choose another.",
        ),
        BookingCode::PhoneBlacklisted => ApiError::new(
            StatusCode::FORBIDDEN,
            codes::BLACKLISTED,
            "Онлайн-запись для этого номера недоступна. Позвоните в салон.",
            "Online booking is not available for this number. Please call the salon.",
        ),
        BookingCode::NameMissing => ApiError::new(
            unprocessable,
            codes::NAME_REQUIRED,
            "Укажите имя.",
            "Please enter your name.",
        )
        .field("name"),
        BookingCode::NoStaffAvailable | BookingCode::AppointmentsOverlap => ApiError::new(
            StatusCode::CONFLICT,
            codes::STAFF_UNAVAILABLE,
            "На это время нет свободного мастера. Выберите другое время или мастера.",
            "No master is free at this time. Please choose another time or master.",
        ),
        BookingCode::ServiceUnavailable => ApiError::new(
            StatusCode::CONFLICT,
            codes::SERVICE_GONE,
            "Эта услуга больше недоступна для записи. Выберите другую.",
            "This service can no longer be booked. Please choose another.",
        ),
        _ => upstream_unavailable(),
    }
}
