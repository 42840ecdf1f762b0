//! The link page's forms: mapping, schedule, run now, dismiss a row, replace the file.

use std::collections::BTreeMap;

use axum::{
    Form,
    extract::{Multipart, Path, State},
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
};

use super::{Upload, link, link_of, open, refused, stored_sheet, to_link};
use crate::{
    app::AppState,
    auth::DashSession,
    dashboard::{login::form_ok, not_found},
    imports::{
        mapping::{self, Action, FieldSource, Mapping, Text},
        run::{default_branch, site_zone},
        schedule::Schedule,
        source::sheet,
    },
    util::clock::now_ms,
};

type Fields = Vec<(String, String)>;

fn get<'a>(form: &'a Fields, name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

/// The mapping the form describes: per field a column (with a value map when its lines are
/// given: `value = id`), else fixed text, else nothing.
fn read_mapping(action: Action, form: &Fields) -> Result<Mapping, Vec<Text>> {
    let mut fields = BTreeMap::new();
    let mut errors = Vec::new();
    for (key, ..) in action.fields() {
        let column = get(form, &format!("{key}.column"));
        let text = get(form, &format!("{key}.text"));
        let lines = get(form, &format!("{key}.map"));
        let source = if !column.is_empty() && !lines.is_empty() {
            let mut values = BTreeMap::new();
            for line in lines.lines().map(str::trim).filter(|l| !l.is_empty()) {
                match line.rsplit_once('=') {
                    Some((from, to)) if !from.trim().is_empty() && !to.trim().is_empty() => {
                        values.insert(from.trim().to_owned(), to.trim().to_owned());
                    }
                    _ => errors.push(Text::new(
                        format!("Строка соответствия «{line}»: нужно «значение = id»."),
                        format!("Value map line '{line}': write 'value = id'."),
                    )),
                }
            }
            Some(FieldSource::Map {
                column: column.to_owned(),
                values,
            })
        } else if !column.is_empty() {
            Some(FieldSource::Column {
                column: column.to_owned(),
            })
        } else if !text.is_empty() {
            Some(FieldSource::Text {
                text: text.to_owned(),
            })
        } else {
            None
        };
        if let Some(source) = source {
            fields.insert((*key).to_owned(), source);
        }
    }
    let key_column = Some(get(form, "key_column").to_owned()).filter(|k| !k.is_empty());
    let mapping = Mapping {
        fields,
        key_column,
        save_if_busy: !get(form, "save_if_busy").is_empty(),
    };
    if errors.is_empty() {
        Ok(mapping)
    } else {
        Err(errors)
    }
}

macro_rules! opened {
    ($app:expr, $s:expr, $key:expr, $headers:expr, $uri:expr, $id:expr, $csrf:expr) => {{
        let (l, site, frame) = match open(&$app, &$s, &$key, &$headers, &$uri) {
            Ok(o) => o,
            Err(r) => return *r,
        };
        let Some(link) = link_of(&$app, &site.key, $id).await else {
            return not_found(l, &$s, frame.here);
        };
        if !form_ok(&$headers, &$s, $csrf) {
            return refused(&frame);
        }
        (l, site, frame, link)
    }};
}

/// `POST /dashboard/sites/{site}/imports/{id}/mapping`: saved only when every required field
/// is mapped and every column exists in the sheet.
pub async fn mapping(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path((key, id)): Path<(String, i64)>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<Fields>,
) -> Response {
    let (l, site, frame, link) = opened!(app, s, key, headers, uri, id, get(&form, "csrf"));
    let action = Action::parse(&link.action).unwrap_or(Action::Booking);
    let read = match read_mapping(action, &form) {
        Ok(m) => sheet(&link).await.map(|t| (m, t)).map_err(|e| vec![e]),
        Err(errors) => Err(errors),
    };
    let (new, table) = match read {
        Ok(x) => x,
        Err(errors) => {
            return link::render(
                &app,
                l,
                &s,
                site,
                frame,
                &link,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(errors),
            )
            .await;
        }
    };
    let errors = mapping::check(action, &new, &table, default_branch(&app, &site.key));
    let json = serde_json::to_string(&new).unwrap_or_default();
    if !errors.is_empty() {
        // Shown as typed, with what is wrong.
        let shown = crate::store::LinkRow {
            mapping: json,
            ..link.clone()
        };
        return link::render(
            &app,
            l,
            &s,
            site,
            frame,
            &shown,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(errors),
        )
        .await;
    }
    match app.store.set_import_mapping(link.id, &json).await {
        Ok(()) => to_link(&site.key, link.id, "mapping"),
        Err(e) => unavailable(e),
    }
}

