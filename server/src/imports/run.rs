//! The import job: under the `imports` lease (one instance of many), it queues the runs that
//! are due (schedules, failed rows whose back-off is over) and works queued runs one at a time,
//! resuming a run a stopped process left `running`. A run reads the source, maps each row and
//! sends the rows not sent yet, at import priority on the site's YCLIENTS budget.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use yclients::model::{NewClient, NewRecord, NewRecordClient, NewRecordService};

use super::RowStatus;
use super::mapping::{self, Action, Mapping, Payload, Text};
use super::schedule::Schedule;
use super::source::{self, Table};
use crate::app::AppState;
use crate::store::{LinkRow, LogLine, Progress, RunRow, StoredRow};
use crate::util::clock::now_ms;

/// The lease under which one instance works the imports.
pub const LEASE: &str = "imports";

/// How often the job looks for due work when nothing wakes it.
const POLL: Duration = Duration::from_secs(2);

/// Minutes before a failed row's next try: +1, +10, +30, then every 3 h.
const BACKOFF_MINUTES: [i64; 4] = [1, 10, 30, 180];

/// The largest CSV fetched from a URL.
pub const MAX_SOURCE_BYTES: usize = 10 << 20;

/// The job's handle: a run queued from the dashboard wakes it.
#[derive(Clone, Default)]
pub struct Imports {
    wake: Arc<Notify>,
}

impl Imports {
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// Outcomes a run logs per row.
pub mod outcome {
    pub const SENT: &str = "sent";
    pub const SKIPPED: &str = "skipped";
    pub const CHANGED: &str = "changed";
    pub const WAITING: &str = "waiting";
    pub const FAILED: &str = "failed";
    pub const INVALID: &str = "invalid";
}

/// The periodic task.
pub async fn job(app: AppState) {
    let lease = app.cluster.lease(LEASE);
    loop {
        if lease.try_hold(&app.store).await {
            if let Err(e) = queue_due(&app).await {
                tracing::warn!(error = %e, "imports: store unavailable");
            }
            while lease.held() {
                match app.store.next_import_run().await {
                    Ok(Some(run)) => {
                        app.metrics
                            .add(crate::cluster::RUNS_METRIC, &[("job", LEASE)], 1);
                        work(&app, run, &lease).await;
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "imports: store unavailable");
                        break;
                    }
                }
            }
        }
        let nap = POLL.min(lease.every());
        let _ = tokio::time::timeout(nap, app.imports.wake.notified()).await;
    }
}

/// Gives the lease up on a clean stop.
pub async fn stopped(cluster: &crate::cluster::Cluster) {
    cluster.lease(LEASE).release(cluster.store()).await;
}

/// Queues scheduled runs that are due and runs for links with failed rows due again.
async fn queue_due(app: &AppState) -> Result<(), sqlx::Error> {
    let now = now_ms();
    for link in app.store.import_links_due(now).await? {
        let Some(was) = link.next_run_ms else {
            continue;
        };
        let schedule: Schedule = serde_json::from_str(&link.schedule).unwrap_or_default();
        let tz = site_zone(app, &link.site);
        let next = schedule
            .next(jiff::Timestamp::now(), &tz)
            .map(|t| t.as_millisecond());
        if app.store.advance_import_link(link.id, was, next).await? {
            app.store.queue_import_run(link.id, "schedule", now).await?;
        }
    }
    for link in app.store.import_links_with_due_rows(now).await? {
        app.store.queue_import_run(link, "retry", now).await?;
    }
    Ok(())
}

pub fn site_zone(app: &AppState, site: &str) -> jiff::tz::TimeZone {
    app.sites
        .get(site)
        .map_or(jiff::tz::TimeZone::UTC, |s| s.timezone.clone())
}

/// The branch a site books into when the mapping names none (a site of one company).
pub fn default_branch(app: &AppState, site: &str) -> Option<u64> {
    match app.upstreams.get(site).ok()?.target {
        crate::config::Target::Company(id) => Some(id),
        crate::config::Target::Group(_) => None,
    }
}

