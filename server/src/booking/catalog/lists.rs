//! The masters and the free dates for a choice of services, worked out from per-master answers
//! where they can be, the exact YCLIENTS question otherwise.
//!
//! YCLIENTS answers `book_staff` and `book_dates` per set of services, so 200 visitors over 25
//! services and 7 masters ask ~90 different questions of an account allowed 200 calls a
//! minute. But who does a service is in each master's service list (already read for the
//! durations), and a master's days with free time are one `book_dates` per master, probed with
//! their shortest service, like their days ([`days`](super::days)):
//!
//! - the masters for `services`: every master of the branch whose list has them all, in the
//!   salon's order; their nearest time for the visit's length from their day answers at hand
//!   (none shown when those are not at hand, never an earlier one than YCLIENTS would give);
//! - the dates for `services` with a master (or any master): the master's dates (the union over
//!   the masters who do them all), less every day whose answer is at hand and has no start for
//!   the visit's length. A day not in a master's dates has no start even for the shortest
//!   service, so none for a longer one. A day listed whose answer is not at hand yet stays
//!   listed: beyond the first days (fetched ahead for every visitor who sees the calendar)
//!   a date may turn out to have no time for a long visit, and its times then say so.

use std::{collections::BTreeSet, net::IpAddr, sync::Arc};

use jiff::civil::Date;
use protocol::catalog::{Branch, Dates, Staff, StaffList};
use yclients::model::BookQuery;

use super::{
    CATALOG, Catalog, Meter, Res, fetching, slots,
    times::{Fit, worst},
};
use crate::booking::{cache::Hit, upstream::SiteUpstream};

impl Catalog {
    /// The masters for `services`. `visitor`: whose request this is (its cache misses are
    /// metered); `None` for zapis's own lookups. The same for [`dates`](Self::dates) and
    /// [`times`](Self::times), the lookups a request can vary without end.
    pub async fn staff(
        &self,
        up: &Arc<SiteUpstream>,
        company: u64,
        services: Vec<u64>,
        visitor: Option<IpAddr>,
    ) -> Res<Arc<StaffList>> {
        if !services.is_empty()
            && let Some(list) = self.derived_staff(up, company, &services).await
        {
            self.count("staff", Hit::Fresh);
            return Ok(list);
        }
        self.exact_staff(up, company, services, visitor).await
    }

    /// `book_staff` for `services` (all the branch's masters when empty), cached.
    async fn exact_staff(
        &self,
        up: &Arc<SiteUpstream>,
        company: u64,
        services: Vec<u64>,
        visitor: Option<IpAddr>,
    ) -> Res<Arc<StaffList>> {
        let client = up.client.clone();
        let meter = self.meter(visitor);
        let (r, hit) = self
            .staff
            .get((company, services.clone()), CATALOG, move || async move {
                let client = fetching(client);
                meter.spend()?;
                let q = BookQuery {
                    service_ids: services,
                    ..BookQuery::default()
                };
                let list = client.book_staff(company, &q).await?;
                Ok(Arc::new(StaffList {
                    staff: list
                        .into_iter()
                        .map(|s| Staff {
                            id: s.id,
                            position: s
                                .position
                                .map(|p| p.title)
                                .filter(|t| !t.is_empty())
                                .unwrap_or(s.specialization),
                            name: s.name,
                            avatar: Some(s.avatar).filter(|a| !a.is_empty()),
                            rating: s.rating as f32,
                            bookable: s.bookable,
                            nearest: s.seances.first().map(|t| t.datetime.clone()),
                        })
                        .collect(),
                }))
            })
            .await;
        self.count("staff", hit);
        r
    }

    /// The masters whose service lists have all of `services`, from the branch's master list
    /// and those lists (no call of its own once they are cached); `None` when one of them
    /// cannot be read (asked exactly then).
    async fn derived_staff(
        &self,
        up: &Arc<SiteUpstream>,
        company: u64,
        services: &[u64],
    ) -> Option<Arc<StaffList>> {
        let all = self.exact_staff(up, company, Vec::new(), None).await.ok()?;
        let mut staff = Vec::new();
        for m in &all.staff {
            let theirs = self.services_of(up, company, m.id, None).await.ok()?;
            let lengths: Option<Vec<u32>> = services
                .iter()
                .map(|id| theirs.services.iter().find(|s| s.id == *id))
                .map(|s| s.map(|s| s.duration))
                .collect();
            let Some(lengths) = lengths else {
                continue;
            };
            let length = lengths.iter().sum();
            let nearest = self.nearest_known(up, company, m.id, length).await;
            staff.push(Staff {
                nearest,
                ..m.clone()
            });
        }
        Some(Arc::new(StaffList { staff }))
    }

