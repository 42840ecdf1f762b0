//! Visits: the client's YCLIENTS records in the site's branches, with the salon's rules for
//! cancelling and moving computed before the button is shown; and the two changes, refused
//! outside those rules. A record id is only ever acted on after it was found among the
//! signed-in client's own records.

use std::collections::HashMap;

use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp, tz::TimeZone};
use protocol::cabinet::{Attendance, Rule, Visit, VisitService, Visits};
use protocol::catalog::Branch;
use yclients::model::UserRecord;

use super::session::Signed;
use super::{not_allowed, upstream};
use crate::{app::AppState, error::ApiError};

/// What a change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Cancel,
    Reschedule,
}

/// The salon's rule for a change of a record starting at `start`, seen at `now`.
pub fn rule(
    r: &UserRecord,
    change: Change,
    start: Timestamp,
    now: Timestamp,
    tz: &TimeZone,
) -> Rule {
    let c = &r.company;
    let (allowed, step) = match change {
        Change::Cancel => (c.allow_delete_record, c.allow_delete_record_delay_step),
        Change::Reschedule => (c.allow_change_record, c.allow_change_record_delay_step),
    };
    let until = start
        .checked_sub(SignedDuration::from_secs(step as i64))
        .unwrap_or(start);
    // A group event sign-up can be cancelled, not moved.
    let movable = change == Change::Cancel || r.record.activity_id == 0;
    let open = allowed && movable && !r.record.deleted && now < until;
    Rule {
        allowed: open,
        until: allowed.then(|| yclients::time::with_colon(&until.to_zoned_datetime(tz.clone()))),
        hours_before: (step / 3600) as u32,
    }
}

fn attendance(r: &UserRecord) -> Attendance {
    match r.record.attendance_status() {
        yclients::model::Attendance::NoShow => Attendance::NoShow,
        yclients::model::Attendance::Came => Attendance::Came,
        yclients::model::Attendance::Confirmed => Attendance::Confirmed,
        yclients::model::Attendance::Waiting => Attendance::Waiting,
    }
}

fn visit(r: &UserRecord, branch: &Branch, start: Timestamp, now: Timestamp) -> Visit {
    let tz = crate::events::schedule::zone(branch);
    let record = &r.record;
    Visit {
        id: record.id,
        branch: branch.id,
        branch_title: branch.title.clone(),
        datetime: yclients::time::with_colon(&start.to_zoned_datetime(tz.clone())),
        length: record.length / 60,
        services: record
            .services
            .iter()
            .map(|s| VisitService {
                id: s.id,
                title: s.title.clone(),
                cost: s.cost,
            })
            .collect(),
        // The master who does the visit (a record always has one, even when booked with "any").
        staff: record.staff_id,
        master: record
            .staff
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        seats: record.clients_count.max(1),
        event: (record.activity_id != 0).then_some(record.activity_id),
        online: record.online,
        attendance: attendance(r),
        paid: if record.paid_full == 1 {
            record.total_cost()
        } else {
            0.0
        },
        cancel: rule(r, Change::Cancel, start, now, &tz),
        reschedule: rule(r, Change::Reschedule, start, now, &tz),
    }
}

/// The client's records in the site's branches, not cancelled, with their branch.
pub async fn own_records(
    app: &AppState,
    signed: &Signed,
) -> Result<Vec<(UserRecord, Branch, Timestamp)>, ApiError> {
    let branches: HashMap<u64, Branch> = app
        .catalog
        .branches(&signed.up)
        .await?
        .iter()
        .map(|b| (b.id, b.clone()))
        .collect();
    let records = signed.client().my_records().await.map_err(upstream)?;
    Ok(records
        .into_iter()
        .filter(|r| !r.record.deleted)
        .filter_map(|r| {
            let branch = branches.get(&r.record.company_id).cloned()?;
            let start = r.record.starts_at()?;
            Some((r, branch, start))
        })
        .collect())
}

pub async fn list(app: &AppState, signed: &Signed) -> Result<Visits, ApiError> {
    let now = Timestamp::now();
    let mut upcoming = Vec::new();
    let mut past = Vec::new();
    for (r, branch, start) in own_records(app, signed).await? {
        let v = visit(&r, &branch, start, now);
        if start > now {
            upcoming.push((start, v));
        } else {
            past.push((start, v));
        }
    }
    upcoming.sort_by_key(|(s, _)| *s);
    past.sort_by_key(|(s, _)| std::cmp::Reverse(*s));
    Ok(Visits {
        upcoming: upcoming.into_iter().map(|(_, v)| v).collect(),
        past: past.into_iter().map(|(_, v)| v).collect(),
    })
}

/// One of the client's own upcoming records and whether `change` is allowed now; another
/// client's record, or none, is `not_found` (never telling which).
async fn own(
    app: &AppState,
    signed: &Signed,
    id: u64,
    change: Change,
) -> Result<(UserRecord, Branch, Timestamp), ApiError> {
    let found = own_records(app, signed)
        .await?
        .into_iter()
        .find(|(r, _, _)| r.record.id == id)
        .ok_or_else(ApiError::not_found)?;
    let tz = crate::events::schedule::zone(&found.1);
    if !rule(&found.0, change, found.2, Timestamp::now(), &tz).allowed {
        return Err(not_allowed());
    }
    Ok(found)
}

pub async fn cancel(app: &AppState, signed: &Signed, id: u64) -> Result<(), ApiError> {
    let (_, branch, _) = own(app, signed, id, Change::Cancel).await?;
    signed
        .client()
        .delete_user_record(id, "0")
        .await
        .map_err(refused_change)?;
    app.catalog.record_changed(branch.id, None);
    super::note(app, &signed.site, "cancel").await;
    Ok(())
}

pub async fn reschedule(
    app: &AppState,
    signed: &Signed,
    id: u64,
    datetime: &str,
) -> Result<Visit, ApiError> {
    let (_, branch, _) = own(app, signed, id, Change::Reschedule).await?;
    let tz = crate::events::schedule::zone(&branch);
    let when = yclients::time::parse_in_zone(datetime, &tz)
        .filter(|t| *t > Timestamp::now())
        .ok_or_else(|| {
            ApiError::invalid(
                "datetime",
                "Выберите время из календаря.",
                "Pick a time from the calendar.",
            )
        })?;
    let local = yclients::time::with_colon(&when.to_zoned_datetime(tz));
    let moved = signed
        .client()
        .reschedule_record(branch.id, id, &local)
        .await
        .map_err(refused_change)?;
    // Both days change: the old one frees a time, the new one takes one.
    app.catalog.record_changed(branch.id, None);
    super::note(app, &signed.site, "reschedule").await;
    let start = moved.record.starts_at().unwrap_or(when);
    Ok(visit(&moved, &branch, start, Timestamp::now()))
}

/// YCLIENTS' refusal of a change: a taken time is 409 `slot_taken`; its window closed
/// meanwhile (422) is 403 `not_allowed`.
fn refused_change(e: yclients::Error) -> ApiError {
    match (e.booking_code(), e.status()) {
        (Some(yclients::BookingCode::SlotTaken), _) => ApiError::new(
            StatusCode::CONFLICT,
            "slot_taken",
            "Это время уже заняли. Выберите другое.",
            "That time was just taken. Please pick another.",
        ),
        (None, Some(422 | 403)) => not_allowed(),
        _ => upstream(e),
    }
}
