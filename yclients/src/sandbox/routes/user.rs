//! The online-booking user's own calls (the client cabinet): `booking/auth`, `booking/user…`,
//! the reschedule `PUT book_record/{company}/{record}` and the user's loyalty.
//!
//! Assumptions where YCLIENTS' documentation is silent (wave2-reference §2.4 UNCONFIRMED):
//! - `allow_*_record_delay_step` is the lead time in seconds: a change or cancellation is
//!   allowed until that long before the visit starts; inside it the answer is 422 with a
//!   message (the documented error body, no inner code).
//! - A reschedule keeps services and master and needs the new time free (433 otherwise, as
//!   `book_record`); group-event sign-ups cannot be moved (422).
//! - `booking/auth` takes the phone or the e-mail as the login.
//! - `booking/user/phone_confirmation` texts a code to the new phone; `PUT booking/user`
//!   changes the phone only with that code (432 otherwise) and refuses a phone another client
//!   card holds (422).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::booking::Login;
use super::reply::{self, Caller, Params, body, caller};
use crate::model::{Appointment, WebhookStatus};
use crate::sandbox::Shared;
use crate::sandbox::accounts::{self, Account};
use crate::sandbox::rules::{self, Refusal};
use crate::sandbox::world::{Session, World, normalize_phone};

type Answer = Result<Response, Response>;

fn refusal(world: &World, code: u16, message: &str) -> Response {
    let r = Refusal {
        code,
        status: 422,
        message: message.into(),
        id: None,
    };
    reply::refusal(world.error_style, &r)
}

/// The phone of the signed-in user (`User <token>`), or 401.
pub(crate) fn signed_in(world: &World, caller: &Caller) -> Result<String, Response> {
    caller
        .user_token
        .as_ref()
        .and_then(|t| world.sessions.get(t))
        .map(|s| s.phone.clone())
        .ok_or_else(reply::unauthorized)
}

/// The user's answer of `user/auth`, `booking/auth`, `booking/user/data`.
pub(crate) fn user_data(world: &World, phone: &str, token: &str) -> Value {
    let card = world.clients.iter().find(|c| c.phone == phone);
    let email = world
        .accounts
        .get(phone)
        .map(|a| a.email.clone())
        .filter(|e| !e.is_empty())
        .or_else(|| card.map(|c| c.email.clone()))
        .unwrap_or_default();
    json!({
        "id": card.map_or(0, |c| c.id + 46_000_000), "user_token": token,
        "name": card.map(|c| c.name.clone()).unwrap_or_default(), "phone": phone,
        "login": phone, "email": email, "avatar": "", "is_approved": true,
    })
}

/// `POST /booking/auth`: a client's token from login (phone or e-mail) and password.
pub(crate) async fn booking_auth(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    raw: Bytes,
) -> Answer {
    let request: Login = body(&raw)?;
    let mut world = shared.world();
    caller(&world, &headers)?;
    let login = request.login.trim().to_lowercase();
    let phone = normalize_phone(&login);
    let found = world.accounts.iter().find(|(p, a)| {
        !a.password.is_empty()
            && a.password == request.password
            && (Some(*p) == phone.as_ref() || a.email.to_lowercase() == login)
    });
    let Some((phone, _)) = found.map(|(p, a)| (p.clone(), a)) else {
        return Err(reply::fail(401, "Неверный логин или пароль"));
    };
    let token = world.hex32();
    world.sessions.insert(
        token.clone(),
        Session {
            phone: phone.clone(),
        },
    );
    let data = user_data(&world, &phone, &token);
    Ok(reply::ok(StatusCode::CREATED, &data, json!([])))
}

