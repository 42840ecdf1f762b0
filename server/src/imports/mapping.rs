//! How a row becomes what YCLIENTS receives: each field of the action from a column, fixed
//! text, or a column through a value map (a service title → its id); phones and dates parsed,
//! with errors that name the row and the value in the owner's language.

use std::collections::BTreeMap;

use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};

pub use super::payload::{Payload, Text};
use super::source::{Row, Table};

/// What a link makes in YCLIENTS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// `POST /records/{company}` as the salon's administrator.
    Booking,
    /// `POST /clients/{company}`.
    Client,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Booking => "booking",
            Action::Client => "client",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        match s {
            "booking" => Some(Action::Booking),
            "client" => Some(Action::Client),
            _ => None,
        }
    }

    /// The fields of the action: key, required, Russian and English label.
    pub fn fields(self) -> &'static [(&'static str, bool, &'static str, &'static str)] {
        match self {
            Action::Booking => &[
                ("branch", true, "Филиал (id)", "Branch (id)"),
                (
                    "services",
                    true,
                    "Услуги (id через запятую)",
                    "Services (ids, comma-separated)",
                ),
                ("master", true, "Мастер (id)", "Master (id)"),
                ("datetime", true, "Дата и время", "Date and time"),
                ("name", true, "Имя клиента", "Client's name"),
                ("phone", true, "Телефон", "Phone"),
                ("email", false, "Email", "Email"),
                ("comment", false, "Комментарий", "Comment"),
            ],
            Action::Client => &[
                ("branch", true, "Филиал (id)", "Branch (id)"),
                ("name", true, "Имя", "Name"),
                ("phone", true, "Телефон", "Phone"),
                ("email", false, "Email", "Email"),
                ("birthday", false, "День рождения", "Birthday"),
                ("comment", false, "Комментарий", "Comment"),
                (
                    "categories",
                    false,
                    "Категории (id через запятую)",
                    "Categories (ids, comma-separated)",
                ),
            ],
        }
    }
}

/// Where one field's value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum FieldSource {
    Column {
        column: String,
    },
    Text {
        text: String,
    },
    /// A column's value looked up in `values` (unlisted values are errors).
    Map {
        column: String,
        values: BTreeMap<String, String>,
    },
}

/// A link's mapping.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub fields: BTreeMap<String, FieldSource>,
    /// The column whose value keys a row; none: a hash of the whole row.
    #[serde(default)]
    pub key_column: Option<String>,
    /// Book even when the master is busy at that time (`save_if_busy`).
    #[serde(default)]
    pub save_if_busy: bool,
}

/// Mistakes that keep a mapping from being saved: a required field unmapped, a column the
/// sheet does not have.
pub fn check(
    action: Action,
    mapping: &Mapping,
    table: &Table,
    default_branch: Option<u64>,
) -> Vec<Text> {
    let mut errors = Vec::new();
    for (key, required, ru, en) in action.fields() {
        let mapped = mapping.fields.get(*key);
        let branch_default = *key == "branch" && default_branch.is_some();
        if *required && mapped.is_none() && !branch_default {
            errors.push(Text::new(
                format!("Поле «{ru}» обязательно: выберите столбец или впишите значение."),
                format!("The field \"{en}\" is required: pick a column or type a value."),
            ));
        }
        if let Some(FieldSource::Column { column } | FieldSource::Map { column, .. }) = mapped
            && table.column(column).is_none()
        {
            errors.push(Text::new(
                format!("Поле «{ru}»: в таблице нет столбца «{column}»."),
                format!("The field \"{en}\": the sheet has no column \"{column}\"."),
            ));
        }
    }
    if let Some(key) = &mapping.key_column
        && table.column(key).is_none()
    {
        errors.push(Text::new(
            format!("Ключ строки: в таблице нет столбца «{key}»."),
            format!("Row key: the sheet has no column \"{key}\"."),
        ));
    }
    errors
}

