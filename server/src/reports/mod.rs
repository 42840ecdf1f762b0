//! The owner's reports, as data: leads («Заявки»), the visitor card and channels. The JSON API
//! (`http`) and the dashboard's pages both render these.

pub mod calls;
pub mod channels;
pub mod csv;
pub mod erase;
pub mod http;
pub mod leads;
pub mod overview;
pub mod visitor;

use jiff::{Timestamp, civil::Date, tz::TimeZone};
use serde::{Deserialize, Serialize};

use crate::{
    config::SiteSettings,
    error::{ApiError, bad_json},
    store::{GroupBy, TouchKind},
};

/// Report filters as they arrive in a query string (an HTML form sends empty fields).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Params {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub branch: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub touch: Option<String>,
    #[serde(default)]
    pub by: Option<String>,
    /// The leads' order: a column (`leads::SortKey`), `-` in front for descending.
    #[serde(default)]
    pub sort: Option<String>,
}

/// Parsed filters.
#[derive(Debug, Clone, PartialEq)]
pub struct Filters {
    pub from: Date,
    pub to: Date,
    /// [from 00:00, to+1 00:00) in the site's zone, ms.
    pub from_ms: i64,
    pub to_ms: i64,
    pub branch: Option<u64>,
    pub source: Option<String>,
    pub touch: TouchKind,
    pub by: GroupBy,
    pub sort: leads::Sort,
}

/// The default period: the last 30 days.
const DEFAULT_DAYS: i64 = 29;

impl Params {
    pub fn parse_query(raw: Option<&str>) -> Result<Params, ApiError> {
        serde_urlencoded::from_str(raw.unwrap_or("")).map_err(bad_json)
    }

    pub fn filters(&self, site: &SiteSettings) -> Result<Filters, ApiError> {
        let tz = zone(site);
        let today = Timestamp::now().to_zoned_datetime(tz.clone()).date();
        let date = |v: &Option<String>, field: &'static str| -> Result<Option<Date>, ApiError> {
            match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => s.parse().map(Some).map_err(|_| {
                    ApiError::invalid(
                        field,
                        "Дата должна быть в виде ГГГГ-ММ-ДД.",
                        "Dates are YYYY-MM-DD.",
                    )
                }),
            }
        };
        let to = date(&self.to, "to")?.unwrap_or(today);
        let from = date(&self.from, "from")?.unwrap_or_else(|| {
            to.checked_sub(jiff::Span::new().days(DEFAULT_DAYS))
                .unwrap_or(to)
        });
        if from > to {
            return Err(ApiError::invalid(
                "from",
                "Начало периода позже конца.",
                "The period starts after it ends.",
            ));
        }
        let start = |d: Date| day_start(d, &tz);
        let branch = match self
            .branch
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(b) => Some(b.parse().map_err(|_| {
                ApiError::invalid("branch", "Неизвестный филиал.", "Unknown branch.")
            })?),
        };
        let touch = match self.touch.as_deref().unwrap_or("") {
            "first" => TouchKind::First,
            "" | "last" => TouchKind::Last,
            _ => {
                return Err(ApiError::invalid(
                    "touch",
                    "touch: first или last.",
                    "touch is first or last.",
                ));
            }
        };
        let by = match self.by.as_deref().unwrap_or("") {
            "source" => GroupBy::Source,
            "medium" => GroupBy::Medium,
            "campaign" => GroupBy::Campaign,
            "channel" => GroupBy::Channel,
            "" | "all" => GroupBy::All,
            _ => {
                return Err(ApiError::invalid(
                    "by",
                    "by: source, medium, campaign или all.",
                    "by is source, medium, campaign or all.",
                ));
            }
        };
        let sort = leads::Sort::parse(self.sort.as_deref().unwrap_or(""))?;
        Ok(Filters {
            sort,
            from,
            to,
            from_ms: start(from),
            to_ms: start(to.tomorrow().unwrap_or(to)),
            branch,
            source: self
                .source
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            touch,
            by,
        })
    }
}

impl Filters {
    /// The filters as a query string (links, the CSV export).
    pub fn query(&self) -> String {
        let mut pairs = vec![("from", self.from.to_string()), ("to", self.to.to_string())];
        if let Some(b) = self.branch {
            pairs.push(("branch", b.to_string()));
        }
        if let Some(s) = &self.source {
            pairs.push(("source", s.clone()));
        }
        pairs.push(("touch", touch_name(self.touch).into()));
        pairs.push(("by", by_name(self.by).into()));
        if self.sort != leads::Sort::default() {
            pairs.push(("sort", self.sort.to_string()));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

pub fn touch_name(t: TouchKind) -> &'static str {
    match t {
        TouchKind::First => "first",
        TouchKind::Last => "last",
    }
}

pub fn by_name(b: GroupBy) -> &'static str {
    match b {
        GroupBy::Source => "source",
        GroupBy::Medium => "medium",
        GroupBy::Campaign => "campaign",
        GroupBy::Channel => "channel",
        GroupBy::All => "all",
    }
}

/// The site's report zone (validated at load).
pub fn zone(site: &SiteSettings) -> TimeZone {
    site.timezone.clone()
}

/// The first millisecond of day `d` in `tz`.
pub fn day_start(d: Date, tz: &TimeZone) -> i64 {
    d.to_zoned_datetime(tz.clone())
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(0)
}

/// `2025-07-13 12:10` in `tz`.
pub fn local_time(ms: i64, tz: &TimeZone) -> String {
    Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned_datetime(tz.clone())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// A touch as reports show it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TouchView {
    pub channel: String,
    /// The source, or `(channel)` when it has none.
    pub source: String,
    pub medium: String,
    pub campaign: String,
}

impl TouchView {
    pub fn new(
        channel: Option<&str>,
        source: Option<&str>,
        medium: Option<&str>,
        campaign: Option<&str>,
    ) -> Self {
        let channel = channel.unwrap_or("direct").to_owned();
        TouchView {
            source: source.map_or_else(|| format!("({channel})"), str::to_owned),
            channel,
            medium: medium.unwrap_or("").to_owned(),
            campaign: campaign.unwrap_or("").to_owned(),
        }
    }
}