/// The link's sheet: the upload as stored, or the URL fetched now.
pub async fn sheet(link: &LinkRow) -> Result<Table, Text> {
    if let Some(url) = &link.source_url {
        let bytes = fetch(url).await?;
        return source::parse(&bytes).map_err(|e| Text::new(e.ru(), e.to_string()));
    }
    link.sheet
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .ok_or_else(|| Text::new("Файл не загружен.", "No file uploaded."))
}

async fn fetch(url: &str) -> Result<Vec<u8>, Text> {
    let failed = |e: String| {
        Text::new(
            format!("Не удалось загрузить {url}: {e}"),
            format!("Could not fetch {url}: {e}"),
        )
    };
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| failed(e.to_string()))?;
    let mut response = client
        .get(url)
        .send()
        .await
        .map_err(|e| failed(e.without_url().to_string()))?;
    if !response.status().is_success() {
        return Err(failed(format!("HTTP {}", response.status().as_u16())));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| failed(e.without_url().to_string()))?
    {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_SOURCE_BYTES {
            return Err(failed(format!("more than {MAX_SOURCE_BYTES} bytes")));
        }
    }
    Ok(bytes)
}

/// The `api_id` of a link's row: the same for every try, so a lost answer is found again.
pub fn api_id(link_id: i64, key: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("zi{link_id}-{}", hex::encode(&Sha256::digest(key)[..8]))
}

/// Works one run to its end (or until the lease is lost: the next holder resumes it).
async fn work(app: &AppState, run: RunRow, lease: &crate::cluster::Lease) {
    let store = &app.store;
    let _ = store.start_import_run(run.id, now_ms()).await;
    let Ok(Some(link)) = store.import_link(run.link_id).await else {
        let _ = store
            .finish_import_run(&run, "failed", Some("link deleted"), now_ms())
            .await;
        return;
    };
    let outcome = go(app, &run, &link, lease).await;
    if !lease.held() {
        return;
    }
    let (state, message) = match &outcome {
        Ok(()) => ("done", None),
        Err(t) => ("failed", serde_json::to_string(t).ok()),
    };
    let _ = store
        .finish_import_run(&run, state, message.as_deref(), now_ms())
        .await;
    // Links that run after this one.
    let after = serde_json::to_string(&Schedule::After { link: link.id }).unwrap_or_default();
    if let Ok(ids) = store.import_links_after(&after).await {
        for id in ids {
            let _ = store.queue_import_run(id, "after", now_ms()).await;
        }
    }
}

