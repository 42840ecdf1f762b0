//! 500 bookings while YCLIENTS misbehaves on a fifth of all calls (5xx, 429, hangs and dropped
//! connections, before and after the record is made). Each visitor retries with the same
//! Idempotency-Key as the widget does; every booking ends confirmed exactly once or with a clear
//! refusal, YCLIENTS holds exactly the records we store as confirmed, and no answer is a bare 5xx.

use std::{collections::HashMap, time::Instant};

use serde_json::Value;
use yclients::sandbox::{Fault, FaultKind};

use crate::helpers::{Db, ORIGIN, spawn_app_with};
use crate::storm::{booking_with, client_from, error_code, made_by_zapis, masters, spaced_slots};

const BOOKINGS: usize = 500;
const CONCURRENCY: usize = 16;
/// Distinct source addresses, so that the per-IP booking limit (30 per 10 minutes) holds.
const ADDRESSES: usize = 40;

/// A fifth of calls, spread over every kind of failure.
fn mixed_faults() -> Vec<Fault> {
    let kinds = [
        FaultKind::Status { status: 500 },
        FaultKind::Status { status: 503 },
        FaultKind::TooManyRequests {
            retry_after: Some(1),
        },
        FaultKind::Hang,
        FaultKind::Drop,
        FaultKind::ProcessThenHang,
        FaultKind::ProcessThenDrop,
        FaultKind::ProcessThenStatus { status: 502 },
    ];
    // 1 − (1 − p)^8 = 0.2
    let p = 1.0 - 0.8f64.powf(1.0 / kinds.len() as f64);
    kinds.into_iter().map(|k| Fault::rate(p, k)).collect()
}

#[derive(Debug)]
enum End {
    Booked(String),
    Refused(String),
    /// Still unavailable after the widget's retries.
    GaveUp,
}

/// One visitor: posts, and on 503/429 retries with the same key, as the widget does.
async fn visitor(
    client: reqwest::Client,
    url: String,
    key: String,
    body: Value,
    tries: u32,
    answers: &mut HashMap<u16, u32>,
) -> End {
    for attempt in 0..tries {
        let res = client
            .post(&url)
            .header("origin", ORIGIN)
            .header("idempotency-key", &key)
            .json(&body)
            .send()
            .await
            .expect("zapis answers");
        let status = res.status().as_u16();
        *answers.entry(status).or_default() += 1;
        let json: Value = res
            .json()
            .await
            .unwrap_or_else(|e| panic!("{status} without a JSON body: {e}"));
        match status {
            200 | 201 => return End::Booked(json["id"].as_str().expect("booking id").to_owned()),
            429 | 503 => {
                let code = error_code(status, &json);
                assert!(
                    ["upstream_unavailable", "rate_limited", "unavailable"]
                        .contains(&code.as_str()),
                    "{status} {json}"
                );
                tokio::time::sleep(std::time::Duration::from_millis(
                    50 * u64::from(attempt + 1),
                ))
                .await;
            }
            409 | 422 | 403 => return End::Refused(error_code(status, &json)),
            _ => panic!("unexpected {status}: {json}"),
        }
    }
    End::GaveUp
}

