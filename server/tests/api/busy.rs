//! A busy salon: free times are cached long (the step would otherwise spend the salon's YCLIENTS
//! budget on every visitor), which is safe because a record made anywhere drops the cached day —
//! by zapis's own booking at once, by YCLIENTS' record webhook for one made elsewhere.

use yclients::model::{Appointment, BookRecord, Contact};

use crate::booking::{BRANCH, first_free_slot, get};
use crate::helpers::Db;
use crate::journey::spawn;

async fn a_time_booked_elsewhere_in_yclients_stops_being_offered_once_its_webhook_arrives(db: Db) {
    let app = spawn(db).await; // the sandbox posts its webhooks to the app
    let (service, datetime) = first_free_slot(&app).await;
    let date = &datetime[..10];
    let path = format!(
        "/api/v1/sites/demo/branches/{BRANCH}/times?services={service}&staff=0&date={date}"
    );
    let offered = |times: &serde_json::Value| {
        times["slots"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["datetime"] == datetime.as_str())
            .count()
    };
    assert_eq!(offered(&get(&app, &path).await), 1, "the time is free");
    // (zapis fetches the first days' times ahead while a visitor looks at the dates.)
    let calls = settled(|| app.sandbox.calls("book_times")).await;
    assert_eq!(
        offered(&get(&app, &path).await),
        1,
        "and answered from the cache"
    );
    assert_eq!(app.sandbox.calls("book_times"), calls);

    // Every master of the salon books that time from another site (straight into YCLIENTS),
    // so that "any master" has nobody left then.
    let other = yclients::Client::builder(app.sandbox.partner_token())
        .base_url(app.sandbox.base_url())
        .rate_limit(None)
        .build()
        .unwrap();
    let mut made = 0;
    for n in 0..20u64 {
        let body = BookRecord {
            contact: Contact {
                phone: format!("7916555{:04}", 100 + n),
                fullname: "Гость с другого сайта".into(),
                ..Contact::default()
            },
            appointments: vec![Appointment {
                id: 1,
                services: vec![service],
                staff_id: 0,
                datetime: datetime.clone(),
                ..Appointment::default()
            }],
            ..BookRecord::default()
        };
        if other.book_record(BRANCH, &body).await.is_err() {
            break; // nobody is free at that time any more
        }
        made += 1;
    }
    assert!(made > 0, "the other site booked the time");

    // The webhooks arrive and are processed: the cached day is dropped, the time is gone.
    let mut left = usize::MAX;
    for _ in 0..100 {
        left = offered(&get(&app, &path).await);
        if left == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        left, 0,
        "a time taken in YCLIENTS is not offered once its webhook arrived"
    );
    assert!(
        app.sandbox.calls("book_times") > calls,
        "asked YCLIENTS again"
    );
}

