//! The cabinet's security: another origin cannot use a session, a client cannot see or touch
//! another client's records, SMS codes are throttled (per phone, resend cooldown) and so are
//! guesses, and no session, YCLIENTS token or code shows in an answer or a log line.

use reqwest::Method;
use serde_json::json;

use crate::cabinet::{DEMO_DIGITS, DEMO_PHONE, call, get, json_of, path, salon_visit, sign_in};
use crate::helpers::{Db, spawn_app};
use crate::leaks::Captured;

async fn a_session_from_another_origin_or_none_is_refused(db: Db) {
    let app = spawn_app(db).await;
    let session = sign_in(&app, DEMO_PHONE, None).await;
    for origin in [Some("https://evil.example"), None] {
        let mut req = app
            .client
            .get(app.url(&path("visits")))
            .header("x-zapis-cabinet", &session);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        let res = req.send().await.unwrap();
        assert!(res.headers().get("access-control-allow-origin").is_none());
        assert_eq!(
            json_of(res, 403).await["error"]["code"],
            "origin_not_allowed"
        );
    }
    // A browser's word that the page is the server's own (a same-origin GET has no Origin)
    // opens nothing when the site does not allow the server's own origin.
    let res = app
        .client
        .get(app.url(&path("visits")))
        .header("x-zapis-cabinet", &session)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(
        json_of(res, 403).await["error"]["code"],
        "origin_not_allowed"
    );
    // A preflight from another origin is not allowed the session header.
    let pre = app
        .client
        .request(Method::OPTIONS, app.url(&path("visits")))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "x-zapis-cabinet")
        .send()
        .await
        .unwrap();
    assert!(pre.headers().get("access-control-allow-origin").is_none());
    // A made-up session is not signed in.
    let fake = "ab".repeat(32);
    let res = call(&app, Method::GET, "me", Some(&fake), None).await;
    assert_eq!(json_of(res, 401).await["error"]["code"], "not_signed_in");
}

async fn a_client_cannot_see_or_touch_another_clients_records(db: Db) {
    let app = spawn_app(db).await;
    let anna = sign_in(&app, DEMO_PHONE, None).await;
    let hers = salon_visit(&app, &anna).await["id"].as_u64().unwrap();
    let boris = sign_in(&app, "+7 903 555-77-88", Some("Борис")).await;
    let his = get(&app, "visits", &boris).await;
    assert!(
        his["upcoming"].as_array().unwrap().is_empty()
            && his["past"].as_array().unwrap().is_empty(),
        "{his}"
    );
    let cancel = call(
        &app,
        Method::DELETE,
        &format!("visits/{hers}"),
        Some(&boris),
        None,
    )
    .await;
    assert_eq!(cancel.status(), 404);
    let moved = call(
        &app,
        Method::PUT,
        &format!("visits/{hers}"),
        Some(&boris),
        Some(json!({"datetime": "2030-01-01T12:00:00"})),
    )
    .await;
    assert_eq!(moved.status(), 404);
    let asked = call(
        &app,
        Method::POST,
        "questions",
        Some(&boris),
        Some(json!({"text": "?", "visit": hers})),
    )
    .await;
    assert_eq!(asked.status(), 422);
    assert!(!app.sandbox.control().record(hers).unwrap().deleted);
    // Nor read another client's question.
    let q = json_of(
        call(
            &app,
            Method::POST,
            "questions",
            Some(&anna),
            Some(json!({"text": "Мой вопрос"})),
        )
        .await,
        201,
    )
    .await;
    let peek = call(
        &app,
        Method::GET,
        &format!("questions/{}", q["id"]),
        Some(&boris),
        None,
    )
    .await;
    assert_eq!(peek.status(), 404);
    assert_eq!(get(&app, "me", &boris).await["name"], "Борис");
}

