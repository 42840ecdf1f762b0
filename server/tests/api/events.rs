//! Group events over real HTTP against the sandbox: the week's schedule by day with seats left
//! and filters; a sign-up through the same stored, idempotent, tagged path as a booking (one
//! record however often it is retried); a full event refused naming the next one; the SMS code
//! where the branch asks; concurrent sign-ups never oversell. After the sign-up: `events_after`.

use serde_json::{Value, json};

use crate::booking::{BRANCH, VID, get};
use crate::helpers::{Db, ORIGIN, TestApp, spawn_app};
use crate::journey::NAME;

/// «Лекция «Здоровые волосы дома»», tomorrow 18:30, 3 of 20 seats left (seed).
pub const LECTURE: u64 = 7400103;
/// The make-up practice the day after tomorrow: full (6 of 6).
pub const FULL_PRACTICE: u64 = 7400104;
/// The next make-up practice, in nine days: 4 of 6 seats left.
pub const NEXT_PRACTICE: u64 = 7400105;
/// The Yekaterinburg master class tomorrow (the branch asks for an SMS code): 2 seats left.
pub const EKB_CLASS: u64 = 7400201;
pub const EKB: u64 = 410202;

pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Moscow").unwrap())
        .date()
}

pub fn signup(branch: u64, event: u64, seats: u64) -> Value {
    json!({
        "branch": branch, "event": event, "seats": seats,
        "name": NAME, "phone": "+7 (916) 555-12-34", "consent": true,
        "comment": "Придём вдвоём",
        "attribution": {
            "vid": VID, "sid": "fedcba9876543210fedcba9876543210",
            "first": {"ch": "search", "referrer": "https://ya.ru/", "landing": "/", "ts": 1},
            "last": {"ch": "paid", "source": "yandex", "medium": "cpc", "campaign": "classes", "landing": "/classes?utm_source=yandex", "ts": 2}
        }
    })
}

