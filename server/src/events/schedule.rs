//! The schedule of group events, read through the cache like the catalogue: one YCLIENTS search
//! per branch and period serves every filter (category and master are applied here), fresh for
//! 30 s and served stale for up to 10 min while one refresh waits for spare budget. A sign-up
//! through zapis, or a YCLIENTS record webhook of the branch, drops the branch's entries at
//! once, so the seats left shown are rarely older than the last sign-up.

use std::{collections::BTreeMap, net::IpAddr, sync::Arc, time::Duration};

use axum::http::StatusCode;
use jiff::ToSpan;
use protocol::booking::codes;

use jiff::{civil::Date, tz::TimeZone};
use protocol::catalog::Branch;
use protocol::events::{Choice, EventDay, GroupEvent, Schedule};
use yclients::model::{Activity, ActivityQuery};

use crate::booking::{
    cache::{Cache, Policy},
    catalog::fetching,
    upstream::{SiteUpstream, UpstreamError},
};
use crate::{app::AppState, error::ApiError, limits::Limiter, metrics::Metrics};

/// Seats change with every sign-up: as the catalogue's free times.
const EVENTS: Policy = Policy {
    ttl: Duration::from_secs(30),
    stale: Duration::from_secs(600),
};
/// The branch's sign-up settings (most seats per sign-up) change rarely.
const SETTINGS: Policy = Policy {
    ttl: Duration::from_secs(300),
    stale: Duration::from_secs(3600),
};
/// The largest page YCLIENTS gives (documented), and how many pages one period may take.
const PAGE: u32 = 300;
const MAX_PAGES: u32 = 5;
/// The longest period one schedule request may ask for.
pub const MAX_DAYS: i64 = 31;

type Res<T> = Result<T, UpstreamError>;

/// Filters of one schedule request.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub category: Option<u64>,
    pub staff: Option<u64>,
}

#[derive(Clone)]
pub struct Schedules {
    events: Cache<(u64, Date, Date), Arc<Vec<Activity>>, UpstreamError>,
    max_seats: Cache<u64, u32, UpstreamError>,
    metrics: Metrics,
    /// Upstream fetches per client (`Limits::lookup_ip`), shared with the catalogue.
    misses: Limiter,
}

impl Schedules {
    pub fn new(metrics: Metrics, misses: Limiter) -> Self {
        Self {
            events: Cache::new(10_000),
            max_seats: Cache::new(1_000),
            metrics,
            misses,
        }
    }

    /// The branch's events between two days (inclusive), as YCLIENTS has them.
    pub async fn events(
        &self,
        up: &Arc<SiteUpstream>,
        company: u64,
        from: Date,
        till: Date,
        visitor: Option<IpAddr>,
    ) -> Res<Arc<Vec<Activity>>> {
        let client = up.client.clone();
        let misses = self.misses.clone();
        let (r, hit) = self
            .events
            .get((company, from, till), EVENTS, move || async move {
                if let Some(ip) = visitor
                    && !misses.allow(&ip.to_string())
                {
                    return Err(UpstreamError::RateLimited);
                }
                let client = fetching(client);
                let mut all = Vec::new();
                for page in 1..=MAX_PAGES {
                    let query = ActivityQuery {
                        page: Some(page),
                        count: Some(PAGE),
                        ..ActivityQuery::between(from, till)
                    };
                    let got = client.activity_search(company, &query).await?;
                    let last = got.len() < PAGE as usize;
                    all.extend(got);
                    if last {
                        break;
                    }
                }
                all.sort_by_key(|a| (a.timestamp, a.id));
                Ok(Arc::new(all))
            })
            .await;
        self.metrics.cache("events", hit);
        r
    }

    /// The most seats one sign-up may take at the branch (at least 1).
    pub async fn max_seats(&self, up: &Arc<SiteUpstream>, company: u64) -> Res<u32> {
        let client = up.client.clone();
        let (r, hit) = self
            .max_seats
            .get(company, SETTINGS, move || async move {
                let c = fetching(client).company(company).await?;
                Ok(c.activity_online_record_clients_count_max.max(1))
            })
            .await;
        self.metrics.cache("event_settings", hit);
        r
    }

    /// A sign-up or a record changed at `company`: its events' seats are to be read again.
    pub fn changed(&self, company: u64) {
        self.events.invalidate(move |(c, _, _)| *c == company);
    }
}

/// The schedule as the widget shows it: the filters of the whole period, the days with the
/// matching events.
pub fn schedule(
    branch: &Branch,
    (from, till): (Date, Date),
    events: &[Activity],
    filter: &Filter,
    max_seats: u32,
    now: jiff::Timestamp,
) -> Schedule {
    let tz = zone(branch);
    let mut categories = BTreeMap::new();
    let mut masters = BTreeMap::new();
    for a in events {
        if let Some(c) = a.service.as_ref().and_then(|s| s.category.as_ref()) {
            categories.insert(c.id, c.title.clone());
        }
        if let Some(s) = &a.staff {
            masters.insert(a.staff_id, s.name.clone());
        }
    }
    let mut days: Vec<EventDay> = Vec::new();
    for a in events.iter().filter(|a| keep(a, filter)) {
        let e = event(a, events, &tz, now);
        let date = e.datetime.get(..10).unwrap_or_default().to_owned();
        match days.last_mut() {
            Some(d) if d.date == date => d.events.push(e),
            _ => days.push(EventDay {
                date,
                events: vec![e],
            }),
        }
    }
    Schedule {
        branch: branch.id,
        timezone: branch.timezone.clone(),
        from: from.to_string(),
        till: till.to_string(),
        max_seats,
        phone_confirmation: branch.phone_confirmation,
        email_required: branch.email_required,
        comment_required: branch.comment_required,
        categories: sorted_choices(categories),
        masters: sorted_choices(masters),
        days,
    }
}