async fn go(
    app: &AppState,
    run: &RunRow,
    link: &LinkRow,
    lease: &crate::cluster::Lease,
) -> Result<(), Text> {
    let store_err = |e: sqlx::Error| {
        Text::new(
            format!("Хранилище недоступно: {e}"),
            format!("Store unavailable: {e}"),
        )
    };
    let table = sheet(link).await?;
    let action = Action::parse(&link.action).unwrap_or(Action::Booking);
    let mapping: Mapping = serde_json::from_str(&link.mapping).unwrap_or_default();
    let branch = default_branch(app, &link.site);
    let errors = mapping::check(action, &mapping, &table, branch);
    if let Some(first) = errors.into_iter().next() {
        return Err(first);
    }
    let up = app.upstreams.get(&link.site).map_err(|_| {
        Text::new(
            "Запись в YCLIENTS для сайта не настроена.",
            "YCLIENTS is not set up for this site.",
        )
    })?;
    let client = up.client.for_import();
    let mut rows = app.store.import_rows(link.id).await.map_err(store_err)?;
    let logged = app.store.import_logged(run.id).await.map_err(store_err)?;
    let key_column = mapping.key_column.as_deref().and_then(|c| table.column(c));
    let mut p = Progress {
        total: table.rows.len() as i64,
        processed: logged.len() as i64,
        ..run_progress(run)
    };
    let mut seen = std::collections::HashMap::new();
    let mut renewed = tokio::time::Instant::now();
    for row in &table.rows {
        let key = row.key(key_column);
        let number = i64::from(row.number);
        if logged.contains(&key) {
            continue;
        }
        if renewed.elapsed() >= lease.every() {
            renewed = tokio::time::Instant::now();
            if !lease.try_hold(&app.store).await {
                return Ok(());
            }
        }
        let now = now_ms();
        let (outcome, reason) = if key.is_empty() {
            (
                outcome::INVALID,
                Some(Text::new(
                    format!("строка {number}: пустой ключ строки"),
                    format!("row {number}: the row key is empty"),
                )),
            )
        } else if let Some(first) = seen.insert(key.clone(), number) {
            (
                outcome::INVALID,
                Some(Text::new(
                    format!("строка {number}: ключ «{key}» уже был в строке {first}"),
                    format!("row {number}: key '{key}' repeats row {first}"),
                )),
            )
        } else {
            match mapping::apply(action, &mapping, &table, row, branch) {
                Err(errors) => {
                    let reason = join(&errors);
                    if rows
                        .get(&key)
                        .is_none_or(|r| r.status != RowStatus::Sent.as_str())
                    {
                        let stored = StoredRow {
                            row_key: key.clone(),
                            row_number: number,
                            status: RowStatus::Invalid.as_str().into(),
                            digest: String::new(),
                            payload: String::new(),
                            upstream_id: None,
                            reason: serde_json::to_string(&reason).ok(),
                            attempts: rows.get(&key).map_or(0, |r| r.attempts),
                            next_try_ms: None,
                        };
                        app.store
                            .put_import_row(link.id, &stored, now)
                            .await
                            .map_err(store_err)?;
                        rows.insert(key.clone(), stored);
                    }
                    (outcome::INVALID, Some(reason))
                }
                Ok(payload) => {
                    let prior = rows.get(&key).cloned();
                    let (o, r, stored) =
                        decide(&app.store, &client, link, &key, number, payload, prior, now).await;
                    if let Some(stored) = stored {
                        app.store
                            .put_import_row(link.id, &stored, now_ms())
                            .await
                            .map_err(store_err)?;
                        rows.insert(key.clone(), stored);
                    }
                    (o, r)
                }
            }
        };
        match outcome {
            outcome::SENT => p.sent += 1,
            outcome::SKIPPED | outcome::WAITING => p.skipped += 1,
            outcome::CHANGED => p.changed += 1,
            _ => p.failed += 1,
        }
        p.processed += 1;
        let line = LogLine {
            row_key: key,
            row_number: number,
            outcome: outcome.into(),
            reason: reason.and_then(|r| serde_json::to_string(&r).ok()),
        };
        app.store
            .log_import_row(run.id, &line, now_ms())
            .await
            .map_err(store_err)?;
        app.store
            .import_progress(run.id, &p)
            .await
            .map_err(store_err)?;
    }
    p.processed = p.total;
    app.store
        .import_progress(run.id, &p)
        .await
        .map_err(store_err)?;
    Ok(())
}

fn run_progress(run: &RunRow) -> Progress {
    Progress {
        total: run.total,
        processed: run.processed,
        sent: run.sent,
        skipped: run.skipped,
        failed: run.failed,
        changed: run.changed,
    }
}

