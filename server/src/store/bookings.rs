//! Bookings: the row is written (state `pending`) before YCLIENTS is called, and moved to
//! `confirmed`, `failed` or `unknown` before the visitor is answered.

use sqlx::Row;

use crate::booking::status::{BookingStatus, Outcome};

use super::Store;

/// A booking as the flow writes it first.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub id: String,
    pub site: String,
    pub idempotency_key: String,
    pub request_hash: String,
    pub company_id: i64,
    pub staff_id: i64,
    pub services: String,
    pub datetime: String,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub comment: Option<String>,
    pub price_min: f64,
    pub price_max: f64,
    pub vid: Option<String>,
    pub sid: Option<String>,
    pub first: TouchColumns,
    pub last: TouchColumns,
    pub now: i64,
    /// The instance running the booking's flow (`cluster::Instance`).
    pub instance: Option<String>,
    /// A group event sign-up: the YCLIENTS activity id (`None` for a booking).
    pub activity_id: Option<i64>,
    /// Seats taken (1 for a booking).
    pub seats: i64,
}

#[derive(Debug, Clone, Default)]
pub struct TouchColumns {
    pub channel: Option<String>,
    pub source: Option<String>,
    pub medium: Option<String>,
    pub campaign: Option<String>,
    pub json: Option<String>,
}

/// What a repeat of the same Idempotency-Key finds.
#[derive(Debug, Clone, PartialEq)]
pub struct BookingState {
    pub id: String,
    pub state: BookingStatus,
    pub request_hash: String,
    pub company_id: i64,
    pub datetime: String,
    pub result: Option<String>,
    pub error: Option<String>,
}

pub enum Inserted {
    New,
    Existing(BookingState),
}

const STATE_COLS: &str = "id, state, request_hash, company_id, datetime, result, error";

fn state_from(row: &sqlx::any::AnyRow) -> Result<BookingState, sqlx::Error> {
    Ok(BookingState {
        id: row.try_get("id")?,
        state: super::parsed(row, "state")?,
        request_hash: row.try_get("request_hash")?,
        company_id: row.try_get("company_id")?,
        datetime: row.try_get("datetime")?,
        result: row.try_get("result")?,
        error: row.try_get("error")?,
    })
}