fn sorted_choices(m: BTreeMap<u64, String>) -> Vec<Choice> {
    let mut v: Vec<Choice> = m
        .into_iter()
        .map(|(id, title)| Choice { id, title })
        .collect();
    v.sort_by(|a, b| a.title.cmp(&b.title));
    v
}

fn keep(a: &Activity, f: &Filter) -> bool {
    let category = a.service.as_ref().map_or(0, |s| s.category_id);
    f.category.is_none_or(|c| c == category) && f.staff.is_none_or(|s| s == a.staff_id)
}

pub fn zone(branch: &Branch) -> TimeZone {
    TimeZone::get(&branch.timezone).unwrap_or(TimeZone::UTC)
}

/// Seats left; none once the event has begun.
pub fn seats_left(a: &Activity, now: jiff::Timestamp) -> u32 {
    if a.timestamp <= now.as_second() {
        0
    } else {
        a.places_left()
    }
}

/// One event for the widget; `all` gives the next one of the same service when it is full.
pub fn event(a: &Activity, all: &[Activity], tz: &TimeZone, now: jiff::Timestamp) -> GroupEvent {
    let start = jiff::Timestamp::from_second(a.timestamp)
        .unwrap_or_default()
        .to_zoned_datetime(tz.clone());
    let left = seats_left(a, now);
    let service = a.service.clone().unwrap_or_default();
    GroupEvent {
        id: a.id,
        datetime: start.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        time: start.strftime("%H:%M").to_string(),
        length: a.length / 60,
        title: service.title,
        description: Some(service.comment).filter(|c| !c.is_empty()),
        service: a.service_id,
        category: service.category_id,
        staff: a.staff_id,
        master: a.staff.as_ref().map(|s| s.name.clone()).unwrap_or_default(),
        price_min: service.price_min,
        price_max: service.price_max,
        capacity: a.capacity,
        seats_left: left,
        full: left == 0,
        next: (left == 0)
            .then(|| next_of(a, all, now))
            .flatten()
            .map(|n| n.id),
        room: a
            .resource_instances
            .first()
            .and_then(|r| r.get("title")?.as_str().map(str::to_owned))
            .filter(|t| !t.is_empty()),
    }
}

/// The next event of the same service, after `a`, with a seat left.
pub fn next_of<'a>(
    a: &Activity,
    all: &'a [Activity],
    now: jiff::Timestamp,
) -> Option<&'a Activity> {
    all.iter()
        .filter(|n| n.service_id == a.service_id && n.timestamp > a.timestamp)
        .find(|n| seats_left(n, now) > 0)
}

/// `event_full`, naming the next event of the same service with seats left (four weeks on).
pub async fn full(
    app: &AppState,
    up: &Arc<SiteUpstream>,
    branch: &Branch,
    full_one: &Activity,
    seats: u32,
) -> ApiError {
    let tz = zone(branch);
    let now = jiff::Timestamp::now();
    let day = jiff::Timestamp::from_second(full_one.timestamp)
        .unwrap_or_default()
        .to_zoned_datetime(tz.clone())
        .date();
    let till = day.checked_add(28.days()).unwrap_or(day);
    let later = app.schedules.events(up, branch.id, day, till, None).await;
    let next = later
        .as_deref()
        .ok()
        .and_then(|all| next_of(full_one, all, now).cloned());
    let left = seats_left(full_one, now);
    let (mut ru, mut en) = if left == 0 {
        (
            "На это событие мест больше нет.".to_owned(),
            "This event is full.".to_owned(),
        )
    } else {
        (
            format!("Осталось мест: {left}, а выбрано {seats}."),
            format!("Only {left} seats are left, {seats} were asked for."),
        )
    };
    match next {
        Some(n) => {
            let e = event(&n, &[], &tz, now);
            let date = e.datetime.get(..10).unwrap_or_default();
            ru.push_str(&format!(
                " Следующее — «{}» {date} в {}, свободно мест: {}.",
                e.title, e.time, e.seats_left
            ));
            en.push_str(&format!(
                " The next one, “{}”, is on {date} at {} with {} seats left.",
                e.title, e.time, e.seats_left
            ));
        }
        None => {
            ru.push_str(" Следующих дат пока нет.");
            en.push_str(" No later dates yet.");
        }
    }
    ApiError::new(StatusCode::CONFLICT, codes::EVENT_FULL, ru, en)
}
