//! Durations as the salon's catalogue has them (#16 items 1 and 4): each service's own length
//! (a fringe trim 15 min, highlights 3 h), a master's own once chosen, and the booking answer
//! (the success screen, the .ics) with the length and the master of the record YCLIENTS made.

use serde_json::Value;

use crate::booking::{BRANCH, booking, get, post_booking};
use crate::helpers::{Db, TestApp, spawn_app};

const WOMENS_CUT: u64 = 9100101;
const FRINGE: u64 = 9100104;
const HIGHLIGHTS: u64 = 9100204;
/// Юлия Козлова: a women's cut takes her 75 minutes (the catalogue's 60, Анна's 50).
const YULIA: u64 = 2900104;

fn duration(services: &Value, id: u64) -> u64 {
    services["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no service {id}"))["duration"]
        .as_u64()
        .unwrap()
}

/// The first free slot for `service` with `staff` (0: any): its datetime and length.
async fn slot(app: &TestApp, service: u64, staff: u64) -> (String, u64) {
    let base = format!("/api/v1/sites/demo/branches/{BRANCH}");
    let dates = get(
        app,
        &format!("{base}/dates?services={service}&staff={staff}"),
    )
    .await;
    for date in dates["dates"].as_array().unwrap() {
        let date = date.as_str().unwrap();
        let times = get(
            app,
            &format!("{base}/times?services={service}&staff={staff}&date={date}"),
        )
        .await;
        if let Some(s) = times["slots"].as_array().unwrap().first() {
            return (
                s["datetime"].as_str().unwrap().to_owned(),
                s["length"].as_u64().unwrap(),
            );
        }
    }
    panic!("no free slot for {service} with {staff}");
}

async fn each_service_shows_the_catalogues_duration_and_a_chosen_masters_own(db: Db) {
    let app = spawn_app(db).await;
    let any = get(
        &app,
        &format!("/api/v1/sites/demo/branches/{BRANCH}/services"),
    )
    .await;
    assert_eq!(duration(&any, FRINGE), 15 * 60, "a fringe trim is 15 min");
    assert_eq!(duration(&any, HIGHLIGHTS), 180 * 60, "highlights are 3 h");
    assert_eq!(
        duration(&any, WOMENS_CUT),
        50 * 60,
        "any master: the shortest of the masters who do it"
    );
    let longest = |id: u64| {
        any["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()["duration_max"]
            .as_u64()
    };
    assert_eq!(
        longest(WOMENS_CUT),
        Some(75 * 60),
        "and the longest, for the widget's range"
    );
    assert_eq!(longest(FRINGE), None, "no range where the masters agree");
    let yulia = get(
        &app,
        &format!("/api/v1/sites/demo/branches/{BRANCH}/services?staff={YULIA}"),
    )
    .await;
    assert_eq!(duration(&yulia, WOMENS_CUT), 75 * 60);
}

async fn the_booking_answer_has_the_length_and_master_of_the_record_yclients_made(db: Db) {
    let app = spawn_app(db).await;
    // A chosen master: her length, as the times showed it.
    let (datetime, length) = slot(&app, WOMENS_CUT, YULIA).await;
    assert_eq!(length, 75 * 60, "the time step shows her length");
    let mut body = booking(WOMENS_CUT, &datetime);
    body["staff"] = YULIA.into();
    let res = post_booking(&app, "durations-yulia-1", &body).await;
    assert_eq!(res.status(), 201);
    let answer: Value = res.json().await.unwrap();
    assert_eq!(answer["length"], 75, "{answer}");
    assert_eq!(answer["staff"], "Юлия Козлова");
    let record = app
        .sandbox
        .records()
        .into_iter()
        .find(|r| r.api_id == answer["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(
        u64::from(record.length),
        length,
        "the record is as long as the answer says"
    );

    // Any master: the master YCLIENTS assigned and that master's length.
    let (datetime, length) = slot(&app, FRINGE, 0).await;
    let res = post_booking(&app, "durations-any-1", &booking(FRINGE, &datetime)).await;
    assert_eq!(res.status(), 201);
    let answer: Value = res.json().await.unwrap();
    let record = app
        .sandbox
        .records()
        .into_iter()
        .find(|r| r.api_id == answer["id"].as_str().unwrap())
        .unwrap();
    let assigned = record
        .staff
        .as_ref()
        .expect("YCLIENTS assigned a master")
        .name
        .clone();
    assert!(!assigned.is_empty());
    assert_eq!(answer["staff"], assigned.as_str(), "{answer}");
    assert_eq!(
        answer["length"].as_u64(),
        Some(u64::from(record.length) / 60)
    );
    assert_eq!(
        u64::from(record.length),
        length,
        "as long as the time step said"
    );
    assert_eq!(answer["length"], 15);
}

crate::on_both_databases!(
    each_service_shows_the_catalogues_duration_and_a_chosen_masters_own,
    the_booking_answer_has_the_length_and_master_of_the_record_yclients_made,
);
