//! Reads for the reports: leads (bookings with their touches and outcomes), a visitor's
//! sessions and events, and channel aggregates. Column names in generated SQL come only from
//! the enums here, never from input; every value is bound.

use sqlx::Row;

use crate::booking::status::{BookingStatus, Outcome};

use super::Store;

/// Which touch a report attributes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TouchKind {
    First,
    #[default]
    Last,
}

impl TouchKind {
    fn prefix(self) -> &'static str {
        match self {
            TouchKind::First => "first",
            TouchKind::Last => "last",
        }
    }
}

/// What channel rows are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GroupBy {
    Source,
    Medium,
    Campaign,
    /// The channel (organic or paid search, email, …): its name in the `source` key.
    Channel,
    /// Source, medium and campaign together.
    #[default]
    All,
}

#[derive(Debug, Clone, Default)]
pub struct LeadQuery {
    pub site: String,
    /// Created within [from, to) (ms).
    pub from: i64,
    pub to: i64,
    pub branch: Option<i64>,
    /// Source label of `touch`: the source, or `(channel)` when it has none.
    pub source: Option<String>,
    pub touch: TouchKind,
    pub vid: Option<String>,
    pub limit: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TouchCols {
    pub channel: Option<String>,
    pub source: Option<String>,
    pub medium: Option<String>,
    pub campaign: Option<String>,
    /// The whole touch as JSON (landing page, referrer, …).
    pub json: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeadRow {
    pub id: String,
    pub created: i64,
    pub datetime: String,
    pub visit_at: Option<String>,
    pub vid: Option<String>,
    pub state: BookingStatus,
    pub outcome: Option<Outcome>,
    pub company_id: i64,
    pub result: Option<String>,
    pub staff_name: Option<String>,
    pub service_titles: Option<String>,
    pub first: TouchCols,
    pub last: TouchCols,
    pub price_min: f64,
    pub price_max: f64,
    pub cost: Option<f64>,
    pub paid: f64,
    pub paid_full: bool,
    pub erased: bool,
    /// A group event sign-up's activity id.
    pub activity_id: Option<i64>,
    pub seats: i64,
}

const LEAD_COLS: &str = "id, created, datetime, visit_at, vid, state, outcome, company_id, result, staff_name, service_titles, \
    first_channel, first_source, first_medium, first_campaign, first_touch, last_channel, last_source, last_medium, last_campaign, last_touch, \
    price_min, price_max, cost, paid, paid_full, erased, activity_id, seats";

fn touch_cols(row: &sqlx::any::AnyRow, p: &str) -> Result<TouchCols, sqlx::Error> {
    Ok(TouchCols {
        channel: row.try_get(format!("{p}_channel").as_str())?,
        source: row.try_get(format!("{p}_source").as_str())?,
        medium: row.try_get(format!("{p}_medium").as_str())?,
        campaign: row.try_get(format!("{p}_campaign").as_str())?,
        json: row.try_get(format!("{p}_touch").as_str())?,
    })
}

fn lead_row(row: &sqlx::any::AnyRow) -> Result<LeadRow, sqlx::Error> {
    Ok(LeadRow {
        id: row.try_get("id")?,
        created: row.try_get("created")?,
        datetime: row.try_get("datetime")?,
        visit_at: row.try_get("visit_at")?,
        vid: row.try_get("vid")?,
        state: super::parsed(row, "state")?,
        outcome: super::parsed_opt(row, "outcome")?,
        company_id: row.try_get("company_id")?,
        result: row.try_get("result")?,
        staff_name: row.try_get("staff_name")?,
        service_titles: row.try_get("service_titles")?,
        first: touch_cols(row, "first")?,
        last: touch_cols(row, "last")?,
        price_min: row.try_get("price_min")?,
        price_max: row.try_get("price_max")?,
        cost: row.try_get("cost")?,
        paid: row.try_get("paid")?,
        paid_full: row.try_get::<i64, _>("paid_full")? != 0,
        erased: row.try_get::<Option<i64>, _>("erased")?.is_some(),
        activity_id: row.try_get("activity_id")?,
        seats: row.try_get("seats")?,
    })
}

/// The source label of a touch in SQL: the source, else `(channel)`.
fn source_sql(source: &str, channel: &str) -> String {
    format!("COALESCE({source}, '(' || COALESCE({channel}, 'direct') || ')')")
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionRow {
    pub sid: String,
    pub started: i64,
    pub last_seen: i64,
    pub channel: String,
    pub source: Option<String>,
    pub medium: Option<String>,
    pub campaign: Option<String>,
    pub content: Option<String>,
    pub term: Option<String>,
    pub referrer: Option<String>,
    pub landing: Option<String>,
    pub click_id: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventRow {
    pub sid: String,
    pub ts: i64,
    pub kind: String,
    pub path: String,
    pub title: Option<String>,
    pub name: Option<String>,
    pub props: Option<String>,
}

/// One row of the channel report, before rates are worked out.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct ChannelRow {
    pub source: String,
    pub medium: String,
    pub campaign: String,
    pub visitors: i64,
    pub sessions: i64,
    pub bookings: i64,
    pub came: i64,
    pub paid: i64,
    pub revenue: f64,
    /// Of the bookings, group event sign-ups, and the seats they took.
    pub signups: i64,
    pub signup_seats: i64,
    /// Calls attributed to the line (call tracking).
    pub calls: i64,
    /// Visits the salon booked in YCLIENTS for the line's callers (`came`, `paid` and
    /// `revenue` include theirs), and the revenue of those visits.
    pub call_visits: i64,
    pub call_revenue: f64,
}

impl Store {
    /// Bookings (not failed ones) matching the query, newest first.
    pub async fn leads(&self, q: &LeadQuery) -> Result<Vec<LeadRow>, sqlx::Error> {
        let p = q.touch.prefix();
        let mut sql = format!(
            "SELECT {LEAD_COLS} FROM bookings WHERE site = $1 AND state <> 'failed' AND created >= $2 AND created < $3"
        );
        let mut n = 3;
        let mut next = || {
            n += 1;
            n
        };
        if q.branch.is_some() {
            sql.push_str(&format!(" AND company_id = ${}", next()));
        }
        if q.source.is_some() {
            sql.push_str(&format!(
                " AND {} = ${}",
                source_sql(&format!("{p}_source"), &format!("{p}_channel")),
                next()
            ));
        }
        if q.vid.is_some() {
            sql.push_str(&format!(" AND vid = ${}", next()));
        }
        sql.push_str(&format!(" ORDER BY created DESC LIMIT ${}", next()));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(q.site.clone())
            .bind(q.from)
            .bind(q.to);
        if let Some(b) = q.branch {
            query = query.bind(b);
        }
        if let Some(s) = &q.source {
            query = query.bind(s.clone());
        }
        if let Some(v) = &q.vid {
            query = query.bind(v.clone());
        }
        let rows = query.bind(q.limit).fetch_all(&self.pool).await?;
        rows.iter().map(lead_row).collect()
    }

    /// The first and last time a visitor was seen.
    pub async fn visitor_seen(
        &self,
        site: &str,
        vid: &str,
    ) -> Result<Option<(i64, i64)>, sqlx::Error> {
        let row =
            sqlx::query("SELECT first_seen, last_seen FROM visitors WHERE site = $1 AND vid = $2")
                .bind(site)
                .bind(vid)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| Ok((r.try_get("first_seen")?, r.try_get("last_seen")?)))
            .transpose()
    }

    pub async fn visitor_sessions(
        &self,
        site: &str,
        vid: &str,
    ) -> Result<Vec<SessionRow>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT sid, started, last_seen, channel, source, medium, campaign, content, term, referrer, landing, yclid, gclid, fbclid \
             FROM sessions WHERE site = $1 AND vid = $2 ORDER BY started, sid",
        )
        .bind(site)
        .bind(vid)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let click = |c: &str| r.try_get::<Option<String>, _>(c).map(|v| v.is_some());
                Ok(SessionRow {
                    sid: r.try_get("sid")?,
                    started: r.try_get("started")?,
                    last_seen: r.try_get("last_seen")?,
                    channel: r.try_get("channel")?,
                    source: r.try_get("source")?,
                    medium: r.try_get("medium")?,
                    campaign: r.try_get("campaign")?,
                    content: r.try_get("content")?,
                    term: r.try_get("term")?,
                    referrer: r.try_get("referrer")?,
                    landing: r.try_get("landing")?,
                    click_id: click("yclid")? || click("gclid")? || click("fbclid")?,
                })
            })
            .collect()
    }

    /// A visitor's events in order (at most `limit`).
    pub async fn visitor_events(
        &self,
        site: &str,
        vid: &str,
        limit: i64,
    ) -> Result<Vec<EventRow>, sqlx::Error> {
        let rows = sqlx::query("SELECT sid, ts, kind, path, title, name, props FROM events WHERE site = $1 AND vid = $2 ORDER BY ts, id LIMIT $3")
            .bind(site)
            .bind(vid)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(EventRow {
                    sid: r.try_get("sid")?,
                    ts: r.try_get("ts")?,
                    kind: r.try_get("kind")?,
                    path: r.try_get("path")?,
                    title: r.try_get("title")?,
                    name: r.try_get("name")?,
                    props: r.try_get("props")?,
                })
            })
            .collect()
    }

    /// Visitors and sessions per channel key, for sessions started within [from, to). First
    /// touch: each session counts under its visitor's first session's touch.
    pub async fn channel_sessions(
        &self,
        site: &str,
        from: i64,
        to: i64,
        touch: TouchKind,
        by: GroupBy,
    ) -> Result<Vec<ChannelRow>, sqlx::Error> {
        let (t, join) = match touch {
            TouchKind::Last => ("s", ""),
            TouchKind::First => (
                "f",
                " JOIN sessions f ON f.site = s.site AND f.sid = \
                 (SELECT m.sid FROM sessions m WHERE m.site = s.site AND m.vid = s.vid ORDER BY m.started, m.sid LIMIT 1)",
            ),
        };
        let keys = key_exprs(
            by,
            &source_sql(&format!("{t}.source"), &format!("{t}.channel")),
            &format!("{t}.medium"),
            &format!("{t}.campaign"),
            &format!("{t}.channel"),
        );
        let sql = format!(
            "SELECT {}, COUNT(DISTINCT s.vid) AS visitors, COUNT(*) AS sessions FROM sessions s{join} \
             WHERE s.site = $1 AND s.started >= $2 AND s.started < $3 {}",
            keys.select, keys.group
        );
        self.keyed_rows(sql, site, from, to, |r, key| {
            Ok(ChannelRow {
                visitors: r.try_get("visitors")?,
                sessions: r.try_get("sessions")?,
                ..key
            })
        })
        .await
    }

    /// Bookings, visits made, paid bookings and revenue per channel key of the bookings' touch.
    pub async fn channel_bookings(
        &self,
        site: &str,
        from: i64,
        to: i64,
        touch: TouchKind,
        by: GroupBy,
    ) -> Result<Vec<ChannelRow>, sqlx::Error> {
        let keys = touch_keys(touch, by);
        let sql = format!(
            "SELECT {}, COUNT(*) AS bookings, SUM(CASE WHEN outcome = 'came' OR paid > 0 THEN 1 ELSE 0 END) AS came, \
             SUM(CASE WHEN paid > 0 THEN 1 ELSE 0 END) AS paid_count, SUM(paid) AS revenue, \
             SUM(CASE WHEN activity_id IS NOT NULL THEN 1 ELSE 0 END) AS signups, \
             CAST(SUM(CASE WHEN activity_id IS NOT NULL THEN seats ELSE 0 END) AS BIGINT) AS signup_seats \
             FROM bookings WHERE site = $1 AND state <> 'failed' AND created >= $2 AND created < $3 {}",
            keys.select, keys.group
        );
        self.keyed_rows(sql, site, from, to, |r, key| {
            Ok(ChannelRow {
                bookings: r.try_get("bookings")?,
                came: r.try_get("came")?,
                paid: r.try_get("paid_count")?,
                revenue: r.try_get::<Option<f64>, _>("revenue")?.unwrap_or(0.0),
                signups: r.try_get::<Option<i64>, _>("signups")?.unwrap_or(0),
                signup_seats: r.try_get::<Option<i64>, _>("signup_seats")?.unwrap_or(0),
                ..key
            })
        })
        .await
    }

    /// Runs a channel query on (site, from, to) and fills each keyed row.
    pub(super) async fn keyed_rows(
        &self,
        sql: String,
        site: &str,
        from: i64,
        to: i64,
        fill: impl Fn(&sqlx::any::AnyRow, ChannelRow) -> Result<ChannelRow, sqlx::Error>,
    ) -> Result<Vec<ChannelRow>, sqlx::Error> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(site)
            .bind(from)
            .bind(to)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| fill(r, key_of(r)?)).collect()
    }

    /// Distinct visitors and sessions started within [from, to).
    pub async fn visit_totals(
        &self,
        site: &str,
        from: i64,
        to: i64,
    ) -> Result<(i64, i64), sqlx::Error> {
        let row = sqlx::query("SELECT COUNT(DISTINCT vid) AS visitors, COUNT(*) AS sessions FROM sessions WHERE site = $1 AND started >= $2 AND started < $3")
            .bind(site)
            .bind(from)
            .bind(to)
            .fetch_one(&self.pool)
            .await?;
        Ok((row.try_get("visitors")?, row.try_get("sessions")?))
    }

    /// Sessions in [from, to) in which the widget was opened.
    pub async fn widget_sessions(
        &self,
        site: &str,
        from: i64,
        to: i64,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(DISTINCT sid) FROM events WHERE site = $1 AND kind = 'widget_open' AND ts >= $2 AND ts < $3")
            .bind(site)
            .bind(from)
            .bind(to)
            .fetch_one(&self.pool)
            .await
    }
}

