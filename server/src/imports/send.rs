//! One row to YCLIENTS, never twice: what is stored about the row decides (sent and unchanged:
//! skipped; sent and changed: reported; failed: waits out its back-off); a row an earlier try
//! may have made is looked up first (a record by `api_id`, a client by phone); the row is
//! marked `sending` before the call, so a process that dies mid-call leaves a row that is
//! looked up, not sent again.

use yclients::model::{NewClient, NewRecord, NewRecordClient, NewRecordService};

use super::RowStatus;
use super::mapping::{Payload, Text};
use super::outcome;
use crate::store::{LinkRow, StoredRow};
use crate::util::clock::now_ms;

/// Minutes before a failed row's next try: +1, +10, +30, then every 3 h.
const BACKOFF_MINUTES: [i64; 4] = [1, 10, 30, 180];

/// The `api_id` of a link's row: the same for every try, so a lost answer is found again.
pub fn api_id(link_id: i64, key: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("zi{link_id}-{}", hex::encode(&Sha256::digest(key)[..8]))
}

/// What to do with a valid row given what is stored about it; sends it when due.
#[allow(clippy::too_many_arguments)]
pub(super) async fn decide(
    store: &crate::store::Store,
    client: &yclients::Client,
    link: &LinkRow,
    key: &str,
    number: i64,
    payload: Payload,
    prior: Option<StoredRow>,
    now: i64,
) -> (&'static str, Option<Text>, Option<StoredRow>) {
    let digest = payload.digest();
    let status = prior
        .as_ref()
        .and_then(|r| r.status.parse::<RowStatus>().ok());
    match (status, &prior) {
        (Some(RowStatus::Sent), Some(r)) if r.digest == digest => (
            outcome::SKIPPED,
            Some(Text::new(
                format!(
                    "уже отправлена (YCLIENTS {})",
                    r.upstream_id.as_deref().unwrap_or("?")
                ),
                format!(
                    "already sent (YCLIENTS {})",
                    r.upstream_id.as_deref().unwrap_or("?")
                ),
            )),
            None,
        ),
        (Some(RowStatus::Sent), Some(_)) => (
            outcome::CHANGED,
            Some(Text::new(
                "строка изменилась после отправки; повторно не отправлена",
                "the row changed after it was sent; not sent again",
            )),
            None,
        ),
        (Some(RowStatus::Dismissed), _) => (
            outcome::SKIPPED,
            Some(Text::new("отклонена владельцем", "dismissed by the owner")),
            None,
        ),
        (Some(RowStatus::Failed), Some(r))
            if r.next_try_ms.is_some_and(|t| t > now) && r.digest == digest =>
        {
            let at = r.next_try_ms.unwrap_or(now);
            let mins = (at - now + 59_999) / 60_000;
            (
                outcome::WAITING,
                Some(Text::new(
                    format!("повтор через {mins} мин"),
                    format!("next try in {mins} min"),
                )),
                None,
            )
        }
        _ => send(store, client, link, key, number, payload, prior, digest).await,
    }
}

