//! The import pages: the site's links and a new one (a file or a CSV URL); a link's page with
//! its source, field mapping, schedule, preview, runs with their progress and the per-row log.
//! Every form posts here; a saved form answers 303 back to the link's page.

mod forms;
mod link;
mod words;

use askama::Template;
use axum::{
    extract::{Multipart, Path, State},
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Redirect, Response},
};

use super::{Frame, error_page, format::seg, here, i18n::L, login::form_ok, not_found, page};
use crate::{
    app::AppState,
    auth::{DashSession, Session},
    config::SiteSettings,
    imports::{
        mapping::{Action, Mapping, Text},
        schedule::Schedule,
        source,
    },
    store::LinkRow,
    util::clock::now_ms,
};

pub use forms::{dismiss, file, mapping, run_now, schedule};
pub use link::page as link_page;

/// Whether a request to `path` may carry a whole sheet (a new link, a replaced file).
pub fn takes_sheet(path: &str) -> bool {
    path.starts_with("/dashboard/sites/") && (path.ends_with("/imports") || path.ends_with("/file"))
}

/// The owner's site, or the answer to give instead.
fn open<'a>(
    app: &'a AppState,
    s: &'a Session,
    key: &str,
    headers: &HeaderMap,
    uri: &Uri,
) -> Result<(L, &'a SiteSettings, Frame<'a>), Box<Response>> {
    let l = L::from_headers(headers);
    let Some(site) = s.site(app, key) else {
        return Err(Box::new(not_found(l, s, here(uri))));
    };
    let frame = Frame {
        l,
        title: format!("{} — {}", l.t("Импорт", "Import"), site.key),
        session: Some(s),
        site: Some(&site.key),
        here: here(uri),
        active: "imports",
    };
    Ok((l, site, frame))
}

/// The link `id` of the site (none for another site's).
async fn link_of(app: &AppState, site: &str, id: i64) -> Option<LinkRow> {
    app.store
        .import_link(id)
        .await
        .ok()
        .flatten()
        .filter(|k| k.site == site)
}

fn refused(frame: &Frame) -> Response {
    error_page(frame, &crate::auth::session::csrf_refused())
}

fn to_link(site: &str, id: i64, saved: &str) -> Response {
    Redirect::to(&format!(
        "/dashboard/sites/{}/imports/{id}?saved={saved}",
        seg(site)
    ))
    .into_response()
}

/// `GET /dashboard/sites/{site}/imports`
pub async fn list(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path(key): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    match open(&app, &s, &key, &headers, &uri) {
        Ok((l, site, frame)) => render_list(&app, l, &s, site, frame, StatusCode::OK, None).await,
        Err(r) => *r,
    }
}

#[derive(Template)]
#[template(path = "dashboard/imports.html")]
struct ListBody<'a> {
    l: L,
    title: &'a str,
    site: String,
    csrf: &'a str,
    error: Option<String>,
    links: Vec<ListLine>,
}

struct ListLine {
    id: i64,
    name: String,
    action: &'static str,
    source: String,
    last: String,
}

async fn render_list(
    app: &AppState,
    l: L,
    s: &Session,
    site: &SiteSettings,
    frame: Frame<'_>,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let mut links = Vec::new();
    for k in app.store.import_links(&site.key).await.unwrap_or_default() {
        let last = match app
            .store
            .import_runs(k.id, 1)
            .await
            .unwrap_or_default()
            .first()
        {
            Some(r) => format!(
                "{} · {}/{}",
                words::state_word(l, &r.state),
                r.processed,
                r.total
            ),
            None => l.t("ещё не запускалась", "not run yet").into(),
        };
        links.push(ListLine {
            id: k.id,
            action: action_word(l, &k.action),
            source: source_text(l, &k),
            name: k.name,
            last,
        });
    }
    let body = ListBody {
        l,
        title: &frame.title,
        site: seg(&site.key),
        csrf: &s.csrf,
        error,
        links,
    };
    page(status, &frame, &body)
}

fn action_word(l: L, action: &str) -> &'static str {
    if action == "client" {
        l.t("клиенты", "clients")
    } else {
        l.t("записи", "bookings")
    }
}

