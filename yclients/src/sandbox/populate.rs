//! Fills a fresh world with the seed's bookings, group events and generated bookings
//! around today, so the schedule looks lived-in on any date.

use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Span, Timestamp};
use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::Map;

use super::schedule::Planner;
use super::seed::{ClientSeed, SeedFile, StaffSeed};
use super::world::{Activity, Booking, World, normalize_phone};

/// Adds seeded bookings, group events and generated bookings to `world`.
pub(crate) fn populate(world: &mut World, seed: &SeedFile) {
    let clients: Vec<u64> = seed.clients.iter().map(|c| client_id(world, c)).collect();
    let company_ids: Vec<u64> = world.companies.keys().copied().collect();
    for company_id in company_ids {
        add_activities(world, company_id);
        let bookings = world.companies[&company_id].seed.bookings.clone();
        add_seeded_bookings(world, company_id, &bookings, &clients);
        if !clients.is_empty() && seed.generated.fill > 0.0 {
            generate(world, company_id, seed, &clients);
        }
    }
    add_accounts(world, seed, &clients);
}

/// An account's visit, added after the generated ones: moved past any of them it would
/// overlap (by half hours), and made (at the salon) a day ago at the latest.
fn settle_account_visit(world: &mut World, id: u64) {
    let now = world.now();
    let Some(r) = world.records.get(&id) else {
        return;
    };
    let (staff, mut start, length) = (r.staff_id, r.start, r.length);
    let busy: Vec<_> = world
        .busy(staff)
        .into_iter()
        .filter(|(s, e)| (*s, *e) != (r.start, r.end()))
        .collect();
    let step = SignedDuration::from_mins(30);
    for _ in 0..20 {
        let end = start
            .saturating_add(SignedDuration::from_secs(length))
            .unwrap_or(start);
        if !busy.iter().any(|(s, e)| *s < end && start < *e) {
            break;
        }
        start = start.saturating_add(step).unwrap_or(start);
    }
    let made = now
        .saturating_sub(SignedDuration::from_hours(24))
        .unwrap_or(now);
    if let Some(r) = world.records.get_mut(&id) {
        r.booking.start = start;
        r.created = r.created.min(made);
        r.changed = r.changed.min(made);
    }
}

/// The accounts' extra visits (after the generated ones, which they leave as they were) and
/// their passwords and balances.
fn add_accounts(world: &mut World, seed: &SeedFile, clients: &[u64]) {
    for account in &seed.accounts {
        for visit in &account.visits {
            if world.companies.contains_key(&visit.company) {
                let mut booking = visit.booking.clone();
                booking.client = account.client;
                for id in add_seeded_bookings(world, visit.company, &[booking], clients) {
                    settle_account_visit(world, id);
                }
            }
        }
        let Some(card) = world.client(clients[account.client]) else {
            continue;
        };
        let phone = card.phone.clone();
        let Some(company) = world.companies.values().next() else {
            continue;
        };
        let (today, group) = (company.today(world.now()), company.network_id);
        let state = super::accounts::Account::new(account, today, group);
        world.accounts.insert(phone, state);
    }
}

fn client_id(world: &mut World, client: &ClientSeed) -> u64 {
    let phone = normalize_phone(&client.phone).unwrap_or_else(|| client.phone.clone());
    world.client_for(&phone, &client.name, None)
}

fn local(world: &World, company_id: u64, day: i32, time: Time) -> Option<(Date, Timestamp)> {
    let company = &world.companies[&company_id];
    let date = company
        .today(world.now())
        .checked_add(Span::new().days(day))
        .ok()?;
    Some((date, company.tz.to_timestamp(date.to_datetime(time)).ok()?))
}

fn add_activities(world: &mut World, company_id: u64) {
    let seeds = world.companies[&company_id].seed.activities.clone();
    for event in seeds {
        let Some((_, start)) = local(world, company_id, event.day, event.time) else {
            continue;
        };
        let company = &world.companies[&company_id];
        let length = company
            .seed
            .service(event.service_id)
            .map_or(3600, |s| i64::from(s.minutes) * 60);
        world.activities.insert(
            event.id,
            Activity {
                id: event.id,
                company_id,
                service_id: event.service_id,
                staff_id: event.staff_id,
                start,
                length,
                capacity: event.capacity,
                records_count: event.booked.min(event.capacity),
                room: event.room.clone(),
            },
        );
    }
}

