//! Catalog reads for the widget, through the cache: branches, services, masters, dates, times.
//! Each read checks that the branch belongs to the site before it spends upstream budget.

use std::{net::IpAddr, sync::Arc, time::Duration};

use protocol::catalog::{Branch, Category, Dates, Service, Services, StaffList, Times};
use yclients::model::{BookQuery, Company};

mod days;
mod lists;
mod times;
mod warm;

use super::{
    cache::{Cache, Hit, Policy},
    upstream::{SiteUpstream, Target, UpstreamError},
};
use crate::{limits::Limiter, metrics::Metrics};

/// Branches, services and masters change rarely: fresh 5 min, then stale up to an hour.
const CATALOG: Policy = Policy {
    ttl: Duration::from_secs(300),
    stale: Duration::from_secs(3600),
};
/// Durations are read from every master's list (one call each): fresh an hour, then stale up
/// to a day while one refresh runs, so a services list rarely waits for them.
const DURATIONS: Policy = Policy {
    ttl: Duration::from_secs(3600),
    stale: Duration::from_secs(24 * 3600),
};
/// Free dates and times change with every booking: fresh 30 s, then served stale for up to
/// 10 min while a refresh waits for spare YCLIENTS budget (refreshes queue behind every call a
/// visitor waits for). Safe because a booking through zapis drops the day's entries at once (on
/// every instance); a visitor who still picks a time taken elsewhere meanwhile hears "slot
/// taken" with the day's fresh times.
const SLOTS: Policy = Policy {
    ttl: Duration::from_secs(30),
    stale: Duration::from_secs(600),
};
/// The same for a site whose YCLIENTS webhook is set up: a record made, changed or deleted
/// anywhere (the salon's admin, another site) drops its day as it happens, so the copy can stay
/// fresh for 5 min — which is what keeps a busy salon's free times within the 200 calls a minute.
const SLOTS_HOOKED: Policy = Policy {
    ttl: Duration::from_secs(300),
    stale: Duration::from_secs(600),
};

/// How long `up`'s free dates and times are kept.
fn slots(up: &SiteUpstream) -> Policy {
    if up.hooked { SLOTS_HOOKED } else { SLOTS }
}

type Res<T> = Result<T, UpstreamError>;
/// Service id → shortest and longest duration (seconds) over the masters who do it.
pub type Ranges = std::collections::HashMap<u64, (u32, u32)>;
/// Branch, staff (0: any), services, date.
type TimesKey = (u64, u64, Vec<u64>, String);

#[derive(Clone)]
pub struct Catalog {
    branches: Cache<Target, Arc<Vec<Branch>>, UpstreamError>,
    services: Cache<(u64, u64), Arc<Services>, UpstreamError>,
    /// Per branch: service id → shortest and longest duration over its masters (seconds).
    durations: Cache<u64, Arc<Ranges>, UpstreamError>,
    staff: Cache<(u64, Vec<u64>), Arc<StaffList>, UpstreamError>,
    dates: Cache<(u64, u64, Vec<u64>), Arc<Dates>, UpstreamError>,
    times: Cache<TimesKey, Arc<Times>, UpstreamError>,
    /// Company, master, date → the master's free starts that day ([`days`]); `None` when the
    /// answer cannot be worked with.
    days: Cache<(u64, u64, String), Arc<Option<days::MasterDay>>, UpstreamError>,
    metrics: Metrics,
    /// Upstream fetches per client (`Limits::lookup_ip`).
    misses: Limiter,
    /// Whether the warming at start is done ([`ready`](Self::ready)).
    warm: Arc<std::sync::atomic::AtomicBool>,
    started: std::time::Instant,
}

/// Who a lookup is for: a visitor's IP, whose cache misses are metered, or zapis itself (the
/// booking flow, the reconciler), which is not. Only a miss spends (and formats the key).
struct Meter(Option<(Limiter, IpAddr)>);

impl Meter {
    /// Counts one upstream fetch; `RateLimited` when the client has spent its allowance.
    fn spend(&self) -> Res<()> {
        match &self.0 {
            Some((limiter, client)) if !limiter.allow(&client.to_string()) => {
                tracing::info!(%client, "catalog lookups over the per-client limit");
                Err(UpstreamError::RateLimited)
            }
            _ => Ok(()),
        }
    }
}

