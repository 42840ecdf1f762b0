//! What became of each booking in YCLIENTS: webhook deliveries (stored, then processed),
//! record states applied to bookings, payments, and the reconciler's cursors.

use sqlx::Row;

use crate::booking::status::{BookingStatus, Outcome};

use super::Store;

/// A booking as attribution sees it: enough to match a record and judge its outcome.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BookingRef {
    pub id: String,
    pub site: String,
    pub state: BookingStatus,
    pub company_id: i64,
    /// The visit time we booked (`2025-07-13T12:10:00+03:00`).
    pub datetime: String,
    pub record_id: Option<i64>,
    pub outcome: Option<Outcome>,
    pub record_changed: i64,
    pub client_cancelled: Option<i64>,
    pub price_min: f64,
    pub price_max: f64,
    pub created: i64,
}

pub(super) const REF_COLS: &str = "id, site, state, company_id, datetime, record_id, outcome, record_changed, client_cancelled, price_min, price_max, created";

pub(super) fn booking_ref(row: &sqlx::any::AnyRow) -> Result<BookingRef, sqlx::Error> {
    Ok(BookingRef {
        id: row.try_get("id")?,
        site: row.try_get("site")?,
        state: super::parsed(row, "state")?,
        company_id: row.try_get("company_id")?,
        datetime: row.try_get("datetime")?,
        record_id: row.try_get("record_id")?,
        outcome: super::parsed_opt(row, "outcome")?,
        record_changed: row.try_get("record_changed")?,
        client_cancelled: row.try_get("client_cancelled")?,
        price_min: row.try_get("price_min")?,
        price_max: row.try_get("price_max")?,
        created: row.try_get("created")?,
    })
}

/// A record's state as YCLIENTS reported it. `None` leaves the stored value as it is (webhook
/// data may hold only the changed fields).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordState {
    pub record_id: i64,
    pub outcome: Option<Outcome>,
    pub visit_at: Option<String>,
    /// `last_change_date` in ms; 0 when unknown (then applied whatever is stored).
    pub changed: i64,
    pub staff_name: Option<String>,
    /// JSON array of service titles.
    pub service_titles: Option<String>,
    pub cost: Option<f64>,
    pub paid_full: Option<bool>,
}

/// One finance transaction of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Payment {
    pub id: i64,
    pub amount: f64,
    pub paid_at: String,
}

/// A stored webhook delivery waiting to be processed.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: i64,
    pub site: String,
    pub body: String,
}

