//! A link's page: source, mapping form (with the salon's catalogue beside the fields that take
//! ids), schedule, preview, runs with a progress bar, the per-row log and the failed rows.

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, Uri},
    response::Response,
};
use serde::Deserialize;

use super::words::{cause_word, outcome_word, reason, state_word, status_word};
use super::{L, link_of, open, source_text};
use crate::{
    app::AppState,
    auth::{DashSession, Session},
    config::SiteSettings,
    dashboard::{Frame, format::seg, not_found, page as frame_page},
    imports::{
        mapping::{Action, FieldSource, Mapping, Text},
        preview::preview,
        run::default_branch,
        schedule::Schedule,
    },
    reports::local_time,
    store::LinkRow,
};

#[derive(Deserialize, Default)]
pub struct LinkQuery {
    #[serde(default)]
    run: Option<i64>,
    #[serde(default)]
    saved: Option<String>,
}

/// `GET /dashboard/sites/{site}/imports/{id}`
pub async fn page(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path((key, id)): Path<(String, i64)>,
    Query(q): Query<LinkQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let (l, site, frame) = match open(&app, &s, &key, &headers, &uri) {
        Ok(o) => o,
        Err(r) => return *r,
    };
    let Some(link) = link_of(&app, &site.key, id).await else {
        return not_found(l, &s, frame.here);
    };
    let notice = q
        .saved
        .as_deref()
        .and_then(|what| saved_notice(l, what))
        .map(|m| (true, m.to_owned()));
    render(
        &app,
        l,
        &s,
        site,
        frame,
        &link,
        q.run,
        StatusCode::OK,
        notice,
        None,
    )
    .await
}

fn saved_notice(l: L, what: &str) -> Option<&'static str> {
    Some(match what {
        "created" => l.t(
            "Связь создана. Сопоставьте поля и проверьте данные.",
            "Link created. Map the fields and check the data.",
        ),
        "mapping" => l.t("Сопоставление сохранено.", "Mapping saved."),
        "schedule" => l.t("Расписание сохранено.", "Schedule saved."),
        "run" => l.t("Запуск поставлен в очередь.", "Run queued."),
        "running" => l.t("Связь уже выполняется.", "The link is already running."),
        "file" => l.t("Файл заменён.", "File replaced."),
        "dismiss" => l.t(
            "Строка больше не будет повторяться.",
            "The row will not be tried again.",
        ),
        _ => return None,
    })
}

#[derive(Template)]
#[template(path = "dashboard/import_link.html")]
struct Body<'a> {
    l: L,
    title: String,
    site: String,
    id: i64,
    csrf: &'a str,
    notice: Option<(&'static str, &'static str, String)>,
    errors: Vec<String>,
    source: String,
    is_upload: bool,
    action: &'static str,
    is_booking: bool,
    columns: Vec<String>,
    key_column: String,
    fields: Vec<FieldForm>,
    save_if_busy: bool,
    kind: &'static str,
    minutes: String,
    times: String,
    after: i64,
    others: Vec<(i64, String)>,
    next_run: String,
    preview_total: usize,
    preview_heads: Vec<&'static str>,
    preview: Vec<PreviewLine>,
    preview_error: Option<String>,
    runs: Vec<RunLine>,
    log_run: Option<i64>,
    log: Vec<(i64, &'static str, String)>,
    failed: Vec<(String, i64, String)>,
}

struct FieldForm {
    key: &'static str,
    label: &'static str,
    required: bool,
    column: String,
    text: String,
    map: String,
    catalog: Vec<(u64, String)>,
}

struct PreviewLine {
    number: u32,
    cells: Vec<String>,
    errors: String,
    status: &'static str,
}

struct RunLine {
    id: i64,
    at: String,
    cause: &'static str,
    state: &'static str,
    processed: i64,
    total: i64,
    sent: i64,
    skipped: i64,
    changed: i64,
    failed: i64,
    message: String,
}