impl Catalog {
    pub fn new(metrics: Metrics, misses: Limiter) -> Self {
        Self {
            branches: Cache::new(1_000),
            services: Cache::new(10_000),
            durations: Cache::new(1_000),
            staff: Cache::new(10_000),
            dates: Cache::new(20_000),
            times: Cache::new(50_000),
            days: Cache::new(50_000),
            metrics,
            misses,
            warm: Arc::default(),
            started: std::time::Instant::now(),
        }
    }

    fn meter(&self, client: Option<IpAddr>) -> Meter {
        Meter(client.map(|ip| (self.misses.clone(), ip)))
    }

    fn count(&self, what: &'static str, hit: Hit) {
        self.metrics.cache(what, hit);
    }

    /// The site's branches (one for a single company).
    pub async fn branches(&self, up: &Arc<SiteUpstream>) -> Res<Arc<Vec<Branch>>> {
        let client = up.client.clone();
        let target = up.target;
        let (r, hit) = self
            .branches
            .get(target, CATALOG, move || async move {
                let client = fetching(client);
                let companies = match target {
                    Target::Company(id) => vec![client.company(id).await?],
                    Target::Group(group) => client.chain_companies(group).await?,
                };
                Ok(Arc::new(companies.into_iter().map(branch).collect()))
            })
            .await;
        self.count("branches", hit);
        r
    }

    /// The branch, if it belongs to the site.
    pub async fn branch(&self, up: &Arc<SiteUpstream>, id: u64) -> Res<Option<Branch>> {
        Ok(self
            .branches(up)
            .await?
            .iter()
            .find(|b| b.id == id)
            .cloned())
    }

    /// The branch's services with their durations as the salon's catalogue has them: a
    /// master's own (`staff`), or for any master (`0`) the shortest among the masters who do
    /// the service (YCLIENTS gives `seance_length` only per master).
    /// `visitor` as for [`staff`](Self::staff).
    pub async fn services(
        &self,
        up: &Arc<SiteUpstream>,
        company: u64,
        staff: u64,
        visitor: Option<IpAddr>,
    ) -> Res<Arc<Services>> {
        if staff != 0 {
            return self.services_of(up, company, staff, visitor).await;
        }
        let this = self.clone();
        let up = up.clone();
        let meter = self.meter(visitor);
        let (r, hit) = self
            .services
            .get((company, 0), CATALOG, move || async move {
                meter.spend()?;
                let mut all = this.fetch_services(&up, company, 0).await?;
                // Unknown durations (YCLIENTS away for the masters' lists) stay 0 and are not
                // cached long: the list itself is cached for minutes.
                let ranges = this.durations(&up, company).await.unwrap_or_default();
                for s in &mut all.services {
                    if let Some((shortest, longest)) = ranges.get(&s.id) {
                        s.duration = *shortest;
                        s.duration_max = if longest > shortest { *longest } else { 0 };
                    }
                }
                Ok(Arc::new(all))
            })
            .await;
        self.count("services", hit);
        r
    }

    /// Shortest and longest duration (seconds) of each service over the branch's masters who
    /// do it (cached for [`DURATIONS`]); an error when a master's list cannot be read, so a
    /// partial answer is never kept.
    pub async fn durations(&self, up: &Arc<SiteUpstream>, company: u64) -> Res<Arc<Ranges>> {
        let this = self.clone();
        let up = up.clone();
        let (r, hit) = self
            .durations
            .get(company, DURATIONS, move || async move {
                let masters = this.staff(&up, company, Vec::new(), None).await?;
                // The masters' lists at once: a cold first screen waits for one round trip,
                // not one per master.
                let mut reads = tokio::task::JoinSet::new();
                for m in &masters.staff {
                    let (this, up, id) = (this.clone(), up.clone(), m.id);
                    reads.spawn(async move { this.services_of(&up, company, id, None).await });
                }
                let mut ranges = Ranges::new();
                while let Some(read) = reads.join_next().await {
                    let theirs = read.map_err(|e| UpstreamError::Unavailable(e.to_string()))??;
                    for s in theirs.services.iter().filter(|s| s.duration > 0) {
                        let r = ranges.entry(s.id).or_insert((s.duration, s.duration));
                        r.0 = r.0.min(s.duration);
                        r.1 = r.1.max(s.duration);
                    }
                }
                Ok(Arc::new(ranges))
            })
            .await;
        self.count("durations", hit);
        r
    }

