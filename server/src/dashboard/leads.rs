//! The leads page: filters (dates, branch, source of the first or last touch), the table, the
//! CSV export and the "check with YCLIENTS now" button.

use axum::{
    Form,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Redirect, Response},
};

use super::{
    Frame, error_page, here,
    html::{Html, money, seg, short_time},
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
    store::TouchKind,
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
    let mut h = Html::new();
    h.put("<h1>{}</h1>", &[&title]);
    if let Some(n) = raw
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .and_then(|p| p.into_iter().find(|(k, _)| k == "updated").map(|(_, v)| v))
    {
        h.put(
            "<p id=\"notice\" role=\"status\">{} {}</p>",
            &[
                &l.t(
                    "Сверено с YCLIENTS, обновлено заявок:",
                    "Checked with YCLIENTS; leads updated:",
                ),
                &n,
            ],
        );
    }
    filters(&mut h, l, &site.key, &f, &branches);
    h.put(
        "<p class=\"actions\"><a id=\"csv\" href=\"/dashboard/sites/{}/leads.csv?{}\">{}</a></p>",
        &[
            &seg(&site.key),
            &f.query(),
            &l.t("Скачать CSV (Excel)", "Download CSV (Excel)"),
        ],
    );
    h.put("<form method=\"post\" action=\"/dashboard/sites/{}/reconcile\" class=\"actions\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">", &[&seg(&site.key), &s.csrf]);
    h.put(
        "<button type=\"submit\" id=\"reconcile\">{}</button></form>",
        &[&l.t("Сверить с YCLIENTS сейчас", "Check with YCLIENTS now")],
    );
    table(&mut h, l, &site.key, &f, &rows);
    render_page(StatusCode::OK, &frame, h)
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

fn filters(
    h: &mut Html,
    l: L,
    site: &str,
    f: &Filters,
    branches: &std::collections::BTreeMap<u64, String>,
) {
    h.put("<form method=\"get\" action=\"/dashboard/sites/{}/leads\" class=\"filters\" aria-labelledby=\"filters-title\">", &[&seg(site)]);
    h.put(
        "<h2 id=\"filters-title\">{}</h2>",
        &[&l.t("Отбор", "Filters")],
    );
    h.put("<p><label for=\"from\">{}</label><input id=\"from\" name=\"from\" type=\"date\" value=\"{}\"></p>", &[&l.t("С", "From"), &f.from]);
    h.put("<p><label for=\"to\">{}</label><input id=\"to\" name=\"to\" type=\"date\" value=\"{}\"></p>", &[&l.t("По", "To"), &f.to]);
    h.put("<p><label for=\"branch\">{}</label><select id=\"branch\" name=\"branch\"><option value=\"\">{}</option>", &[&l.t("Филиал", "Branch"), &l.t("Все", "All")]);
    for (id, title) in branches {
        h.put("<option value=\"{}\"", &[id])
            .raw(if f.branch == Some(*id) {
                " selected"
            } else {
                ""
            })
            .put(">{}</option>", &[title]);
    }
    h.raw("</select></p>");
    h.put("<p><label for=\"source\">{}</label><input id=\"source\" name=\"source\" value=\"{}\" placeholder=\"yandex\"></p>", &[&l.t("Источник", "Source"), &f.source.as_deref().unwrap_or("")]);
    h.put(
        "<fieldset><legend>{}</legend>",
        &[&l.t("Источник по касанию", "Source of the touch")],
    );
    for (value, ru, en, kind) in [
        ("first", "первому", "first", TouchKind::First),
        ("last", "последнему", "last", TouchKind::Last),
    ] {
        h.put(
            "<label><input type=\"radio\" name=\"touch\" id=\"touch-{}\" value=\"{}\"",
            &[&value, &value],
        )
        .raw(if f.touch == kind { " checked" } else { "" });
        h.put("> {}</label> ", &[&l.t(ru, en)]);
    }
    h.put(
        "</fieldset><p><button type=\"submit\" id=\"apply\">{}</button></p></form>",
        &[&l.t("Показать", "Show")],
    );
}

fn touch_cell(h: &mut Html, l: L, t: &crate::reports::TouchView) {
    h.put("<td>{}", &[&t.source]);
    for part in [&t.medium, &t.campaign]
        .into_iter()
        .filter(|p| !p.is_empty())
    {
        h.put(" / {}", &[part]);
    }
    h.put(
        "<br><small class=\"channel channel-{}\">{}</small></td>",
        &[&t.channel, &i18n::channel(l, &t.channel)],
    );
}

fn table(h: &mut Html, l: L, site: &str, f: &Filters, rows: &[Lead]) {
    h.raw("<div class=\"scroll\" role=\"region\" aria-labelledby=\"leads-caption\" tabindex=\"0\"><table id=\"leads\">");
    h.put(
        "<caption id=\"leads-caption\">{} {} — {}: {}</caption><thead><tr>",
        &[&l.t("Заявки с", "Leads from"), &f.from, &f.to, &rows.len()],
    );
    let heads = [
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
    for (ru, en) in heads {
        h.put("<th scope=\"col\">{}</th>", &[&l.t(ru, en)]);
    }
    h.raw("</tr></thead><tbody>");
    if rows.is_empty() {
        h.put(
            "<tr><td colspan=\"12\">{}</td></tr>",
            &[&l.t("За этот период заявок нет.", "No leads in this period.")],
        );
    }
    for r in rows {
        h.put("<tr id=\"lead-{}\"><th scope=\"row\" class=\"when\">{}</th><td class=\"when\">{}</td><td>", &[&r.id, &r.created, &short_time(&r.visit)]);
        match &r.vid {
            Some(vid) if !r.erased => {
                h.put("<a class=\"vid\" href=\"/dashboard/sites/{}/visitors/{}\" title=\"{}\">{}…</a>", &[&seg(site), &seg(vid), vid, &vid.get(..8).unwrap_or(vid)]);
            }
            _ if r.erased => {
                h.text(l.t("удалён", "erased"));
            }
            _ => {
                h.raw("—");
            }
        }
        h.raw("</td>");
        touch_cell(h, l, &r.first);
        touch_cell(h, l, &r.last);
        h.put(
            "<td class=\"landing\">{}</td><td>{}</td><td>{}</td><td>{}</td>",
            &[
                &r.landing.as_deref().unwrap_or(""),
                &r.services.join(", "),
                &r.master,
                &r.branch,
            ],
        );
        let planned = if r.planned_min == r.planned_max {
            money(r.planned_min, l.ru())
        } else {
            format!(
                "{}–{}",
                money(r.planned_min, l.ru()),
                money(r.planned_max, l.ru())
            )
        };
        h.put("<td class=\"num\">{}</td><td class=\"state state-{}\">{}</td><td class=\"num paid\">{}</td></tr>", &[&planned, &r.state, &i18n::state(l.0, r.state), &money(r.paid, l.ru())]);
    }
    h.raw("</tbody></table></div>");
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