    /// The master's first start for a visit of `length` seconds, from their dates and day
    /// answers at hand: `None` when the first day that could have one is not at hand.
    async fn nearest_known(
        &self,
        up: &Arc<SiteUpstream>,
        company: u64,
        staff: u64,
        length: u32,
    ) -> Option<String> {
        let dates = self
            .dates
            .peek(&(company, staff, Vec::new()), slots(up))
            .await?;
        for date in &dates.dates {
            let day = self
                .days
                .peek(&(company, staff, date.clone()), slots(up))
                .await?;
            let starts = day.as_ref().as_ref()?.starts_for(length)?;
            if let Some(first) = starts.first() {
                return Some(first.datetime.clone());
            }
        }
        None
    }

    /// Days with free time for `services` with `staff` (0: any master).
    pub async fn dates(
        &self,
        up: &Arc<SiteUpstream>,
        branch: &Branch,
        staff: u64,
        services: Vec<u64>,
        visitor: Option<IpAddr>,
    ) -> Res<Arc<Dates>> {
        let meter = Arc::new(self.meter(visitor));
        let derived = match self.fits(up, branch.id, staff, &services).await {
            Some(fits) => Some(self.derived_dates(up, branch, &fits, meter.clone()).await?),
            None => None,
        };
        let (r, hit) = match derived {
            Some((dates, hit)) => (Ok(dates), hit),
            None => {
                self.exact_dates(up, branch, staff, services.clone(), meter)
                    .await
            }
        };
        self.count("dates", hit);
        // The visitor picks one of the first days next: its times are on their way meanwhile.
        if let (Ok(dates), Some(_)) = (&r, visitor) {
            self.fetch_ahead(up, branch, staff, services, &dates.dates);
        }
        r
    }

    /// The union of the masters' dates, less the days known to have no start for their visit.
    async fn derived_dates(
        &self,
        up: &Arc<SiteUpstream>,
        branch: &Branch,
        fits: &[Fit],
        meter: Arc<Meter>,
    ) -> Res<(Arc<Dates>, Hit)> {
        let mut hit = Hit::Fresh;
        let mut all = BTreeSet::new();
        for fit in fits {
            let (theirs, h) = self
                .master_dates(up, branch, fit.staff, meter.clone())
                .await?;
            hit = worst(hit, h);
            for date in &theirs.dates {
                if all.contains(date) {
                    continue;
                }
                let key = (branch.id, fit.staff, date.clone());
                if let Some(day) = self.days.peek(&key, slots(up)).await
                    && let Some(day) = day.as_ref()
                    && day.starts_for(fit.length).is_some_and(|s| s.is_empty())
                {
                    continue;
                }
                all.insert(date.clone());
            }
        }
        let dates = Dates {
            // ISO dates sort as days do.
            dates: all.into_iter().collect(),
            timezone: branch.timezone.clone(),
        };
        Ok((Arc::new(dates), hit))
    }

    /// One master's days with free time (for their shortest service): `book_dates` with the
    /// master and no services, cached like the times.
    pub(super) async fn master_dates(
        &self,
        up: &Arc<SiteUpstream>,
        branch: &Branch,
        staff: u64,
        meter: Arc<Meter>,
    ) -> Res<(Arc<Dates>, Hit)> {
        let (r, hit) = self.exact_dates(up, branch, staff, Vec::new(), meter).await;
        r.map(|d| (d, hit))
    }

    /// `book_dates` for exactly these services and master (0: any), cached.
    async fn exact_dates(
        &self,
        up: &Arc<SiteUpstream>,
        branch: &Branch,
        staff: u64,
        services: Vec<u64>,
        meter: Arc<Meter>,
    ) -> (Res<Arc<Dates>>, Hit) {
        let client = up.client.clone();
        let (company, timezone) = (branch.id, branch.timezone.clone());
        self.dates
            .get(
                (company, staff, services.clone()),
                slots(up),
                move || async move {
                    let client = fetching(client);
                    meter.spend()?;
                    let q = BookQuery {
                        staff_id: Some(staff),
                        service_ids: services,
                        ..BookQuery::default()
                    };
                    let d = client.book_dates(company, &q).await?;
                    Ok(Arc::new(Dates {
                        dates: d.booking_dates.iter().map(Date::to_string).collect(),
                        timezone,
                    }))
                },
            )
            .await
    }

    /// Whether `date` is known to have no free time for `staff` (not among their dates, and
    /// not past the last of them): then their day needs no call.
    pub(super) async fn known_off(
        &self,
        up: &Arc<SiteUpstream>,
        company: u64,
        staff: u64,
        date: &str,
    ) -> bool {
        let Some(dates) = self
            .dates
            .peek(&(company, staff, Vec::new()), slots(up))
            .await
        else {
            return false;
        };
        dates.dates.last().is_some_and(|last| date < last.as_str())
            && !dates.dates.iter().any(|d| d == date)
    }
}
