//! The email + password sign-in: set only from a signed-in session, any characters, one email
//! per account, guesses throttled, and the second step by SMS when the client turns it on.

use reqwest::Method;
use serde_json::{Value, json};

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

async fn a_booking_made_with_an_sms_code_opens_the_cabinet_once(db: Db) {
    use crate::booking::{BRANCH, booking, free_slot_a_day_ahead, post_booking};
    let app = spawn_app(db).await;
    app.sandbox
        .control()
        .set_phone_confirmation(BRANCH, true)
        .unwrap();
    let (service, datetime) = free_slot_a_day_ahead(&app).await;
    let asked = app
        .client
        .post(app.url(&format!("/api/v1/sites/demo/branches/{BRANCH}/code")))
        .header("origin", crate::helpers::ORIGIN)
        .json(&json!({"phone": "+7 916 555-12-34"}))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 204);
    let mut body = booking(service, &datetime);
    body["code"] = json!(app.sandbox.last_sms_code("79165551234").unwrap());
    let booked = post_booking(&app, "receipt-key-0001", &body).await;
    assert_eq!(booked.status(), 201);
    let receipt = booked.json::<Value>().await.unwrap()["cabinet"]
        .as_str()
        .expect("a receipt with the booking")
        .to_owned();
    // A repeat of the key is the same booking, without a second receipt.
    let again = post_booking(&app, "receipt-key-0001", &body).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap()["cabinet"], Value::Null);

    let exchange = json!({"method": "booking", "receipt": receipt});
    let signed = call(&app, Method::POST, "sessions", None, Some(exchange.clone())).await;
    let session = json_of(signed, 201).await["session"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(get(&app, "me", &session).await["name"], "Анна Петрова");
    let visits = get(&app, "visits", &session).await;
    assert!(
        visits["upcoming"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["online"] == true),
        "{visits}"
    );
    let twice = call(&app, Method::POST, "sessions", None, Some(exchange)).await;
    assert_eq!(json_of(twice, 401).await["error"]["code"], "wrong_receipt");
}

async fn a_new_phone_is_proved_by_the_code_sent_to_it_and_the_account_follows(db: Db) {
    let app = spawn_app(db).await;
    let session = sign_in(&app, DEMO_PHONE, None).await;
    let new = "+7 999 000-11-22";
    let without = json!({"name": "Анна К.", "phone": new});
    let refused = call(&app, Method::PUT, "me", Some(&session), Some(without)).await;
    assert_eq!(
        json_of(refused, 422).await["error"]["code"],
        "code_required"
    );
    // Signed in, the code goes to the new phone to prove it.
    let sent = call(
        &app,
        Method::POST,
        "code",
        Some(&session),
        Some(json!({"phone": new})),
    )
    .await;
    assert_eq!(sent.status(), 202);
    let code = app.sandbox.last_sms_code("79990001122").unwrap();
    let wrong = json!({"name": "Анна К.", "phone": new, "code": "00000"});
    let refused = call(&app, Method::PUT, "me", Some(&session), Some(wrong)).await;
    assert_eq!(json_of(refused, 422).await["error"]["code"], "wrong_code");
    let right = json!({"name": "Анна К.", "phone": new, "code": code, "email": "anna@example.com"});
    let me = json_of(
        call(&app, Method::PUT, "me", Some(&session), Some(right)).await,
        200,
    )
    .await;
    assert_eq!(
        (
            me["name"].as_str(),
            me["phone"].as_str(),
            me["email"].as_str()
        ),
        (
            Some("Анна К."),
            Some("+79990001122"),
            Some("anna@example.com")
        ),
        "{me}"
    );
    assert_eq!(me["identities"][0]["value"], "+79990001122");
    // The visits follow the client card in YCLIENTS; the new phone signs in to the same account.
    assert!(
        !get(&app, "visits", &session).await["upcoming"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    clear_limits(&app).await;
    let again = sign_in(&app, new, None).await;
    assert_eq!(get(&app, "me", &again).await["name"], "Анна К.");
}

crate::on_both_databases!(
    a_password_is_set_from_a_signed_in_session_and_signs_in_later,
    password_guesses_are_throttled,
    with_the_second_step_a_password_session_waits_for_the_sms_code,
    a_booking_made_with_an_sms_code_opens_the_cabinet_once,
    a_new_phone_is_proved_by_the_code_sent_to_it_and_the_account_follows,
);
