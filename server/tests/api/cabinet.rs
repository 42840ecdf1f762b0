//! The client cabinet: a client signs in by SMS on the salon's site, sees a visit the salon
//! made for them, moves it within the salon's rules (and not outside them), cancels, sees the
//! bonuses, asks a question and reads the owner's answer, signs out, deletes the account.

use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::booking::BRANCH;
use crate::helpers::{Db, ORIGIN, TestApp, spawn_app};

/// The sandbox's demo client (visits made at the salon, a card, an abonement, a certificate).
pub const DEMO_PHONE: &str = "+7 916 123-45-01";
pub const DEMO_DIGITS: &str = "79161234501";

pub fn path(rest: &str) -> String {
    format!("/api/v1/sites/demo/cabinet/{rest}")
}

/// A cabinet request from the salon's page, with the session when given.
pub async fn call(
    app: &TestApp,
    method: Method,
    rest: &str,
    session: Option<&str>,
    body: Option<Value>,
) -> Response {
    let mut req = app
        .client
        .request(method, app.url(&path(rest)))
        .header("origin", ORIGIN);
    if let Some(s) = session {
        req = req.header("x-zapis-cabinet", s);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap()
}

pub async fn json_of(res: Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{body}");
    body
}

/// Asks a code for the phone and signs in with it (a new phone needs `name`).
pub async fn sign_in(app: &TestApp, phone: &str, name: Option<&str>) -> String {
    let sent = call(
        app,
        Method::POST,
        "code",
        None,
        Some(json!({"phone": phone})),
    )
    .await;
    assert_eq!(json_of(sent, 202).await["resend_after"], 60);
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let code = app.sandbox.last_sms_code(&digits).unwrap();
    let mut body = json!({"method": "sms", "phone": phone, "code": code});
    if let Some(n) = name {
        body["name"] = json!(n);
    }
    let signed = json_of(
        call(app, Method::POST, "sessions", None, Some(body)).await,
        201,
    )
    .await;
    assert!(signed.get("second_step").is_none(), "{signed}");
    signed["session"].as_str().unwrap().to_owned()
}

pub async fn get(app: &TestApp, rest: &str, session: &str) -> Value {
    json_of(call(app, Method::GET, rest, Some(session), None).await, 200).await
}

/// The demo client's visit the salon made, upcoming.
pub async fn salon_visit(app: &TestApp, session: &str) -> Value {
    let visits = get(app, "visits", session).await;
    let upcoming = visits["upcoming"].as_array().unwrap();
    // The seeded one, in the first branch (the sandbox's generated bookings may bring the client
    // others, made at the salon too, in either branch, depending on the hour).
    upcoming
        .iter()
        .find(|v| v["online"] == false && v["branch"] == BRANCH)
        .cloned()
        .unwrap_or_else(|| panic!("no visit made at the salon: {visits}"))
}

async fn a_client_signs_in_by_sms_and_sees_a_visit_made_at_the_salon_with_its_rules(db: Db) {
    let app = spawn_app(db).await;
    let session = sign_in(&app, DEMO_PHONE, None).await;
    let me = get(&app, "me", &session).await;
    assert_eq!(me["name"], "Анна Кузнецова");
    assert_eq!(me["phone"], format!("+{DEMO_DIGITS}"));
    assert_eq!(me["identities"][0]["kind"], "phone");
    let visit = salon_visit(&app, &session).await;
    assert_eq!(visit["branch"], BRANCH);
    assert!(visit["master"].as_str().unwrap().len() > 1, "{visit}");
    for rule in ["cancel", "reschedule"] {
        assert_eq!(visit[rule]["allowed"], true, "{visit}");
        assert_eq!(visit[rule]["hours_before"], 2, "{visit}");
        assert!(
            visit[rule]["until"].as_str().unwrap().ends_with("+03:00"),
            "{visit}"
        );
    }
    let visits = get(&app, "visits", &session).await;
    let past = visits["past"].as_array().unwrap();
    assert!(
        past.iter().any(|v| v["online"] == false
            && v["attendance"] == "came"
            && v["paid"].as_f64() > Some(0.0)),
        "{visits}"
    );
    // The past visits read latest first.
    let dates: Vec<&str> = past
        .iter()
        .map(|v| v["datetime"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
}

/// A free time of the master for the service, on the day or one of the next days.
async fn free_time_near(app: &TestApp, service: u64, staff: u64, day: &str) -> String {
    let start: jiff::civil::Date = day.parse().unwrap();
    for offset in 0..7 {
        let date = start.checked_add(jiff::Span::new().days(offset)).unwrap();
        let url = format!(
            "/api/v1/sites/demo/branches/{BRANCH}/times?services={service}&staff={staff}&date={date}"
        );
        let times: Value = app
            .client
            .get(app.url(&url))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(t) = times["slots"][0]["datetime"].as_str() {
            return t.to_owned();
        }
    }
    panic!("no free time of {staff} from {day}");
}

async fn a_client_moves_a_visit_within_the_rules_and_is_refused_outside_them(db: Db) {
    let app = spawn_app(db).await;
    let session = sign_in(&app, DEMO_PHONE, None).await;
    let visit = salon_visit(&app, &session).await;
    let id = visit["id"].as_u64().unwrap();
    let (service, staff) = (
        visit["services"][0]["id"].as_u64().unwrap(),
        visit["staff"].as_u64().unwrap(),
    );
    let to = free_time_near(
        &app,
        service,
        staff,
        &visit["datetime"].as_str().unwrap()[..10],
    )
    .await;
    let moved = call(
        &app,
        Method::PUT,
        &format!("visits/{id}"),
        Some(&session),
        Some(json!({"datetime": to})),
    )
    .await;
    let moved = json_of(moved, 200).await;
    assert_eq!(
        moved["datetime"].as_str().unwrap()[..16],
        to[..16],
        "{moved}"
    );
    let record = app.sandbox.control().record(id).unwrap();
    assert_eq!(record.datetime[..16], to[..16]);

    // The salon now takes changes only up to 60 days before a visit: the rule says so before
    // any button, and a move is refused.
    assert!(
        app.sandbox
            .control()
            .set_client_windows(BRANCH, 7200, 60 * 24 * 3600)
    );
    let visit = salon_visit(&app, &session).await;
    assert_eq!(visit["reschedule"]["allowed"], false, "{visit}");
    assert_eq!(visit["reschedule"]["hours_before"], 60 * 24);
    assert_eq!(visit["cancel"]["allowed"], true, "{visit}");
    let refused = call(
        &app,
        Method::PUT,
        &format!("visits/{id}"),
        Some(&session),
        Some(json!({"datetime": to})),
    )
    .await;
    assert_eq!(json_of(refused, 403).await["error"]["code"], "not_allowed");
}

async fn a_client_cancels_a_visit_and_it_leaves_the_list(db: Db) {
    let app = spawn_app(db).await;
    let session = sign_in(&app, DEMO_PHONE, None).await;
    let id = salon_visit(&app, &session).await["id"].as_u64().unwrap();
    let gone = call(
        &app,
        Method::DELETE,
        &format!("visits/{id}"),
        Some(&session),
        None,
    )
    .await;
    assert_eq!(gone.status(), 204);
    assert!(app.sandbox.control().record(id).unwrap().deleted);
    let visits = get(&app, "visits", &session).await;
    assert!(
        visits["upcoming"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v["id"] != id),
        "{visits}"
    );
    let again = call(
        &app,
        Method::DELETE,
        &format!("visits/{id}"),
        Some(&session),
        None,
    )
    .await;
    assert_eq!(again.status(), 404);
    // Inside the salon's cancel window a cancellation is refused.
    let other = salon_visit(&app, &session).await;
    assert!(
        app.sandbox
            .control()
            .set_client_windows(BRANCH, 60 * 24 * 3600, 7200)
    );
    let refused = call(
        &app,
        Method::DELETE,
        &format!("visits/{}", other["id"]),
        Some(&session),
        None,
    )
    .await;
    assert_eq!(json_of(refused, 403).await["error"]["code"], "not_allowed");
}

async fn a_client_sees_bonuses_an_abonement_and_a_certificate(db: Db) {
    let app = spawn_app(db).await;
    let session = sign_in(&app, DEMO_PHONE, None).await;
    let b = get(&app, "balances", &session).await;
    assert_eq!(b["cards"][0]["points"], 740.0, "{b}");
    assert_eq!(
        b["cards"][0]["programs"].as_array().unwrap().len(),
        2,
        "{b}"
    );
    assert_eq!(b["abonements"][0]["visits_left"], 8, "{b}");
    assert_eq!(b["abonements"][0]["balance"], "8 из 10", "{b}");
    assert!(
        b["abonements"][0]["expires"].as_str().unwrap().len() == 10,
        "{b}"
    );
    assert_eq!(b["certificates"][0]["balance"], 3200.0, "{b}");
    assert_eq!(b["certificates"][0]["nominal"], 5000.0, "{b}");
}

async fn sign_out_ends_the_session_and_sign_out_everywhere_ends_them_all(db: Db) {
    let app = spawn_app(db).await;
    let first = sign_in(&app, DEMO_PHONE, None).await;
    let second = sign_in_after_cooldown(&app).await;
    let out = call(&app, Method::DELETE, "sessions/current", Some(&first), None).await;
    assert_eq!(out.status(), 204);
    let me = call(&app, Method::GET, "me", Some(&first), None).await;
    assert_eq!(json_of(me, 401).await["error"]["code"], "not_signed_in");
    get(&app, "me", &second).await;
    let third = sign_in_after_cooldown(&app).await;
    let all = call(&app, Method::DELETE, "sessions", Some(&third), None).await;
    assert_eq!(all.status(), 204);
    for s in [&second, &third] {
        assert_eq!(
            call(&app, Method::GET, "me", Some(s), None).await.status(),
            401
        );
    }
}

/// Clears the shared limits (as if the resend cooldown had passed).
pub async fn clear_limits(app: &TestApp) {
    sqlx::query("DELETE FROM limit_hits")
        .execute(app.store.pool())
        .await
        .unwrap();
}

/// Another sign-in of the demo client past the resend cooldown.
async fn sign_in_after_cooldown(app: &TestApp) -> String {
    clear_limits(app).await;
    sign_in(app, DEMO_PHONE, None).await
}

crate::on_both_databases!(
    a_client_signs_in_by_sms_and_sees_a_visit_made_at_the_salon_with_its_rules,
    a_client_moves_a_visit_within_the_rules_and_is_refused_outside_them,
    a_client_cancels_a_visit_and_it_leaves_the_list,
    a_client_sees_bonuses_an_abonement_and_a_certificate,
    sign_out_ends_the_session_and_sign_out_everywhere_ends_them_all,
);