/// Maps one row; every problem of the row is reported, not just the first.
pub fn apply(
    action: Action,
    mapping: &Mapping,
    table: &Table,
    row: &Row,
    default_branch: Option<u64>,
) -> Result<Payload, Vec<Text>> {
    let n = row.number;
    let mut errors = Vec::new();
    let value = |key: &str, errors: &mut Vec<Text>| -> String {
        match mapping.fields.get(key) {
            None => String::new(),
            Some(FieldSource::Text { text }) => text.trim().to_owned(),
            Some(FieldSource::Column { column }) => {
                table.column(column).map_or("", |i| row.cell(i)).to_owned()
            }
            Some(FieldSource::Map { column, values }) => {
                let raw = table.column(column).map_or("", |i| row.cell(i));
                // A list cell ("Стрижка, Укладка") maps item by item.
                let mut out = Vec::new();
                for item in raw.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    match values.get(item) {
                        Some(v) => out.push(v.clone()),
                        None => errors.push(Text::new(
                            format!(
                                "строка {n}: «{item}» нет в таблице соответствий столбца «{column}»"
                            ),
                            format!(
                                "row {n}: '{item}' is not in the value map of column \"{column}\""
                            ),
                        )),
                    }
                }
                out.join(",")
            }
        }
    };
    // Fields whose value map failed are not reported empty as well.
    let mut fields: BTreeMap<&str, String> = BTreeMap::new();
    let mut unmapped = std::collections::BTreeSet::new();
    for (k, ..) in action.fields() {
        let before = errors.len();
        let v = value(k, &mut errors);
        if errors.len() > before {
            unmapped.insert(*k);
        }
        fields.insert(*k, v);
    }
    let label = |key: &str| -> (&'static str, &'static str) {
        action
            .fields()
            .iter()
            .find(|(k, ..)| *k == key)
            .map_or(("?", "?"), |(_, _, ru, en)| (*ru, *en))
    };
    let mut need = |key: &str| -> String {
        let v = fields.get(key).cloned().unwrap_or_default();
        let required = action.fields().iter().any(|(k, r, ..)| *k == key && *r);
        if v.is_empty()
            && required
            && !unmapped.contains(key)
            && !(key == "branch" && default_branch.is_some())
        {
            let (ru, en) = label(key);
            errors.push(Text::new(
                format!("строка {n}: не заполнено поле «{ru}»"),
                format!("row {n}: \"{en}\" is empty"),
            ));
        }
        v
    };
    let name = need("name");
    let phone_raw = need("phone");
    let email = need("email");
    let comment = need("comment");
    let branch_raw = need("branch");
    let mut errors_of = |e: Option<Text>| errors.extend(e);
    let phone = if phone_raw.is_empty() {
        String::new()
    } else {
        match phone(&phone_raw) {
            Some(p) => p,
            None => {
                errors_of(Some(Text::new(
                    format!("строка {n}: телефон «{phone_raw}» — не номер"),
                    format!("row {n}: phone '{phone_raw}' is not a number"),
                )));
                String::new()
            }
        }
    };
    let company = if branch_raw.is_empty() {
        default_branch.unwrap_or(0)
    } else {
        let (v, e) = id(n, "Филиал", "Branch", &branch_raw);
        errors_of(e);
        v
    };
    let payload = match action {
        Action::Booking => {
            let services_raw = fields["services"].clone();
            let staff_raw = fields["master"].clone();
            let when_raw = fields["datetime"].clone();
            let mut local = Vec::new();
            for (key, raw) in [
                ("services", &services_raw),
                ("master", &staff_raw),
                ("datetime", &when_raw),
            ] {
                if raw.is_empty() && !unmapped.contains(key) {
                    let (ru, en) = label(key);
                    local.push(Text::new(
                        format!("строка {n}: не заполнено поле «{ru}»"),
                        format!("row {n}: \"{en}\" is empty"),
                    ));
                }
            }
            let (staff, e) = if staff_raw.is_empty() {
                (0, None)
            } else {
                id(n, "Мастер", "Master", &staff_raw)
            };
            local.extend(e);
            let (services, e) = ids(n, "Услуги", "Services", &services_raw);
            local.extend(e);
            let datetime = if when_raw.is_empty() {
                String::new()
            } else {
                match datetime(&when_raw) {
                    Some(d) => d.strftime("%Y-%m-%d %H:%M:%S").to_string(),
                    None => {
                        local.push(Text::new(
                            format!(
                                "строка {n}: «{when_raw}» — не дата и время (ДД.ММ.ГГГГ ЧЧ:ММ)"
                            ),
                            format!(
                                "row {n}: '{when_raw}' is not a date and time (DD.MM.YYYY HH:MM)"
                            ),
                        ));
                        String::new()
                    }
                }
            };
            errors.extend(local);
            Payload::Booking {
                company,
                staff,
                services,
                datetime,
                name,
                phone,
                email,
                comment,
                save_if_busy: mapping.save_if_busy,
            }
        }
        Action::Client => {
            let birthday_raw = fields["birthday"].clone();
            let birthday = if birthday_raw.is_empty() {
                String::new()
            } else {
                match datetime(&birthday_raw) {
                    Some(d) => d.date().strftime("%d-%m-%Y").to_string(),
                    None => {
                        errors.push(Text::new(
                            format!("строка {n}: «{birthday_raw}» — не дата (ДД.ММ.ГГГГ)"),
                            format!("row {n}: '{birthday_raw}' is not a date (DD.MM.YYYY)"),
                        ));
                        String::new()
                    }
                }
            };
            let (categories, e) = ids(n, "Категории", "Categories", &fields["categories"]);
            errors.extend(e);
            Payload::Client {
                company,
                name,
                phone,
                email,
                birthday,
                comment,
                categories,
            }
        }
    };
    if errors.is_empty() {
        Ok(payload)
    } else {
        Err(errors)
    }
}