/// `GET /booking/user/data`.
pub(crate) async fn data(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Answer {
    let world = shared.world();
    let caller = caller(&world, &headers)?;
    let phone = signed_in(&world, &caller)?;
    let token = caller.user_token.clone().unwrap_or_default();
    Ok(reply::ok(
        StatusCode::OK,
        &user_data(&world, &phone, &token),
        json!([]),
    ))
}

/// `GET /booking/user/phone_confirmation?company_id=|group_id=&phone=`: a code to the new phone.
pub(crate) async fn phone_confirmation(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Answer {
    let params = Params(params);
    let mut world = shared.world();
    let caller = caller(&world, &headers)?;
    signed_in(&world, &caller)?;
    if let Some(company) = params.int("company_id") {
        caller.company(&world, company)?;
    }
    let Some(phone) = params.get("phone").and_then(normalize_phone) else {
        return Err(refusal(&world, 431, "Неверный формат номера телефона"));
    };
    let code = rand::Rng::random_range(&mut world.rng, 10_000..100_000u32).to_string();
    tracing::info!(%phone, %code, "sandbox phone confirmation code (not sent anywhere)");
    world.sms_codes.insert(phone, code);
    Ok(reply::ok(StatusCode::OK, &Value::Null, json!([])))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UserUpdate {
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    #[serde(deserialize_with = "crate::decode::flex::opt_text")]
    confirmation_code: Option<String>,
}

/// `PUT /booking/user`: name, e-mail and (with the code of `phone_confirmation`) phone.
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    raw: Bytes,
) -> Answer {
    let request: UserUpdate = body(&raw)?;
    let mut world = shared.world();
    let caller = caller(&world, &headers)?;
    let mut phone = signed_in(&world, &caller)?;
    let group = world.network(caller.network_id).map_or(0, |n| n.id);
    if let Some(new) = request.phone.as_deref().filter(|p| !p.trim().is_empty()) {
        let Some(new) = normalize_phone(new) else {
            return Err(refusal(&world, 431, "Неверный формат номера телефона"));
        };
        if new != phone {
            let code = request.confirmation_code.as_deref().map(str::trim);
            if code.is_none() || world.sms_codes.get(&new).map(String::as_str) != code {
                return Err(refusal(&world, 432, "Неверный код подтверждения"));
            }
            if world.clients.iter().any(|c| c.phone == new) {
                return Err(reply::fail(422, "Этот номер телефона уже используется"));
            }
            world.sms_codes.remove(&new);
            change_phone(&mut world, &phone, &new);
            phone = new;
        }
    }
    if let Some(card) = world.clients.iter_mut().find(|c| c.phone == phone) {
        if let Some(name) = request
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            card.name = name.to_owned();
        }
        if let Some(email) = &request.email {
            card.email = email.trim().to_owned();
        }
    }
    if let Some(email) = &request.email {
        let account = world
            .accounts
            .entry(phone.clone())
            .or_insert_with(|| Account::empty(group));
        account.email = email.trim().to_owned();
    }
    let token = caller.user_token.clone().unwrap_or_default();
    Ok(reply::ok(
        StatusCode::OK,
        &user_data(&world, &phone, &token),
        json!([]),
    ))
}

fn change_phone(world: &mut World, old: &str, new: &str) {
    if let Some(card) = world.clients.iter_mut().find(|c| c.phone == old) {
        card.phone = new.to_owned();
    }
    if let Some(account) = world.accounts.remove(old) {
        world.accounts.insert(new.to_owned(), account);
    }
    for session in world.sessions.values_mut().filter(|s| s.phone == old) {
        session.phone = new.to_owned();
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Move {
    #[serde(deserialize_with = "crate::decode::flex::text")]
    datetime: String,
    comment: Option<String>,
}

/// `PUT /book_record/{company_id}/{record_id}`: the user moves their own record.
pub(crate) async fn reschedule(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((company_id, record_id)): Path<(u64, u64)>,
    raw: Bytes,
) -> Answer {
    let request: Move = body(&raw)?;
    let mut world = shared.world();
    let caller = caller(&world, &headers)?;
    let company = caller.company(&world, company_id)?;
    let phone = (!caller.is_admin(&world))
        .then(|| signed_in(&world, &caller))
        .transpose()?;
    let record = world
        .records
        .get(&record_id)
        .filter(|r| r.company_id == company_id && !r.deleted)
        .ok_or_else(reply::not_found)?;
    let owner = world.client(record.client_id).map(|c| c.phone.clone());
    if phone.is_some() && owner != phone {
        return Err(reply::forbidden());
    }
    if record.activity_id != 0 {
        return Err(reply::fail(
            422,
            "Запись на групповое событие нельзя перенести",
        ));
    }
    let window = company.seed.change_delay_secs;
    let lead = world.now().duration_until(record.start).as_secs();
    if !company.seed.allow_change_record || lead < window as i64 {
        let message = format!(
            "Перенос записи менее чем за {} ч до визита невозможен",
            window.div_ceil(3600)
        );
        return Err(reply::fail(422, &message));
    }
    let wanted = Appointment::new(1, &record.service_ids, record.staff_id, &request.datetime);
    // The record's own time does not block its move.
    set_deleted(&mut world, record_id, true);
    let placed = rules::place(&world, &world.companies[&company_id], &[wanted]);
    set_deleted(&mut world, record_id, false);
    let placed = placed.map_err(|r| reply::refusal(world.error_style, &r))?;
    let now = world.now();
    if let (Some(record), Some(p)) = (world.records.get_mut(&record_id), placed.first()) {
        record.booking.start = p.start;
        record.booking.length = p.length;
        record.changed = now;
        if let Some(comment) = request.comment {
            record.booking.comment = comment;
        }
    }
    shared.record_changed(&world, record_id, WebhookStatus::Update);
    let shown = crate::sandbox::documented::user_record(&world, &world.records[&record_id]);
    Ok(reply::ok(StatusCode::OK, &shown, json!([])))
}

fn set_deleted(world: &mut World, record_id: u64, deleted: bool) {
    if let Some(r) = world.records.get_mut(&record_id) {
        r.deleted = deleted;
    }
}

fn account<'w>(world: &'w World, phone: &str) -> Option<&'w Account> {
    world.accounts.get(phone)
}

/// `GET /user/loyalty_cards/{group_id}`.
pub(crate) async fn loyalty_cards(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(group_id): Path<u64>,
) -> Answer {
    let world = shared.world();
    let caller = caller(&world, &headers)?;
    let phone = signed_in(&world, &caller)?;
    if group_id != caller.network_id {
        return Err(reply::forbidden());
    }
    let title = world.network(group_id).map_or("", |n| n.title.as_str());
    let cards: Vec<Value> = account(&world, &phone)
        .filter(|a| a.group_id == group_id)
        .map(|a| {
            a.cards
                .iter()
                .map(|c| accounts::card(a, c, title))
                .collect()
        })
        .unwrap_or_default();
    Ok(reply::ok(StatusCode::OK, &cards, json!([])))
}

/// `GET /user/loyalty/abonements?company_id=`.
pub(crate) async fn abonements(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Answer {
    let world = shared.world();
    let (phone, group) = loyalty_caller(&world, &headers, &Params(params))?;
    let now = world.now();
    let list: Vec<Value> = account(&world, &phone)
        .filter(|a| a.group_id == group)
        .map(|a| {
            let each = a.abonements.iter();
            each.map(|(x, d)| accounts::abonement(x, *d, now)).collect()
        })
        .unwrap_or_default();
    Ok(reply::ok(StatusCode::OK, &list, json!([])))
}

/// `GET /user/loyalty/certificates?company_id=`.
pub(crate) async fn certificates(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Answer {
    let world = shared.world();
    let (phone, group) = loyalty_caller(&world, &headers, &Params(params))?;
    let list: Vec<Value> = account(&world, &phone)
        .filter(|a| a.group_id == group)
        .map(|a| {
            let each = a.certificates.iter();
            each.map(|(x, d)| accounts::certificate(x, *d, group))
                .collect()
        })
        .unwrap_or_default();
    Ok(reply::ok(StatusCode::OK, &list, json!([])))
}

/// The user's phone and the group of `company_id` (required, in the caller's chain).
fn loyalty_caller(
    world: &World,
    headers: &HeaderMap,
    params: &Params,
) -> Result<(String, u64), Response> {
    let caller = caller(world, headers)?;
    let phone = signed_in(world, &caller)?;
    let company = params
        .int("company_id")
        .ok_or_else(|| reply::bad_request("company_id is required"))?;
    Ok((phone, caller.company(world, company)?.network_id))
}