/// Sends a row (after looking it up if an earlier try may have landed).
#[allow(clippy::too_many_arguments)]
async fn send(
    store: &crate::store::Store,
    client: &yclients::Client,
    link: &LinkRow,
    key: &str,
    number: i64,
    payload: Payload,
    prior: Option<StoredRow>,
    digest: String,
) -> (&'static str, Option<Text>, Option<StoredRow>) {
    let attempts = prior.as_ref().map_or(0, |r| r.attempts);
    let was_tried = prior.as_ref().is_some_and(|r| {
        r.status == RowStatus::Sending.as_str() || r.status == RowStatus::Failed.as_str()
    });
    let api_id = api_id(link.id, key);
    let row = |status: RowStatus,
               upstream: Option<String>,
               reason: Option<&Text>,
               attempts: i64,
               next: Option<i64>| StoredRow {
        row_key: key.to_owned(),
        row_number: number,
        status: status.as_str().into(),
        digest: digest.clone(),
        upstream_id: upstream,
        reason: reason.and_then(|r| serde_json::to_string(r).ok()),
        attempts,
        next_try_ms: next,
    };
    let failed = |e: &yclients::Error, attempts: i64| {
        let reason = Text::new(format!("YCLIENTS: {e}"), format!("YCLIENTS: {e}"));
        let wait = BACKOFF_MINUTES[(attempts.max(1) as usize - 1).min(BACKOFF_MINUTES.len() - 1)];
        let next = now_ms() + wait * 60_000;
        let stored = row(RowStatus::Failed, None, Some(&reason), attempts, Some(next));
        (outcome::FAILED, Some(reason), Some(stored))
    };
    // A client is always looked for by phone (YCLIENTS keeps duplicates); a booking only when
    // an earlier try may have landed.
    if was_tried || matches!(payload, Payload::Client { .. }) {
        match lookup(client, &payload, &api_id).await {
            Ok(Some(id)) => {
                let reason = if was_tried {
                    Text::new(
                        format!("уже в YCLIENTS ({id}): ответ на прошлую попытку потерялся"),
                        format!(
                            "already in YCLIENTS ({id}): the answer to an earlier try was lost"
                        ),
                    )
                } else {
                    Text::new(
                        format!("клиент с этим телефоном уже есть в YCLIENTS ({id})"),
                        format!("a client with this phone is already in YCLIENTS ({id})"),
                    )
                };
                let stored = row(RowStatus::Sent, Some(id), Some(&reason), attempts, None);
                return (outcome::SKIPPED, Some(reason), Some(stored));
            }
            Ok(None) => {}
            Err(e) => return failed(&e, attempts.max(1)),
        }
    }
    let attempts = attempts + 1;
    // Marked before the call: a process that dies now leaves `sending`, looked up next time.
    let sending = row(
        RowStatus::Sending,
        None,
        None,
        attempts,
        Some(now_ms() + 60_000),
    );
    if let Err(e) = store.put_import_row(link.id, &sending, now_ms()).await {
        let reason = Text::new(
            format!("Хранилище недоступно: {e}"),
            format!("Store unavailable: {e}"),
        );
        return (outcome::FAILED, Some(reason), None);
    }
    match create(client, &payload, &api_id).await {
        Ok(id) => (
            outcome::SENT,
            None,
            Some(row(RowStatus::Sent, Some(id), None, attempts, None)),
        ),
        Err(e) if e.outcome_unknown() => match lookup(client, &payload, &api_id).await {
            Ok(Some(id)) => {
                let reason = Text::new(
                    "ответ YCLIENTS потерялся; запись найдена по api_id",
                    "YCLIENTS' answer was lost; found by api_id",
                );
                let stored = row(RowStatus::Sent, Some(id), Some(&reason), attempts, None);
                (outcome::SENT, Some(reason), Some(stored))
            }
            _ => failed(&e, attempts),
        },
        Err(e) => failed(&e, attempts),
    }
}

/// Finds what an earlier try made: a record by `api_id` on its date, a client by phone.
async fn lookup(
    client: &yclients::Client,
    payload: &Payload,
    api_id: &str,
) -> yclients::Result<Option<String>> {
    match payload {
        Payload::Booking {
            company, datetime, ..
        } => {
            let Ok(date) =
                jiff::civil::Date::strptime("%Y-%m-%d", datetime.get(..10).unwrap_or(""))
            else {
                return Ok(None);
            };
            Ok(client
                .find_record_by_api_id(*company, api_id, date)
                .await?
                .filter(|r| !r.deleted)
                .map(|r| r.id.to_string()))
        }
        Payload::Client { company, phone, .. } => Ok(client
            .clients_by_phone(*company, phone)
            .await?
            .into_iter()
            .next()
            .map(|c| c.id.to_string())),
    }
}

/// The write itself; `Ok(id)` of what was made.
async fn create(
    client: &yclients::Client,
    payload: &Payload,
    api_id: &str,
) -> yclients::Result<String> {
    match payload {
        Payload::Booking {
            company,
            staff,
            services,
            datetime,
            name,
            phone,
            email,
            comment,
            save_if_busy,
        } => {
            let record = NewRecord {
                staff_id: *staff,
                services: services
                    .iter()
                    .map(|id| NewRecordService {
                        id: *id,
                        ..NewRecordService::default()
                    })
                    .collect(),
                client: NewRecordClient {
                    phone: phone.clone(),
                    name: name.clone(),
                    email: email.clone(),
                    ..NewRecordClient::default()
                },
                datetime: datetime.clone(),
                save_if_busy: *save_if_busy,
                comment: comment.clone(),
                api_id: api_id.to_owned(),
                ..NewRecord::default()
            };
            Ok(client
                .create_record(*company, &record)
                .await?
                .id
                .to_string())
        }
        Payload::Client {
            company,
            name,
            phone,
            email,
            birthday,
            comment,
            categories,
        } => {
            let card = NewClient {
                name: name.clone(),
                phone: phone.clone(),
                email: email.clone(),
                birth_date: birthday.clone(),
                comment: comment.clone(),
                categories: categories.clone(),
                ..NewClient::default()
            };
            Ok(client.create_client(*company, &card).await?.id.to_string())
        }
    }
}
