//! How the sandbox computes free time: time zones, lead time, days off, durations per
//! master, overlaps with existing records, and "any master".

use yclients::model::{Appointment, BookQuery};

use crate::common::*;

fn times(slots: &[yclients::model::TimeSlot]) -> Vec<&str> {
    slots.iter().map(|s| s.time.as_str()).collect()
}

#[tokio::test]
async fn yekaterinburg_slots_are_local_time_with_a_plus_five_offset() {
    let sandbox = quiet_sandbox().await;
    let slots = client(&sandbox)
        .book_times(EKB, SVETLANA, day(1), &[EKB_WOMEN_CUT])
        .await
        .unwrap();
    assert_eq!(slots[0].time, "09:00");
    assert_eq!(slots[0].datetime, "2025-03-11T09:00:00+05:00");
    assert_eq!(
        slots[0].starts_at().unwrap().to_string(),
        "2025-03-11T04:00:00Z"
    );
    let moscow = client(&sandbox)
        .book_times(MOSCOW, ANNA, day(1), &[WOMEN_CUT])
        .await
        .unwrap();
    assert_eq!(moscow[0].datetime, "2025-03-11T10:00:00+03:00");
}

#[tokio::test]
async fn the_grid_and_closing_time_bound_the_slots() {
    let sandbox = quiet_sandbox().await;
    let slots = client(&sandbox)
        .book_times(EKB, SVETLANA, day(2), &[EKB_WOMEN_CUT])
        .await
        .unwrap();
    assert!(
        slots
            .iter()
            .all(|s| s.time.ends_with(":00") || s.time.ends_with(":30")),
        "30-minute grid"
    );
    assert_eq!(
        slots.last().unwrap().time,
        "18:00",
        "a 50-minute cut must end by 19:00"
    );
    assert!(slots.iter().all(|s| s.seance_length == 50 * 60));
}

#[tokio::test]
async fn nothing_starts_before_now_plus_the_lead_time() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let today = client
        .book_times(MOSCOW, YULIA, day(0), &[WOMEN_CUT])
        .await
        .unwrap();
    assert_eq!(
        today[0].time, "10:30",
        "now is 10:00 in Moscow and the lead is 30 minutes"
    );
    let ekb_today = client
        .book_times(EKB, SVETLANA, day(0), &[EKB_WOMEN_CUT])
        .await
        .unwrap();
    assert_eq!(
        ekb_today[0].time, "13:00",
        "now is 12:00 in Yekaterinburg and the lead is 60 minutes"
    );
    assert!(
        client
            .book_times(MOSCOW, YULIA, day(-1), &[WOMEN_CUT])
            .await
            .unwrap()
            .is_empty(),
        "the past has no slots"
    );
}

#[tokio::test]
async fn moving_the_clock_moves_the_first_slot() {
    let sandbox = quiet_sandbox().await;
    sandbox
        .control()
        .advance_clock(jiff::SignedDuration::from_hours(3));
    let slots = client(&sandbox)
        .book_times(MOSCOW, YULIA, day(0), &[WOMEN_CUT])
        .await
        .unwrap();
    assert_eq!(slots[0].time, "13:30");
}

#[tokio::test]
async fn days_off_and_non_working_weekdays_have_no_time() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    assert!(
        client
            .book_times(MOSCOW, ANNA, day(0), &[WOMEN_CUT])
            .await
            .unwrap()
            .is_empty(),
        "Anna never works Mondays"
    );
    assert!(
        client
            .book_times(MOSCOW, ANNA, day(4), &[WOMEN_CUT])
            .await
            .unwrap()
            .is_empty(),
        "Friday is her day off"
    );
    let dates = client
        .book_dates(
            MOSCOW,
            &BookQuery {
                date_from: Some(day(0)),
                date_to: Some(day(6)),
                ..BookQuery::new(ANNA, &[WOMEN_CUT])
            },
        )
        .await
        .unwrap();
    assert_eq!(dates.working_dates, [day(1), day(2), day(3), day(5)]);
    assert_eq!(dates.booking_dates, dates.working_dates);
    assert_eq!(dates.working_days[&3], [11, 12, 13, 15]);
}

