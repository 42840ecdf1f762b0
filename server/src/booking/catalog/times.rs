//! Free times of a day: worked out from one answer per master and day ([`days`](super::days)),
//! fetched ahead while a visitor looks at the dates; the exact YCLIENTS question only when the
//! day answers cannot speak for it.

use std::{net::IpAddr, sync::Arc};

use jiff::civil::Date;
use protocol::catalog::{Branch, Slot, Times};

use super::{Catalog, Meter, Res, days::MasterDay, fetching, slots};
use crate::booking::{
    cache::{self, Hit},
    upstream::{SiteUpstream, UpstreamError},
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
pub(super) fn worst(a: Hit, b: Hit) -> Hit {
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

    /// Fetches ahead the day answers a visitor who sees these dates will need, until
    /// [`AHEAD_DAYS`] of them have a start for the visit (a listed day can turn out to have
    /// none: the date lists are worked out from the masters' dates, [`lists`](super::lists)),
    /// so that the first days of the calendar are exact once asked again. The first [`SOON`]
    /// days as if the visitor asked (most pick one of them), the rest in the background, behind
    /// every call a visitor waits for; at most twice [`AHEAD_DAYS`] days.
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
            .take(2 * AHEAD_DAYS)
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
            let mut open = 0;
            for (i, date) in dates.into_iter().enumerate() {
                let day = this.fetch_day(&up, company, &fits, date);
                let has_start = if i < SOON {
                    day.await
                } else {
                    cache::in_background(day).await
                };
                open += usize::from(has_start);
                if open == AHEAD_DAYS {
                    break;
                }
            }
        });
    }

    /// The masters' day answers for `date` (nobody's lookup: not metered); whether one of them
    /// has a start for its master's visit (or cannot tell).
    pub(super) async fn fetch_day(
        &self,
        up: &Arc<SiteUpstream>,
        company: u64,
        fits: &[Fit],
        date: Date,
    ) -> bool {
        let mut any = false;
        for fit in fits {
            any |= match self
                .master_day(up, company, fit, date, Arc::new(Meter(None)))
                .await
            {
                Ok((day, _)) => match day.as_ref() {
                    Some(day) => day.starts_for(fit.length).is_none_or(|s| !s.is_empty()),
                    None => true,
                },
                Err(_) => true,
            };
        }
        any
    }

    /// Who can take `services` (`staff`, or every master who does them all, in the salon's
    /// order) and for how long; `None` when a length is unknown (asked exactly then).
    pub(super) async fn fits(
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
        // Every master's day at once: on a cold day the calls queue together for the budget,
        // not one after another.
        let days: Vec<_> = fits
            .iter()
            .map(|fit| {
                let (this, up, fit, meter) = (self.clone(), up.clone(), *fit, meter.clone());
                let company = branch.id;
                tokio::spawn(async move { this.master_day(&up, company, &fit, date, meter).await })
            })
            .collect();
        for (fit, day) in fits.iter().zip(days) {
            let (day, h) = day
                .await
                .map_err(|e| UpstreamError::Unavailable(e.to_string()))??;
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
        if self.known_off(up, company, staff, &date.to_string()).await {
            let off = MasterDay {
                probe: probe_len,
                starts: Vec::new(),
            };
            return Ok((Arc::new(Some(off)), Hit::Fresh));
        }
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
