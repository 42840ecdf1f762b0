//! SQL of what followed a call ([`crate::calls::followed`]): the salon's records joined to the
//! call of their client's phone, kept as YCLIENTS last showed them, and their revenue by the
//! call's touch for the channels report.

use sqlx::Row;

use crate::store::{ChannelRow, GroupBy, Store, TouchKind};

/// A record joined to a call, as stored (`call_records`).
#[derive(Debug, Clone, PartialEq)]
pub struct CallRecord {
    pub record_id: i64,
    pub company_id: i64,
    /// zapis' id of the call (`calls.id`).
    pub call_id: String,
    /// The client's phone, digits.
    pub phone: String,
    /// When the record was made in YCLIENTS, ms.
    pub created: i64,
    /// The visit's start as YCLIENTS writes it (`2026-12-12T12:00:00+03:00`).
    pub visit_at: String,
    pub amount: f64,
    pub paid: f64,
    pub state: crate::calls::followed::FollowState,
    /// YCLIENTS' last change of the record, ms (older reads never overwrite newer ones).
    pub changed: i64,
}

const COLS: &str =
    "record_id, company_id, call_id, phone, created, visit_at, amount, paid, state, changed";

fn row(r: &sqlx::any::AnyRow) -> Result<CallRecord, sqlx::Error> {
    Ok(CallRecord {
        record_id: r.try_get("record_id")?,
        company_id: r.try_get("company_id")?,
        call_id: r.try_get("call_id")?,
        phone: r.try_get("phone")?,
        created: r.try_get("created")?,
        visit_at: r.try_get("visit_at")?,
        amount: r.try_get("amount")?,
        paid: r.try_get("paid")?,
        state: crate::store::parsed(r, "state")?,
        changed: r.try_get("changed")?,
    })
}

impl Store {
    /// The record if it is kept as a call's follow-up.
    pub async fn call_record(
        &self,
        site: &str,
        record_id: i64,
    ) -> Result<Option<CallRecord>, sqlx::Error> {
        let sql = format!("SELECT {COLS} FROM call_records WHERE site = $1 AND record_id = $2");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(site)
            .bind(record_id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(row)
            .transpose()
    }

    /// The id of the last call from `phone` (digits) that started in [`before` − `window_ms`,
    /// `before`]: the call a record made at `before` follows.
    pub async fn last_call_from(
        &self,
        site: &str,
        phone: &str,
        before: i64,
        window_ms: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT id FROM calls WHERE site = $1 AND caller = $2 AND caller <> '' \
             AND started <= $3 AND started >= $4 ORDER BY started DESC, id DESC LIMIT 1",
        )
        .bind(site)
        .bind(phone)
        .bind(before)
        .bind(before.saturating_sub(window_ms))
        .fetch_optional(&self.pool)
        .await
    }

    /// Keeps `r` as YCLIENTS showed it: inserted once per record, then updated only by a read
    /// at least as new (a late read-back of an older state changes nothing). The call it joins
    /// stays the one it first joined. True when stored.
    pub async fn keep_call_record(
        &self,
        site: &str,
        r: &CallRecord,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let n = sqlx::query(
            "INSERT INTO call_records (site, record_id, company_id, call_id, phone, created, visit_at, amount, paid, state, changed, updated) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (site, record_id) DO UPDATE SET visit_at = excluded.visit_at, amount = excluded.amount, \
             paid = excluded.paid, state = excluded.state, changed = excluded.changed, updated = excluded.updated \
             WHERE call_records.changed <= excluded.changed",
        )
        .bind(site)
        .bind(r.record_id)
        .bind(r.company_id)
        .bind(&r.call_id)
        .bind(&r.phone)
        .bind(r.created)
        .bind(&r.visit_at)
        .bind(r.amount)
        .bind(r.paid)
        .bind(r.state.as_str())
        .bind(r.changed)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(n.rows_affected() == 1)
    }

    /// The records that followed these calls (ids of `calls`), oldest visit first.
    pub async fn records_of_calls(
        &self,
        site: &str,
        call_ids: &[String],
    ) -> Result<Vec<CallRecord>, sqlx::Error> {
        let mut out = Vec::new();
        // Bound in chunks: one placeholder per id.
        for chunk in call_ids.chunks(500) {
            let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT {COLS} FROM call_records WHERE site = $1 AND call_id IN ({}) ORDER BY created, record_id",
                marks.join(", ")
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(site);
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(&self.pool).await? {
                out.push(row(&r)?);
            }
        }
        Ok(out)
    }

    /// Visits booked after calls started in [from, to), those made, those paid and the revenue,
    /// by the call's touch keys (cancelled records count nowhere).
    pub async fn channel_call_records(
        &self,
        site: &str,
        from: i64,
        to: i64,
        touch: TouchKind,
        by: GroupBy,
    ) -> Result<Vec<ChannelRow>, sqlx::Error> {
        let keys = crate::store::reports::touch_keys(touch, by);
        let sql = format!(
            "SELECT {}, COUNT(*) AS visits, SUM(CASE WHEN r.state IN ('came', 'paid') OR r.paid > 0 THEN 1 ELSE 0 END) AS came, \
             SUM(CASE WHEN r.paid > 0 THEN 1 ELSE 0 END) AS paid_count, SUM(r.paid) AS revenue \
             FROM call_records r JOIN calls ON calls.id = r.call_id \
             WHERE calls.site = $1 AND calls.started >= $2 AND calls.started < $3 AND r.state <> 'cancelled' {}",
            keys.select, keys.group
        );
        self.keyed_rows(sql, site, from, to, |r, key| {
            Ok(ChannelRow {
                call_visits: r.try_get("visits")?,
                came: r.try_get::<Option<i64>, _>("came")?.unwrap_or(0),
                paid: r.try_get::<Option<i64>, _>("paid_count")?.unwrap_or(0),
                revenue: r.try_get::<Option<f64>, _>("revenue")?.unwrap_or(0.0),
                call_revenue: r.try_get::<Option<f64>, _>("revenue")?.unwrap_or(0.0),
                ..key
            })
        })
        .await
    }
}

/// Erasure of a client by phone: their records keep their sums for the reports, not the phone.
pub(super) async fn scrub_phone_records(
    tx: &mut crate::store::sources::Tx,
    site: &str,
    phone: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE call_records SET phone = '' WHERE site = $1 AND phone = $2")
        .bind(site)
        .bind(phone)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
