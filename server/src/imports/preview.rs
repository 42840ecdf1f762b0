//! "Test data": the first rows of a link's sheet as they would be sent, each with its errors
//! and whether it was sent already. Reads the source (a URL is fetched) and the store; writes
//! nothing and calls nothing in YCLIENTS.

use super::mapping::{self, Action, Mapping, Text};
use super::run::default_branch;
use super::source::sheet;
use crate::app::AppState;
use crate::store::LinkRow;

/// What the preview shows.
#[derive(Debug, Clone, Default)]
pub struct Preview {
    pub headers: Vec<String>,
    /// Data rows in the sheet.
    pub total: usize,
    pub rows: Vec<PreviewRow>,
    /// Mapping problems that keep the link from running.
    pub problems: Vec<Text>,
}

#[derive(Debug, Clone)]
pub struct PreviewRow {
    pub number: u32,
    pub key: String,
    /// `(field key, value)` as sent.
    pub fields: Vec<(&'static str, String)>,
    pub errors: Vec<Text>,
    /// The stored state of the row (`sent`, `failed`, …) when a run saw it.
    pub status: Option<String>,
}

/// The first `limit` rows of the link, mapped.
pub async fn preview(app: &AppState, link: &LinkRow, limit: usize) -> Result<Preview, Text> {
    let table = sheet(link).await?;
    let action = Action::parse(&link.action).unwrap_or(Action::Booking);
    let mapping: Mapping = serde_json::from_str(&link.mapping).unwrap_or_default();
    let branch = default_branch(app, &link.site);
    let problems = mapping::check(action, &mapping, &table, branch);
    let stored = app.store.import_rows(link.id).await.unwrap_or_default();
    let key_column = mapping.key_column.as_deref().and_then(|c| table.column(c));
    let rows = table
        .rows
        .iter()
        .take(limit)
        .map(|row| {
            let key = row.key(key_column);
            let (fields, errors) = if problems.is_empty() {
                match mapping::apply(action, &mapping, &table, row, branch) {
                    Ok(p) => (p.shown(), Vec::new()),
                    Err(e) => (Vec::new(), e),
                }
            } else {
                (Vec::new(), Vec::new())
            };
            PreviewRow {
                number: row.number,
                status: stored.get(&key).map(|r| r.status.clone()),
                key,
                fields,
                errors,
            }
        })
        .collect();
    Ok(Preview {
        headers: table.headers.clone(),
        total: table.rows.len(),
        rows,
        problems,
    })
}
