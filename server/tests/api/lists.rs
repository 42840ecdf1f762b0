//! The masters and dates for a choice of services are worked out from one YCLIENTS answer per
//! master (their services, their days with free time) instead of one question per service and
//! master.

use std::collections::BTreeSet;

use serde_json::Value;
use yclients::model::BookQuery;

use crate::booking::{BRANCH, get};
use crate::busy::settled;
use crate::helpers::{Db, TestApp, spawn_app};

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

crate::on_both_databases!(
    the_masters_and_dates_for_any_service_are_what_yclients_answers_for_a_call_per_master,
);
