//! What followed a call. The caller phones, and the salon's admin books them in YCLIENTS: a
//! record zapis did not make. YCLIENTS' record webhooks announce it with the client's phone; for
//! a site that tracks calls, a record whose client phoned the site within the site's window
//! before the record was made joins that call (the last such call), and is kept with its visit,
//! cost, payments and state. Like every webhook, a delivery is only a hint: the record is read
//! back from YCLIENTS (once per batch) and that is what is kept — and only a delivery whose phone
//! called lately, or about a record already kept, costs that read. Nothing here joins by email
//! or writes to YCLIENTS.

use std::{fmt, str::FromStr};

use serde::Serialize;
use serde_json::Value;
use yclients::model::Record;

use super::{CallSettings, UnknownValue, digits, pool::CLOCK_SKEW_MS};
use crate::{app::AppState, store::CallRecord, util::clock::now_ms, webhooks::ReadBacks};

/// Where a followed record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowState {
    Booked,
    Came,
    NoShow,
    Paid,
    Cancelled,
}

impl FollowState {
    pub const fn as_str(self) -> &'static str {
        match self {
            FollowState::Booked => "booked",
            FollowState::Came => "came",
            FollowState::NoShow => "no_show",
            FollowState::Paid => "paid",
            FollowState::Cancelled => "cancelled",
        }
    }

    /// The state of a record read from YCLIENTS: deleted → cancelled; paid in full (or paid
    /// something and marked come) → paid; then the visit's attendance.
    pub fn of(r: &Record) -> FollowState {
        let paid = r.paid_amount();
        if r.deleted {
            FollowState::Cancelled
        } else if r.paid_full == 1 || (paid > 0.0 && paid + 0.005 >= r.total_cost()) {
            FollowState::Paid
        } else if r.attendance == 1 {
            FollowState::Came
        } else if r.attendance < 0 {
            FollowState::NoShow
        } else {
            FollowState::Booked
        }
    }
}

impl FromStr for FollowState {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        Ok(match s {
            "booked" => FollowState::Booked,
            "came" => FollowState::Came,
            "no_show" => FollowState::NoShow,
            "paid" => FollowState::Paid,
            "cancelled" => FollowState::Cancelled,
            _ => return Err(UnknownValue(s.to_owned())),
        })
    }
}

impl fmt::Display for FollowState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A followed record as reports show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Followed {
    /// The YCLIENTS record id.
    pub record: i64,
    /// The visit's start as YCLIENTS writes it.
    pub visit: String,
    pub amount: f64,
    pub paid: f64,
    pub state: FollowState,
}

impl From<&CallRecord> for Followed {
    fn from(r: &CallRecord) -> Self {
        Followed {
            record: r.record_id,
            visit: r.visit_at.clone(),
            amount: r.amount,
            paid: r.paid,
            state: r.state,
        }
    }
}