impl Store {
    /// Stores a delivery; `false` when the same delivery (same body) is already stored.
    pub async fn insert_delivery(
        &self,
        site: &str,
        digest: &str,
        body: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO webhook_deliveries (site, digest, received, body, state) VALUES ($1, $2, $3, $4, 'new') \
             ON CONFLICT (site, digest) DO NOTHING",
        )
        .bind(site)
        .bind(digest)
        .bind(now)
        .bind(body)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Deliveries not processed yet, oldest first.
    pub async fn new_deliveries(&self, limit: i64) -> Result<Vec<Delivery>, sqlx::Error> {
        let rows = sqlx::query("SELECT id, site, body FROM webhook_deliveries WHERE state = 'new' ORDER BY id LIMIT $1")
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Delivery {
                    id: r.try_get("id")?,
                    site: r.try_get("site")?,
                    body: r.try_get::<Option<String>, _>("body")?.unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Marks a delivery done (`processed`, `ignored`, `failed`) and drops its body, which holds
    /// the client's personal data.
    pub async fn finish_delivery(&self, id: i64, state: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE webhook_deliveries SET state = $2, processed = $3, body = NULL WHERE id = $1",
        )
        .bind(id)
        .bind(state)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Copies the record id out of `records` (written by the booking flow) into `record_id`.
    pub async fn backfill_record_ids(&self, site: &str) -> Result<(), sqlx::Error> {
        let rows = sqlx::query("SELECT id, records FROM bookings WHERE site = $1 AND record_id IS NULL AND records IS NOT NULL")
            .bind(site)
            .fetch_all(&self.pool)
            .await?;
        for row in rows {
            let id: String = row.try_get("id")?;
            let records: String = row.try_get("records")?;
            let first = serde_json::from_str::<serde_json::Value>(&records)
                .ok()
                .and_then(|v| v.get(0)?.get("record_id")?.as_i64());
            if let Some(record_id) = first {
                sqlx::query("UPDATE bookings SET record_id = $2 WHERE id = $1")
                    .bind(&id)
                    .bind(record_id)
                    .execute(&self.pool)
                    .await?;
            }
        }
        Ok(())
    }

    /// The site's booking behind a record: by `api_id` (our id) first, else by record id.
    pub async fn booking_for_record(
        &self,
        site: &str,
        api_id: Option<&str>,
        record_id: i64,
    ) -> Result<Option<BookingRef>, sqlx::Error> {
        if let Some(api_id) = api_id.filter(|a| !a.is_empty() && *a != "0") {
            let sql = format!("SELECT {REF_COLS} FROM bookings WHERE id = $1 AND site = $2");
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(api_id)
                .bind(site)
                .fetch_optional(&self.pool)
                .await?;
            if let Some(row) = row {
                return booking_ref(&row).map(Some);
            }
        }
        if record_id == 0 {
            return Ok(None);
        }
        let sql = format!("SELECT {REF_COLS} FROM bookings WHERE site = $1 AND record_id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(site)
            .bind(record_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(booking_ref).transpose()
    }

    /// Applies a record state unless a newer one was applied already. Deliveries with the same
    /// change time (YCLIENTS counts in seconds, and sends in no set order) never move a booking
    /// back: the further outcome and "paid in full" win.
    pub async fn apply_record_state(
        &self,
        booking_id: &str,
        s: &RecordState,
    ) -> Result<bool, sqlx::Error> {
        let rank = |v: &str| {
            format!(
                "CASE {v} WHEN 'upcoming' THEN 0 WHEN 'rescheduled' THEN 1 WHEN 'came' THEN 2 WHEN 'no_show' THEN 2 ELSE 3 END"
            )
        };
        // A deletion reads "cancelled by the client" when the client's cancel link marked the
        // booking, judged as the row is written: a delivery read before the mark (a late create
        // webhook whose read-back saw the deletion) must not turn it into the salon's.
        let new = "(CASE WHEN $3 = 'cancelled_salon' AND client_cancelled IS NOT NULL THEN 'cancelled_client' ELSE $3 END)";
        let sql = format!(
            "UPDATE bookings SET record_id = $2, \
             outcome = CASE WHEN $3 IS NULL THEN outcome WHEN $5 > record_changed OR $5 = 0 OR outcome IS NULL THEN {new} \
                            WHEN {} >= {} THEN {new} ELSE outcome END, \
             visit_at = COALESCE($4, visit_at), \
             record_changed = CASE WHEN $5 > record_changed THEN $5 ELSE record_changed END, \
             staff_name = COALESCE($6, staff_name), service_titles = COALESCE($7, service_titles), cost = COALESCE($8, cost), \
             paid_full = CASE WHEN $9 IS NULL THEN paid_full WHEN $5 > record_changed OR $5 = 0 OR $9 > paid_full THEN $9 ELSE paid_full END \
             WHERE id = $1 AND (record_changed <= $5 OR $5 = 0)",
            rank(new),
            rank("outcome")
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(booking_id)
            .bind(s.record_id)
            .bind(s.outcome.map(Outcome::as_str))
            .bind(&s.visit_at)
            .bind(s.changed)
            .bind(&s.staff_name)
            .bind(&s.service_titles)
            .bind(s.cost)
            .bind(s.paid_full.map(i64::from))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Adds or updates one payment of a booking and recomputes the booking's paid sum.
    pub async fn upsert_payment(
        &self,
        site: &str,
        booking_id: &str,
        record_id: i64,
        p: &Payment,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO payments (site, id, booking_id, record_id, amount, paid_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (site, id) DO UPDATE SET amount = excluded.amount, paid_at = excluded.paid_at, booking_id = excluded.booking_id",
        )
        .bind(site)
        .bind(p.id)
        .bind(booking_id)
        .bind(record_id)
        .bind(p.amount)
        .bind(&p.paid_at)
        .execute(&self.pool)
        .await?;
        self.recompute_paid(booking_id).await
    }

    /// Removes a payment (a deleted finance operation).
    pub async fn delete_payment(
        &self,
        site: &str,
        booking_id: &str,
        id: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM payments WHERE site = $1 AND id = $2")
            .bind(site)
            .bind(id)
            .execute(&self.pool)
            .await?;
        self.recompute_paid(booking_id).await
    }

    /// Makes the booking's payments exactly `payments` (a full read of the record).
    pub async fn replace_payments(
        &self,
        site: &str,
        booking_id: &str,
        record_id: i64,
        payments: &[Payment],
    ) -> Result<(), sqlx::Error> {
        let existing: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM payments WHERE booking_id = $1")
                .bind(booking_id)
                .fetch_all(&self.pool)
                .await?;
        for gone in existing
            .iter()
            .filter(|id| !payments.iter().any(|p| p.id == **id))
        {
            sqlx::query("DELETE FROM payments WHERE site = $1 AND id = $2")
                .bind(site)
                .bind(gone)
                .execute(&self.pool)
                .await?;
        }
        for p in payments {
            self.upsert_payment(site, booking_id, record_id, p).await?;
        }
        self.recompute_paid(booking_id).await
    }

    async fn recompute_paid(&self, booking_id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE bookings SET paid = (SELECT COALESCE(SUM(amount), 0) FROM payments WHERE booking_id = $1) WHERE id = $1")
            .bind(booking_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Pending or unknown bookings of a site last touched before `before`, oldest first.
    pub async fn unresolved_for_site(
        &self,
        site: &str,
        before: i64,
        limit: i64,
    ) -> Result<Vec<BookingRef>, sqlx::Error> {
        let sql = format!(
            "SELECT {REF_COLS} FROM bookings WHERE site = $1 AND state IN ('pending', 'unknown') AND updated < $2 ORDER BY updated LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(site)
            .bind(before)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(booking_ref).collect()
    }

    /// The record of an unresolved booking exists: confirm it (as the booking flow would).
    pub async fn resolve_booking(
        &self,
        id: &str,
        record_id: i64,
        records: &str,
        result: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE bookings SET state = 'confirmed', record_id = $2, records = $3, result = $4, error = NULL, updated = $5 \
             WHERE id = $1 AND state IN ('pending', 'unknown')",
        )
        .bind(id)
        .bind(record_id)
        .bind(records)
        .bind(result)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Confirmed bookings that can still change (not cancelled, not a no-show, not came and
    /// paid in full), made after `since`, oldest first.
    pub async fn open_bookings(
        &self,
        site: &str,
        since: i64,
        limit: i64,
    ) -> Result<Vec<BookingRef>, sqlx::Error> {
        let sql = format!(
            "SELECT {REF_COLS} FROM bookings WHERE site = $1 AND state = 'confirmed' AND created >= $2 AND erased IS NULL \
             AND (outcome IS NULL OR outcome IN ('upcoming', 'rescheduled') OR (outcome = 'came' AND paid_full = 0)) \
             ORDER BY created LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(site)
            .bind(since)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(booking_ref).collect()
    }

    pub async fn sync_cursor(
        &self,
        site: &str,
        company_id: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar("SELECT cursor_ms FROM sync_cursors WHERE site = $1 AND company_id = $2")
            .bind(site)
            .bind(company_id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn set_sync_cursor(
        &self,
        site: &str,
        company_id: i64,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO sync_cursors (site, company_id, cursor_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (site, company_id) DO UPDATE SET cursor_ms = excluded.cursor_ms",
        )
        .bind(site)
        .bind(company_id)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The client cancelled through us: a later deletion of the record is theirs, not the salon's.
    pub async fn mark_client_cancelled(
        &self,
        booking_id: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE bookings SET client_cancelled = $2 WHERE id = $1")
            .bind(booking_id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
