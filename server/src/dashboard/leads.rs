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
    Frame,
    channels::{Choice, touch_choices},
    error_page,
    format::{money, seg, short_time, touch_text},
    here,
    i18n::{self, L},
    login::{CsrfForm, form_ok},
    not_found, page as render_page,
};
use crate::{
    app::AppState,
    auth::DashSession,
    reconcile,
    reports::{
        Filters, Params, csv,
        leads::{self, Lead, branch_titles},
    },
};

async fn render(
    app: &AppState,
    s: &crate::auth::Session,
    key: &str,
    headers: &HeaderMap,
    uri: &Uri,
    raw: Option<&str>,
) -> Response {
    let l = L::from_headers(headers);
    let Some(site) = s.site(app, key) else {
        return not_found(l, s, here(uri));
    };
    let title = format!("{} — {}", l.t("Заявки", "Leads"), site.key);
    let frame = Frame {
        l,
        title: title.clone(),
        session: Some(s),
        site: Some(&site.key),
        here: here(uri),
        active: "leads",
    };
    let f = match Params::parse_query(raw).and_then(|p| p.filters(site)) {
        Ok(f) => f,
        Err(e) => return error_page(&frame, &e),
    };
    let rows = match leads::leads(app, site, &f).await {
        Ok(r) => r,
        Err(e) => return error_page(&frame, &e),
    };
    let branches = branch_titles(app, site).await;
    let updated = raw
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .and_then(|p| p.into_iter().find(|(k, _)| k == "updated").map(|(_, v)| v));
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
        csrf: &s.csrf,
        heads: HEADS.map(|(ru, en)| l.t(ru, en)),
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
    csrf: &'a str,
    heads: [&'static str; 12],
    rows: Vec<Row>,
}

struct BranchOption {
    value: u64,
    label: String,
    selected: bool,
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
    landing: String,
    services: String,
    master: String,
    branch: String,
    planned: String,
    state: String,
    state_label: &'static str,
    paid: String,
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

const HEADS: [(&str, &str); 12] = [
    ("Создана", "Created"),
    ("Визит", "Visit"),
    ("Посетитель", "Visitor"),
    ("Первое касание", "First touch"),
    ("Последнее касание", "Last touch"),
    ("Страница входа", "Landing page"),
    ("Услуги", "Services"),
    ("Мастер", "Master"),
    ("Филиал", "Branch"),
    ("Сумма", "Planned"),
    ("Статус", "State"),
    ("Оплачено", "Paid"),
];

fn touch_cell(l: L, t: &crate::reports::TouchView) -> TouchCell {
    TouchCell {
        text: touch_text(t),
        channel: t.channel.to_string(),
        label: i18n::channel(l, &t.channel),
    }
}

fn row(l: L, r: &Lead) -> Row {
    let planned = if r.planned_min == r.planned_max {
        money(r.planned_min, l.ru())
    } else {
        format!(
            "{}–{}",
            money(r.planned_min, l.ru()),
            money(r.planned_max, l.ru())
        )
    };
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
        landing: r.landing.clone().unwrap_or_default(),
        services: r.services.join(", "),
        master: r.master.to_string(),
        branch: r.branch.to_string(),
        planned,
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
    let l = L::from_headers(&headers);
    let Some(site) = s.site(&app, &key) else {
        return not_found(l, &s, here(&uri));
    };
    let frame = Frame {
        l,
        title: l.t("Заявки", "Leads").into(),
        session: Some(&s),
        site: Some(&site.key),
        here: here(&uri),
        active: "leads",
    };
    let f = match Params::parse_query(raw.as_deref()).and_then(|p| p.filters(site)) {
        Ok(f) => f,
        Err(e) => return error_page(&frame, &e),
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
