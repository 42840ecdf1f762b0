//! The import job: under the `imports` lease (one instance of many), it queues the runs that
//! are due (schedules, failed rows whose back-off is over) and works queued runs one at a time,
//! resuming a run a stopped process left `running`. A run reads the source, maps each row and
//! sends the rows not sent yet, at import priority on the site's YCLIENTS budget.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use super::RowStatus;
use super::mapping::{self, Action, Mapping, Text};
use super::outcome;
use super::schedule::Schedule;
use super::send::decide;
use super::source::sheet;
use crate::app::AppState;
use crate::store::{LinkRow, LogLine, Progress, RunRow, StoredRow};
use crate::util::clock::now_ms;

/// The lease under which one instance works the imports.
pub const LEASE: &str = "imports";

/// How often the job looks for due work when nothing wakes it.
const POLL: Duration = Duration::from_secs(2);

/// The shortest pause between a failed run (its source unreachable) and a retry run.
const RETRY_PAUSE_MS: i64 = 60_000;

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
        // A run that just failed (its source unreachable) is not retried at once.
        let last = app.store.import_runs(link, 1).await?;
        if last.first().is_some_and(|r| {
            r.state == "failed" && r.finished_ms.is_some_and(|t| t > now - RETRY_PAUSE_MS)
        }) {
            continue;
        }
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
    // Failed rows no longer in the sheet wait for no retry (a retry would never reach them).
    let in_sheet: std::collections::HashSet<String> =
        table.rows.iter().map(|r| r.key(key_column)).collect();
    for gone in rows.values().filter(|r| {
        r.next_try_ms.is_some()
            && (r.status == RowStatus::Failed.as_str() || r.status == RowStatus::Sending.as_str())
            && !in_sheet.contains(&r.row_key)
    }) {
        let reason = Text::new(
            "строки больше нет в таблице",
            "the row is no longer in the sheet",
        );
        let parked = StoredRow {
            next_try_ms: None,
            reason: serde_json::to_string(&reason).ok(),
            ..gone.clone()
        };
        app.store
            .put_import_row(link.id, &parked, now_ms())
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
