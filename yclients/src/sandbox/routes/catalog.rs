//! Catalogue endpoints: bookform, company, companies, book_services, book_staff,
//! book_dates, book_times, book_staff_seances.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jiff::civil::Date;
use serde_json::{Value, json};

use super::reply::{self, Params, caller};
use crate::model::{BookDates, BookServices, StaffSeances};
use crate::sandbox::schedule::Planner;
use crate::sandbox::world::{Company, World};
use crate::sandbox::{Shared, render};

type Answer = Result<Response, Response>;
type RawQuery = Query<Vec<(String, String)>>;

pub(crate) async fn bookform(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<u64>,
) -> Answer {
    let world = shared.world();
    let caller = caller(&world, &headers)?;
    let company = world
        .companies
        .values()
        .find(|c| c.seed.bookform_id == id)
        .ok_or_else(reply::not_found)?;
    let company = caller.company(&world, company.id())?;
    let chain = world
        .companies
        .values()
        .filter(|c| c.network_id == company.network_id)
        .count()
        > 1;
    Ok(reply::ok(
        StatusCode::OK,
        &crate::sandbox::documented::bookform(render::bookform(company, chain)),
        json!([]),
    ))
}

pub(crate) async fn company(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<u64>,
) -> Answer {
    let world = shared.world();
    let company = caller(&world, &headers)?.company(&world, id)?;
    let shown = render_company(&world, company);
    Ok(reply::ok(
        StatusCode::OK,
        &crate::sandbox::documented::company(&world, company, shown),
        json!({}),
    ))
}

fn render_company(world: &World, company: &Company) -> crate::model::Company {
    let planner = Planner::new(world, company);
    let next = planner
        .nearest(0, &[], company.today(world.now()))
        .and_then(|(_, slots)| slots.first().map(|s| s.start));
    render::company(company, world.now(), next)
}

/// Ids come out as strings here, as in the documented sample.
pub(crate) async fn companies(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): RawQuery,
) -> Answer {
    let q = Params(q);
    let world = shared.world();
    let caller = caller(&world, &headers)?;
    let group = q.int("group_id");
    let city = q.int("city_id");
    let list: Vec<Value> = world
        .companies
        .values()
        .filter(|c| c.network_id == caller.network_id && group.is_none_or(|g| g == c.network_id))
        .filter(|c| city.is_none_or(|city| city == c.seed.city_id))
        .map(|c| {
            let mut v = serde_json::to_value(render_company(&world, c)).unwrap_or_default();
            v["id"] = json!(c.id().to_string());
            v["active"] = json!("1");
            v
        })
        .collect();
    let count = q.int("count").unwrap_or(list.len() as u64).max(1) as usize;
    let page = q.int("page").unwrap_or(1).max(1) as usize;
    let list: Vec<Value> = list
        .into_iter()
        .skip((page - 1) * count)
        .take(count)
        .collect();
    Ok(reply::ok(StatusCode::OK, &list, json!({})))
}

pub(crate) async fn book_services(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<u64>,
    Query(q): RawQuery,
) -> Answer {
    let q = Params(q);
    let world = shared.world();
    let company = caller(&world, &headers)?.company(&world, id)?;
    let staff = match q.int("staff_id").filter(|s| *s != 0) {
        Some(staff_id) => Some(company.seed.staff(staff_id).ok_or_else(reply::not_found)?),
        None => None,
    };
    let services: Vec<_> = company
        .seed
        .services
        .iter()
        .filter(|s| company.bookable_service(s.id).is_some())
        .filter(|s| staff.is_none_or(|m| m.minutes_for(s).is_some()))
        .map(|s| render::service(s, staff))
        .collect();
    let categories = company
        .seed
        .categories
        .iter()
        .filter(|c| services.iter().any(|s| s.category_id == c.id))
        .map(render::category)
        .collect();
    let answer = BookServices {
        services,
        categories,
        events: Vec::new(),
    };
    Ok(reply::ok(StatusCode::OK, &answer, json!([])))
}

