//! Free times of a day: worked out from one answer per master and day ([`days`](super::days)),
//! fetched ahead while a visitor looks at the dates; the exact YCLIENTS question only when the
//! day answers cannot speak for it.

use std::{net::IpAddr, sync::Arc};

use jiff::civil::Date;
use protocol::catalog::{Branch, Slot, Times};

use super::{Catalog, Meter, Res, days::MasterDay, fetching, slots};
use crate::booking::{
    cache::{self, Hit},
    upstream::SiteUpstream,
};

/// How many of the first free dates are fetched ahead for a visitor who sees the calendar.
const AHEAD_DAYS: usize = 7;
/// How many of those as soon as a visitor would ask for them.
const SOON: usize = 3;

/// For one master: the length of the chosen services and the master's shortest service (id,
/// seconds), the probe of the day answers.
#[derive(Clone, Copy)]
pub(super) struct Fit {
    pub(super) staff: u64,
    pub(super) length: u32,
    pub(super) probe: (u64, u32),
}

/// A master's shortest service (id, seconds): what their day is probed with.
pub(super) fn probe(theirs: &protocol::catalog::Services) -> Option<(u64, u32)> {
    theirs
        .services
        .iter()
        .filter(|s| s.duration > 0)
        .min_by_key(|s| s.duration)
        .map(|s| (s.id, s.duration))
}

/// Worst first: a lookup that waited for any upstream answer counts as that.
fn worst(a: Hit, b: Hit) -> Hit {
    let rank = |h: Hit| match h {
        Hit::Miss => 0,
        Hit::Shared => 1,
        Hit::Stale => 2,
        Hit::Fresh => 3,
    };
    if rank(a) <= rank(b) { a } else { b }
}

impl Catalog {
    /// The day's free times for `services` with `staff` (0: any master).
    pub async fn times(
        &self,
        up: &Arc<SiteUpstream>,
        branch: &Branch,
        staff: u64,
        services: Vec<u64>,
        date: Date,
        visitor: Option<IpAddr>,
    ) -> Res<Arc<Times>> {
        if let Some(fits) = self.fits(up, branch.id, staff, &services).await {
            let meter = Arc::new(self.meter(visitor));
            if let Some((times, hit)) = self.derive(up, branch, &fits, date, meter).await? {
                self.count("times", hit);
                return Ok(times);
            }
        }
        self.exact_times(up, branch, staff, services, date, visitor)
            .await
    }

    /// YCLIENTS' own answer for exactly these services (after a refused booking: the day as
    /// YCLIENTS sees it, with whatever a day answer cannot tell).
    pub async fn exact_times(
        &self,
        up: &Arc<SiteUpstream>,
        branch: &Branch,
        staff: u64,
        services: Vec<u64>,
        date: Date,
        visitor: Option<IpAddr>,
    ) -> Res<Arc<Times>> {
        let client = up.client.clone();
        let meter = self.meter(visitor);
        let (company, timezone) = (branch.id, branch.timezone.clone());
        let key = (company, staff, services.clone(), date.to_string());
        let (r, hit) = self
            .times
            .get(key, slots(up), move || async move {
                let client = fetching(client);
                meter.spend()?;
                let slots = client.book_times(company, staff, date, &services).await?;
                Ok(Arc::new(Times {
                    date: date.to_string(),
                    timezone,
                    slots: slots
                        .into_iter()
                        .map(|t| Slot {
                            time: t.time,
                            datetime: t.datetime,
                            length: t.seance_length,
                        })
                        .collect(),
                }))
            })
            .await;
        self.count("times", hit);
        r
    }

    /// Fetches ahead the day answers a visitor who sees these dates will need: the first
    /// [`SOON`] days as if the visitor asked (most pick one of them), the rest of the first
    /// [`AHEAD_DAYS`] in the background, behind every call a visitor waits for.
    pub fn fetch_ahead(
        &self,
        up: &Arc<SiteUpstream>,
        branch: &Branch,
        staff: u64,
        services: Vec<u64>,
        dates: &[String],
    ) {
        let dates: Vec<Date> = dates
            .iter()
            .take(AHEAD_DAYS)
            .filter_map(|d| d.parse().ok())
            .collect();
        if dates.is_empty() {
            return;
        }
        let (this, up, company) = (self.clone(), up.clone(), branch.id);
        tokio::spawn(async move {
            let Some(fits) = this.fits(&up, company, staff, &services).await else {
                return;
            };
            let (soon, later) = dates.split_at(dates.len().min(SOON));
            this.fetch_days(&up, company, &fits, soon).await;
            cache::in_background(this.fetch_days(&up, company, &fits, later)).await;
        });
    }

