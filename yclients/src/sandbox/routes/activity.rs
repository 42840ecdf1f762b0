//! Group events ("activities"): search, the days with events, filters, one event, and the
//! sign-up (`POST /activity/{company_id}/{activity_id}/book`, 200 `{id, hash}`).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jiff::civil::Date;
use serde_json::{Value, json};

use super::reply::{self, Params, body, caller};
use crate::model::{ActivityBooked, ActivityBooking, WebhookStatus};
use crate::sandbox::world::{Activity, Company, World};
use crate::sandbox::{Shared, documented, rules};

type Answer = Result<Response, Response>;
type RawQuery = Query<Vec<(String, String)>>;

/// The documented largest page of `search`.
const MAX_PAGE: u64 = 300;

fn day_of(company: &Company, a: &Activity) -> Date {
    a.start.to_zoned_datetime(company.tz.clone()).date()
}

/// A company's events matching the query's dates (when given) and service, master and room
/// filters, by start time.
fn matching<'w>(world: &'w World, company: &Company, q: &Params) -> Vec<&'w Activity> {
    let (from, till) = (q.date("from"), q.date("till"));
    let services = q.ids("service_ids");
    let staff = q.ids("staff_ids");
    let rooms = q.ids("resource_ids");
    let mut list: Vec<&Activity> = world
        .activities
        .values()
        .filter(|a| a.company_id == company.id())
        .filter(|a| {
            let day = day_of(company, a);
            from.is_none_or(|f| day >= f) && till.is_none_or(|t| day <= t)
        })
        .filter(|a| services.is_empty() || services.contains(&a.service_id))
        .filter(|a| staff.is_empty() || staff.contains(&a.staff_id))
        .filter(|a| {
            rooms.is_empty()
                || a.room
                    .as_ref()
                    .is_some_and(|r| rooms.contains(&r.id) || rooms.contains(&r.resource_id))
        })
        .collect();
    list.sort_by_key(|a| (a.start, a.id));
    list
}

/// The events a dated query matches (`from` and `till` are required), handed to `answer`.
fn dated(
    shared: &Shared,
    headers: &HeaderMap,
    company_id: u64,
    q: Vec<(String, String)>,
    answer: impl FnOnce(&World, &Company, &Params, Vec<&Activity>) -> Response,
) -> Answer {
    let q = Params(q);
    let world = shared.world();
    let company = caller(&world, headers)?.company(&world, company_id)?;
    if q.date("from").is_none() || q.date("till").is_none() {
        return Err(reply::fail(422, "Parameters from and till are required"));
    }
    let list = matching(&world, company, &q);
    Ok(answer(&world, company, &q, list))
}

pub(crate) async fn search(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(company_id): Path<u64>,
    Query(q): RawQuery,
) -> Answer {
    dated(&shared, &headers, company_id, q, |world, _, q, list| {
        let count = q.int("count").unwrap_or(25).clamp(1, MAX_PAGE) as usize;
        let page = q.int("page").unwrap_or(1).max(1) as usize;
        let shown: Vec<_> = list
            .iter()
            .skip((page - 1) * count)
            .take(count)
            .map(|a| documented::activity(world, a))
            .collect();
        reply::ok(StatusCode::OK, &shown, json!({ "count": list.len() }))
    })
}

pub(crate) async fn search_dates(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(company_id): Path<u64>,
    Query(q): RawQuery,
) -> Answer {
    dated(&shared, &headers, company_id, q, |_, company, _, list| {
        let mut days: Vec<String> = list
            .iter()
            .map(|a| day_of(company, a).to_string())
            .collect();
        days.dedup();
        reply::ok(StatusCode::OK, &days, json!({ "count": days.len() }))
    })
}

pub(crate) async fn search_dates_range(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(company_id): Path<u64>,
) -> Answer {
    let world = shared.world();
    let company = caller(&world, &headers)?.company(&world, company_id)?;
    let list = matching(&world, company, &Params(Vec::new()));
    let day = |a: Option<&&Activity>| a.map(|a| day_of(company, a).to_string());
    let range = json!({
        "min_date": day(list.first()).unwrap_or_default(),
        "max_date": day(list.last()).unwrap_or_default(),
    });
    Ok(reply::ok(StatusCode::OK, &range, json!([])))
}

/// Services, masters and rooms of the events in the period (all when no dates are given).
pub(crate) async fn filters(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(company_id): Path<u64>,
    Query(q): RawQuery,
) -> Answer {
    let q = Params(q);
    let world = shared.world();
    let company = caller(&world, &headers)?.company(&world, company_id)?;
    let only_dates = Params(
        q.0.iter()
            .filter(|(k, _)| k == "from" || k == "till")
            .cloned()
            .collect(),
    );
    let list = matching(&world, company, &only_dates);
    let mut services = BTreeMap::new();
    let mut staff = BTreeMap::new();
    let mut rooms = BTreeMap::new();
    for a in &list {
        if let Some(s) = company.seed.service(a.service_id) {
            services.insert(s.id, s.title.clone());
        }
        if let Some(m) = company.seed.staff(a.staff_id) {
            staff.insert(m.id, m.name.clone());
        }
        if let Some(r) = &a.room {
            rooms.insert(r.id, r.title.clone());
        }
    }
    let items = |m: BTreeMap<u64, String>| -> Vec<Value> {
        m.into_iter()
            .map(|(id, title)| json!({"id": id, "title": title, "is_disabled": false}))
            .collect()
    };
    let filters = json!([
        {"code": "service_ids", "title": "Услуги", "data": items(services)},
        {"code": "staff_ids", "title": "Сотрудники", "data": items(staff)},
        {"code": "resource_ids", "title": "Ресурсы", "data": items(rooms)},
    ]);
    Ok(reply::ok(StatusCode::OK, &filters, json!({ "count": 3 })))
}

pub(crate) async fn event(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((company_id, activity_id)): Path<(u64, u64)>,
) -> Answer {
    let world = shared.world();
    caller(&world, &headers)?.company(&world, company_id)?;
    let event = world
        .activities
        .get(&activity_id)
        .filter(|a| a.company_id == company_id)
        .ok_or_else(reply::not_found)?;
    let mut shown = documented::activity(&world, event);
    if let Some(map) = shown.as_object_mut() {
        map.insert(
            "duration_details".into(),
            json!({"services_duration": event.length, "technical_break_duration": 0,
                   "user_duration": event.length}),
        );
    }
    Ok(reply::ok(StatusCode::OK, &shown, json!([])))
}

pub(crate) async fn book(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((company_id, activity_id)): Path<(u64, u64)>,
    raw: Bytes,
) -> Answer {
    let request: ActivityBooking = body(&raw)?;
    let mut world = shared.world();
    caller(&world, &headers)?.company(&world, company_id)?;
    let record_id = rules::book_activity(&mut world, company_id, activity_id, &request)
        .map_err(|r| reply::refusal(world.error_style, &r))?;
    shared.record_changed(&world, record_id, WebhookStatus::Create);
    let answer = ActivityBooked {
        id: record_id,
        hash: world.records[&record_id].hash.clone(),
    };
    Ok(reply::ok(StatusCode::OK, &answer, json!([])))
}
