//! [`Control`]: the sandbox's in-process test hooks (also served over HTTP under `/sandbox/`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use anyhow::{Context, anyhow};
use jiff::{SignedDuration, Timestamp};

use super::webhooks::payment_event;
use super::world::{World, normalize_phone};
use super::{ErrorStyle, Fault, SandboxNetwork, Shared, render};
use crate::model::{FinanceTransaction, Record, WebhookStatus};

/// Test hooks: the salon's side of things (visits, payments, cancellations), the clock,
/// call counters, SMS codes, faults and settings. Cheap to clone.
#[derive(Clone)]
pub struct Control {
    shared: Arc<Shared>,
}

impl Control {
    pub(crate) fn new(shared: Arc<Shared>) -> Control {
        Control { shared }
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The sandbox's "now".
    pub fn now(&self) -> Timestamp {
        self.shared.world().now()
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance_clock(&self, by: SignedDuration) {
        self.shared.world().clock.advance(by);
    }

    /// Sets the clock to an instant.
    pub fn set_now(&self, to: Timestamp) {
        self.shared.world().clock.set(to);
    }

    /// The online-booking user tokens handed out for a phone (digits), for leak tests.
    pub fn user_tokens(&self, phone: &str) -> Vec<String> {
        let world = self.shared.world();
        let mut tokens: Vec<String> = world
            .sessions
            .iter()
            .filter(|(_, s)| s.phone == phone)
            .map(|(t, _)| t.clone())
            .collect();
        tokens.sort();
        tokens
    }

    /// A branch's rules for clients' own changes: until how many seconds before the visit a
    /// client may cancel (`allow_delete_record_delay_step`) and move it
    /// (`allow_change_record_delay_step`). `false` when there is no such branch.
    pub fn set_client_windows(&self, company_id: u64, cancel_secs: u64, change_secs: u64) -> bool {
        let mut world = self.shared.world();
        let Some(company) = world.companies.get_mut(&company_id) else {
            return false;
        };
        company.seed.delete_delay_secs = cancel_secs;
        company.seed.change_delay_secs = change_secs;
        true
    }

    /// Requests received by an endpoint (counted on arrival: those refused by the rate limit or
    /// a fault count too, as they would have cost upstream budget).
    pub fn calls(&self, endpoint: &str) -> u64 {
        self.shared
            .calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(endpoint)
            .copied()
            .unwrap_or(0)
    }

    /// Requests received, per endpoint.
    pub fn all_calls(&self) -> BTreeMap<String, u64> {
        self.shared
            .calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Sets every counter back to zero.
    pub fn reset_calls(&self) {
        self.shared
            .calls
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// The last code `book_code` made for a phone (any format of the same digits).
    pub fn last_sms_code(&self, phone: &str) -> Option<String> {
        let phone = normalize_phone(phone)?;
        self.shared.world().sms_codes.get(&phone).cloned()
    }

    /// Adds a fault rule.
    pub fn inject(&self, fault: Fault) {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .add(fault);
    }

    /// Removes all fault rules.
    pub fn clear_faults(&self) {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Requests the rate limit refused with 429 so far (every endpoint, every client).
    pub fn refused_by_rate_limit(&self) -> u64 {
        self.shared.refused.load(Ordering::Relaxed)
    }

    /// Turns the documented per-IP rate limit (5/s, 200/min → 429) on or off.
    pub fn set_rate_limit(&self, on: bool) {
        self.shared.rate_limit.store(on, Ordering::Relaxed);
    }

    /// Replaces the webhook URLs.
    pub fn set_webhook_urls(&self, urls: Vec<String>) {
        self.shared.webhooks.set_urls(urls);
    }

    /// Chooses the error body shape of booking refusals.
    pub fn set_error_style(&self, style: ErrorStyle) {
        self.shared.world().error_style = style;
    }

    /// Turns SMS phone confirmation on or off for a branch.
    pub fn set_phone_confirmation(&self, company_id: u64, on: bool) -> anyhow::Result<()> {
        let mut world = self.shared.world();
        world
            .companies
            .get_mut(&company_id)
            .with_context(|| format!("no company {company_id}"))?
            .phone_confirmation = on;
        Ok(())
    }

    /// Makes a service unbookable (booking it then answers 438).
    pub fn retire_service(&self, company_id: u64, service_id: u64) -> anyhow::Result<()> {
        let mut world = self.shared.world();
        let company = world
            .companies
            .get_mut(&company_id)
            .with_context(|| format!("no company {company_id}"))?;
        anyhow::ensure!(
            company.seed.service(service_id).is_some(),
            "no service {service_id} in {company_id}"
        );
        company.retired.insert(service_id);
        Ok(())
    }

    /// What salon staff do in YCLIENTS' own admin: rename the branch, its services, categories or
    /// masters, change prices or descriptions. `edit` gets the branch's seed; later answers
    /// show the change.
    pub fn edit_company(
        &self,
        company_id: u64,
        edit: impl FnOnce(&mut super::seed::CompanySeed),
    ) -> anyhow::Result<()> {
        let mut world = self.shared.world();
        let company = world
            .companies
            .get_mut(&company_id)
            .with_context(|| format!("no company {company_id}"))?;
        edit(&mut company.seed);
        Ok(())
    }

    /// Blacklists a phone in a branch (booking then answers 434).
    pub fn blacklist_phone(&self, company_id: u64, phone: &str) -> anyhow::Result<()> {
        let phone = normalize_phone(phone).ok_or_else(|| anyhow!("bad phone {phone:?}"))?;
        let mut world = self.shared.world();
        world
            .companies
            .get_mut(&company_id)
            .with_context(|| format!("no company {company_id}"))?
            .blacklist
            .insert(phone);
        Ok(())
    }

    /// Marks a visit: 1 came, -1 no-show, 2 confirmed, 0 waiting. Sends a `record` update webhook.
    pub fn set_attendance(&self, record_id: u64, attendance: i8) -> anyhow::Result<Record> {
        anyhow::ensure!(
            (-1..=2).contains(&attendance),
            "attendance must be -1, 0, 1 or 2"
        );
        let mut world = self.shared.world();
        let now = world.now();
        let record = world
            .records
            .get_mut(&record_id)
            .with_context(|| format!("no record {record_id}"))?;
        record.attendance = attendance;
        record.changed = now;
        self.shared
            .record_changed(&world, record_id, WebhookStatus::Update);
        Ok(render_record(&world, record_id))
    }

    /// Adds a payment (finance transaction) to a record. Sends `finances_operation` create
    /// and `record` update webhooks; the record is `paid_full` once payments cover its cost.
    pub fn add_payment(&self, record_id: u64, amount: f64) -> anyhow::Result<FinanceTransaction> {
        anyhow::ensure!(amount.is_finite(), "amount must be a number");
        let mut world = self.shared.world();
        let now = world.now();
        let index = world
            .add_payment(record_id, amount, now)
            .with_context(|| format!("no record {record_id}"))?;
        if let Some(event) = payment_event(&world, record_id, index) {
            self.shared.webhooks.send(event);
        }
        self.shared
            .record_changed(&world, record_id, WebhookStatus::Update);
        let record = &world.records[&record_id];
        Ok(render::finance(&world, record, &record.payments[index]))
    }

    /// Pays what is left of a record's cost.
    pub fn pay_in_full(&self, record_id: u64) -> anyhow::Result<FinanceTransaction> {
        let due = {
            let world = self.shared.world();
            let record = world
                .records
                .get(&record_id)
                .with_context(|| format!("no record {record_id}"))?;
            render::record_cost(&world, record_id)
                - record.payments.iter().map(|p| p.amount).sum::<f64>()
        };
        self.add_payment(record_id, due.max(0.0))
    }

    /// The salon moves a visit to another time (nothing else checked). Sends a `record` update
    /// webhook.
    pub fn move_record(&self, record_id: u64, to: Timestamp) -> anyhow::Result<Record> {
        let mut world = self.shared.world();
        let now = world.now();
        let record = world
            .records
            .get_mut(&record_id)
            .with_context(|| format!("no record {record_id}"))?;
        record.booking.start = to;
        record.changed = now;
        self.shared
            .record_changed(&world, record_id, WebhookStatus::Update);
        Ok(render_record(&world, record_id))
    }

    /// The salon cancels a record. Sends a `record` delete webhook.
    pub fn cancel_record(&self, record_id: u64) -> anyhow::Result<Record> {
        let mut world = self.shared.world();
        anyhow::ensure!(cancel(&mut world, record_id), "no live record {record_id}");
        self.shared
            .record_changed(&world, record_id, WebhookStatus::Delete);
        Ok(render_record(&world, record_id))
    }

    /// One record, with payments.
    pub fn record(&self, record_id: u64) -> Option<Record> {
        let world = self.shared.world();
        world
            .records
            .contains_key(&record_id)
            .then(|| render_record(&world, record_id))
    }

    /// All records, with payments.
    pub fn records(&self) -> Vec<Record> {
        let world = self.shared.world();
        world
            .records
            .values()
            .map(|r| render::record(&world, r, true))
            .collect()
    }

    /// The networks with their credentials and branches.
    pub fn networks(&self) -> Vec<SandboxNetwork> {
        let world = self.shared.world();
        world
            .networks
            .iter()
            .map(|n| {
                let admin = n.admins.first();
                SandboxNetwork {
                    id: n.id,
                    title: n.title.clone(),
                    partner_token: n.partner_token.clone(),
                    admin_login: admin.map(|a| a.login.clone()).unwrap_or_default(),
                    admin_password: admin.map(|a| a.password.clone()).unwrap_or_default(),
                    user_token: admin.map(|a| a.user_token.clone()).unwrap_or_default(),
                    company_ids: world
                        .companies
                        .values()
                        .filter(|c| c.network_id == n.id)
                        .map(|c| c.id())
                        .collect(),
                }
            })
            .collect()
    }
}

fn render_record(world: &World, record_id: u64) -> Record {
    render::record(world, &world.records[&record_id], true)
}

/// Marks a live record deleted; false if there is none.
pub(crate) fn cancel(world: &mut World, record_id: u64) -> bool {
    let now = world.now();
    let Some(record) = world.records.get_mut(&record_id).filter(|r| !r.deleted) else {
        return false;
    };
    record.deleted = true;
    record.changed = now;
    if record.activity_id != 0
        && let Some(event) = world.activities.get_mut(&record.activity_id)
    {
        event.records_count = event.records_count.saturating_sub(record.clients_count);
    }
    true
}