pub(super) struct Keys {
    pub(super) select: String,
    pub(super) group: String,
}

/// The channel keys of a row's first or last touch columns (bookings, calls).
pub(super) fn touch_keys(touch: TouchKind, by: GroupBy) -> Keys {
    let p = touch.prefix();
    key_exprs(
        by,
        &source_sql(&format!("{p}_source"), &format!("{p}_channel")),
        &format!("{p}_medium"),
        &format!("{p}_campaign"),
        &format!("{p}_channel"),
    )
}

fn key_exprs(by: GroupBy, source: &str, medium: &str, campaign: &str, channel: &str) -> Keys {
    if by == GroupBy::Channel {
        let channel = format!("COALESCE({channel}, 'direct')");
        return Keys {
            select: format!("{channel} AS k_source, '' AS k_medium, '' AS k_campaign"),
            group: format!("GROUP BY {channel}"),
        };
    }
    let medium = format!("COALESCE({medium}, '')");
    let campaign = format!("COALESCE({campaign}, '')");
    let pick = |on: bool, e: &str| if on { e.to_owned() } else { "''".to_owned() };
    let (s, m, c) = match by {
        GroupBy::Source => (true, false, false),
        GroupBy::Medium => (false, true, false),
        GroupBy::Campaign => (false, false, true),
        GroupBy::All | GroupBy::Channel => (true, true, true),
    };
    let grouped: Vec<&str> = [(s, source), (m, medium.as_str()), (c, campaign.as_str())]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, e)| e)
        .collect();
    Keys {
        select: format!(
            "{} AS k_source, {} AS k_medium, {} AS k_campaign",
            pick(s, source),
            pick(m, &medium),
            pick(c, &campaign)
        ),
        group: format!("GROUP BY {}", grouped.join(", ")),
    }
}

fn key_of(r: &sqlx::any::AnyRow) -> Result<ChannelRow, sqlx::Error> {
    Ok(ChannelRow {
        source: r.try_get("k_source")?,
        medium: r.try_get("k_medium")?,
        campaign: r.try_get("k_campaign")?,
        ..ChannelRow::default()
    })
}
