//! The masters and dates for a choice of services are worked out from one YCLIENTS answer per
//! master (their services, their days with free time) instead of one question per service and
//! master; and an instance says it is ready only once its catalogue is fetched.

use std::collections::BTreeSet;

use serde_json::Value;
use yclients::model::BookQuery;

use crate::booking::{BRANCH, get};
use crate::busy::settled;
use crate::helpers::{Db, TestApp, spawn_app, spawn_app_with};

fn api(path: &str) -> String {
    format!("/api/v1/sites/demo/branches/{BRANCH}/{path}")
}

/// A YCLIENTS client of the test's own, straight to the sandbox: what YCLIENTS answers.
fn direct(app: &TestApp) -> yclients::Client {
    yclients::Client::builder(app.sandbox.partner_token())
        .base_url(app.sandbox.base_url())
        .rate_limit(None)
        .build()
        .unwrap()
}

/// `GET path` without an Origin (the health checks); its status.
async fn status(app: &TestApp, path: &str) -> (u16, Value) {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn strings(v: &Value, list: &str) -> Vec<String> {
    v[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_owned())
        .collect()
}

/// For every service: the same masters as YCLIENTS lists, in its order, bookable alike, none
/// with a nearest time earlier than YCLIENTS'; the first days offered (once fetched) are all
/// days YCLIENTS offers for the service; and it cost one `book_staff` and one `book_dates` per
/// master, not one per service and master.
async fn the_masters_and_dates_for_any_service_are_what_yclients_answers_for_a_call_per_master(
    db: Db,
) {
    let app = spawn_app(db).await;
    let direct = direct(&app);
    let ids: Vec<u64> = get(&app, &api("services")).await["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_u64().unwrap())
        .collect();
    let (staff0, dates0) = (
        app.sandbox.calls("book_staff"),
        app.sandbox.calls("book_dates"),
    );
    let (mut direct_staff, mut direct_dates) = (0, 0);
    // (service, master) pairs a visitor can ask dates for; master 0 = any.
    let mut asked: Vec<(u64, u64)> = Vec::new();
    for s in &ids {
        let ours = get(&app, &api(&format!("staff?services={s}"))).await;
        let ours = ours["staff"].as_array().unwrap().clone();
        let q = BookQuery {
            service_ids: vec![*s],
            ..BookQuery::default()
        };
        let theirs = direct.book_staff(BRANCH, &q).await.unwrap();
        direct_staff += 1;
        let ours_ids: Vec<u64> = ours.iter().map(|m| m["id"].as_u64().unwrap()).collect();
        let theirs_ids: Vec<u64> = theirs.iter().map(|m| m.id).collect();
        assert_eq!(
            ours_ids, theirs_ids,
            "service {s}: the same masters in order"
        );
        for (m, t) in ours.iter().zip(&theirs) {
            assert_eq!(m["bookable"], t.bookable, "service {s}, master {}", t.id);
            if let (Some(n), Some(first)) = (m["nearest"].as_str(), t.seances.first()) {
                let (n, first): (jiff::Timestamp, jiff::Timestamp) =
                    (n.parse().unwrap(), first.datetime.parse().unwrap());
                assert!(
                    n >= first,
                    "service {s}: nearest {n} before YCLIENTS' {first}"
                );
            }
        }
        asked.push((*s, 0));
        asked.extend(theirs.iter().filter(|m| m.bookable).map(|m| (*s, m.id)));
    }
    for (s, m) in &asked {
        get(&app, &api(&format!("dates?services={s}&staff={m}"))).await;
    }
    // The first days of every calendar are fetched ahead: then they are exact.
    settled(|| app.sandbox.calls("book_times")).await;
    let (mut shown, mut hidden) = (0usize, 0usize);
    for (s, m) in &asked {
        let ours = get(&app, &api(&format!("dates?services={s}&staff={m}"))).await;
        let ours: Vec<String> = strings(&ours, "dates").into_iter().take(7).collect();
        let q = BookQuery {
            staff_id: Some(*m),
            service_ids: vec![*s],
            ..BookQuery::default()
        };
        let theirs = direct.book_dates(BRANCH, &q).await.unwrap();
        direct_dates += 1;
        let theirs: BTreeSet<String> = theirs.booking_dates.iter().map(|d| d.to_string()).collect();
        let extra: Vec<_> = ours.iter().filter(|d| !theirs.contains(*d)).collect();
        assert!(
            extra.is_empty(),
            "service {s}, master {m}: zapis offers {extra:?}, YCLIENTS does not; ours {ours:?}, theirs {theirs:?}"
        );
        let Some(last) = ours.last() else {
            assert!(theirs.is_empty(), "service {s}, master {m}: no day hidden");
            continue;
        };
        shown += ours.len();
        hidden += theirs
            .iter()
            .filter(|d| *d <= last && !ours.contains(d))
            .count();
    }
    let staff_calls = app.sandbox.calls("book_staff") - staff0 - direct_staff;
    let dates_calls = app.sandbox.calls("book_dates") - dates0 - direct_dates;
    eprintln!(
        "{} services, {} date lists: zapis made {staff_calls} book_staff and {dates_calls} book_dates calls; {shown} first days shown, {hidden} left out",
        ids.len(),
        asked.len()
    );
    assert!(shown > 100, "the seed has free days: {shown}");
    assert!(hidden * 20 <= shown, "{hidden} of {shown} days left out");
    assert!(staff_calls <= 1, "one master list: {staff_calls} calls");
    assert!(dates_calls <= 7, "one per master: {dates_calls} calls");
}

/// `/health/ready` is 503 while zapis fetches the salon's catalogue at start (a proxy keeps
/// visitors on warm instances meanwhile) and 200 after: then a visitor's dates and the times of
/// the warmed days come without a YCLIENTS call.
async fn an_instance_says_it_is_ready_only_once_its_catalogue_is_warmed(db: Db) {
    let app = spawn_app_with(db, |s| s.upstream.warm_days = 2).await;
    let (ready, body) = status(&app, "/health/ready").await;
    assert_eq!(ready, 503, "warming: YCLIENTS allows 5 calls a second");
    assert_eq!(body["status"], "warming");
    assert_eq!(status(&app, "/health").await.0, 200, "up all the same");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while status(&app, "/health/ready").await.0 != 200 {
        assert!(std::time::Instant::now() < deadline, "never ready");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let services = get(&app, &api("services")).await;
    let service = services["services"][0]["id"].as_u64().unwrap();
    // The first two days with free time, as YCLIENTS has them (asked directly: a visitor's
    // dates would fetch their later days ahead meanwhile).
    let direct = direct(&app);
    let q = BookQuery {
        staff_id: Some(0),
        service_ids: vec![service],
        ..BookQuery::default()
    };
    let first = direct.book_dates(BRANCH, &q).await.unwrap().booking_dates;
    assert!(first.len() >= 2, "the salon has free days: {first:?}");
    let (dates, times) = (
        app.sandbox.calls("book_dates"),
        app.sandbox.calls("book_times"),
    );
    for d in first.iter().take(2) {
        get(
            &app,
            &api(&format!("times?services={service}&staff=0&date={d}")),
        )
        .await;
    }
    assert_eq!(
        app.sandbox.calls("book_times"),
        times,
        "times of the warmed days from the cache"
    );
    let list = get(&app, &api(&format!("dates?services={service}&staff=0"))).await;
    assert_eq!(
        app.sandbox.calls("book_dates"),
        dates,
        "dates from the cache"
    );
    assert_eq!(
        strings(&list, "dates")[..2],
        first[..2].iter().map(|d| d.to_string()).collect::<Vec<_>>()[..],
        "the same first days as YCLIENTS'"
    );
}

crate::on_both_databases!(
    the_masters_and_dates_for_any_service_are_what_yclients_answers_for_a_call_per_master,
    an_instance_says_it_is_ready_only_once_its_catalogue_is_warmed,
);
