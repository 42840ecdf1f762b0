//! SQL of call tracking: calls merged per PBX call id, the VoIP claims, the report reads and
//! erasure; the pool's leases and holds are in [`pool`].

mod pool;
mod records;
mod views;

pub use pool::{Leased, PoolUse};
pub use records::CallRecord;

use sqlx::Row;

use super::{ChannelRow, GroupBy, Store, TouchCols, TouchKind};
use crate::calls::{NumberKind, pbx::CallState};

/// A stored call.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRow {
    pub id: String,
    pub pbx_id: String,
    pub state: CallState,
    pub kind: NumberKind,
    pub vid: Option<String>,
    pub first: TouchCols,
    pub last: TouchCols,
    pub voip_event: Option<i64>,
    pub voip_history: Option<i64>,
    /// Calls from the same phone in the repeat window before this one (report reads only).
    pub earlier: i64,
}

/// How a new call was matched.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Matched {
    pub kind: Option<NumberKind>,
    pub vid: Option<String>,
    pub first: TouchCols,
    pub last: TouchCols,
}

const CALL_COLS: &str = "id, pbx_id, caller, called, sip, started, answered, finished, duration, status, \
    recording, kind, vid, first_channel, first_source, first_medium, first_campaign, last_channel, \
    last_source, last_medium, last_campaign, voip_event, voip_history";

fn touch(r: &sqlx::any::AnyRow, p: &str) -> Result<TouchCols, sqlx::Error> {
    Ok(TouchCols {
        channel: r.try_get(format!("{p}_channel").as_str())?,
        source: r.try_get(format!("{p}_source").as_str())?,
        medium: r.try_get(format!("{p}_medium").as_str())?,
        campaign: r.try_get(format!("{p}_campaign").as_str())?,
        json: None,
    })
}

fn call_row(r: &sqlx::any::AnyRow) -> Result<CallRow, sqlx::Error> {
    Ok(CallRow {
        id: r.try_get("id")?,
        pbx_id: r.try_get("pbx_id")?,
        state: CallState {
            caller: r.try_get("caller")?,
            called: r.try_get("called")?,
            sip: r.try_get("sip")?,
            started: r.try_get("started")?,
            answered: r.try_get("answered")?,
            finished: r.try_get("finished")?,
            duration: r.try_get("duration")?,
            status: super::parsed(r, "status")?,
            recording: r.try_get("recording")?,
        },
        kind: super::parsed(r, "kind")?,
        vid: r.try_get("vid")?,
        first: touch(r, "first")?,
        last: touch(r, "last")?,
        voip_event: r.try_get("voip_event")?,
        voip_history: r.try_get("voip_history")?,
        earlier: r
            .try_get::<Option<i64>, _>("earlier")
            .ok()
            .flatten()
            .unwrap_or(0),
    })
}

