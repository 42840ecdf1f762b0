//! The leads report as CSV for Excel: UTF-8 with a BOM, `;` between cells for Russian (what
//! Russian Excel expects) and `,` for English; text cells that a spreadsheet would read as a
//! formula (`= + - @`, tab, carriage return) are prefixed with `'`.
//!
//! Kept hand-written rather than the `csv` crate: what the crate would replace is the quoting in
//! [`cell`] (4 lines); the formula guard, the BOM and the separator by language stay ours either
//! way. When imports bring `csv` in for reading, writing moves to it too.

use super::leads::Lead;
use axum::{
    http::header,
    response::{IntoResponse, Response},
};

use crate::error::Lang;

const BOM: &str = "\u{feff}";

/// A text cell, safe against formula injection and quoted when needed.
pub fn cell(value: &str, sep: char) -> String {
    let mut v = String::with_capacity(value.len() + 2);
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.push('\'');
    }
    v.push_str(value);
    if v.contains([sep, '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

/// A sum as the spreadsheet of that language reads a number: no grouping, a decimal comma in
/// Russian (`1250,50`), a point in English (`1250.50`).
fn money(v: f64, lang: Lang) -> String {
    let text = if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    };
    match lang {
        Lang::Ru => text.replace('.', ","),
        Lang::En => text,
    }
}

pub fn leads(rows: &[Lead], lang: Lang) -> Vec<u8> {
    let (sep, header) = match lang {
        Lang::Ru => (
            ';',
            [
                "Создана",
                "Визит",
                "Посетитель",
                "Первый источник",
                "Первый канал",
                "Первая кампания",
                "Последний источник",
                "Последний канал",
                "Последняя кампания",
                "Страница входа",
                "Услуги",
                "Мастер",
                "Филиал",
                "Сумма от",
                "Сумма до",
                "Статус",
                "Оплачено",
                "Первый тип трафика",
                "Последний тип трафика",
            ],
        ),
        Lang::En => (
            ',',
            [
                "Created",
                "Visit",
                "Visitor",
                "First source",
                "First medium",
                "First campaign",
                "Last source",
                "Last medium",
                "Last campaign",
                "Landing page",
                "Services",
                "Master",
                "Branch",
                "Planned from",
                "Planned to",
                "State",
                "Paid",
                "First channel",
                "Last channel",
            ],
        ),
    };
    let mut out = String::from(BOM);
    let line = |cells: Vec<String>| cells.join(&sep.to_string()) + "\r\n";
    out.push_str(&line(header.iter().map(|h| cell(h, sep)).collect()));
    for l in rows {
        let text = [
            l.created.as_str(),
            l.visit.as_str(),
            l.vid.as_deref().unwrap_or(""),
            l.first.source.as_str(),
            l.first.medium.as_str(),
            l.first.campaign.as_str(),
            l.last.source.as_str(),
            l.last.medium.as_str(),
            l.last.campaign.as_str(),
            &l.landing
                .as_deref()
                .map(|raw| crate::util::url::landing(raw).full)
                .unwrap_or_default(),
            &l.what(lang == Lang::Ru),
            l.master.as_str(),
            l.branch.as_str(),
        ];
        let mut cells: Vec<String> = text.iter().map(|t| cell(t, sep)).collect();
        cells.push(money(l.planned_min, lang));
        cells.push(money(l.planned_max, lang));
        cells.push(cell(crate::dashboard::i18n::state(lang, l.state), sep));
        cells.push(money(l.paid, lang));
        for t in [&l.first, &l.last] {
            cells.push(cell(
                crate::dashboard::i18n::channel(crate::dashboard::i18n::L(lang), &t.channel),
                sep,
            ));
        }
        out.push_str(&line(cells));
    }
    out.into_bytes()
}

/// A CSV download: `text/csv` as an attachment named `filename`.
pub fn response(body: &[u8], filename: &str) -> Response {
    let disposition = format!(
        "attachment; filename=\"{}\"",
        filename.replace(['"', '\\', '\r', '\n'], "")
    );
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body.to_vec(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_look_like_formulas_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")", ','), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+7 916", ';'), "'+7 916");
        assert_eq!(cell("-1", ';'), "'-1");
        assert_eq!(cell("@cmd", ';'), "'@cmd");
        assert_eq!(cell("\tx", ';'), "'\tx");
        assert_eq!(cell("\rx", ';'), "\"'\rx\"");
        assert_eq!(cell("a;b", ';'), "\"a;b\"");
        assert_eq!(cell("yandex", ';'), "yandex");
    }

    #[test]
    fn sums_are_numbers_to_the_spreadsheet_of_each_language() {
        assert_eq!(money(1250.5, Lang::Ru), "1250,50");
        assert_eq!(money(1250.5, Lang::En), "1250.50");
        assert_eq!(money(3000.0, Lang::Ru), "3000");
    }
}
