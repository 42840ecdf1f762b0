//! Leads («Заявки»): each booking with its time, visitor, first and last touch, landing page,
//! services, master, branch, planned sum, state and paid sum.

use std::collections::BTreeMap;

use jiff::tz::TimeZone;
use serde::Serialize;

use super::{Filters, TouchView, local_time, zone};
use crate::{
    app::AppState,
    booking::status::LeadState,
    config::SiteSettings,
    error::ApiError,
    store::{LeadQuery, LeadRow, TouchCols},
};

/// A column the leads can be ordered by (`?sort=paid`, `?sort=-paid` for descending).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Created,
    Visit,
    State,
    Paid,
    Planned,
    Services,
    Master,
    Branch,
}

impl SortKey {
    pub const ALL: [SortKey; 8] = [
        SortKey::Created,
        SortKey::Visit,
        SortKey::State,
        SortKey::Paid,
        SortKey::Planned,
        SortKey::Services,
        SortKey::Master,
        SortKey::Branch,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            SortKey::Created => "created",
            SortKey::Visit => "visit",
            SortKey::State => "state",
            SortKey::Paid => "paid",
            SortKey::Planned => "planned",
            SortKey::Services => "services",
            SortKey::Master => "master",
            SortKey::Branch => "branch",
        }
    }
}

/// The leads' order: newest first unless the owner asked otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub desc: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            key: SortKey::Created,
            desc: true,
        }
    }
}

impl std::fmt::Display for Sort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}{}",
            if self.desc { "-" } else { "" },
            self.key.as_str()
        )
    }
}

impl Sort {
    /// `paid`, `-paid`; empty: the default.
    pub fn parse(s: &str) -> Result<Sort, ApiError> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(Sort::default());
        }
        let (desc, name) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        SortKey::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .map(|key| Sort { key, desc })
            .ok_or_else(|| {
                ApiError::invalid(
                    "sort",
                    "sort: created, visit, state, paid, planned, services, master или branch.",
                    "sort is created, visit, state, paid, planned, services, master or branch.",
                )
            })
    }

    /// Orders `rows` (stable: equal rows keep the newest-first order of the store).
    pub fn apply(self, rows: &mut [Lead]) {
        use std::cmp::Ordering;
        let by: fn(&Lead, &Lead) -> Ordering = match self.key {
            SortKey::Created => |a, b| a.created_ms.cmp(&b.created_ms),
            SortKey::Visit => |a, b| a.visit.cmp(&b.visit),
            SortKey::State => |a, b| a.state.as_str().cmp(b.state.as_str()),
            SortKey::Paid => |a, b| a.paid.total_cmp(&b.paid),
            SortKey::Planned => |a, b| a.planned_max.total_cmp(&b.planned_max),
            SortKey::Services => |a, b| a.services.cmp(&b.services),
            SortKey::Master => |a, b| a.master.cmp(&b.master),
            SortKey::Branch => |a, b| a.branch.cmp(&b.branch),
        };
        if self.desc {
            rows.sort_by(|a, b| by(b, a));
        } else {
            rows.sort_by(by);
        }
    }
}

/// At most this many rows per report (and per CSV export).
pub const MAX_ROWS: i64 = 5000;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lead {
    pub id: String,
    /// A call's details (kind `call`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call: Option<super::calls::CallLead>,
    /// When the booking was made, in the site's zone.
    pub created: String,
    /// The same moment in ms (for ordering).
    #[serde(skip)]
    pub created_ms: i64,
    /// The visit time YCLIENTS has now (after a reschedule, the new one).
    pub visit: String,
    pub vid: Option<String>,
    pub first: TouchView,
    pub last: TouchView,
    pub landing: Option<String>,
    pub services: Vec<String>,
    pub master: String,
    pub branch_id: u64,
    pub branch: String,
    pub planned_min: f64,
    pub planned_max: f64,
    /// pending, unknown (being checked), or upcoming, came, no_show, cancelled_client,
    /// cancelled_salon, rescheduled.
    pub state: LeadState,
    pub paid: f64,
    pub paid_full: bool,
    /// Personal data erased (the row stays for the totals).
    pub erased: bool,
    /// `booking`, `event_signup` or `call`.
    pub kind: crate::events::LeadKind,
    /// Seats taken (1 for a booking).
    pub seats: u32,
}