impl Store {
    /// A visitor's touch: the first session's (`first`) or the latest one started by `t`.
    pub async fn visitor_touch(
        &self,
        site: &str,
        vid: &str,
        t: i64,
        first: bool,
    ) -> Result<Option<TouchCols>, sqlx::Error> {
        let sql = if first {
            "SELECT channel, source, medium, campaign FROM sessions WHERE site = $1 AND vid = $2 AND started <= $3 ORDER BY started ASC LIMIT 1"
        } else {
            "SELECT channel, source, medium, campaign FROM sessions WHERE site = $1 AND vid = $2 AND started <= $3 ORDER BY started DESC LIMIT 1"
        };
        let row = sqlx::query(sql)
            .bind(site)
            .bind(vid)
            .bind(t)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(TouchCols {
                channel: r.try_get("channel")?,
                source: r.try_get("source")?,
                medium: r.try_get("medium")?,
                campaign: r.try_get("campaign")?,
                json: None,
            })
        })
        .transpose()
    }

    pub async fn call(&self, site: &str, pbx_id: &str) -> Result<Option<CallRow>, sqlx::Error> {
        let sql = format!("SELECT {CALL_COLS} FROM calls WHERE site = $1 AND pbx_id = $2");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(site)
            .bind(pbx_id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(call_row)
            .transpose()
    }

    /// Folds a notification into its call: `merge` gets the stored state (none for a new call)
    /// and returns the new one; `matched` is written for a new call (or one whose number was
    /// unknown until now). Returns the call as stored.
    pub async fn merge_call(
        &self,
        site: &str,
        pbx_id: &str,
        merge: impl Fn(Option<&CallState>) -> CallState,
        matched: &Matched,
        now: i64,
    ) -> Result<CallRow, sqlx::Error> {
        for _ in 0..4 {
            let mut tx = self.begin_write().await?;
            let sql = format!("SELECT {CALL_COLS} FROM calls WHERE site = $1 AND pbx_id = $2");
            let old = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(site)
                .bind(pbx_id)
                .fetch_optional(&mut *tx)
                .await?
                .as_ref()
                .map(call_row)
                .transpose()?;
            let s = merge(old.as_ref().map(|c| &c.state));
            let rematch = old
                .as_ref()
                .is_none_or(|o| o.state.called.is_empty() && matched.kind.is_some());
            let (id, done) = match &old {
                None => {
                    let id = crate::booking::book::new_id();
                    let n = sqlx::query("INSERT INTO calls (id, site, pbx_id, caller, called, started, status, kind, created, updated) VALUES ($1, $2, $3, '', '', 0, 'ringing', 'unknown', $4, $4) ON CONFLICT (site, pbx_id) DO NOTHING")
                        .bind(&id).bind(site).bind(pbx_id).bind(now)
                        .execute(&mut *tx).await?.rows_affected();
                    (id, n == 1)
                }
                Some(o) => (o.id.clone(), true),
            };
            if !done {
                tx.rollback().await?;
                continue;
            }
            sqlx::query("UPDATE calls SET caller = $1, called = $2, sip = $3, started = $4, answered = $5, finished = $6, duration = $7, status = $8, recording = $9, updated = $10 WHERE id = $11")
                .bind(&s.caller).bind(&s.called).bind(&s.sip).bind(s.started).bind(s.answered)
                .bind(s.finished).bind(s.duration).bind(s.status.as_str()).bind(&s.recording)
                .bind(now).bind(&id)
                .execute(&mut *tx).await?;
            if rematch {
                let kind = matched.kind.unwrap_or(NumberKind::Unknown);
                let (f, l) = (&matched.first, &matched.last);
                sqlx::query("UPDATE calls SET kind = $1, vid = $2, first_channel = $3, first_source = $4, first_medium = $5, first_campaign = $6, last_channel = $7, last_source = $8, last_medium = $9, last_campaign = $10 WHERE id = $11")
                    .bind(kind.as_str()).bind(&matched.vid)
                    .bind(&f.channel).bind(&f.source).bind(&f.medium).bind(&f.campaign)
                    .bind(&l.channel).bind(&l.source).bind(&l.medium).bind(&l.campaign)
                    .bind(&id)
                    .execute(&mut *tx).await?;
            }
            tx.commit().await?;
            return self
                .call(site, pbx_id)
                .await?
                .ok_or_else(|| sqlx::Error::RowNotFound);
        }
        Err(sqlx::Error::Protocol(
            "the call kept changing under us".into(),
        ))
    }

    /// Claims sending the popup (`event`) or the history of a call: true for the one caller
    /// whose update set it (every instance may try; one wins).
    pub async fn claim_voip(&self, id: &str, history: bool, now: i64) -> Result<bool, sqlx::Error> {
        let sql = if history {
            "UPDATE calls SET voip_history = $1 WHERE id = $2 AND voip_history IS NULL AND finished IS NOT NULL"
        } else {
            "UPDATE calls SET voip_event = $1 WHERE id = $2 AND voip_event IS NULL"
        };
        let n = sqlx::query(sql)
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(n.rows_affected() == 1)
    }

    /// What YCLIENTS answered when a VoIP request failed (no personal data).
    pub async fn voip_error(&self, id: &str, error: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE calls SET voip_error = $1 WHERE id = $2")
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Calls started in [from, to) counted by the touch's keys, like bookings.
    pub async fn channel_calls(
        &self,
        site: &str,
        from: i64,
        to: i64,
        touch: TouchKind,
        by: GroupBy,
    ) -> Result<Vec<ChannelRow>, sqlx::Error> {
        let keys = super::reports::touch_keys(touch, by);
        let sql = format!(
            "SELECT {}, COUNT(*) AS calls FROM calls WHERE site = $1 AND started >= $2 AND started < $3 {}",
            keys.select, keys.group
        );
        self.keyed_rows(sql, site, from, to, |r, key| {
            Ok(ChannelRow {
                calls: r.try_get("calls")?,
                ..key
            })
        })
        .await
    }

    /// Calls started in [from, to) (of one visitor, when given), newest first, each with the
    /// count of calls from the same phone in the `window_ms` before it.
    pub async fn calls_in(
        &self,
        site: &str,
        from: i64,
        to: i64,
        vid: Option<&str>,
        window_ms: i64,
        limit: i64,
    ) -> Result<Vec<CallRow>, sqlx::Error> {
        let cols = CALL_COLS
            .split(", ")
            .map(|c| format!("c.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let mut sql = format!(
            "SELECT {cols}, (SELECT COUNT(*) FROM calls p WHERE p.site = c.site AND p.caller = c.caller \
             AND p.caller <> '' AND p.started < c.started AND p.started >= c.started - $4) AS earlier \
             FROM calls c WHERE c.site = $1 AND c.started >= $2 AND c.started < $3"
        );
        if vid.is_some() {
            sql.push_str(" AND c.vid = $6");
        }
        sql.push_str(" ORDER BY c.started DESC LIMIT $5");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(site)
            .bind(from)
            .bind(to)
            .bind(window_ms)
            .bind(limit);
        if let Some(v) = vid {
            q = q.bind(v);
        }
        q.fetch_all(&self.pool)
            .await?
            .iter()
            .map(call_row)
            .collect()
    }
}

/// Erasure of a visitor: their calls lose the caller's phone, the extension and the recording
/// and pass to the fresh id `anon` (kind, time, duration and touch stay for the reports); their
/// holds of pool numbers pass to it too.
pub(super) async fn scrub_visitor_calls(
    tx: &mut super::sources::Tx,
    site: &str,
    vid: &str,
    anon: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE calls SET vid = $3, caller = '', sip = NULL, recording = NULL WHERE site = $1 AND vid = $2")
        .bind(site).bind(vid).bind(anon)
        .execute(&mut **tx).await?;
    for table in ["call_holds", "call_numbers"] {
        let sql = format!("UPDATE {table} SET vid = $3 WHERE site = $1 AND vid = $2");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(site)
            .bind(vid)
            .bind(anon)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Erasure of a client by phone (digits): the visitor ids their calls were matched to (erased
/// next by the caller) and how many calls from the phone lost it and their recording.
pub(super) async fn scrub_phone_calls(
    tx: &mut super::sources::Tx,
    site: &str,
    phone: &str,
) -> Result<(Vec<String>, u64), sqlx::Error> {
    let vids: Vec<Option<String>> =
        sqlx::query_scalar("SELECT DISTINCT vid FROM calls WHERE site = $1 AND caller = $2")
            .bind(site)
            .bind(phone)
            .fetch_all(&mut **tx)
            .await?;
    let n = sqlx::query("UPDATE calls SET caller = '', sip = NULL, recording = NULL WHERE site = $1 AND caller = $2")
        .bind(site).bind(phone)
        .execute(&mut **tx).await?.rows_affected();
    records::scrub_phone_records(tx, site, phone).await?;
    Ok((vids.into_iter().flatten().collect(), n))
}
