//! Booking endpoints: book_code, book_check, book_record, auth, user/auth, user/records.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::reply::{self, Caller, body, caller};
use crate::model::{Appointment, BookCode, BookRecord, BookedRecord, UserAuth, WebhookStatus};
use crate::sandbox::rules::{self, Refusal};
use crate::sandbox::world::{Session, World, normalize_phone};
use crate::sandbox::{Shared, control};

type Answer = Result<Response, Response>;

fn refused(world: &World, r: &Refusal) -> Response {
    reply::refusal(world.error_style, r)
}

pub(crate) async fn book_code(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<u64>,
    raw: Bytes,
) -> Answer {
    let request: BookCode = body(&raw)?;
    let mut world = shared.world();
    caller(&world, &headers)?.company(&world, id)?;
    let Some(phone) = normalize_phone(&request.phone) else {
        return Err(refused(
            &world,
            &Refusal {
                code: 431,
                status: 422,
                message: "Неверный формат номера телефона".into(),
                id: None,
            },
        ));
    };
    // Assumption (issue #20): like a real SMS gateway's codes, never with a leading zero, so a
    // client that types the code as a number (`26285`, `26285.0`) sends it whole.
    let code = rand::Rng::random_range(&mut world.rng, 10_000..100_000u32).to_string();
    tracing::info!(company_id = id, %phone, %code, "sandbox SMS code (not sent anywhere)");
    world.sms_codes.insert(phone, code);
    Ok(reply::created())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CheckRequest {
    #[serde(deserialize_with = "crate::decode::flex::list")]
    appointments: Vec<Appointment>,
}

pub(crate) async fn book_check(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<u64>,
    raw: Bytes,
) -> Answer {
    let request: CheckRequest = body(&raw)?;
    let world = shared.world();
    let company = caller(&world, &headers)?.company(&world, id)?;
    rules::place(&world, company, &request.appointments).map_err(|r| refused(&world, &r))?;
    Ok(reply::created())
}

pub(crate) async fn book_record(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<u64>,
    raw: Bytes,
) -> Answer {
    let request: BookRecord = body(&raw)?;
    let mut world = shared.world();
    caller(&world, &headers)?.company(&world, id)?;
    let made = rules::book(&mut world, id, &request).map_err(|r| refused(&world, &r))?;
    let answer: Vec<BookedRecord> = made
        .iter()
        .map(|(appointment, record)| BookedRecord {
            id: *appointment,
            record_id: *record,
            record_hash: world.records[record].hash.clone(),
        })
        .collect();
    for (_, record) in &made {
        shared.record_changed(&world, *record, WebhookStatus::Create);
    }
    tracing::info!(company_id = id, records = ?made.iter().map(|m| m.1).collect::<Vec<_>>(), api_id = ?request.contact.api_id, "sandbox booking made");
    Ok(reply::ok(StatusCode::CREATED, &answer, json!([])))
}

/// Body of `POST /auth` and `POST /booking/auth`.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Login {
    #[serde(deserialize_with = "crate::decode::flex::text")]
    pub login: String,
    #[serde(deserialize_with = "crate::decode::flex::text")]
    pub password: String,
}

pub(crate) async fn auth(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    raw: Bytes,
) -> Answer {
    let request: Login = body(&raw)?;
    let world = shared.world();
    let caller = caller(&world, &headers)?;
    let network = world
        .network(caller.network_id)
        .ok_or_else(reply::unauthorized)?;
    let admin = network
        .admins
        .iter()
        .find(|a| {
            (a.login == request.login || a.phone == request.login) && a.password == request.password
        })
        .ok_or_else(|| reply::fail(401, "Неверный логин или пароль"))?;
    let data = json!({
        "id": admin.id, "user_token": admin.user_token, "name": admin.name, "phone": admin.phone,
        "login": admin.login, "email": admin.email, "avatar": "", "is_approved": true,
    });
    Ok(reply::ok(StatusCode::CREATED, &data, json!([])))
}

