//! Record endpoints (user token): record, records, admin delete.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde_json::json;

use super::reply::{self, Params, caller};
use crate::model::WebhookStatus;
use crate::sandbox::world::{StoredRecord, World};
use crate::sandbox::{Shared, control, documented};

type Answer = Result<Response, Response>;
type RawQuery = Query<Vec<(String, String)>>;

/// The most records one page may hold (larger `count`s are cut to this).
const MAX_PAGE: u64 = 200;

pub(crate) async fn record(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((company_id, record_id)): Path<(u64, u64)>,
    Query(q): RawQuery,
) -> Answer {
    let q = Params(q);
    let world = shared.world();
    let caller = caller(&world, &headers)?;
    caller.company(&world, company_id)?;
    caller.require_admin(&world)?;
    let record = world
        .records
        .get(&record_id)
        .filter(|r| r.company_id == company_id)
        .ok_or_else(reply::not_found)?;
    let shown = documented::record(&world, record, q.flag("include_finance_transactions"));
    Ok(reply::ok(StatusCode::OK, &shown, json!([])))
}

pub(crate) async fn delete_record(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((company_id, record_id)): Path<(u64, u64)>,
) -> Answer {
    let mut world = shared.world();
    let caller = caller(&world, &headers)?;
    caller.company(&world, company_id)?;
    caller.require_admin(&world)?;
    if world
        .records
        .get(&record_id)
        .is_none_or(|r| r.company_id != company_id)
        || !control::cancel(&mut world, record_id)
    {
        return Err(reply::not_found());
    }
    shared.record_changed(&world, record_id, WebhookStatus::Delete);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Filters of `GET /records`: visit dates, creation dates, change times, master, client.
fn keep(world: &World, r: &StoredRecord, q: &Params) -> bool {
    let tz = &world.companies[&r.company_id].tz;
    let visit = r.start.to_zoned_datetime(tz.clone()).date();
    let created = r.created.to_zoned_datetime(tz.clone()).date();
    let instant = |key: &str| q.get(key).and_then(|v| crate::time::parse_in_zone(v, tz));
    let after = |t: Timestamp, key: &str| instant(key).is_none_or(|bound| t > bound);
    let before = |t: Timestamp, key: &str| instant(key).is_none_or(|bound| t < bound);
    (q.flag("with_deleted") || !r.deleted)
        && q.date("start_date").is_none_or(|d| visit >= d)
        && q.date("end_date").is_none_or(|d| visit <= d)
        && q.date("c_start_date").is_none_or(|d| created >= d)
        && q.date("c_end_date").is_none_or(|d| created <= d)
        && after(r.changed, "changed_after")
        && before(r.changed, "changed_before")
        && q.int("staff_id").is_none_or(|s| s == r.staff_id)
        && q.int("client_id").is_none_or(|c| c == r.client_id)
}

pub(crate) async fn records(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(company_id): Path<u64>,
    Query(q): RawQuery,
) -> Answer {
    let q = Params(q);
    let world = shared.world();
    let caller = caller(&world, &headers)?;
    caller.company(&world, company_id)?;
    caller.require_admin(&world)?;
    let mut matching: Vec<&StoredRecord> = world
        .records
        .values()
        .filter(|r| r.company_id == company_id && keep(&world, r, &q))
        .collect();
    matching.sort_by_key(|r| (r.start, r.id));
    let count = q.int("count").unwrap_or(25).clamp(1, MAX_PAGE);
    let page = q.int("page").unwrap_or(1).max(1);
    let with_finance = q.flag("include_finance_transactions");
    let shown: Vec<_> = matching
        .iter()
        .skip(((page - 1) * count) as usize)
        .take(count as usize)
        .map(|r| documented::record(&world, r, with_finance))
        .collect();
    Ok(reply::ok(
        StatusCode::OK,
        &shown,
        json!({ "page": page, "total_count": matching.len() }),
    ))
}
