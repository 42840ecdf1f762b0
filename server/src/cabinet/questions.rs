//! Questions to the salon: the client writes (about a visit or in general), the owner answers
//! in the dashboard; unread messages are counted on both sides. Stored in our database only,
//! and erased with the account.

use axum::http::StatusCode;
use protocol::cabinet::{Ask, Message, Thread};

use super::Res;
use super::session::Signed;
use crate::app::AppState;
use crate::error::ApiError;
use crate::store::{MessageRow, ThreadRow};
use crate::util::clock::now_ms;

/// Most characters in one message.
pub const MAX_TEXT: usize = 2000;

/// The text of a message, trimmed; empty or too long is refused.
pub fn text(raw: &str) -> Result<String, ApiError> {
    let text = raw.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT {
        return Err(ApiError::invalid(
            "text",
            format!("Напишите вопрос (до {MAX_TEXT} символов)."),
            format!("Write your question (up to {MAX_TEXT} characters)."),
        ));
    }
    Ok(text.to_owned())
}

pub fn at(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn thread(row: &ThreadRow, messages: Vec<MessageRow>) -> Thread {
    Thread {
        id: row.id as u64,
        visit: row.visit.map(|v| v as u64),
        unread: row.client_unread.max(0) as u32,
        messages: messages
            .into_iter()
            .map(|m| Message {
                from_salon: m.from_salon,
                text: m.text,
                at: at(m.at),
            })
            .collect(),
    }
}

async fn full(app: &AppState, row: &ThreadRow) -> Res<Thread> {
    let messages = app
        .store
        .cabinet_messages(row.id)
        .await
        .map_err(ApiError::unavailable)?;
    Ok(thread(row, messages))
}

pub async fn list(app: &AppState, signed: &Signed) -> Res<Vec<Thread>> {
    let rows = app
        .store
        .cabinet_threads(&signed.account.id)
        .await
        .map_err(ApiError::unavailable)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(full(app, row).await?);
    }
    Ok(out)
}

async fn own(app: &AppState, signed: &Signed, id: u64) -> Res<ThreadRow> {
    let id = i64::try_from(id).map_err(|_| ApiError::not_found())?;
    Ok(app
        .store
        .cabinet_thread(&signed.site, id, Some(&signed.account.id))
        .await
        .map_err(ApiError::unavailable)?
        .ok_or_else(ApiError::not_found)?)
}

/// `POST …/cabinet/questions`: a new thread. A visit named must be one of the client's own.
pub async fn ask(app: &AppState, signed: &Signed, req: Ask) -> Res<Thread> {
    let text = text(&req.text)?;
    if let Some(visit) = req.visit {
        let own = super::visits::own_records(app, signed).await?;
        if !own.iter().any(|(r, _, _)| r.record.id == visit) {
            return Err(ApiError::invalid("visit", "Нет такой записи.", "No such visit.").into());
        }
    }
    let id = app
        .store
        .cabinet_new_thread(
            &signed.site,
            &signed.account.id,
            &signed.account.name,
            req.visit.map(|v| v as i64),
            &text,
            now_ms(),
        )
        .await
        .map_err(ApiError::unavailable)?;
    let row = own(app, signed, id as u64).await?;
    full(app, &row).await
}

/// `GET …/cabinet/questions/{id}`: the thread; the salon's answers are read now.
pub async fn read(app: &AppState, signed: &Signed, id: u64) -> Res<Thread> {
    let mut row = own(app, signed, id).await?;
    if row.client_unread > 0 {
        app.store
            .cabinet_mark_read(row.id, false)
            .await
            .map_err(ApiError::unavailable)?;
        row.client_unread = 0;
    }
    full(app, &row).await
}

/// `POST …/cabinet/questions/{id}`: one more message from the client.
pub async fn add(app: &AppState, signed: &Signed, id: u64, req: Ask) -> Res<Thread> {
    let text = text(&req.text)?;
    if req.visit.is_some() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            "Запись указывают только в новом вопросе.",
            "A visit is named only when a question starts.",
        )
        .field("visit")
        .into());
    }
    let row = own(app, signed, id).await?;
    app.store
        .cabinet_add_message(row.id, false, &text, now_ms())
        .await
        .map_err(ApiError::unavailable)?;
    read(app, signed, id).await
}