fn id(n: u32, ru: &str, en: &str, raw: &str) -> (u64, Option<Text>) {
    match raw.trim().parse::<u64>() {
        Ok(v) if v > 0 => (v, None),
        _ => (
            0,
            Some(Text::new(
                format!("строка {n}: {ru} «{raw}» — не идентификатор YCLIENTS"),
                format!("row {n}: {en} '{raw}' is not a YCLIENTS id"),
            )),
        ),
    }
}

fn ids(n: u32, ru: &str, en: &str, raw: &str) -> (Vec<u64>, Option<Text>) {
    let mut out = Vec::new();
    for part in raw
        .split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let (v, e) = id(n, ru, en, part);
        if e.is_some() {
            return (Vec::new(), e);
        }
        out.push(v);
    }
    (out, None)
}

/// A phone as YCLIENTS takes it: digits with the country code. A Russian `8…` or a bare
/// ten-digit `9…` becomes `7…`. `None` unless 11–15 digits remain.
pub fn phone(raw: &str) -> Option<String> {
    let mut digits = String::new();
    for (i, c) in raw.trim().chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => {}
            ' ' | '-' | '(' | ')' | '.' | '\u{a0}' => {}
            _ => return None,
        }
    }
    if digits.len() == 11 && digits.starts_with('8') {
        digits.replace_range(..1, "7");
    } else if digits.len() == 10 && digits.starts_with('9') {
        digits.insert(0, '7');
    }
    (11..=15).contains(&digits.len()).then_some(digits)
}

/// A date and time as people and spreadsheets write them: `11.03.2025 12:00`,
/// `2025-03-11 12:00[:00]`, `2025-03-11T12:00`, a date alone (midnight), or an Excel serial
/// number (`45727.5`: days since 1899-12-30).
pub fn datetime(raw: &str) -> Option<DateTime> {
    let raw = raw.trim();
    if let Ok(serial) = raw.replace(',', ".").parse::<f64>() {
        if !(1.0..=2_958_465.0).contains(&serial) {
            return None;
        }
        let base = jiff::civil::date(1899, 12, 30).at(0, 0, 0, 0);
        let secs = (serial * 86_400.0).round() as i64;
        return base.checked_add(jiff::SignedDuration::from_secs(secs)).ok();
    }
    const FORMATS: &[&str] = &[
        "%d.%m.%Y %H:%M:%S",
        "%d.%m.%Y %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%d/%m/%Y %H:%M",
    ];
    for f in FORMATS {
        if let Ok(d) = DateTime::strptime(f, raw) {
            return Some(d);
        }
    }
    for f in ["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"] {
        if let Ok(d) = jiff::civil::Date::strptime(f, raw) {
            return Some(d.at(0, 0, 0, 0));
        }
    }
    None
}

#[cfg(test)]
mod tests;
