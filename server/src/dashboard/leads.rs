//! The leads page: filters (dates, branch, source of the first or last touch), the table, the
//! CSV export and the "check with YCLIENTS now" button.

use axum::{
    Form,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Redirect, Response},
};

use askama::Template;

use super::{
    Frame, SitePage,
    channels::{Choice, touch_choices},
    error_page,
    format::{count, money, money_range, seg, short_time, touch_text},
    here,
    i18n::{self, L},
    login::{CsrfForm, form_ok},
    not_found, page as render_page, site_page,
};
use crate::{
    app::AppState,
    auth::DashSession,
    reconcile,
    reports::{
        Filters, csv,
        leads::{self, Lead, Sort, SortKey, branch_titles},
    },
    util::url::landing,
};

async fn render(
    app: &AppState,
    s: &crate::auth::Session,
    key: &str,
    headers: &HeaderMap,
    uri: &Uri,
    raw: Option<&str>,
) -> Response {
    let SitePage { l, site, frame, f } = match site_page(
        app,
        s,
        key,
        (headers, uri, raw),
        ("Заявки", "Leads"),
        "leads",
    ) {
        Ok(p) => p,
        Err(page) => return *page,
    };
    let title = frame.title.clone();
    let rows = match leads::leads(app, site, &f).await {
        Ok(r) => r,
        Err(e) => return error_page(&frame, &e),
    };
    let branches = branch_titles(app, site).await;
    let updated = raw
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .and_then(|p| p.into_iter().find(|(k, _)| k == "updated").map(|(_, v)| v));
    let labels = COLUMNS.map(|(_, _, ru, en)| l.t(ru, en));
    let total = Total {
        paid: money(rows.iter().map(|r| r.paid).sum(), l.ru()),
        planned: money_range(
            rows.iter().map(|r| r.planned_min).sum(),
            rows.iter().map(|r| r.planned_max).sum(),
            l.ru(),
        ),
    };
    let body = Body {
        l,
        title: &title,
        updated,
        site: seg(&site.key),
        branches: branches
            .iter()
            .map(|(id, title)| BranchOption {
                value: *id,
                label: title.clone(),
                selected: f.branch == Some(*id),
            })
            .collect(),
        source: f.source.clone().unwrap_or_default(),
        touches: touch_choices(&f, [l.t("первому", "first"), l.t("последнему", "last")]),
        query: f.query(),
        sort: f.sort.to_string(),
        csrf: &s.csrf,
        heads: heads(l, &site.key, &f),
        labels,
        count: count(rows.len() as i64, l.ru()),
        total,
        rows: rows.iter().map(|r| row(l, r)).collect(),
        f: &f,
    };
    render_page(StatusCode::OK, &frame, &body)
}

#[derive(Template)]
#[template(path = "dashboard/leads.html")]
struct Body<'a> {
    l: L,
    title: &'a str,
    /// `?updated=N` after a check with YCLIENTS.
    updated: Option<String>,
    site: String,
    f: &'a Filters,
    branches: Vec<BranchOption>,
    source: String,
    touches: [Choice; 2],
    query: String,
    /// The current order (`-created`), kept when the filters change.
    sort: String,
    csrf: &'a str,
    heads: Vec<Head>,
    /// Each column's name, for the cards a phone shows.
    labels: [&'static str; 12],
    count: String,
    total: Total,
    rows: Vec<Row>,
}

struct BranchOption {
    value: u64,
    label: String,
    selected: bool,
}

/// A column heading; a sortable one links to the table ordered by it.
struct Head {
    key: &'static str,
    label: &'static str,
    href: Option<String>,
    hint: &'static str,
    /// `ascending` / `descending` on the column the table is ordered by.
    aria_sort: Option<&'static str>,
    arrow: Option<&'static str>,
}

struct Total {
    paid: String,
    planned: String,
}

/// A lead as the table shows it.
struct Row {
    id: String,
    created: String,
    visit: String,
    /// The visitor's link, unless erased or unknown.
    vid: Option<VisitorLink>,
    erased: bool,
    touches: [TouchCell; 2],
    landing: Option<LandingCell>,
    services: String,
    /// A call's recording link.
    recording: Option<String>,
    master: String,
    branch: String,
    planned: String,
    state: String,
    state_label: &'static str,
    paid: String,
}

struct LandingCell {
    short: String,
    full: String,
}

struct VisitorLink {
    id: String,
    seg: String,
    short: String,
}

struct TouchCell {
    /// `source / medium / campaign`, the empty parts left out.
    text: String,
    channel: String,
    label: &'static str,
}

