//! Webhook delivery: one POST per event and URL, in the documented payload shape
//! `{company_id, resource, resource_id, status, data}`; sent once, never retried.

use std::sync::Mutex;
use std::time::Duration;

use tokio::runtime::Handle;

use super::render;
use super::world::World;
use crate::model::{WebhookEvent, WebhookStatus};

pub(crate) struct Webhooks {
    urls: Mutex<Vec<String>>,
    http: reqwest::Client,
    runtime: Handle,
}

impl Webhooks {
    pub(crate) fn new(urls: Vec<String>, runtime: Handle) -> Webhooks {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        Webhooks {
            urls: Mutex::new(urls),
            http,
            runtime,
        }
    }

    pub(crate) fn set_urls(&self, urls: Vec<String>) {
        *self.urls.lock().unwrap_or_else(|e| e.into_inner()) = urls;
    }

    /// Sends `event` to every configured URL in the background.
    pub(crate) fn send(&self, event: WebhookEvent) {
        let urls = self.urls.lock().unwrap_or_else(|e| e.into_inner()).clone();
        for url in urls {
            let request = self.http.post(&url).json(&event);
            let (resource, status, id) = (event.resource.clone(), event.status, event.resource_id);
            // The URL's path holds the receiver's secret: log only where it went.
            let host = reqwest::Url::parse(&url)
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_default();
            self.runtime.spawn(async move {
                match request.send().await {
                    Ok(answer) => tracing::info!(%host, %resource, ?status, id, code = answer.status().as_u16(), "sandbox webhook sent"),
                    Err(e) => tracing::warn!(%host, %resource, ?status, id, error = %e.without_url(), "sandbox webhook failed (not retried)"),
                }
            });
        }
    }
}

/// A `record` event with the record as the API renders it.
pub(crate) fn record_event(
    world: &World,
    record_id: u64,
    status: WebhookStatus,
) -> Option<WebhookEvent> {
    let record = world.records.get(&record_id)?;
    let data = serde_json::to_value(render::record(world, record, false)).ok()?;
    Some(WebhookEvent {
        company_id: record.company_id,
        resource: "record".into(),
        resource_id: record_id,
        status,
        data,
    })
}

/// A `finances_operation` create event for a record's payment.
pub(crate) fn payment_event(world: &World, record_id: u64, payment: usize) -> Option<WebhookEvent> {
    let record = world.records.get(&record_id)?;
    let operation = render::finance_operation(world, record, record.payments.get(payment)?);
    Some(WebhookEvent {
        company_id: record.company_id,
        resource: "finances_operation".into(),
        resource_id: operation.transaction.id,
        status: WebhookStatus::Create,
        data: serde_json::to_value(operation).ok()?,
    })
}

impl super::Shared {
    /// Emits a `record` webhook for a record (call with the world locked).
    pub(crate) fn record_changed(&self, world: &World, record_id: u64, status: WebhookStatus) {
        if let Some(event) = record_event(world, record_id, status) {
            self.webhooks.send(event);
        }
    }
}
