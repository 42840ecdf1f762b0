//! The email + password sign-in: set only from a signed-in session, any characters, one email
//! per account, guesses throttled, and the second step by SMS when the client turns it on.

use reqwest::Method;
use serde_json::json;

use crate::cabinet::{DEMO_PHONE, call, clear_limits, get, json_of, sign_in};
use crate::helpers::{Db, spawn_app};

const PASSWORD: &str = "ёж в тумане 🦔 & \"кавычки\"";

async fn a_password_is_set_from_a_signed_in_session_and_signs_in_later(db: Db) {
    let app = spawn_app(db).await;
    let body = json!({"email": "Anna@Example.com", "new_password": PASSWORD, "second_step": false});
    let anonymous = call(&app, Method::PUT, "password", None, Some(body.clone())).await;
    assert_eq!(anonymous.status(), 401);
    let session = sign_in(&app, DEMO_PHONE, None).await;
    let set = call(&app, Method::PUT, "password", Some(&session), Some(body)).await;
    assert_eq!(set.status(), 204);
    let me = get(&app, "me", &session).await;
    let kinds: Vec<&str> = me["identities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["phone", "email"], "{me}");
    assert!(
        me["identities"].to_string().contains("anna@example.com"),
        "{me}"
    );

    let by_password = call(
        &app,
        Method::POST,
        "sessions",
        None,
        Some(json!({"method": "password", "email": " anna@EXAMPLE.com", "password": PASSWORD})),
    )
    .await;
    let signed = json_of(by_password, 201).await;
    let second = signed["session"].as_str().unwrap();
    let visits = get(&app, "visits", second).await;
    assert!(
        !visits["upcoming"].as_array().unwrap().is_empty(),
        "{visits}"
    );

    // Another account cannot take the email.
    let boris = sign_in(&app, "+7 903 555-77-88", Some("Борис")).await;
    let taken = call(
        &app,
        Method::PUT,
        "password",
        Some(&boris),
        Some(json!({"email": "anna@example.com", "new_password": "x", "second_step": false})),
    )
    .await;
    assert_eq!(json_of(taken, 409).await["error"]["code"], "email_taken");
    // Changing it needs the old password.
    let change =
        json!({"email": "anna@example.com", "new_password": "новый", "second_step": false});
    let refused = call(&app, Method::PUT, "password", Some(&session), Some(change)).await;
    assert_eq!(
        json_of(refused, 401).await["error"]["code"],
        "wrong_password"
    );
}

async fn password_guesses_are_throttled(db: Db) {
    let app = spawn_app(db).await;
    let session = sign_in(&app, DEMO_PHONE, None).await;
    let set = call(
        &app,
        Method::PUT,
        "password",
        Some(&session),
        Some(json!({"email": "anna@example.com", "new_password": PASSWORD, "second_step": false})),
    )
    .await;
    assert_eq!(set.status(), 204);
    for guess in ["1", "2", "3", "4", "5"] {
        let res = call(
            &app,
            Method::POST,
            "sessions",
            None,
            Some(json!({"method": "password", "email": "anna@example.com", "password": guess})),
        )
        .await;
        assert_eq!(json_of(res, 401).await["error"]["code"], "wrong_password");
    }
    let res = call(
        &app,
        Method::POST,
        "sessions",
        None,
        Some(json!({"method": "password", "email": "anna@example.com", "password": PASSWORD})),
    )
    .await;
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(
        json_of(res, 429).await["error"]["code"],
        "too_many_attempts"
    );
    // An unknown email reads exactly like a wrong password.
    let res = call(
        &app,
        Method::POST,
        "sessions",
        None,
        Some(json!({"method": "password", "email": "nobody@example.com", "password": "x"})),
    )
    .await;
    assert_eq!(json_of(res, 401).await["error"]["code"], "wrong_password");
}

async fn with_the_second_step_a_password_session_waits_for_the_sms_code(db: Db) {
    let app = spawn_app(db).await;
    let session = sign_in(&app, DEMO_PHONE, None).await;
    let set = call(
        &app,
        Method::PUT,
        "password",
        Some(&session),
        Some(json!({"email": "anna@example.com", "new_password": PASSWORD, "second_step": true})),
    )
    .await;
    assert_eq!(set.status(), 204);
    assert_eq!(get(&app, "me", &session).await["second_step"], true);
    clear_limits(&app).await;
    let res = call(
        &app,
        Method::POST,
        "sessions",
        None,
        Some(json!({"method": "password", "email": "anna@example.com", "password": PASSWORD})),
    )
    .await;
    let signed = json_of(res, 201).await;
    assert_eq!(signed["second_step"], "+7 916 ***-**-01");
    let waiting = signed["session"].as_str().unwrap();
    assert_eq!(
        call(&app, Method::GET, "me", Some(waiting), None)
            .await
            .status(),
        401
    );
    let wrong = call(
        &app,
        Method::POST,
        "sessions/second-step",
        Some(waiting),
        Some(json!({"code": "00000"})),
    )
    .await;
    assert_eq!(json_of(wrong, 401).await["error"]["code"], "wrong_code");
    let code = app.sandbox.last_sms_code("79161234501").unwrap();
    let done = call(
        &app,
        Method::POST,
        "sessions/second-step",
        Some(waiting),
        Some(json!({"code": code})),
    )
    .await;
    assert_eq!(done.status(), 204);
    assert_eq!(get(&app, "me", waiting).await["name"], "Анна Кузнецова");
}

crate::on_both_databases!(
    a_password_is_set_from_a_signed_in_session_and_signs_in_later,
    password_guesses_are_throttled,
    with_the_second_step_a_password_session_waits_for_the_sms_code,
);