const MONTHS_RU: [&str; 12] = [
    "янв.",
    "февр.",
    "мар.",
    "апр.",
    "мая",
    "июн.",
    "июл.",
    "авг.",
    "сент.",
    "окт.",
    "нояб.",
    "дек.",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// What followed a call, in words: "записан на 12 дек., оплачено 3 500 ₽" / "booked for
/// 12 Dec, paid ₽3,500" (sums as the dashboard writes them); one phrase per record, joined by "; ".
pub fn describe(records: &[Followed], ru: bool) -> String {
    records
        .iter()
        .map(|r| {
            let day = jiff::civil::Date::strptime("%Y-%m-%d", r.visit.get(..10).unwrap_or(""))
                .map(|d| {
                    let m = usize::from(d.month().unsigned_abs()) - 1;
                    if ru {
                        format!("{} {}", d.day(), MONTHS_RU[m])
                    } else {
                        format!("{} {}", d.day(), MONTHS_EN[m])
                    }
                })
                .unwrap_or_else(|_| r.visit.clone());
            let mut s = if ru {
                format!("записан на {day}")
            } else {
                format!("booked for {day}")
            };
            let tail = match r.state {
                FollowState::Cancelled => Some(if ru { "отменён" } else { "cancelled" }.to_owned()),
                FollowState::NoShow => Some(if ru { "не пришёл" } else { "no-show" }.to_owned()),
                _ if r.paid > 0.0 => Some(format!(
                    "{} {}",
                    if ru { "оплачено" } else { "paid" },
                    crate::dashboard::format::money(r.paid, ru)
                )),
                FollowState::Came => Some(if ru { "пришёл" } else { "came" }.to_owned()),
                _ => None,
            };
            if let Some(t) = tail {
                s.push_str(", ");
                s.push_str(&t);
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A `record` delivery about a record that is not a zapis booking, for a site that tracks
/// calls. `data` is the delivery's record (maybe partial).
pub async fn record_event(
    app: &AppState,
    site: &str,
    calls: &CallSettings,
    company_id: u64,
    record_id: u64,
    data: &Value,
    read: &mut ReadBacks,
) -> Result<&'static str, sqlx::Error> {
    let kept = app.store.call_record(site, record_id as i64).await?;
    if kept.is_none() {
        let Some(phone) = data
            .pointer("/client/phone")
            .and_then(Value::as_str)
            .and_then(digits)
        else {
            return Ok("ignored");
        };
        let made = data
            .get("create_date")
            .and_then(Value::as_str)
            .and_then(yclients::time::parse_instant)
            .map_or_else(now_ms, |t| t.as_millisecond());
        if app
            .store
            .last_call_from(
                site,
                &phone,
                made.saturating_add(CLOCK_SKEW_MS),
                calls.record_window_ms(),
            )
            .await?
            .is_none()
        {
            return Ok("ignored");
        }
    }
    let company = kept.as_ref().map_or(company_id, |k| k.company_id as u64);
    read_back(app, site, calls, company, record_id, kept, read).await
}

/// A finance operation on a record that is not a zapis booking: read back when kept.
pub async fn finance_event(
    app: &AppState,
    site: &str,
    calls: &CallSettings,
    record_id: u64,
    read: &mut ReadBacks,
) -> Result<&'static str, sqlx::Error> {
    let Some(kept) = app.store.call_record(site, record_id as i64).await? else {
        return Ok("ignored");
    };
    let company = kept.company_id as u64;
    read_back(app, site, calls, company, record_id, Some(kept), read).await
}

/// Reads the record from YCLIENTS and keeps it if its client's phone called within the window
/// before it was made (or it is kept already).
async fn read_back(
    app: &AppState,
    site: &str,
    calls: &CallSettings,
    company_id: u64,
    record_id: u64,
    kept: Option<CallRecord>,
    read: &mut ReadBacks,
) -> Result<&'static str, sqlx::Error> {
    let key = (site.to_owned(), record_id);
    if read.contains(&key) {
        return Ok("processed");
    }
    let Ok(up) = app.upstreams.get(site) else {
        return Ok("failed");
    };
    let now = now_ms();
    let record = match up.client.record(company_id, record_id).await {
        Ok(r) => r,
        Err(yclients::Error::Api { status: 404, .. }) => {
            // Gone from YCLIENTS: a kept record is cancelled; an unknown one stays unknown.
            let Some(k) = kept else {
                return Ok("ignored");
            };
            let gone = CallRecord {
                state: FollowState::Cancelled,
                ..k
            };
            app.store.keep_call_record(site, &gone, now).await?;
            read.insert(key);
            return Ok("processed");
        }
        Err(e) => {
            tracing::warn!(site, record = record_id, error = %e, "webhook: reading a caller's record back failed");
            return Ok("failed");
        }
    };
    read.insert(key);
    let phone = record
        .client
        .as_ref()
        .and_then(|c| digits(&c.phone))
        .unwrap_or_default();
    let created =
        yclients::time::parse_instant(&record.create_date).map_or(now, |t| t.as_millisecond());
    let call_id = match kept {
        Some(k) => k.call_id,
        None if phone.is_empty() => return Ok("ignored"),
        None => {
            let found = app
                .store
                .last_call_from(
                    site,
                    &phone,
                    created.saturating_add(CLOCK_SKEW_MS),
                    calls.record_window_ms(),
                )
                .await?;
            let Some(id) = found else {
                return Ok("ignored");
            };
            id
        }
    };
    let kept = CallRecord {
        record_id: record.id as i64,
        company_id: company_id as i64,
        call_id,
        phone,
        created,
        visit_at: record.datetime.clone(),
        amount: record.total_cost(),
        paid: record.paid_amount(),
        state: FollowState::of(&record),
        changed: yclients::time::parse_instant(&record.last_change_date)
            .map_or(0, |t| t.as_millisecond()),
    };
    app.store.keep_call_record(site, &kept, now).await?;
    tracing::info!(
        site,
        record = record_id,
        "webhook: a caller's record kept with their call"
    );
    Ok("processed")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn followed(state: FollowState, paid: f64) -> Followed {
        Followed {
            record: 1,
            visit: "2026-12-12T12:00:00+03:00".into(),
            amount: 3500.0,
            paid,
            state,
        }
    }

    #[test]
    fn what_followed_a_call_reads_as_a_phrase_in_both_languages() {
        let paid = [followed(FollowState::Paid, 3500.0)];
        assert_eq!(
            describe(&paid, true),
            "записан на 12 дек., оплачено 3\u{202f}500\u{a0}₽"
        );
        assert_eq!(describe(&paid, false), "booked for 12 Dec, paid ₽3,500");
        let two = [
            followed(FollowState::Booked, 0.0),
            followed(FollowState::Cancelled, 0.0),
        ];
        assert_eq!(
            describe(&two, false),
            "booked for 12 Dec; booked for 12 Dec, cancelled"
        );
    }

    #[test]
    fn a_records_state_follows_its_payments_attendance_and_deletion() {
        let r = |v: Value| -> Record { serde_json::from_value(v).unwrap() };
        let base = serde_json::json!({"services": [{"cost": 1000}]});
        assert_eq!(FollowState::of(&r(base.clone())), FollowState::Booked);
        let mut came = base.clone();
        came["attendance"] = 1.into();
        assert_eq!(FollowState::of(&r(came.clone())), FollowState::Came);
        came["finance_transactions"] = serde_json::json!([{"id": 1, "amount": 1000}]);
        assert_eq!(FollowState::of(&r(came.clone())), FollowState::Paid);
        came["deleted"] = true.into();
        assert_eq!(FollowState::of(&r(came)), FollowState::Cancelled);
        let mut gone = base;
        gone["attendance"] = (-1).into();
        assert_eq!(FollowState::of(&r(gone)), FollowState::NoShow);
    }
}