fn join(errors: &[Text]) -> Text {
    Text::new(
        errors
            .iter()
            .map(|e| e.ru.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        errors
            .iter()
            .map(|e| e.en.as_str())
            .collect::<Vec<_>>()
            .join("; "),
    )
}

/// What to do with a valid row given what is stored about it; sends it when due.
#[allow(clippy::too_many_arguments)]
async fn decide(
    store: &crate::store::Store,
    client: &yclients::Client,
    link: &LinkRow,
    key: &str,
    number: i64,
    payload: Payload,
    prior: Option<StoredRow>,
    now: i64,
) -> (&'static str, Option<Text>, Option<StoredRow>) {
    let digest = payload.digest();
    let status = prior
        .as_ref()
        .and_then(|r| r.status.parse::<RowStatus>().ok());
    match (status, &prior) {
        (Some(RowStatus::Sent), Some(r)) if r.digest == digest => (
            outcome::SKIPPED,
            Some(Text::new(
                format!(
                    "уже отправлена (YCLIENTS {})",
                    r.upstream_id.as_deref().unwrap_or("?")
                ),
                format!(
                    "already sent (YCLIENTS {})",
                    r.upstream_id.as_deref().unwrap_or("?")
                ),
            )),
            None,
        ),
        (Some(RowStatus::Sent), Some(_)) => (
            outcome::CHANGED,
            Some(Text::new(
                "строка изменилась после отправки; повторно не отправлена",
                "the row changed after it was sent; not sent again",
            )),
            None,
        ),
        (Some(RowStatus::Dismissed), _) => (
            outcome::SKIPPED,
            Some(Text::new("отклонена владельцем", "dismissed by the owner")),
            None,
        ),
        (Some(RowStatus::Failed), Some(r))
            if r.next_try_ms.is_some_and(|t| t > now) && r.digest == digest =>
        {
            let at = r.next_try_ms.unwrap_or(now);
            let mins = (at - now + 59_999) / 60_000;
            (
                outcome::WAITING,
                Some(Text::new(
                    format!("повтор через {mins} мин"),
                    format!("next try in {mins} min"),
                )),
                None,
            )
        }
        _ => send(store, client, link, key, number, payload, prior, digest).await,
    }
}

/// Sends a row (after looking it up if an earlier try may have landed).
#[allow(clippy::too_many_arguments)]
async fn send(
    store: &crate::store::Store,
    client: &yclients::Client,
    link: &LinkRow,
    key: &str,
    number: i64,
    payload: Payload,
    prior: Option<StoredRow>,
    digest: String,
) -> (&'static str, Option<Text>, Option<StoredRow>) {
    let attempts = prior.as_ref().map_or(0, |r| r.attempts);
    let was_tried = prior.as_ref().is_some_and(|r| {
        r.status == RowStatus::Sending.as_str() || r.status == RowStatus::Failed.as_str()
    });
    let api_id = api_id(link.id, key);
    let row = |status: RowStatus,
               upstream: Option<String>,
               reason: Option<&Text>,
               attempts: i64,
               next: Option<i64>| StoredRow {
        row_key: key.to_owned(),
        row_number: number,
        status: status.as_str().into(),
        digest: digest.clone(),
        payload: serde_json::to_string(&payload).unwrap_or_default(),
        upstream_id: upstream,
        reason: reason.and_then(|r| serde_json::to_string(r).ok()),
        attempts,
        next_try_ms: next,
    };
    let failed = |e: &yclients::Error, attempts: i64| {
        let reason = Text::new(format!("YCLIENTS: {e}"), format!("YCLIENTS: {e}"));
        let wait = BACKOFF_MINUTES[(attempts.max(1) as usize - 1).min(BACKOFF_MINUTES.len() - 1)];
        let next = now_ms() + wait * 60_000;
        let stored = row(RowStatus::Failed, None, Some(&reason), attempts, Some(next));
        (outcome::FAILED, Some(reason), Some(stored))
    };
    // A client is always looked for by phone (YCLIENTS keeps duplicates); a booking only when
    // an earlier try may have landed.
    if was_tried || matches!(payload, Payload::Client { .. }) {
        match lookup(client, &payload, &api_id).await {
            Ok(Some(id)) => {
                let reason = if was_tried {
                    Text::new(
                        format!("уже в YCLIENTS ({id}): ответ на прошлую попытку потерялся"),
                        format!(
                            "already in YCLIENTS ({id}): the answer to an earlier try was lost"
                        ),
                    )
                } else {
                    Text::new(
                        format!("клиент с этим телефоном уже есть в YCLIENTS ({id})"),
                        format!("a client with this phone is already in YCLIENTS ({id})"),
                    )
                };
                let stored = row(RowStatus::Sent, Some(id), Some(&reason), attempts, None);
                return (outcome::SKIPPED, Some(reason), Some(stored));
            }
            Ok(None) => {}
            Err(e) => return failed(&e, attempts.max(1)),
        }
    }
    let attempts = attempts + 1;
    // Marked before the call: a process that dies now leaves `sending`, looked up next time.
    let sending = row(
        RowStatus::Sending,
        None,
        None,
        attempts,
        Some(now_ms() + 60_000),
    );
    if let Err(e) = store.put_import_row(link.id, &sending, now_ms()).await {
        let reason = Text::new(
            format!("Хранилище недоступно: {e}"),
            format!("Store unavailable: {e}"),
        );
        return (outcome::FAILED, Some(reason), None);
    }
    match create(client, &payload, &api_id).await {
        Ok(id) => (
            outcome::SENT,
            None,
            Some(row(RowStatus::Sent, Some(id), None, attempts, None)),
        ),
        Err(e) if e.outcome_unknown() => match lookup(client, &payload, &api_id).await {
            Ok(Some(id)) => {
                let reason = Text::new(
                    "ответ YCLIENTS потерялся; запись найдена по api_id",
                    "YCLIENTS' answer was lost; found by api_id",
                );
                let stored = row(RowStatus::Sent, Some(id), Some(&reason), attempts, None);
                (outcome::SENT, Some(reason), Some(stored))
            }
            _ => failed(&e, attempts),
        },
        Err(e) => failed(&e, attempts),
    }
}

/// Finds what an earlier try made: a record by `api_id` on its date, a client by phone.
async fn lookup(
    client: &yclients::Client,
    payload: &Payload,
    api_id: &str,
) -> yclients::Result<Option<String>> {
    match payload {
        Payload::Booking {
            company, datetime, ..
        } => {
            let Ok(date) =
                jiff::civil::Date::strptime("%Y-%m-%d", datetime.get(..10).unwrap_or(""))
            else {
                return Ok(None);
            };
            Ok(client
                .find_record_by_api_id(*company, api_id, date)
                .await?
                .filter(|r| !r.deleted)
                .map(|r| r.id.to_string()))
        }
        Payload::Client { company, phone, .. } => Ok(client
            .clients_by_phone(*company, phone)
            .await?
            .into_iter()
            .next()
            .map(|c| c.id.to_string())),
    }
}

/// The write itself; `Ok(id)` of what was made.
async fn create(
    client: &yclients::Client,
    payload: &Payload,
    api_id: &str,
) -> yclients::Result<String> {
    match payload {
        Payload::Booking {
            company,
            staff,
            services,
            datetime,
            name,
            phone,
            email,
            comment,
            save_if_busy,
        } => {
            let record = NewRecord {
                staff_id: *staff,
                services: services
                    .iter()
                    .map(|id| NewRecordService {
                        id: *id,
                        ..NewRecordService::default()
                    })
                    .collect(),
                client: NewRecordClient {
                    phone: phone.clone(),
                    name: name.clone(),
                    email: email.clone(),
                    ..NewRecordClient::default()
                },
                datetime: datetime.clone(),
                save_if_busy: *save_if_busy,
                comment: comment.clone(),
                api_id: api_id.to_owned(),
                ..NewRecord::default()
            };
            Ok(client
                .create_record(*company, &record)
                .await?
                .id
                .to_string())
        }
        Payload::Client {
            company,
            name,
            phone,
            email,
            birthday,
            comment,
            categories,
        } => {
            let card = NewClient {
                name: name.clone(),
                phone: phone.clone(),
                email: email.clone(),
                birth_date: birthday.clone(),
                comment: comment.clone(),
                categories: categories.clone(),
                ..NewClient::default()
            };
            Ok(client.create_client(*company, &card).await?.id.to_string())
        }
    }
}
