//! The channels page: the table by source, medium and campaign with a first/last touch switch,
//! the funnel and revenue by channel as inline SVG charts.

use axum::{
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode, Uri},
    response::Response,
};

use super::{
    Frame,
    charts::{Bar, bars},
    error_page, here,
    html::{Html, money, percent, seg},
    i18n::L,
    not_found, page,
};
use crate::{
    app::AppState,
    auth::DashSession,
    reports::{
        Filters, Params,
        channels::{ChannelLine, ChannelsReport, report},
    },
    store::{GroupBy, TouchKind},
};

/// `GET /dashboard/sites/{site}/channels`
pub async fn page_handler(
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
    let title = format!("{} — {}", l.t("Каналы", "Channels"), site.key);
    let frame = Frame {
        l,
        title: title.clone(),
        session: Some(&s),
        site: Some(&site.key),
        here: here(&uri),
        active: "channels",
    };
    let f = match Params::parse_query(raw.as_deref()).and_then(|p| p.filters(site)) {
        Ok(f) => f,
        Err(e) => return error_page(&frame, &e),
    };
    let r = match report(&app, site, &f).await {
        Ok(r) => r,
        Err(e) => return error_page(&frame, &e),
    };
    let mut h = Html::new();
    h.put("<h1>{}</h1>", &[&title]);
    form(&mut h, l, &site.key, &f);
    table(&mut h, l, &r);
    funnel(&mut h, l, &r);
    revenue(&mut h, l, &r);
    page(StatusCode::OK, &frame, h)
}

fn form(h: &mut Html, l: L, site: &str, f: &Filters) {
    h.put("<form method=\"get\" action=\"/dashboard/sites/{}/channels\" class=\"filters\" aria-labelledby=\"filters-title\">", &[&seg(site)]);
    h.put(
        "<h2 id=\"filters-title\">{}</h2>",
        &[&l.t("Отбор", "Filters")],
    );
    h.put("<p><label for=\"from\">{}</label><input id=\"from\" name=\"from\" type=\"date\" value=\"{}\"></p>", &[&l.t("С", "From"), &f.from]);
    h.put("<p><label for=\"to\">{}</label><input id=\"to\" name=\"to\" type=\"date\" value=\"{}\"></p>", &[&l.t("По", "To"), &f.to]);
    h.put(
        "<fieldset><legend>{}</legend>",
        &[&l.t("Атрибуция", "Attribution")],
    );
    for (value, ru, en, kind) in [
        ("first", "первое касание", "first touch", TouchKind::First),
        ("last", "последнее касание", "last touch", TouchKind::Last),
    ] {
        h.put(
            "<label><input type=\"radio\" name=\"touch\" id=\"touch-{}\" value=\"{}\"",
            &[&value, &value],
        )
        .raw(if f.touch == kind { " checked" } else { "" });
        h.put("> {}</label> ", &[&l.t(ru, en)]);
    }
    h.put(
        "</fieldset><p><label for=\"by\">{}</label><select id=\"by\" name=\"by\">",
        &[&l.t("Группировать по", "Group by")],
    );
    for (value, ru, en, by) in [
        (
            "all",
            "источник / канал / кампания",
            "source / medium / campaign",
            GroupBy::All,
        ),
        ("source", "источник", "source", GroupBy::Source),
        ("medium", "канал (medium)", "medium", GroupBy::Medium),
        ("campaign", "кампания", "campaign", GroupBy::Campaign),
        (
            "channel",
            "тип трафика (поиск, реклама, email, …)",
            "channel (search, paid, email, …)",
            GroupBy::Channel,
        ),
    ] {
        h.put("<option value=\"{}\"", &[&value])
            .raw(if f.by == by { " selected" } else { "" })
            .put(">{}</option>", &[&l.t(ru, en)]);
    }
    h.put(
        "</select></p><p><button type=\"submit\" id=\"apply\">{}</button></p></form>",
        &[&l.t("Показать", "Show")],
    );
}

fn line(h: &mut Html, l: L, line: &ChannelLine, head: &str) {
    let c = &line.counts;
    h.put(
        "<th scope=\"row\">{}</th><td>{}</td><td>{}</td>",
        &[&head, &c.medium, &c.campaign],
    );
    h.put("<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>", &[&c.visitors, &c.sessions, &c.bookings, &percent(line.conversion, l.ru())]);
    h.put(
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
        &[
            &c.came,
            &percent(line.came_rate, l.ru()),
            &money(c.revenue, l.ru()),
        ],
    );
}