fn unavailable(e: sqlx::Error) -> Response {
    tracing::warn!(error = %e, "import store unavailable");
    (StatusCode::SERVICE_UNAVAILABLE, "store unavailable").into_response()
}

/// `POST /dashboard/sites/{site}/imports/{id}/schedule`
pub async fn schedule(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path((key, id)): Path<(String, i64)>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<Fields>,
) -> Response {
    let (l, site, frame, link) = opened!(app, s, key, headers, uri, id, get(&form, "csrf"));
    let parsed = Schedule::from_form(
        get(&form, "kind"),
        get(&form, "minutes"),
        get(&form, "times"),
        get(&form, "after"),
    );
    let schedule = match parsed {
        Ok(Schedule::After { link: other })
            if other == link.id || link_of(&app, &site.key, other).await.is_none() =>
        {
            Err((
                "Выберите другую связь этого сайта.".to_owned(),
                "Pick another link of this site.".to_owned(),
            ))
        }
        other => other,
    };
    let schedule = match schedule {
        Ok(x) => x,
        Err((ru, en)) => {
            return link::render(
                &app,
                l,
                &s,
                site,
                frame,
                &link,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(vec![Text::new(ru, en)]),
            )
            .await;
        }
    };
    let next = schedule
        .first(jiff::Timestamp::now(), &site_zone(&app, &site.key))
        .map(|t| t.as_millisecond());
    let json = serde_json::to_string(&schedule).unwrap_or_default();
    match app.store.set_import_schedule(link.id, &json, next).await {
        Ok(()) => {
            app.imports.wake();
            to_link(&site.key, link.id, "schedule")
        }
        Err(e) => unavailable(e),
    }
}

#[derive(serde::Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    key: String,
}

/// `POST /dashboard/sites/{site}/imports/{id}/run`: run now (once; a run already queued or
/// running is not doubled).
pub async fn run_now(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path((key, id)): Path<(String, i64)>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<KeyForm>,
) -> Response {
    let (_, site, _, link) = opened!(app, s, key, headers, uri, id, &form.csrf);
    match app
        .store
        .queue_import_run(link.id, "manual", now_ms())
        .await
    {
        Ok(queued) => {
            app.imports.wake();
            to_link(
                &site.key,
                link.id,
                if queued.is_some() { "run" } else { "running" },
            )
        }
        Err(e) => unavailable(e),
    }
}

/// `POST /dashboard/sites/{site}/imports/{id}/dismiss`: stop retrying a failed row.
pub async fn dismiss(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path((key, id)): Path<(String, i64)>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<KeyForm>,
) -> Response {
    let (_, site, _, link) = opened!(app, s, key, headers, uri, id, &form.csrf);
    match app
        .store
        .dismiss_import_row(link.id, &form.key, now_ms())
        .await
    {
        Ok(_) => to_link(&site.key, link.id, "dismiss"),
        Err(e) => unavailable(e),
    }
}

/// `POST /dashboard/sites/{site}/imports/{id}/file` (multipart): a new version of the sheet.
pub async fn file(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path((key, id)): Path<(String, i64)>,
    headers: HeaderMap,
    uri: Uri,
    form: Multipart,
) -> Response {
    let up = Upload::read(form).await.unwrap_or_default();
    let (l, site, frame, link) = opened!(app, s, key, headers, uri, id, up.get("csrf"));
    let Some((name, bytes)) = &up.file else {
        let e = Text::new("Выберите файл.", "Choose a file.");
        return link::render(
            &app,
            l,
            &s,
            site,
            frame,
            &link,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(vec![e]),
        )
        .await;
    };
    match stored_sheet(bytes) {
        Ok(sheet) => match app.store.set_import_sheet(link.id, name, &sheet).await {
            Ok(()) => to_link(&site.key, link.id, "file"),
            Err(e) => unavailable(e),
        },
        Err(e) => {
            link::render(
                &app,
                l,
                &s,
                site,
                frame,
                &link,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(vec![e]),
            )
            .await
        }
    }
}