#[tokio::test]
async fn a_month_of_dates_for_any_master_covers_the_open_horizon() {
    let sandbox = busy_sandbox().await;
    let dates = client(&sandbox)
        .book_dates(
            MOSCOW,
            &BookQuery {
                date: Some(day(0)),
                ..BookQuery::new(0, &[MANICURE])
            },
        )
        .await
        .unwrap();
    assert_eq!(
        dates.working_dates.first(),
        Some(&jiff::civil::date(2025, 3, 1))
    );
    assert!(
        dates.booking_dates.iter().all(|d| *d >= day(0)),
        "no booking in the past"
    );
    assert!(dates.booking_dates.len() >= 15, "{:?}", dates.booking_dates);
}

#[tokio::test]
async fn the_same_service_takes_each_master_their_own_time() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let anna = client
        .book_times(MOSCOW, ANNA, day(5), &[WOMEN_CUT])
        .await
        .unwrap();
    let yulia = client
        .book_times(MOSCOW, YULIA, day(5), &[WOMEN_CUT])
        .await
        .unwrap();
    assert_eq!(
        (anna[0].seance_length, yulia[0].seance_length),
        (3000, 4500)
    );
    let two = client
        .book_times(MOSCOW, ANNA, day(5), &[WOMEN_CUT, ONE_TONE])
        .await
        .unwrap();
    assert_eq!(
        two[0].seance_length,
        3000 + 105 * 60,
        "Anna colours in 105 minutes"
    );
    assert_eq!(
        two.last().unwrap().time,
        "17:15",
        "155 minutes must end by 20:00"
    );
}

#[tokio::test]
async fn a_booked_slot_and_every_start_overlapping_it_disappear() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let at = "2025-03-12T12:00:00+03:00";
    client
        .book_record(
            MOSCOW,
            &visitor("ov", vec![Appointment::new(1, &[WOMEN_CUT], ANNA, at)]),
        )
        .await
        .unwrap();
    let after = client
        .book_times(MOSCOW, ANNA, day(2), &[WOMEN_CUT])
        .await
        .unwrap();
    let listed = times(&after);
    for gone in [
        "11:15", "11:30", "11:45", "12:00", "12:15", "12:30", "12:45",
    ] {
        assert!(
            !listed.contains(&gone),
            "{gone} overlaps 12:00–12:50: {listed:?}"
        );
    }
    assert!(
        listed.contains(&"11:00") && listed.contains(&"13:00"),
        "{listed:?}"
    );
}

#[tokio::test]
async fn any_master_goes_to_the_highest_ranked_free_master_then_the_next() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let at = "2025-03-11T12:00:00+03:00"; // Tuesday: Anna, Ekaterina and Yulia all cut and all work
    let mut staff = Vec::new();
    for n in 0..4 {
        let made = client
            .book_record(
                MOSCOW,
                &visitor(
                    &format!("any-{n}"),
                    vec![Appointment::new(1, &[WOMEN_CUT], 0, at)],
                ),
            )
            .await;
        staff.push(
            made.map(|m| sandbox.control().record(m[0].record_id).unwrap().staff_id)
                .map_err(|e| e.booking_code()),
        );
    }
    assert_eq!(
        staff,
        [
            Ok(ANNA),
            Ok(EKATERINA),
            Ok(YULIA),
            Err(Some(yclients::BookingCode::NoStaffAvailable))
        ]
    );
    let length = sandbox
        .control()
        .records()
        .into_iter()
        .find(|r| r.api_id == "any-2")
        .unwrap()
        .length;
    assert_eq!(
        length, 4500,
        "the record takes the chosen master's duration"
    );
}

#[tokio::test]
async fn two_appointments_back_to_back_with_one_master_are_booked_together() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    let appointments = vec![
        Appointment::new(1, &[WOMEN_CUT], ANNA, "2025-03-12T12:00:00+03:00"),
        Appointment::new(2, &[WOMEN_CUT], ANNA, "2025-03-12T12:50:00+03:00"),
    ];
    let made = client
        .book_record(MOSCOW, &visitor("pair", appointments))
        .await
        .unwrap();
    assert_eq!(made.iter().map(|m| m.id).collect::<Vec<_>>(), [1, 2]);
    assert_ne!(made[0].record_hash, made[1].record_hash);
}