fn table(h: &mut Html, l: L, r: &ChannelsReport) {
    let touch = if r.touch == "first" {
        l.t("по первому касанию", "by first touch")
    } else {
        l.t("по последнему касанию", "by last touch")
    };
    h.raw("<div class=\"scroll\" role=\"region\" aria-labelledby=\"channels-caption\" tabindex=\"0\"><table id=\"channels\">");
    h.put(
        "<caption id=\"channels-caption\">{} {} — {}, {}</caption><thead><tr>",
        &[&l.t("Каналы с", "Channels from"), &r.from, &r.to, &touch],
    );
    for (ru, en) in [
        ("Источник", "Source"),
        ("Канал", "Medium"),
        ("Кампания", "Campaign"),
        ("Посетители", "Visitors"),
        ("Визиты", "Sessions"),
        ("Заявки", "Bookings"),
        ("Конверсия", "Conversion"),
        ("Пришли", "Came"),
        ("Доходимость", "Came rate"),
        ("Выручка", "Revenue"),
    ] {
        h.put("<th scope=\"col\">{}</th>", &[&l.t(ru, en)]);
    }
    h.raw("</tr></thead><tbody>");
    for (i, c) in r.rows.iter().enumerate() {
        h.put("<tr id=\"channel-{}\">", &[&i]);
        let head = if r.by == "channel" {
            super::i18n::channel(l, &c.counts.source)
        } else if c.counts.source.is_empty() {
            "—"
        } else {
            &c.counts.source
        };
        line(h, l, c, head);
        h.raw("</tr>");
    }
    h.raw("</tbody><tfoot><tr id=\"channel-total\">");
    line(h, l, &r.totals, l.t("Итого", "Total"));
    h.raw("</tr></tfoot></table></div>");
}

fn funnel(h: &mut Html, l: L, r: &ChannelsReport) {
    let f = &r.funnel;
    let steps = [
        (l.t("Визиты", "Visits"), f.visits),
        (l.t("Открыли запись", "Opened booking"), f.widget_opened),
        (l.t("Записались", "Booked"), f.booked),
        (l.t("Пришли", "Came"), f.came),
        (l.t("Оплатили", "Paid"), f.paid),
    ];
    h.put(
        "<section aria-labelledby=\"funnel-title\"><h2 id=\"funnel-title\">{}</h2>",
        &[&l.t("Воронка", "Funnel")],
    );
    let data: Vec<Bar> = steps
        .iter()
        .map(|(label, n)| Bar {
            label: (*label).into(),
            value: *n as f64,
            shown: n.to_string(),
        })
        .collect();
    let desc = steps
        .iter()
        .map(|(label, n)| format!("{label}: {n}"))
        .collect::<Vec<_>>()
        .join("; ");
    h.append(bars(
        "funnel-chart",
        l.t(
            "Воронка: от визита до оплаты",
            "Funnel: from visit to payment",
        ),
        &desc,
        &data,
    ));
    h.raw("<ol class=\"funnel\" id=\"funnel\">");
    for (label, n) in steps {
        h.put("<li>{}: <strong>{}</strong></li>", &[&label, &n]);
    }
    h.raw("</ol></section>");
}

fn revenue(h: &mut Html, l: L, r: &ChannelsReport) {
    h.put(
        "<section aria-labelledby=\"revenue-title\"><h2 id=\"revenue-title\">{}</h2>",
        &[&l.t("Выручка по каналам", "Revenue by channel")],
    );
    let data: Vec<Bar> = r
        .rows
        .iter()
        .map(|line| &line.counts)
        .filter(|c| c.revenue > 0.0)
        .take(12)
        .map(|c| {
            let label = [c.source.as_str(), c.medium.as_str(), c.campaign.as_str()]
                .iter()
                .filter(|p| !p.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" / ");
            Bar {
                label,
                value: c.revenue,
                shown: money(c.revenue, l.ru()),
            }
        })
        .collect();
    if data.is_empty() {
        h.put(
            "<p>{}</p></section>",
            &[&l.t("Оплат за этот период нет.", "No payments in this period.")],
        );
        return;
    }
    let desc = data
        .iter()
        .map(|b| format!("{}: {}", b.label, b.shown))
        .collect::<Vec<_>>()
        .join("; ");
    h.append(bars(
        "revenue-chart",
        l.t("Выручка по каналам", "Revenue by channel"),
        &desc,
        &data,
    ));
    h.raw("</section>");
}
