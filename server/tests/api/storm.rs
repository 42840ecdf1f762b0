//! Idempotency storms: fifty visitors pressing "book" on one master's slot at once, each with
//! their own Idempotency-Key, make one YCLIENTS record; everyone else hears "slot taken".
//! (Fifty repeats of one key are in `booking.rs`.)

use std::net::{IpAddr, Ipv4Addr};

use serde_json::{Value, json};

use crate::booking::{BRANCH, booking, get};
use crate::helpers::{Db, ORIGIN, TestApp, spawn_app};

/// A client whose requests come from 127.0.0.`n` (the per-IP booking limit counts each alone).
pub fn client_from(n: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, n)))
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

/// `booking(service, datetime)` with a master and a visitor of its own.
pub fn booking_with(service: u64, staff: u64, datetime: &str, visitor: u64) -> Value {
    let mut body = booking(service, datetime);
    body["staff"] = json!(staff);
    body["attribution"]["vid"] = json!(format!("{visitor:032x}"));
    body
}

/// Every error answer is `{error: {code, message}}`; returns the code.
pub fn error_code(status: u16, body: &Value) -> String {
    let code = body["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{status} without the error shape: {body}"));
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{status} without a message: {body}"
    );
    code.to_owned()
}

/// The sandbox records zapis made (their api_id is one of our 32-hex booking ids).
pub fn made_by_zapis(app: &TestApp) -> Vec<yclients::model::Record> {
    app.sandbox
        .records()
        .into_iter()
        .filter(|r| r.api_id.len() == 32 && r.api_id.bytes().all(|b| b.is_ascii_hexdigit()))
        .collect()
}

/// (service, master) pairs at `BRANCH`: each bookable master once, with a service they do.
pub async fn masters(app: &TestApp) -> Vec<(u64, u64)> {
    let services = get(
        app,
        &format!("/api/v1/sites/demo/branches/{BRANCH}/services"),
    )
    .await;
    let mut pairs: Vec<(u64, u64)> = Vec::new();
    for s in services["services"].as_array().unwrap().iter().take(8) {
        let service = s["id"].as_u64().unwrap();
        let staff = get(
            app,
            &format!("/api/v1/sites/demo/branches/{BRANCH}/staff?services={service}"),
        )
        .await;
        for m in staff["staff"].as_array().unwrap() {
            let id = m["id"].as_u64().unwrap();
            if m["bookable"] == true && id != 0 && !pairs.iter().any(|(_, s)| *s == id) {
                pairs.push((service, id));
            }
        }
    }
    assert!(!pairs.is_empty(), "the seed has bookable masters");
    pairs
}

/// Free slots of one master, at most `per_day` a day, `gap` minutes apart (longer than the
/// service, so bookings of the list do not overlap each other).
pub async fn spaced_slots(
    app: &TestApp,
    service: u64,
    staff: u64,
    per_day: usize,
    gap: u32,
) -> Vec<String> {
    let dates = get(
        app,
        &format!("/api/v1/sites/demo/branches/{BRANCH}/dates?services={service}&staff={staff}"),
    )
    .await;
    let mut out = Vec::new();
    for date in dates["dates"].as_array().unwrap() {
        let date = date.as_str().unwrap();
        let times = get(app, &format!("/api/v1/sites/demo/branches/{BRANCH}/times?services={service}&staff={staff}&date={date}")).await;
        let mut last: Option<u32> = None;
        let mut today = 0;
        for slot in times["slots"].as_array().unwrap() {
            let dt = slot["datetime"].as_str().unwrap();
            let minutes =
                dt[11..13].parse::<u32>().unwrap() * 60 + dt[14..16].parse::<u32>().unwrap();
            if last.is_none_or(|l| minutes >= l + gap) && today < per_day {
                out.push(dt.to_owned());
                last = Some(minutes);
                today += 1;
            }
        }
    }
    out
}

async fn fifty_visitors_with_their_own_keys_race_for_one_slot_and_one_gets_it(db: Db) {
    let app = spawn_app(db).await;
    let (service, staff) = masters(&app).await[0];
    let datetime = spaced_slots(&app, service, staff, 1, 120).await.remove(0);
    let started = std::time::Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..50u8 {
        let (client, url, body) = (
            client_from(10 + i),
            app.url("/api/v1/sites/demo/bookings"),
            booking_with(service, staff, &datetime, u64::from(i) + 1),
        );
        tasks.spawn(async move {
            let res = client
                .post(url)
                .header("origin", ORIGIN)
                .header("idempotency-key", format!("storm-visitor-{i:03}"))
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            (status, res.json::<Value>().await.unwrap())
        });
    }
    let (mut booked, mut taken) = (Vec::new(), 0);
    while let Some(r) = tasks.join_next().await {
        let (status, body) = r.unwrap();
        match status {
            201 => booked.push(body["id"].as_str().unwrap().to_owned()),
            409 => {
                assert_eq!(error_code(status, &body), "slot_taken", "{body}");
                taken += 1;
            }
            _ => panic!("unexpected {status} {body}"),
        }
    }
    assert_eq!(
        (booked.len(), taken),
        (1, 49),
        "one booking, 49 told the slot is taken"
    );
    let ours = made_by_zapis(&app);
    assert_eq!(ours.len(), 1, "one YCLIENTS record");
    assert_eq!(ours[0].staff_id, staff);
    assert_eq!(ours[0].api_id, booked[0]);
    assert_eq!(
        app.store.count_bookings("demo", "confirmed").await.unwrap(),
        1
    );
    println!(
        "RELIABILITY storm {db:?}: 50 keys race for one slot: 1 × 201, 49 × 409 slot_taken, 1 YCLIENTS record, {} book_record calls; {:.2} s",
        app.sandbox.calls("book_record"),
        started.elapsed().as_secs_f64()
    );
}

crate::on_both_databases!(fifty_visitors_with_their_own_keys_race_for_one_slot_and_one_gets_it);