/// The columns in order: what an owner reads first (state, paid) comes first. Each has an id
/// (`head-…`) and, when sortable, its sort.
const COLUMNS: [(&str, Option<SortKey>, &str, &str); 12] = [
    ("state", Some(SortKey::State), "Статус", "State"),
    ("paid", Some(SortKey::Paid), "Оплачено", "Paid"),
    ("created", Some(SortKey::Created), "Создана", "Created"),
    ("visit", Some(SortKey::Visit), "Визит", "Visit"),
    ("services", Some(SortKey::Services), "Услуги", "Services"),
    ("master", Some(SortKey::Master), "Мастер", "Master"),
    ("branch", Some(SortKey::Branch), "Филиал", "Branch"),
    ("planned", Some(SortKey::Planned), "Сумма", "Planned"),
    ("first", None, "Первое касание", "First touch"),
    ("last", None, "Последнее касание", "Last touch"),
    ("landing", None, "Страница входа", "Landing page"),
    ("visitor", None, "Посетитель", "Visitor"),
];

fn heads(l: L, site: &str, f: &Filters) -> Vec<Head> {
    COLUMNS
        .iter()
        .map(|(id, key, ru, en)| {
            let current = key.filter(|k| *k == f.sort.key);
            let href = key.map(|key| {
                // A click on the current column turns it round; a new column starts with the
                // largest (or latest) first, except text, which starts at A.
                let desc = match current {
                    Some(_) => !f.sort.desc,
                    None => !matches!(
                        key,
                        SortKey::Services | SortKey::Master | SortKey::Branch | SortKey::State
                    ),
                };
                let order = Filters {
                    sort: Sort { key, desc },
                    ..f.clone()
                };
                format!("/dashboard/sites/{}/leads?{}", seg(site), order.query())
            });
            Head {
                key: id,
                label: l.t(ru, en),
                hint: l.t("Упорядочить по этому столбцу", "Sort by this column"),
                aria_sort: current.map(|_| {
                    if f.sort.desc {
                        "descending"
                    } else {
                        "ascending"
                    }
                }),
                arrow: current.map(|_| if f.sort.desc { "↓" } else { "↑" }),
                href,
            }
        })
        .collect()
}

fn touch_cell(l: L, t: &crate::reports::TouchView) -> TouchCell {
    TouchCell {
        text: touch_text(t),
        channel: t.channel.to_string(),
        label: i18n::channel(l, &t.channel),
    }
}

fn row(l: L, r: &Lead) -> Row {
    Row {
        id: r.id.to_string(),
        created: r.created.to_string(),
        visit: short_time(&r.visit),
        vid: r.vid.as_ref().filter(|_| !r.erased).map(|vid| VisitorLink {
            id: vid.clone(),
            seg: seg(vid),
            short: vid.get(..8).unwrap_or(vid).to_owned(),
        }),
        erased: r.erased,
        touches: [touch_cell(l, &r.first), touch_cell(l, &r.last)],
        landing: r.landing.as_deref().map(|raw| {
            let p = landing(raw);
            LandingCell {
                short: p.short(),
                full: p.full,
            }
        }),
        services: match &r.call {
            Some(c) => super::format::call_text(l, c),
            None => r.what(l.ru()),
        },
        recording: r.call.as_ref().and_then(|c| c.recording.clone()),
        master: r.master.to_string(),
        branch: r.branch.to_string(),
        planned: money_range(r.planned_min, r.planned_max, l.ru()),
        state: r.state.to_string(),
        state_label: i18n::state(l.0, r.state),
        paid: money(r.paid, l.ru()),
    }
}

/// `GET /dashboard/sites/{site}/leads`
pub async fn page(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path(key): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> Response {
    render(&app, &s, &key, &headers, &uri, raw.as_deref()).await
}

/// `GET /dashboard/sites/{site}/leads.csv`
pub async fn csv(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path(key): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> Response {
    let SitePage { l, site, frame, f } = match site_page(
        &app,
        &s,
        &key,
        (&headers, &uri, raw.as_deref()),
        ("Заявки", "Leads"),
        "leads",
    ) {
        Ok(p) => p,
        Err(page) => return *page,
    };
    match leads::leads(&app, site, &f).await {
        Ok(rows) => csv::response(
            &csv::leads(&rows, l.0),
            &format!("leads-{}-{}.csv", f.from, f.to),
        ),
        Err(e) => error_page(&frame, &e),
    }
}

/// `POST /dashboard/sites/{site}/reconcile`
pub async fn reconcile(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path(key): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<CsrfForm>,
) -> Response {
    let l = L::from_headers(&headers);
    let Some(site) = s.site(&app, &key) else {
        return not_found(l, &s, here(&uri));
    };
    if !form_ok(&headers, &s, &form.csrf) {
        let frame = Frame {
            l,
            title: l.t("Сверка", "Check").into(),
            session: Some(&s),
            site: Some(&site.key),
            here: here(&uri),
            active: "leads",
        };
        return error_page(&frame, &crate::auth::session::csrf_refused());
    }
    let _ = crate::webhooks::drain(&app).await;
    let report = reconcile::reconcile_site(&app, &site.key).await;
    Redirect::to(&format!(
        "/dashboard/sites/{}/leads?updated={}",
        seg(&site.key),
        report.updated + report.resolved
    ))
    .into_response()
}