/// Free times are worked out from one YCLIENTS answer per master and day (not one per master,
/// day *and* service): what a visitor is offered is always among what YCLIENTS itself offers for
/// those services, nearly all of it, for a fraction of the calls.
async fn free_times_from_a_masters_day_are_what_yclients_offers_for_far_fewer_calls(db: Db) {
    let app = spawn(db).await;
    let direct = yclients::Client::builder(app.sandbox.partner_token())
        .base_url(app.sandbox.base_url())
        .rate_limit(None)
        .build()
        .unwrap();
    let api = |path: String| format!("/api/v1/sites/demo/branches/{BRANCH}/{path}");
    let services = get(&app, &api("services".into())).await;
    let ids: Vec<u64> = services["services"]
        .as_array()
        .unwrap()
        .iter()
        .take(12)
        .map(|s| s["id"].as_u64().unwrap())
        .collect();
    let before = app.sandbox.calls("book_times");
    let (mut asked, mut exact, mut missing) = (0u64, 0usize, 0usize);
    for s in &ids {
        let staff = get(&app, &api(format!("staff?services={s}"))).await;
        let masters = std::iter::once(0).chain(
            staff["staff"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["bookable"] == true)
                .map(|m| m["id"].as_u64().unwrap()),
        );
        let dates = get(&app, &api(format!("dates?services={s}&staff=0"))).await;
        // Not today: its earliest start moves with the clock between the two questions.
        let dates: Vec<String> = dates["dates"]
            .as_array()
            .unwrap()
            .iter()
            .skip(1)
            .take(6)
            .map(|d| d.as_str().unwrap().to_owned())
            .collect();
        for m in masters {
            for d in &dates {
                let ours = get(&app, &api(format!("times?services={s}&staff={m}&date={d}"))).await;
                let ours: Vec<&str> = ours["slots"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t["datetime"].as_str().unwrap())
                    .collect();
                let theirs = direct
                    .book_times(BRANCH, m, d.parse().unwrap(), &[*s])
                    .await
                    .unwrap();
                asked += 1;
                let theirs: Vec<&str> = theirs.iter().map(|t| t.datetime.as_str()).collect();
                let extra: Vec<_> = ours.iter().filter(|t| !theirs.contains(t)).collect();
                assert!(
                    extra.is_empty(),
                    "service {s}, master {m}, {d}: zapis offers {extra:?}, YCLIENTS does not"
                );
                exact += theirs.len();
                missing += theirs.iter().filter(|t| !ours.contains(t)).count();
            }
        }
    }
    // The sandbox counts the test's own direct questions too.
    let zapis_calls = settled(|| app.sandbox.calls("book_times")).await - before - asked;
    eprintln!(
        "{asked} questions: YCLIENTS offers {exact} times, zapis {} ({missing} left out); zapis made {zapis_calls} book_times calls",
        exact - missing
    );
    assert!(exact > 500, "the seed has free time: {exact}");
    assert!(
        missing * 20 <= exact,
        "nearly every time is offered: {missing} of {exact} left out"
    );
    assert!(
        zapis_calls * 3 <= asked,
        "{zapis_calls} calls for {asked} questions"
    );
}

/// Right after zapis starts it fetches the salon's services and every master's next days (a
/// restart in a busy hour would otherwise queue every visitor's first question behind YCLIENTS'
/// 5 calls a second): the first visitor's services, and times on those days, come from the cache.
async fn the_first_visitor_after_a_start_finds_the_next_days_already_fetched(db: Db) {
    let app = crate::helpers::spawn_app_with(db, |s| s.upstream.warm_days = 2).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while app.sandbox.calls("book_times") == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "zapis fetched no day at start"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    settled(|| app.sandbox.calls("book_times")).await;
    let services = settled(|| app.sandbox.calls("book_services")).await;
    let api = |path: String| format!("/api/v1/sites/demo/branches/{BRANCH}/{path}");
    let list = get(&app, &api("services".into())).await;
    let service = list["services"][0]["id"].as_u64().unwrap();
    assert_eq!(
        app.sandbox.calls("book_services"),
        services,
        "services from the cache"
    );
    let dates = get(&app, &api(format!("dates?services={service}&staff=0"))).await;
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Moscow").unwrap())
        .date();
    let tomorrow = today.tomorrow().unwrap().to_string();
    let soon: Vec<&str> = dates["dates"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.as_str())
        .filter(|d| *d <= tomorrow.as_str())
        .collect();
    assert!(
        !soon.is_empty(),
        "the salon has free time today or tomorrow"
    );
    // (The dates answer fetches its later days ahead: let that finish.)
    let before = settled(|| app.sandbox.calls("book_times")).await;
    for d in soon {
        get(
            &app,
            &api(format!("times?services={service}&staff=0&date={d}")),
        )
        .await;
    }
    assert_eq!(
        app.sandbox.calls("book_times"),
        before,
        "times of the warmed days from the cache"
    );
}

crate::on_both_databases!(
    the_first_visitor_after_a_start_finds_the_next_days_already_fetched,
    a_time_booked_elsewhere_in_yclients_stops_being_offered_once_its_webhook_arrives,
    free_times_from_a_masters_day_are_what_yclients_offers_for_far_fewer_calls,
);

/// A counter once it has stopped moving (background fetches done; zapis keeps to YCLIENTS' 5
/// calls a second, so a pause of a second is not the end).
pub async fn settled(count: impl Fn() -> u64) -> u64 {
    let mut last = count();
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
        let now = count();
        if now == last {
            return now;
        }
        last = now;
    }
}