impl Store {
    /// Inserts the pending booking, or finds the one already made with this key.
    pub async fn insert_booking(&self, b: &NewBooking) -> Result<Inserted, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO bookings (id, site, idempotency_key, request_hash, state, company_id, staff_id, services, datetime, \
             name, phone, email, comment, price_min, price_max, vid, sid, \
             first_channel, first_source, first_medium, first_campaign, first_touch, \
             last_channel, last_source, last_medium, last_campaign, last_touch, created, updated, instance, activity_id, seats) \
             VALUES ($1,$2,$3,$4,'pending',$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$27,$28,$29,$30) \
             ON CONFLICT (site, idempotency_key) DO NOTHING",
        )
        .bind(&b.id)
        .bind(&b.site)
        .bind(&b.idempotency_key)
        .bind(&b.request_hash)
        .bind(b.company_id)
        .bind(b.staff_id)
        .bind(&b.services)
        .bind(&b.datetime)
        .bind(&b.name)
        .bind(&b.phone)
        .bind(&b.email)
        .bind(&b.comment)
        .bind(b.price_min)
        .bind(b.price_max)
        .bind(&b.vid)
        .bind(&b.sid)
        .bind(&b.first.channel)
        .bind(&b.first.source)
        .bind(&b.first.medium)
        .bind(&b.first.campaign)
        .bind(&b.first.json)
        .bind(&b.last.channel)
        .bind(&b.last.source)
        .bind(&b.last.medium)
        .bind(&b.last.campaign)
        .bind(&b.last.json)
        .bind(b.now)
        .bind(&b.instance)
        .bind(b.activity_id)
        .bind(b.seats)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 1 {
            return Ok(Inserted::New);
        }
        let existing = self
            .booking_by_key(&b.site, &b.idempotency_key)
            .await?
            .ok_or(sqlx::Error::RowNotFound)?;
        Ok(Inserted::Existing(existing))
    }

    pub async fn booking_by_key(
        &self,
        site: &str,
        key: &str,
    ) -> Result<Option<BookingState>, sqlx::Error> {
        let sql =
            format!("SELECT {STATE_COLS} FROM bookings WHERE site = $1 AND idempotency_key = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(site)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(state_from).transpose()
    }

    pub async fn booking(&self, id: &str) -> Result<Option<BookingState>, sqlx::Error> {
        let sql = format!("SELECT {STATE_COLS} FROM bookings WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(state_from).transpose()
    }

    /// The record exists in YCLIENTS: keep its ids and the answer the visitor gets.
    pub async fn confirm_booking(
        &self,
        id: &str,
        records: &str,
        result: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE bookings SET state = 'confirmed', records = $2, result = $3, error = NULL, updated = $4 WHERE id = $1")
            .bind(id)
            .bind(records)
            .bind(result)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// YCLIENTS refused for good: a repeat of the key gets the same error.
    pub async fn fail_booking(&self, id: &str, error: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE bookings SET state = 'failed', error = $2, updated = $3 WHERE id = $1")
            .bind(id)
            .bind(error)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The upstream outcome is not known (timeout after send): found by api_id later.
    pub async fn mark_booking_unknown(&self, id: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE bookings SET state = 'unknown', updated = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Nothing was created upstream and the visitor may retry with the same key.
    pub async fn forget_pending_booking(&self, id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM bookings WHERE id = $1 AND state IN ('pending', 'unknown')")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Bookings whose upstream outcome is unknown (or left pending by a crash) older than
    /// `before`, for reconciliation.
    pub async fn unresolved_bookings(&self, before: i64) -> Result<Vec<BookingState>, sqlx::Error> {
        let sql = format!(
            "SELECT {STATE_COLS} FROM bookings WHERE state IN ('pending', 'unknown') AND updated < $1 ORDER BY updated"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(before)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(state_from).collect()
    }

    /// Site and booking count (tests, metrics).
    pub async fn count_bookings(&self, site: &str, state: &str) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM bookings WHERE site = $1 AND state = $2")
            .bind(site)
            .bind(state)
            .fetch_one(&self.pool)
            .await
    }

    /// The visitor's cancellation was refused upstream: the booking stands.
    /// Takes the mark back (YCLIENTS refused the cancellation), unless another request of the
    /// visitor's already cancelled it.
    pub async fn unmark_client_cancelled(&self, id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE bookings SET client_cancelled = NULL WHERE id = $1 AND (outcome IS NULL OR outcome <> 'cancelled_client')")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// YCLIENTS accepted the visitor's cancellation: the booking reads so at once, not only when
    /// the webhook comes.
    pub async fn set_cancelled_by_client(&self, id: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE bookings SET outcome = 'cancelled_client', client_cancelled = COALESCE(client_cancelled, $2) WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// What the visitor's cancel link needs: site, company, records JSON, result JSON, cancelled.
    /// The visitor moved the booking from the cancel link: its visit time and the result the
    /// cancel page shows read the new time (a webhook of the move may follow and agrees).
    pub async fn booking_moved(
        &self,
        id: &str,
        visit_at: &str,
        result: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE bookings SET visit_at = $2, result = $3 WHERE id = $1")
            .bind(id)
            .bind(visit_at)
            .bind(result)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn booking_for_cancel(&self, id: &str) -> Result<Option<CancelView>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT site, company_id, records, result, outcome, phone, visit_at FROM bookings WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(CancelView {
                site: r.try_get("site")?,
                company_id: r.try_get("company_id")?,
                records: r.try_get("records")?,
                result: r.try_get("result")?,
                cancelled: super::parsed_opt::<Outcome>(&r, "outcome")?
                    .is_some_and(Outcome::is_cancelled),
                phone: r.try_get("phone")?,
                visit_at: r.try_get("visit_at")?,
            })
        })
        .transpose()
    }
}

#[derive(Debug, Clone)]
pub struct CancelView {
    pub site: String,
    pub company_id: i64,
    pub records: Option<String>,
    pub result: Option<String>,
    /// Cancelled in YCLIENTS, by the client or the salon.
    pub cancelled: bool,
    /// The phone the booking was made with (empty once retention blanked it).
    pub phone: String,
    /// The visit's time as YCLIENTS last said it (a move, here or at the salon).
    pub visit_at: Option<String>,
}