fn add_seeded_bookings(
    world: &mut World,
    company_id: u64,
    bookings: &[super::seed::BookingSeed],
    clients: &[u64],
) -> Vec<u64> {
    let mut made = Vec::new();
    for booking in bookings {
        let Some((_, start)) = local(world, company_id, booking.day, booking.time) else {
            continue;
        };
        let company = &world.companies[&company_id];
        let Some(staff) = company.seed.staff(booking.staff_id) else {
            continue;
        };
        let Some(length) = company.length_secs(staff, &booking.service_ids) else {
            continue;
        };
        let created = start
            .saturating_sub(SignedDuration::from_hours(72))
            .unwrap_or(start);
        let new = Booking {
            company_id,
            staff_id: staff.id,
            service_ids: booking.service_ids.clone(),
            start,
            length,
            client_id: clients[booking.client],
            api_id: String::new(),
            comment: booking.comment.clone(),
            custom_fields: Map::new(),
            online: false,
            source: String::new(),
            bookform_id: 0,
            activity_id: 0,
            clients_count: 1,
        };
        let id = world.insert_record(new, created);
        settle(world, id, booking.attendance, booking.paid);
        made.push(id);
    }
    made
}

/// Sets a seeded record's visit status, and pays it in full when asked.
fn settle(world: &mut World, record_id: u64, attendance: i8, paid: bool) {
    let cost = super::render::record_cost(world, record_id);
    let Some(record) = world.records.get_mut(&record_id) else {
        return;
    };
    record.attendance = attendance;
    let at = record.start;
    if paid {
        world.add_payment(record_id, cost, at);
    }
}

/// Walks each master's working days around today and books random services at random
/// grid points with probability `fill`.
fn generate(world: &mut World, company_id: u64, seed: &SeedFile, clients: &[u64]) {
    let generated = &seed.generated;
    let staff: Vec<StaffSeed> = world.companies[&company_id].seed.staff.clone();
    let step = i64::from(world.companies[&company_id].seed.slot_step_minutes.max(5)) * 60;
    let today = world.companies[&company_id].today(world.now());
    let now = world.now();
    for master in &staff {
        for offset in -(generated.days_before as i32)..=(generated.days_after as i32) {
            let Ok(date) = today.checked_add(Span::new().days(offset)) else {
                continue;
            };
            let planner = Planner::new(world, &world.companies[&company_id]);
            let Some((open, close)) = planner.window(master, date) else {
                continue;
            };
            let mut busy = world.busy(master.id);
            let mut planned = Vec::new();
            let mut start = open;
            while start < close {
                let pick = master.services.choose(&mut world.rng).copied();
                let company = &world.companies[&company_id];
                let length = pick.and_then(|id| company.length_secs(master, &[id]));
                let end = length.map(|l| {
                    start
                        .saturating_add(SignedDuration::from_secs(l))
                        .unwrap_or(Timestamp::MAX)
                });
                let fits = end.is_some_and(|end| {
                    end <= close && !busy.iter().any(|(a, b)| *a < end && start < *b)
                });
                if let (true, Some(id), Some(length), Some(end)) = (
                    fits && world.rng.random_bool(generated.fill),
                    pick,
                    length,
                    end,
                ) {
                    planned.push((id, start, length));
                    busy.push((start, end));
                    start = end;
                } else {
                    start = start
                        .saturating_add(SignedDuration::from_secs(step * 2))
                        .unwrap_or(Timestamp::MAX);
                }
            }
            for (service_id, start, length) in planned {
                let client_id = *clients.choose(&mut world.rng).unwrap_or(&clients[0]);
                let online = world.rng.random_bool(0.4);
                let new = Booking {
                    company_id,
                    staff_id: master.id,
                    service_ids: vec![service_id],
                    start,
                    length,
                    client_id,
                    api_id: String::new(),
                    comment: String::new(),
                    custom_fields: Map::new(),
                    online,
                    source: if online {
                        "widget".to_owned()
                    } else {
                        String::new()
                    },
                    bookform_id: 0,
                    activity_id: 0,
                    clients_count: 1,
                };
                let days_ahead = world.rng.random_range(1..=10);
                let created = start
                    .saturating_sub(SignedDuration::from_hours(24 * days_ahead))
                    .unwrap_or(start)
                    .min(now);
                let id = world.insert_record(new, created);
                if start < now {
                    let came = world.rng.random_bool(0.9);
                    settle(world, id, if came { 1 } else { -1 }, came);
                } else if world.rng.random_bool(0.3) {
                    settle(world, id, 2, false);
                }
            }
        }
    }
}