pub(crate) async fn user_auth(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    raw: Bytes,
) -> Answer {
    let request: UserAuth = body(&raw)?;
    let mut world = shared.world();
    caller(&world, &headers)?;
    let phone = normalize_phone(&request.phone);
    let matches = phone
        .as_ref()
        .and_then(|p| world.sms_codes.get(p))
        .is_some_and(|c| *c == request.code.trim());
    let (Some(phone), true) = (phone, matches) else {
        return Err(refused(
            &world,
            &Refusal {
                code: 432,
                status: 422,
                message: "Неверный код подтверждения".into(),
                id: None,
            },
        ));
    };
    let token = world.hex32();
    let id = world.next_user_id();
    let name = world
        .clients
        .iter()
        .find(|c| c.phone == phone)
        .map(|c| c.name.clone())
        .unwrap_or_default();
    world.sessions.insert(
        token.clone(),
        Session {
            phone: phone.clone(),
        },
    );
    let data = json!({ "id": id, "user_token": token, "name": name, "phone": phone, "login": phone, "email": "", "is_approved": true });
    Ok(reply::ok(StatusCode::CREATED, &data, json!([])))
}

/// The visitor may see a record with its hash, their own user token, or an admin token.
fn may_see(world: &World, caller: &Caller, record_id: u64, hash: &str) -> Result<(), Response> {
    let record = world.records.get(&record_id).ok_or_else(reply::not_found)?;
    caller.company(world, record.company_id)?;
    let own = caller
        .user_token
        .as_ref()
        .and_then(|t| world.sessions.get(t))
        .is_some_and(|s| {
            world
                .client(record.client_id)
                .is_some_and(|c| c.phone == s.phone)
        });
    if record.hash == hash || own || caller.is_admin(world) {
        Ok(())
    } else {
        Err(reply::forbidden())
    }
}

/// `GET /user/records/{id}/{hash}`: with the hash (or an admin token), that record; with the
/// user's own token, every record of the user in the caller's chain (made online and at the
/// salon, cancelled ones with `deleted: true`), the named one first. Record id `0` lists them
/// all. Assumption: the AP sample answers an array; what the ids do with a user token is not
/// documented.
pub(crate) async fn user_records(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((record_id, hash)): Path<(u64, String)>,
) -> Answer {
    let world = shared.world();
    let caller = caller(&world, &headers)?;
    let phone = caller
        .user_token
        .as_ref()
        .and_then(|t| world.sessions.get(t))
        .map(|s| s.phone.clone());
    if record_id != 0 || phone.is_none() {
        may_see(&world, &caller, record_id, &hash)?;
    }
    let mut shown = Vec::new();
    if record_id != 0 {
        shown.push(&world.records[&record_id]);
    }
    if let Some(phone) = phone {
        let mine = world.records.values().filter(|r| {
            r.id != record_id
                && world.companies[&r.company_id].network_id == caller.network_id
                && world.client(r.client_id).is_some_and(|c| c.phone == phone)
        });
        let mut mine: Vec<_> = mine.collect();
        mine.sort_by_key(|r| r.start);
        shown.extend(mine);
    }
    let records: Vec<_> = shown
        .into_iter()
        .map(|r| crate::sandbox::documented::user_record(&world, r))
        .collect();
    Ok(reply::ok(StatusCode::OK, &records, json!([])))
}

/// Cancelling is refused within the branch's `allow_delete_record_delay_step` of the visit
/// (lead time in seconds; assumption) and when the branch does not allow it.
pub(crate) async fn delete_user_record(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((record_id, hash)): Path<(u64, String)>,
) -> Answer {
    let mut world = shared.world();
    let caller = caller(&world, &headers)?;
    may_see(&world, &caller, record_id, &hash)?;
    let record = &world.records[&record_id];
    if record.deleted {
        return Err(reply::not_found());
    }
    let company = &world.companies[&record.company_id].seed;
    let window = company.delete_delay_secs;
    let lead = world.now().duration_until(record.start).as_secs();
    if !company.allow_delete_record || lead < window as i64 {
        let message = format!(
            "Отмена записи менее чем за {} ч до визита невозможна",
            window.div_ceil(3600)
        );
        return Err(reply::fail(422, &message));
    }
    control::cancel(&mut world, record_id);
    shared.record_changed(&world, record_id, WebhookStatus::Delete);
    Ok(reply::ok(
        StatusCode::OK,
        &serde_json::Value::Null,
        json!([]),
    ))
}