async fn sms_codes_and_code_guesses_are_throttled(db: Db) {
    let app = spawn_app(db).await;
    let sent = call(
        &app,
        Method::POST,
        "code",
        None,
        Some(json!({"phone": DEMO_PHONE})),
    )
    .await;
    assert_eq!(sent.status(), 202);
    let again = call(
        &app,
        Method::POST,
        "code",
        None,
        Some(json!({"phone": DEMO_PHONE})),
    )
    .await;
    assert_eq!(again.headers()["retry-after"], "60");
    assert_eq!(json_of(again, 429).await["error"]["code"], "too_many_codes");
    let code = app.sandbox.last_sms_code(DEMO_DIGITS).unwrap();
    let wrong = if code == "11111" { "22222" } else { "11111" };
    for _ in 0..5 {
        let res = call(
            &app,
            Method::POST,
            "sessions",
            None,
            Some(json!({"method": "sms", "phone": DEMO_PHONE, "code": wrong})),
        )
        .await;
        assert_eq!(json_of(res, 401).await["error"]["code"], "wrong_code");
    }
    // Now even the right code waits: guessing has stopped.
    let res = call(
        &app,
        Method::POST,
        "sessions",
        None,
        Some(json!({"method": "sms", "phone": DEMO_PHONE, "code": code})),
    )
    .await;
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(
        json_of(res, 429).await["error"]["code"],
        "too_many_attempts"
    );
    // A new phone without a name is asked for it, and nothing is made.
    let res = call(
        &app,
        Method::POST,
        "code",
        None,
        Some(json!({"phone": "+7 903 555-00-11"})),
    )
    .await;
    assert_eq!(res.status(), 202);
    let code = app.sandbox.last_sms_code("79035550011").unwrap();
    let res = call(
        &app,
        Method::POST,
        "sessions",
        None,
        Some(json!({"method": "sms", "phone": "+7 903 555-00-11", "code": code})),
    )
    .await;
    assert_eq!(json_of(res, 422).await["error"]["code"], "name_required");
}

async fn no_session_or_yclients_token_appears_in_any_answer_or_log_line(db: Db) {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // A call site first met by another test's thread meanwhile may have cached "nobody listens".
    tracing::callsite::rebuild_interest_cache();
    let app = spawn_app(db).await;
    let session = sign_in(&app, DEMO_PHONE, None).await;
    let mut answers = String::new();
    for rest in ["me", "visits", "balances", "questions"] {
        answers.push_str(&get(&app, rest, &session).await.to_string());
    }
    let bad = call(
        &app,
        Method::PUT,
        "me",
        Some(&session),
        Some(json!({"name": ""})),
    )
    .await;
    answers.push_str(&bad.text().await.unwrap());
    // A password sign-in too: the password is a secret of its own.
    let password = "секрет-пароль-🦔".to_owned();
    let set = json!({"email": "anna@example.com", "new_password": password, "second_step": false});
    let set = call(&app, Method::PUT, "password", Some(&session), Some(set)).await;
    assert_eq!(set.status(), 204);
    let by_password =
        json!({"method": "password", "email": "anna@example.com", "password": password});
    let by_password = call(&app, Method::POST, "sessions", None, Some(by_password)).await;
    let second = json_of(by_password, 201).await["session"]
        .as_str()
        .unwrap()
        .to_owned();
    answers.push_str(&get(&app, "me", &second).await.to_string());
    let tokens = app.sandbox.control().user_tokens(DEMO_DIGITS);
    assert!(!tokens.is_empty());
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let openapi = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(openapi.contains("/api/v1/sites/{site}/cabinet/visits/{id}"));
    // The SMS code: only the sandbox (standing in for the SMS gateway) logs it, never zapis.
    let code = app.sandbox.last_sms_code(DEMO_DIGITS).unwrap();
    let ours: Vec<&str> = logged
        .lines()
        .filter(|l| !l.contains("yclients::sandbox"))
        .collect();
    assert!(!ours.is_empty());
    // (As a number of its own: the same digits may occur inside a timestamp.)
    let shows = |line: &str| {
        line.match_indices(code.as_str()).any(|(i, _)| {
            let before = line[..i].chars().next_back();
            let after = line[i + code.len()..].chars().next();
            !before.is_some_and(|c| c.is_ascii_digit())
                && !after.is_some_and(|c| c.is_ascii_digit())
        })
    };
    assert!(
        !ours.iter().any(|l| shows(l)),
        "a log line shows the SMS code"
    );
    for secret in tokens.iter().chain([&session, &second, &password]) {
        assert!(
            !answers.contains(secret.as_str()),
            "an answer shows a secret"
        );
        assert!(
            !logged.contains(secret.as_str()),
            "a log line shows a secret"
        );
    }
    // At rest: only the session's hash, and the token sealed.
    let row: (String, String) = sqlx::query_as("SELECT id_hash, token FROM cabinet_sessions")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    for secret in tokens.iter().chain([&session]) {
        assert!(!row.0.contains(secret.as_str()) && !row.1.contains(secret.as_str()));
    }
}

crate::on_both_databases!(
    a_session_from_another_origin_or_none_is_refused,
    a_client_cannot_see_or_touch_another_clients_records,
    sms_codes_and_code_guesses_are_throttled,
    no_session_or_yclients_token_appears_in_any_answer_or_log_line,
);