pub async fn post_signup(app: &TestApp, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/sites/demo/signups"))
        .header("origin", ORIGIN)
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn status_of(app: &TestApp, path: &str) -> u16 {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    res.status().as_u16()
}

/// What an owner's browser reads at `path` (JSON).
pub async fn owner_json(app: &TestApp, b: &reqwest::Client, path: &str) -> Value {
    let res = b.get(app.url(path)).send().await.unwrap();
    res.json().await.unwrap()
}

fn events_of(schedule: &Value) -> Vec<&Value> {
    schedule["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["events"].as_array().unwrap())
        .collect()
}

fn event(schedule: &Value, id: u64) -> &Value {
    events_of(schedule)
        .into_iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("event {id} not in {schedule}"))
}

fn two_weeks() -> String {
    let from = today();
    let till = from.checked_add(jiff::Span::new().days(13)).unwrap();
    format!("/api/v1/sites/demo/branches/{BRANCH}/events?from={from}&till={till}")
}

async fn the_week_is_shown_by_day_with_seats_left_and_filters(db: Db) {
    let app = spawn_app(db).await;
    let week = get(
        &app,
        &format!("/api/v1/sites/demo/branches/{BRANCH}/events"),
    )
    .await;
    assert_eq!(week["from"], today().to_string());
    assert_eq!(
        (
            week["max_seats"].as_u64(),
            week["phone_confirmation"].as_bool()
        ),
        (Some(4), Some(false))
    );
    let days: Vec<&str> = week["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    assert!(days.windows(2).all(|w| w[0] < w[1]), "{days:?}");
    let lecture = event(&week, LECTURE);
    assert_eq!(
        (
            lecture["time"].as_str(),
            lecture["length"].as_u64(),
            lecture["seats_left"].as_u64(),
            lecture["full"].as_bool(),
            lecture["master"].as_str(),
            lecture["price_min"].as_f64(),
            lecture["room"].as_str(),
        ),
        (
            Some("18:30"),
            Some(90),
            Some(3),
            Some(false),
            Some("Юлия Козлова"),
            Some(1200.0),
            Some("Лаунж")
        )
    );
    let categories: Vec<&str> = week["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(categories, ["Лекции", "Мастер-классы"]);
    assert_eq!(week["masters"].as_array().unwrap().len(), 3);

    let lectures = get(&app, &format!("{}&category=880109", two_weeks())).await;
    assert!(events_of(&lectures).iter().all(|e| e["category"] == 880109));
    assert_eq!(events_of(&lectures).len(), 2);
    assert_eq!(
        lectures["categories"].as_array().unwrap().len(),
        2,
        "filters stay whole"
    );
    let maria = get(&app, &format!("{}&staff=2900105", two_weeks())).await;
    let full = event(&maria, FULL_PRACTICE);
    assert_eq!(
        (
            full["full"].as_bool(),
            full["seats_left"].as_u64(),
            full["next"].as_u64()
        ),
        (Some(true), Some(0), Some(NEXT_PRACTICE))
    );
    assert_eq!(events_of(&maria).len(), 2);

    let events = format!("/api/v1/sites/demo/branches/{BRANCH}/events");
    let searches = app.sandbox.calls("activity_search");
    let backwards = get(&app, &format!("{events}?from=2030-01-10&till=2030-01-01")).await;
    assert_eq!(backwards["days"], json!([]));
    assert_eq!(
        app.sandbox.calls("activity_search"),
        searches,
        "nothing asked upstream"
    );
    let long = get(&app, &format!("{events}?from=2030-01-01&till=2030-06-01")).await;
    assert_eq!(
        long["till"], "2030-02-01",
        "a long period is cut to 31 days"
    );
    assert_eq!(
        status_of(&app, &format!("{events}?from=2030-02-30")).await,
        422
    );
    assert_eq!(status_of(&app, &format!("{events}?room=1")).await, 400);
}

async fn the_schedule_is_cached_and_one_search_serves_every_filter(db: Db) {
    let app = spawn_app(db).await;
    let base = format!("/api/v1/sites/demo/branches/{BRANCH}/events");
    get(&app, &base).await;
    let searches = app.sandbox.calls("activity_search");
    for q in [
        "?category=880109",
        "?staff=2900104",
        "?category=880108&staff=2900101",
        "",
    ] {
        get(&app, &format!("{base}{q}")).await;
    }
    assert_eq!(app.sandbox.calls("activity_search"), searches);
    assert_eq!(
        app.sandbox.calls("company"),
        1,
        "the seat limit is cached too"
    );
}

async fn seats_left_drop_after_a_sign_up_and_a_retry_makes_one_record(db: Db) {
    let app = spawn_app(db).await;
    let before = get(&app, &two_weeks()).await;
    assert_eq!(event(&before, LECTURE)["seats_left"], 3);
    let body = signup(BRANCH, LECTURE, 2);
    let first = post_signup(&app, "signup-key-0001", &body).await;
    assert_eq!(first.status(), 201);
    let made: Value = first.json().await.unwrap();
    assert_eq!(
        (
            made["seats"].as_u64(),
            made["price_min"].as_f64(),
            made["event"].as_u64()
        ),
        (Some(2), Some(2400.0), Some(LECTURE))
    );
    assert!(
        made["cancel_url"]
            .as_str()
            .unwrap()
            .contains("/cancel/demo/")
    );
    let upstream = app.sandbox.control().all_calls();
    for _ in 0..3 {
        let again = post_signup(&app, "signup-key-0001", &body).await;
        assert_eq!(again.status(), 200, "a retry answers the first result");
        assert_eq!(again.json::<Value>().await.unwrap()["id"], made["id"]);
    }
    assert_eq!(
        app.sandbox.control().all_calls(),
        upstream,
        "retries ask YCLIENTS nothing"
    );
    let records: Vec<_> = app
        .sandbox
        .records()
        .into_iter()
        .filter(|r| r.api_id == made["id"].as_str().unwrap())
        .collect();
    assert_eq!(records.len(), 1, "one record however often retried");
    let r = &records[0];
    assert_eq!((r.activity_id, r.clients_count), (LECTURE, 2));
    assert!(
        r.comment.contains("Придём вдвоём") && r.comment.contains("zapis: yandex / cpc / classes"),
        "{}",
        r.comment
    );
    let after = get(&app, &two_weeks()).await;
    assert_eq!(event(&after, LECTURE)["seats_left"], 1);
    // The visitor's cancel link gives the seats back.
    let url = made["cancel_url"].as_str().unwrap();
    let path = &url[url.find("/cancel/").unwrap()..];
    let page = app.client.get(app.url(path)).send().await.unwrap();
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Лекция «Здоровые волосы дома»")
    );
    let token = path.split("t=").nth(1).unwrap();
    let done = app
        .client
        .post(app.url(path.split('?').next().unwrap()))
        .form(&[("t", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    let freed = get(&app, &two_weeks()).await;
    assert_eq!(event(&freed, LECTURE)["seats_left"], 3);
}

async fn a_full_event_is_refused_naming_the_next_one_and_nothing_is_sold(db: Db) {
    let app = spawn_app(db).await;
    let res = post_signup(&app, "signup-full-01", &signup(BRANCH, FULL_PRACTICE, 1)).await;
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "event_full");
    let next_day = today().checked_add(jiff::Span::new().days(9)).unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&next_day.to_string()) && message.contains("20:00"),
        "{message}"
    );
    let more_than_left = post_signup(&app, "signup-full-02", &signup(BRANCH, LECTURE, 4)).await;
    assert_eq!(more_than_left.status(), 409);
    let too_many = post_signup(&app, "signup-full-03", &signup(BRANCH, LECTURE, 5)).await;
    assert_eq!(too_many.status(), 422);
    let too_many: Value = too_many.json().await.unwrap();
    assert_eq!(
        (
            too_many["error"]["code"].as_str(),
            too_many["error"]["field"].as_str()
        ),
        (Some("too_many_seats"), Some("seats"))
    );
    assert_eq!(
        app.sandbox.calls("activity_book"),
        0,
        "refused before YCLIENTS"
    );
    assert!(app.sandbox.records().iter().all(|r| r.activity_id == 0));
}

async fn concurrent_sign_ups_for_the_last_seats_never_oversell(db: Db) {
    let app = spawn_app(db).await;
    let tasks: Vec<_> = (0..6)
        .map(|n| {
            let (client, url) = (app.client.clone(), app.url("/api/v1/sites/demo/signups"));
            let mut body = signup(BRANCH, LECTURE, 1);
            body["phone"] = json!(format!("+7 916 555-00-{n:02}"));
            body["attribution"]["vid"] = json!(format!("{n:032x}"));
            tokio::spawn(async move {
                client
                    .post(url)
                    .header("origin", ORIGIN)
                    .header("idempotency-key", format!("race-signup-{n:04}"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 201, 201, 409, 409, 409]);
    let seats: u32 = app
        .sandbox
        .records()
        .iter()
        .filter(|r| r.activity_id == LECTURE && !r.deleted)
        .map(|r| r.clients_count)
        .sum();
    assert_eq!(seats, 3);
}

async fn an_sms_code_is_asked_where_the_branch_wants_it(db: Db) {
    let app = spawn_app(db).await;
    let ekb = get(&app, &format!("/api/v1/sites/demo/branches/{EKB}/events")).await;
    assert_eq!(
        (
            ekb["phone_confirmation"].as_bool(),
            ekb["max_seats"].as_u64()
        ),
        (Some(true), Some(3))
    );
    let mut body = signup(EKB, EKB_CLASS, 2);
    let res = post_signup(&app, "signup-code-01", &body).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "code_required"
    );
    let sent = app
        .client
        .post(app.url(&format!("/api/v1/sites/demo/branches/{EKB}/code")))
        .header("origin", ORIGIN)
        .json(&json!({"phone": "+7 (916) 555-12-34"}))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 204);
    body["code"] = json!("0000000");
    let wrong = post_signup(&app, "signup-code-02", &body).await;
    assert_eq!(
        wrong.json::<Value>().await.unwrap()["error"]["code"],
        "wrong_code"
    );
    body["code"] = json!(app.sandbox.last_sms_code("79165551234").unwrap());
    let res = post_signup(&app, "signup-code-03", &body).await;
    assert_eq!(res.status(), 201);
}

crate::on_both_databases!(
    the_week_is_shown_by_day_with_seats_left_and_filters,
    the_schedule_is_cached_and_one_search_serves_every_filter,
    seats_left_drop_after_a_sign_up_and_a_retry_makes_one_record,
    a_full_event_is_refused_naming_the_next_one_and_nothing_is_sold,
    concurrent_sign_ups_for_the_last_seats_never_oversell,
    an_sms_code_is_asked_where_the_branch_wants_it,
);