    /// One master's services with that master's durations (cached per master).
    async fn services_of(
        &self,
        up: &Arc<SiteUpstream>,
        company: u64,
        staff: u64,
        visitor: Option<IpAddr>,
    ) -> Res<Arc<Services>> {
        let this = self.clone();
        let up = up.clone();
        let meter = self.meter(visitor);
        let (r, hit) = self
            .services
            .get((company, staff), CATALOG, move || async move {
                meter.spend()?;
                Ok(Arc::new(this.fetch_services(&up, company, staff).await?))
            })
            .await;
        self.count("services", hit);
        r
    }

    async fn fetch_services(
        &self,
        up: &Arc<SiteUpstream>,
        company: u64,
        staff: u64,
    ) -> Res<Services> {
        let q = BookQuery {
            staff_id: (staff != 0).then_some(staff),
            ..BookQuery::default()
        };
        let s = fetching(up.client.clone())
            .book_services(company, &q)
            .await?;
        Ok(Services {
            categories: s
                .categories
                .into_iter()
                .map(|c| Category {
                    id: c.id,
                    title: c.title,
                })
                .collect(),
            services: s
                .services
                .into_iter()
                .map(|s| Service {
                    id: s.id,
                    category_id: s.category_id,
                    title: s.title,
                    price_min: s.price_min,
                    price_max: s.price_max.max(s.price_min),
                    // Without a master YCLIENTS leaves it out: `services` fills it in from the
                    // masters; 0 when no master does the service.
                    duration: s.seance_length.unwrap_or(0),
                    duration_max: 0,
                    comment: s.comment,
                })
                .collect(),
        })
    }

    /// A record at `company` was made, changed or deleted outside this instance (a YCLIENTS
    /// webhook): drop the times of its day (all of them when its day is unknown) and the dates.
    pub fn record_changed(&self, company: u64, date: Option<&str>) {
        match date {
            Some(d) => self.slot_taken(company, d),
            None => {
                self.times.invalidate(move |(c, _, _, _)| *c == company);
                self.days.invalidate(move |(c, _, _)| *c == company);
                self.dates.invalidate(move |(c, _, _)| *c == company);
            }
        }
    }

    /// Every cached free day of every company (a listener that may have missed changes).
    pub fn forget_days(&self) {
        self.times.invalidate(|_| true);
        self.days.invalidate(|_| true);
        self.dates.invalidate(|_| true);
    }

    /// A booking took time on `date` at `company`: drop that day's times and the dates.
    pub fn slot_taken(&self, company: u64, date: &str) {
        let date = date.to_owned();
        let day = date.clone();
        self.times
            .invalidate(move |(c, _, _, d)| *c == company && *d == date);
        self.days
            .invalidate(move |(c, _, d)| *c == company && *d == day);
        self.dates.invalidate(move |(c, _, _)| *c == company);
    }
}

/// The client for a fetch: a background refresh queues behind calls visitors wait for.
pub(crate) fn fetching(client: yclients::Client) -> yclients::Client {
    if super::cache::in_refresh() {
        client.in_background()
    } else {
        client
    }
}

fn branch(c: Company) -> Branch {
    let timezone = if c.timezone_name.is_empty() {
        "Europe/Moscow".to_owned()
    } else {
        c.timezone_name
    };
    let (zone_ru, zone_en) = crate::booking::zone::time_of(&timezone);
    Branch {
        id: c.id,
        title: if c.public_title.is_empty() {
            c.title
        } else {
            c.public_title
        },
        address: c.address,
        timezone,
        phone_confirmation: c.phone_confirmation,
        email_required: c.booking_email_required,
        comment_required: c.booking_comment_required,
        nearest: Some(c.next_slot).filter(|s| !s.is_empty()),
        phone: Some(c.phone).filter(|p| !p.is_empty()),
        zone_ru,
        zone_en,
    }
}