pub(super) fn touch(t: &TouchCols) -> TouchView {
    TouchView::new(
        t.channel.as_deref(),
        t.source.as_deref(),
        t.medium.as_deref(),
        t.campaign.as_deref(),
    )
}

fn landing(t: &TouchCols) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(t.json.as_deref()?).ok()?;
    v.get("landing")?.as_str().map(str::to_owned)
}

impl Lead {
    pub fn from_row(r: LeadRow, tz: &TimeZone, branches: &BTreeMap<u64, String>) -> Lead {
        let result: serde_json::Value = r
            .result
            .as_deref()
            .and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default();
        let text = |k: &str| {
            result
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_owned()
        };
        let services = r
            .service_titles
            .as_deref()
            .and_then(|j| serde_json::from_str::<Vec<String>>(j).ok())
            .or_else(|| serde_json::from_value(result.get("services")?.clone()).ok())
            .unwrap_or_default();
        let branch_id = r.company_id as u64;
        let branch = branches
            .get(&branch_id)
            .cloned()
            .filter(|b| !b.is_empty())
            .unwrap_or_else(|| {
                let t = text("branch");
                if t.is_empty() {
                    branch_id.to_string()
                } else {
                    t
                }
            });
        let state = LeadState::of(r.state, r.outcome);
        let (planned_min, planned_max) = match r.cost {
            Some(c) if c > 0.0 => (c, c),
            _ => (r.price_min, r.price_max),
        };
        Lead {
            call: None,
            created: local_time(r.created, tz),
            created_ms: r.created,
            visit: r.visit_at.clone().unwrap_or_else(|| r.datetime.clone()),
            first: touch(&r.first),
            last: touch(&r.last),
            landing: landing(&r.last).or_else(|| landing(&r.first)),
            services,
            master: r
                .staff_name
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| text("staff")),
            branch_id,
            branch,
            planned_min,
            planned_max,
            state,
            paid: r.paid,
            paid_full: r.paid_full,
            erased: r.erased,
            kind: crate::events::LeadKind::of(r.activity_id),
            seats: u32::try_from(r.seats).unwrap_or(1),
            vid: r.vid,
            id: r.id,
        }
    }
}

impl Lead {
    /// The services, or "event sign-up (N seats): title" for a sign-up.
    pub fn what(&self, ru: bool) -> String {
        crate::events::describe(self.kind, self.seats, &self.services, ru)
    }
}

/// Branch titles of a site, from the catalog (cached); empty when YCLIENTS is unreachable.
pub async fn branch_titles(app: &AppState, site: &SiteSettings) -> BTreeMap<u64, String> {
    let Ok(up) = app.upstreams.get(&site.key) else {
        return BTreeMap::new();
    };
    let fetch = app.catalog.branches(&up);
    match tokio::time::timeout(std::time::Duration::from_secs(3), fetch).await {
        Ok(Ok(list)) => list.iter().map(|b| (b.id, b.title.clone())).collect(),
        _ => BTreeMap::new(),
    }
}

/// The leads matching the filters, newest first.
pub async fn leads(
    app: &AppState,
    site: &SiteSettings,
    f: &Filters,
) -> Result<Vec<Lead>, ApiError> {
    let q = LeadQuery {
        site: site.key.clone(),
        from: f.from_ms,
        to: f.to_ms,
        branch: f.branch.map(|b| b as i64),
        source: f.source.clone(),
        touch: f.touch,
        vid: None,
        limit: MAX_ROWS,
    };
    let rows = app.store.leads(&q).await.map_err(ApiError::unavailable)?;
    let branches = branch_titles(app, site).await;
    let tz = zone(site);
    let mut leads: Vec<Lead> = rows
        .into_iter()
        .map(|r| Lead::from_row(r, &tz, &branches))
        .collect();
    leads.extend(super::calls::call_leads(app, site, f, None).await?);
    f.sort.apply(&mut leads);
    Ok(leads)
}