async fn five_hundred_bookings_through_a_fifth_of_failing_calls_each_end_once_and_clearly(db: Db) {
    let started = Instant::now();
    let app = spawn_app_with(db, |s| {
        s.upstream.timeout_ms = 700;
        s.upstream.rate_budget = false;
    })
    .await;
    // The slots, read before anything fails: many masters, many days, never overlapping.
    let mut plan = Vec::new();
    for (service, staff) in masters(&app).await {
        for datetime in spaced_slots(&app, service, staff, 12, 60).await {
            plan.push((service, staff, datetime));
        }
    }
    assert!(plan.len() >= BOOKINGS, "only {} free slots", plan.len());
    plan.truncate(BOOKINGS);
    for fault in mixed_faults() {
        app.sandbox.control().inject(fault);
    }

    let url = app.url("/api/v1/sites/demo/bookings");
    let clients: Vec<reqwest::Client> = (0..ADDRESSES).map(|i| client_from(10 + i as u8)).collect();
    let queue = std::sync::Arc::new(std::sync::Mutex::new(
        plan.into_iter().enumerate().collect::<Vec<_>>(),
    ));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (queue, clients, url) = (queue.clone(), clients.clone(), url.clone());
        workers.spawn(async move {
            let mut ends = Vec::new();
            let mut answers = HashMap::new();
            loop {
                let next = queue.lock().unwrap().pop();
                let Some((i, (service, staff, datetime))) = next else {
                    break;
                };
                let key = format!("fault-storm-{i:04}");
                let body = booking_with(service, staff, &datetime, i as u64 + 1);
                let end = visitor(
                    clients[i % ADDRESSES].clone(),
                    url.clone(),
                    key.clone(),
                    body.clone(),
                    4,
                    &mut answers,
                )
                .await;
                ends.push((key, body, i, end));
            }
            (ends, answers)
        });
    }
    let mut ends = Vec::new();
    let mut answers: HashMap<u16, u32> = HashMap::new();
    while let Some(w) = workers.join_next().await {
        let (e, a) = w.unwrap();
        ends.extend(e);
        for (k, v) in a {
            *answers.entry(k).or_default() += v;
        }
    }
    let under_faults = started.elapsed();

    // YCLIENTS recovers; visitors who gave up come back with the same key.
    app.sandbox.control().clear_faults();
    let mut gave_up_first = 0;
    for (key, body, i, end) in ends.iter_mut() {
        if matches!(end, End::GaveUp) {
            gave_up_first += 1;
            *end = visitor(
                clients[*i % ADDRESSES].clone(),
                url.clone(),
                key.clone(),
                body.clone(),
                3,
                &mut answers,
            )
            .await;
        }
    }

    let mut booked = std::collections::HashSet::new();
    let mut refused: HashMap<String, u32> = HashMap::new();
    for (key, _, _, end) in &ends {
        match end {
            End::Booked(id) => assert!(booked.insert(id.clone()), "{key}: one booking id twice"),
            End::Refused(code) => *refused.entry(code.clone()).or_default() += 1,
            End::GaveUp => panic!("{key}: still no answer after YCLIENTS recovered"),
        }
    }
    let records = made_by_zapis(&app);
    let mut per_id: HashMap<&str, u32> = HashMap::new();
    for r in &records {
        *per_id.entry(r.api_id.as_str()).or_default() += 1;
    }
    assert!(
        per_id.values().all(|n| *n == 1),
        "a booking made twice in YCLIENTS"
    );
    for id in &booked {
        assert_eq!(
            per_id.get(id.as_str()),
            Some(&1),
            "confirmed booking {id} has its one record"
        );
    }
    let confirmed = app.store.count_bookings("demo", "confirmed").await.unwrap();
    assert_eq!(
        records.len() as i64,
        confirmed,
        "YCLIENTS records = bookings stored as confirmed"
    );
    assert_eq!(confirmed as usize, booked.len());
    assert!(
        booked.len() >= BOOKINGS * 9 / 10,
        "most bookings made it: {} (refused {refused:?})",
        booked.len()
    );

    let mut answers: Vec<_> = answers.into_iter().collect();
    answers.sort();
    println!(
        "RELIABILITY faults {db:?}: {BOOKINGS} bookings, concurrency {CONCURRENCY}, 20% faults: {} booked, refused {refused:?}, \
         {gave_up_first} needed a retry after recovery; answers {answers:?}; sandbox calls {:?}; {:.1} s under faults, {:.1} s total",
        booked.len(),
        app.sandbox.control().all_calls(),
        under_faults.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}

crate::on_both_databases!(
    five_hundred_bookings_through_a_fifth_of_failing_calls_each_end_once_and_clearly
);