fn source_text(l: L, k: &LinkRow) -> String {
    match (&k.source_url, &k.file_name) {
        (Some(url), _) => url.clone(),
        (None, Some(name)) => format!("{} {name}", l.t("файл", "file")),
        (None, None) => l.t("нет источника", "no source").into(),
    }
}

/// The fields of a multipart form, the file's bytes and name apart.
#[derive(Default)]
struct Upload {
    fields: Vec<(String, String)>,
    file: Option<(String, Vec<u8>)>,
}

impl Upload {
    async fn read(mut form: Multipart) -> Result<Upload, String> {
        let mut up = Upload::default();
        while let Some(field) = form.next_field().await.map_err(|e| e.body_text())? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "file" {
                let file_name = field.file_name().unwrap_or("sheet").to_owned();
                let bytes = field.bytes().await.map_err(|e| e.body_text())?;
                if !bytes.is_empty() {
                    up.file = Some((file_name, bytes.to_vec()));
                }
            } else {
                let text = field.text().await.map_err(|e| e.body_text())?;
                up.fields.push((name, text));
            }
        }
        Ok(up)
    }

    fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }
}

/// Reads an uploaded sheet into its stored form.
fn stored_sheet(bytes: &[u8]) -> Result<String, Text> {
    let table = source::parse(bytes).map_err(|e| Text::new(e.ru(), e.to_string()))?;
    serde_json::to_string(&table).map_err(|e| Text::new(e.to_string(), e.to_string()))
}

/// `POST /dashboard/sites/{site}/imports` (multipart): a new link.
pub async fn create(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path(key): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    form: Multipart,
) -> Response {
    let (l, site, frame) = match open(&app, &s, &key, &headers, &uri) {
        Ok(o) => o,
        Err(r) => return *r,
    };
    let up = match Upload::read(form).await {
        Ok(up) => up,
        Err(e) => {
            return render_list(&app, l, &s, site, frame, StatusCode::BAD_REQUEST, Some(e)).await;
        }
    };
    if !form_ok(&headers, &s, up.get("csrf")) {
        return refused(&frame);
    }
    let fail = |ru: &str, en: &str| Some(if l.ru() { ru.to_owned() } else { en.to_owned() });
    let name = up.get("name");
    let action = Action::parse(up.get("action"));
    let url = up.get("url");
    let error = if name.is_empty() {
        fail("Дайте связи название.", "Give the link a name.")
    } else if action.is_none() {
        fail("Выберите действие.", "Choose an action.")
    } else if up.file.is_none() && url.is_empty() {
        fail(
            "Загрузите файл или укажите адрес CSV.",
            "Upload a file or give a CSV address.",
        )
    } else if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
        fail(
            "Адрес CSV должен начинаться с https://",
            "The CSV address must start with https://",
        )
    } else {
        None
    };
    if error.is_some() {
        return render_list(
            &app,
            l,
            &s,
            site,
            frame,
            StatusCode::UNPROCESSABLE_ENTITY,
            error,
        )
        .await;
    }
    let sheet = match &up.file {
        Some((_, bytes)) => match stored_sheet(bytes) {
            Ok(s) => Some(s),
            Err(t) => {
                let e = Some(t.get(l.ru()).to_owned());
                return render_list(
                    &app,
                    l,
                    &s,
                    site,
                    frame,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    e,
                )
                .await;
            }
        },
        None => None,
    };
    let file_name = up.file.as_ref().map(|(n, _)| n.as_str());
    let mapping = serde_json::to_string(&Mapping::default()).unwrap_or_default();
    let schedule = serde_json::to_string(&Schedule::Manual).unwrap_or_default();
    let source_url = (sheet.is_none()).then_some(url);
    let action = action.unwrap_or(Action::Booking).as_str();
    match app
        .store
        .insert_import_link(
            &site.key,
            name,
            action,
            source_url,
            file_name,
            sheet.as_deref(),
            &mapping,
            &schedule,
            now_ms(),
        )
        .await
    {
        Ok(id) => to_link(&site.key, id, "created"),
        Err(e) => {
            tracing::warn!(error = %e, "import link not stored");
            let e = fail(
                "Хранилище недоступно, попробуйте ещё раз.",
                "The store is unavailable; try again.",
            );
            render_list(&app, l, &s, site, frame, StatusCode::SERVICE_UNAVAILABLE, e).await
        }
    }
}