pub(crate) async fn book_staff(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<u64>,
    Query(q): RawQuery,
) -> Answer {
    let q = Params(q);
    let world = shared.world();
    let company = caller(&world, &headers)?.company(&world, id)?;
    let services = q.ids("service_ids");
    let planner = Planner::new(&world, company);
    let from = q
        .date("datetime")
        .unwrap_or_else(|| company.today(world.now()));
    let at = q
        .get("datetime")
        .and_then(|d| crate::time::parse_in_zone(d, &company.tz));
    let staff: Vec<_> = planner
        .candidates(0, &services)
        .into_iter()
        .map(|s| {
            let mut shown = render::book_staff(s);
            let nearest = planner.nearest(s.id, &services, from);
            shown.seance_date = nearest.as_ref().map(|(date, _)| *date);
            shown.bookable = match at {
                Some(at) => {
                    nearest.is_some_and(|(_, slots)| slots.iter().any(|slot| slot.start == at))
                }
                None => nearest.is_some(),
            };
            shown
        })
        .collect();
    Ok(reply::ok(StatusCode::OK, &staff, json!([])))
}

pub(crate) async fn book_dates(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<u64>,
    Query(q): RawQuery,
) -> Answer {
    let q = Params(q);
    let world = shared.world();
    let company = caller(&world, &headers)?.company(&world, id)?;
    let planner = Planner::new(&world, company);
    let services = q.ids("service_ids");
    let staff_id = q.int("staff_id").unwrap_or(0);
    let (from, to) = match (q.date("date_from"), q.date("date_to"), q.date("date")) {
        (Some(from), Some(to), _) => (from, to),
        (_, _, Some(date)) => (date.first_of_month(), date.last_of_month()),
        _ => (company.today(world.now()), planner.horizon()),
    };
    let mut answer = BookDates::default();
    let mut date = from;
    while date <= to && date.duration_since(from).as_hours() <= 24 * 366 {
        if planner.is_working_day(staff_id, date, &services) {
            answer.working_dates.push(date);
            if !planner.day_slots(staff_id, date, &services).is_empty() {
                answer.booking_dates.push(date);
            }
        }
        let Ok(next) = date.tomorrow() else { break };
        date = next;
    }
    answer.working_days = by_month(&answer.working_dates);
    answer.booking_days = by_month(&answer.booking_dates);
    Ok(reply::ok(StatusCode::OK, &answer, json!([])))
}

fn by_month(dates: &[Date]) -> BTreeMap<u8, Vec<u8>> {
    let mut months: BTreeMap<u8, Vec<u8>> = BTreeMap::new();
    for d in dates {
        months
            .entry(d.month() as u8)
            .or_default()
            .push(d.day() as u8);
    }
    months
}

pub(crate) async fn book_times(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((id, staff_id, date)): Path<(u64, u64, String)>,
    Query(q): RawQuery,
) -> Answer {
    let q = Params(q);
    let date: Date = date
        .parse()
        .map_err(|_| reply::bad_request("date must be YYYY-MM-DD"))?;
    let world = shared.world();
    let company = caller(&world, &headers)?.company(&world, id)?;
    if staff_id != 0 && company.seed.staff(staff_id).is_none() {
        return Err(reply::not_found());
    }
    let slots = Planner::new(&world, company).day_slots(staff_id, date, &q.ids("service_ids"));
    let slots: Vec<_> = slots.iter().map(|s| render::slot(&company.tz, s)).collect();
    Ok(reply::ok(StatusCode::OK, &slots, json!([])))
}

pub(crate) async fn book_staff_seances(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path((id, staff_id)): Path<(u64, u64)>,
    Query(q): RawQuery,
) -> Answer {
    let q = Params(q);
    let world = shared.world();
    let company = caller(&world, &headers)?.company(&world, id)?;
    if company.seed.staff(staff_id).is_none() {
        return Err(reply::not_found());
    }
    let from = q
        .date("datetime")
        .unwrap_or_else(|| company.today(world.now()));
    let nearest = Planner::new(&world, company).nearest(staff_id, &q.ids("service_ids"), from);
    let answer = match nearest {
        Some((date, slots)) => StaffSeances {
            seance_date: Some(date),
            seances: slots.iter().map(|s| render::slot(&company.tz, s)).collect(),
        },
        None => StaffSeances::default(),
    };
    Ok(reply::ok(StatusCode::OK, &answer, json!([])))
}