    /// The masters' day answers for `dates`, earliest first (nobody's lookup: not metered).
    pub(super) async fn fetch_days(
        &self,
        up: &Arc<SiteUpstream>,
        company: u64,
        fits: &[Fit],
        dates: &[Date],
    ) {
        for date in dates {
            for fit in fits {
                let _ = self
                    .master_day(up, company, fit, *date, Arc::new(Meter(None)))
                    .await;
            }
        }
    }

    /// Who can take `services` (`staff`, or every master who does them all, in the salon's
    /// order) and for how long; `None` when a length is unknown (asked exactly then).
    async fn fits(
        &self,
        up: &Arc<SiteUpstream>,
        company: u64,
        staff: u64,
        services: &[u64],
    ) -> Option<Vec<Fit>> {
        if services.is_empty() {
            return None;
        }
        let masters: Vec<u64> = if staff != 0 {
            vec![staff]
        } else {
            let all = self.staff(up, company, Vec::new(), None).await.ok()?;
            all.staff
                .iter()
                .filter(|m| m.bookable)
                .map(|m| m.id)
                .collect()
        };
        let mut fits = Vec::new();
        for id in masters {
            let theirs = self.services_of(up, company, id, None).await.ok()?;
            let length = |s: &u64| {
                theirs
                    .services
                    .iter()
                    .find(|x| x.id == *s)
                    .map(|x| x.duration)
            };
            let lengths: Option<Vec<u32>> = services.iter().map(length).collect();
            let Some(lengths) = lengths else {
                if staff != 0 {
                    // The chosen master does not do one of them: YCLIENTS says what it says.
                    return None;
                }
                continue;
            };
            if lengths.contains(&0) {
                return None;
            }
            let probe = probe(&theirs)?;
            fits.push(Fit {
                staff: id,
                length: lengths.iter().sum(),
                probe,
            });
        }
        Some(fits)
    }

    /// The day's times from the masters' day answers: each start once, from the first master
    /// (in the salon's order) who is free then. `None` when a day answer cannot speak for it.
    async fn derive(
        &self,
        up: &Arc<SiteUpstream>,
        branch: &Branch,
        fits: &[Fit],
        date: Date,
        meter: Arc<Meter>,
    ) -> Res<Option<(Arc<Times>, Hit)>> {
        let mut hit = Hit::Fresh;
        let mut slots: Vec<(jiff::Timestamp, Slot)> = Vec::new();
        for fit in fits {
            let (day, h) = self
                .master_day(up, branch.id, fit, date, meter.clone())
                .await?;
            hit = worst(hit, h);
            let Some(day) = day.as_ref() else {
                return Ok(None);
            };
            let Some(starts) = day.starts_for(fit.length) else {
                return Ok(None);
            };
            for s in starts {
                let Ok(at) = s.datetime.parse::<jiff::Timestamp>() else {
                    return Ok(None);
                };
                if !slots.iter().any(|(t, _)| *t == at) {
                    slots.push((
                        at,
                        Slot {
                            time: s.time.clone(),
                            datetime: s.datetime.clone(),
                            length: fit.length,
                        },
                    ));
                }
            }
        }
        slots.sort_by_key(|(t, _)| *t);
        let times = Times {
            date: date.to_string(),
            timezone: branch.timezone.clone(),
            slots: slots.into_iter().map(|(_, s)| s).collect(),
        };
        Ok(Some((Arc::new(times), hit)))
    }

    /// One master's day, probed with their shortest service (cached like the times).
    pub(super) async fn master_day(
        &self,
        up: &Arc<SiteUpstream>,
        company: u64,
        fit: &Fit,
        date: Date,
        meter: Arc<Meter>,
    ) -> Res<(Arc<Option<MasterDay>>, Hit)> {
        let client = up.client.clone();
        let (staff, (probe_id, probe_len)) = (fit.staff, fit.probe);
        let (r, hit) = self
            .days
            .get(
                (company, staff, date.to_string()),
                slots(up),
                move || async move {
                    // A visitor spends their allowance per YCLIENTS call: "any master" on a day
                    // nobody asked about yet costs one per master.
                    meter.spend()?;
                    let slots = fetching(client)
                        .book_times(company, staff, date, &[probe_id])
                        .await?;
                    Ok(Arc::new(MasterDay::new(probe_len, slots)))
                },
            )
            .await;
        r.map(|d| (d, hit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lookup_counts_as_the_slowest_answer_it_waited_for() {
        assert_eq!(worst(Hit::Fresh, Hit::Miss), Hit::Miss);
        assert_eq!(worst(Hit::Stale, Hit::Shared), Hit::Shared);
        assert_eq!(worst(Hit::Fresh, Hit::Stale), Hit::Stale);
    }
}
