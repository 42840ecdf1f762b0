//! The administrator's endpoints (partner + admin user token): create a record, create a
//! client card, list client cards by phone.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::reply::{self, Params, body, caller};
use crate::model::{ClientCard, NewClient, NewRecord, WebhookStatus};
use crate::sandbox::world::World;
use crate::sandbox::{Shared, admin, documented};

type Answer = Result<Response, Response>;

/// `POST /records/{company_id}` → 201 with the record.
pub(crate) async fn create_record(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(company_id): Path<u64>,
    raw: Bytes,
) -> Answer {
    let mut world = shared.world();
    let caller = caller(&world, &headers)?;
    caller.company(&world, company_id)?;
    caller.require_admin(&world)?;
    let request: NewRecord = body(&raw)?;
    let id = admin::create_record(&mut world, company_id, &request)
        .map_err(|r| reply::refusal(world.error_style, &r))?;
    shared.record_changed(&world, id, WebhookStatus::Create);
    let shown = documented::record(&world, &world.records[&id], false);
    Ok(reply::ok(StatusCode::CREATED, &shown, json!([])))
}

/// `POST /clients/{company_id}` → 201 with the card.
pub(crate) async fn create_client(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(company_id): Path<u64>,
    raw: Bytes,
) -> Answer {
    let mut world = shared.world();
    let caller = caller(&world, &headers)?;
    caller.company(&world, company_id)?;
    caller.require_admin(&world)?;
    let request: NewClient = body(&raw)?;
    let id = admin::create_client(&mut world, company_id, &request)
        .map_err(|r| reply::refusal(world.error_style, &r))?;
    Ok(reply::ok(StatusCode::CREATED, &card(&world, id), json!([])))
}

/// `GET /clients/{company_id}?phone=&page=&count=` → the cards, `meta.total_count`.
pub(crate) async fn clients(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(company_id): Path<u64>,
    Query(q): Query<Vec<(String, String)>>,
) -> Answer {
    let q = Params(q);
    let world = shared.world();
    let caller = caller(&world, &headers)?;
    caller.company(&world, company_id)?;
    caller.require_admin(&world)?;
    let found = admin::clients_with_phone(&world, company_id, q.get("phone"));
    let count = q.int("count").unwrap_or(25).clamp(1, 200) as usize;
    let page = q.int("page").unwrap_or(1).max(1) as usize;
    let shown: Vec<ClientCard> = found
        .iter()
        .skip((page - 1) * count)
        .take(count)
        .map(|c| card(&world, c.id))
        .collect();
    Ok(reply::ok(
        StatusCode::OK,
        &shown,
        json!({ "total_count": found.len() }),
    ))
}

fn card(world: &World, id: u64) -> ClientCard {
    let Some(c) = world.client(id) else {
        return ClientCard::default();
    };
    ClientCard {
        id: c.id,
        name: c.name.clone(),
        phone: format!("+{}", c.phone),
        email: c.email.clone(),
        birth_date: c.birth_date.clone(),
        comment: c.comment.clone(),
        categories: c.categories.iter().map(|id| json!({ "id": id })).collect(),
        custom_fields: c.custom_fields.clone(),
    }
}
