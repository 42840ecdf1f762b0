//! Webhook deliveries (`POST` from YCLIENTS to a configured URL).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{FinanceTransaction, Record, RecordClient};
use crate::decode::flex;

/// One webhook delivery: `{company_id, resource, resource_id, status, data}`.
///
/// YCLIENTS sends each event once, without retries, in no guaranteed order, and `data` may
/// hold only the changed fields: treat every field of `data` as optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebhookEvent {
    /// Company (branch) id.
    #[serde(deserialize_with = "flex::int")]
    pub company_id: u64,
    /// `record`, `client`, `finances_operation`, ….
    #[serde(deserialize_with = "flex::text")]
    pub resource: String,
    /// Entity id.
    #[serde(deserialize_with = "flex::int")]
    pub resource_id: u64,
    /// What happened.
    pub status: WebhookStatus,
    /// The entity, in the shape the API returns it (possibly partial).
    pub data: Value,
}

/// The `status` of a webhook event.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookStatus {
    /// Created.
    Create,
    /// Updated.
    Update,
    /// Deleted.
    Delete,
    /// Anything else.
    #[default]
    #[serde(other)]
    Other,
}

impl WebhookEvent {
    /// Parses a delivery body.
    pub fn parse(body: &[u8]) -> Result<WebhookEvent, serde_json::Error> {
        serde_json::from_slice(body)
    }

    /// The record, for `resource == "record"`.
    pub fn record(&self) -> Option<Record> {
        (self.resource == "record")
            .then(|| serde_json::from_value(self.data.clone()).ok())
            .flatten()
    }

    /// The payment, for `resource == "finances_operation"`.
    pub fn finance_operation(&self) -> Option<FinanceOperation> {
        (self.resource == "finances_operation")
            .then(|| serde_json::from_value(self.data.clone()).ok())
            .flatten()
    }
}

/// `data` of a `finances_operation` webhook: a finance transaction with its client.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FinanceOperation {
    /// The transaction fields (id, amount, record_id, expense, account, …).
    #[serde(flatten)]
    pub transaction: FinanceTransaction,
    /// Visit id.
    #[serde(deserialize_with = "flex::int")]
    pub visit_id: u64,
    /// Last change, local time.
    #[serde(deserialize_with = "flex::text")]
    pub last_change_date: String,
    /// The paying client.
    #[serde(deserialize_with = "flex::opt_object")]
    pub client: Option<RecordClient>,
}