/// The salon's catalogue beside a field that takes ids (nothing when YCLIENTS is away).
/// `branch`: the site's one company, else the mapping's fixed branch.
async fn catalog(app: &AppState, site: &str, key: &str, branch: Option<u64>) -> Vec<(u64, String)> {
    let Ok(up) = app.upstreams.get(site) else {
        return Vec::new();
    };
    if key == "branch" {
        return app.catalog.branches(&up).await.map_or_else(
            |_| Vec::new(),
            |b| b.iter().map(|b| (b.id, b.title.clone())).collect(),
        );
    }
    let Some(company) = branch else {
        return Vec::new();
    };
    match key {
        "services" => app
            .catalog
            .services(&up, company, 0, None)
            .await
            .map_or_else(
                |_| Vec::new(),
                |s| s.services.iter().map(|s| (s.id, s.title.clone())).collect(),
            ),
        "master" => app
            .catalog
            .staff(&up, company, Vec::new(), None)
            .await
            .map_or_else(
                |_| Vec::new(),
                |s| s.staff.iter().map(|s| (s.id, s.name.clone())).collect(),
            ),
        _ => Vec::new(),
    }
}

fn field_forms(l: L, action: Action, mapping: &Mapping) -> Vec<FieldForm> {
    action
        .fields()
        .iter()
        .map(|(key, required, ru, en)| {
            let (column, text, map) = match mapping.fields.get(*key) {
                Some(FieldSource::Column { column }) => {
                    (column.clone(), String::new(), String::new())
                }
                Some(FieldSource::Text { text }) => (String::new(), text.clone(), String::new()),
                Some(FieldSource::Map { column, values }) => (
                    column.clone(),
                    String::new(),
                    values
                        .iter()
                        .map(|(k, v)| format!("{k} = {v}"))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                None => Default::default(),
            };
            FieldForm {
                key,
                label: l.t(ru, en),
                required: *required,
                column,
                text,
                map,
                catalog: Vec::new(),
            }
        })
        .collect()
}

/// The page; `errors` are the mapping or schedule form's, shown above it.
#[allow(clippy::too_many_arguments)]
pub async fn render(
    app: &AppState,
    l: L,
    s: &Session,
    site: &SiteSettings,
    frame: Frame<'_>,
    link: &LinkRow,
    run: Option<i64>,
    status: StatusCode,
    notice: Option<(bool, String)>,
    errors: Option<Vec<Text>>,
) -> Response {
    let tz = site.timezone.clone();
    let action = Action::parse(&link.action).unwrap_or(Action::Booking);
    let mapping: Mapping = serde_json::from_str(&link.mapping).unwrap_or_default();
    let schedule: Schedule = serde_json::from_str(&link.schedule).unwrap_or_default();
    let mut fields = field_forms(l, action, &mapping);
    let branch = default_branch(app, &site.key).or_else(|| match mapping.fields.get("branch") {
        Some(FieldSource::Text { text }) => text.parse().ok(),
        _ => None,
    });
    for f in &mut fields {
        f.catalog = catalog(app, &site.key, f.key, branch).await;
    }
    let (preview_total, preview_heads, preview_lines, columns, preview_error) =
        match preview(app, link, 10).await {
            Ok(p) => {
                let heads = action
                    .fields()
                    .iter()
                    .map(|(_, _, ru, en)| l.t(ru, en))
                    .collect();
                let lines = p
                    .rows
                    .iter()
                    .map(|r| PreviewLine {
                        number: r.number,
                        cells: action
                            .fields()
                            .iter()
                            .map(|(k, ..)| {
                                r.fields
                                    .iter()
                                    .find(|(f, _)| f == k)
                                    .map(|(_, v)| v.clone())
                                    .unwrap_or_default()
                            })
                            .collect(),
                        errors: r
                            .errors
                            .iter()
                            .map(|e| e.get(l.ru()).to_owned())
                            .collect::<Vec<_>>()
                            .join("; "),
                        status: status_word(l, r.status.as_deref()),
                    })
                    .collect();
                let problems: Vec<String> = p
                    .problems
                    .iter()
                    .map(|e| e.get(l.ru()).to_owned())
                    .collect();
                let error = (!problems.is_empty()).then(|| problems.join(" "));
                (p.total, heads, lines, p.headers, error)
            }
            Err(e) => (
                0,
                Vec::new(),
                Vec::new(),
                Vec::new(),
                Some(e.get(l.ru()).to_owned()),
            ),
        };
    let runs = app.store.import_runs(link.id, 10).await.unwrap_or_default();
    // While a run is queued or under way the page reloads itself, so its bar moves.
    let in_progress = runs
        .iter()
        .any(|r| r.state == "queued" || r.state == "running");
    let log_run = run.or_else(|| runs.first().map(|r| r.id));
    let log = match log_run {
        Some(id) => app
            .store
            .import_log(id, None, 1000)
            .await
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let failed = app
        .store
        .import_rows_in(link.id, &["failed", "invalid", "sending"], 200)
        .await
        .unwrap_or_default();
    let (kind, minutes, times, after) = match &schedule {
        Schedule::Manual => ("manual", String::new(), String::new(), 0),
        Schedule::Interval { minutes } => ("interval", minutes.to_string(), String::new(), 0),
        Schedule::Times { times } => ("times", String::new(), times.join(", "), 0),
        Schedule::After { link } => ("after", String::new(), String::new(), *link),
    };
    let others = app
        .store
        .import_links(&site.key)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|k| k.id != link.id)
        .map(|k| (k.id, k.name))
        .collect();
    let body = Body {
        l,
        title: format!("{} — {}", l.t("Связь", "Link"), link.name),
        site: seg(&site.key),
        id: link.id,
        csrf: &s.csrf,
        notice: notice.map(|(ok, m)| {
            if ok {
                ("notice", "status", m)
            } else {
                ("error", "alert", m)
            }
        }),
        errors: errors
            .unwrap_or_default()
            .iter()
            .map(|e| e.get(l.ru()).to_owned())
            .collect(),
        source: source_text(l, link),
        is_upload: link.source_url.is_none(),
        action: super::action_word(l, &link.action),
        is_booking: action == Action::Booking,
        key_column: mapping.key_column.clone().unwrap_or_default(),
        columns,
        fields,
        save_if_busy: mapping.save_if_busy,
        kind,
        minutes,
        times,
        after,
        others,
        next_run: link
            .next_run_ms
            .map(|t| local_time(t, &tz))
            .unwrap_or_default(),
        preview_total,
        preview_heads,
        preview: preview_lines,
        preview_error,
        runs: runs
            .iter()
            .map(|r| RunLine {
                id: r.id,
                at: local_time(r.created_ms, &tz),
                cause: cause_word(l, &r.cause),
                state: state_word(l, &r.state),
                processed: r.processed,
                total: r.total,
                sent: r.sent,
                skipped: r.skipped,
                changed: r.changed,
                failed: r.failed,
                message: reason(l, r.message.as_deref()),
            })
            .collect(),
        log_run,
        log: log
            .iter()
            .map(|x| {
                (
                    x.row_number,
                    outcome_word(l, &x.outcome),
                    reason(l, x.reason.as_deref()),
                )
            })
            .collect(),
        failed: failed
            .iter()
            .map(|r| {
                let next = r
                    .next_try_ms
                    .map(|t| local_time(t, &tz))
                    .unwrap_or_default();
                let why = reason(l, r.reason.as_deref());
                let text = if next.is_empty() {
                    why
                } else {
                    format!("{why} ({} {next})", l.t("повтор", "retry at"))
                };
                (r.row_key.clone(), r.row_number, text)
            })
            .collect(),
    };
    let mut res = frame_page(status, &frame, &body);
    if in_progress {
        res.headers_mut()
            .insert("refresh", axum::http::HeaderValue::from_static("2"));
    }
    res
}
