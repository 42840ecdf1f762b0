//! Every way a booking can be refused reaches the visitor as the right error, in the error
//! shape, never a 5xx without it; CORS answers only the site's origins.

use serde_json::{Value, json};

use crate::{
    booking::{BRANCH, booking, first_free_slot, post_booking},
    helpers::{Db, ORIGIN, spawn_app},
};

async fn error_of(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    (status, res.json::<Value>().await.unwrap()["error"].clone())
}

async fn a_taken_slot_answers_slot_taken_with_fresh_times(db: Db) {
    let app = spawn_app(db).await;
    let (service, datetime) = first_free_slot(&app).await;
    let mut body = booking(service, &datetime);
    // A named master, so the slot is surely gone after the first booking.
    let staff = crate::booking::get(
        &app,
        &format!("/api/v1/sites/demo/branches/{BRANCH}/staff?services={service}"),
    )
    .await;
    let date = &datetime[..10];
    for s in staff["staff"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["bookable"] == true)
    {
        let id = s["id"].as_u64().unwrap();
        let t = crate::booking::get(&app, &format!("/api/v1/sites/demo/branches/{BRANCH}/times?services={service}&staff={id}&date={date}")).await;
        if let Some(slot) = t["slots"].as_array().unwrap().first() {
            body["staff"] = json!(id);
            body["datetime"] = slot["datetime"].clone();
            break;
        }
    }
    assert_eq!(
        post_booking(&app, "first-visitor-key", &body)
            .await
            .status(),
        201
    );
    let (status, err) = error_of(post_booking(&app, "second-visitor-key", &body).await).await;
    assert_eq!((status, err["code"].as_str()), (409, Some("slot_taken")));
    let times = err["times"]
        .as_array()
        .expect("fresh times come with slot_taken");
    assert!(
        times.iter().all(|t| t["datetime"] != body["datetime"]),
        "the taken slot is not offered again"
    );
    assert_eq!(
        app.sandbox
            .records()
            .iter()
            .filter(|r| r.api_id.len() == 32)
            .count(),
        1
    );
}

async fn a_blacklisted_phone_is_refused_with_a_way_forward(db: Db) {
    let app = spawn_app(db).await;
    let (service, datetime) = first_free_slot(&app).await;
    let mut body = booking(service, &datetime);
    body["phone"] = json!("+7 999 000-00-13");
    let (status, err) = error_of(post_booking(&app, "blacklist-key-1", &body).await).await;
    assert_eq!((status, err["code"].as_str()), (403, Some("blacklisted")));
    assert!(err["message"].as_str().unwrap().contains("Позвоните"));
}

async fn a_retired_service_answers_service_gone(db: Db) {
    let app = spawn_app(db).await;
    let (service, datetime) = first_free_slot(&app).await;
    app.sandbox
        .control()
        .retire_service(BRANCH, service)
        .unwrap();
    let (status, err) =
        error_of(post_booking(&app, "retired-key-001", &booking(service, &datetime)).await).await;
    assert_eq!((status, err["code"].as_str()), (409, Some("service_gone")));
}

async fn a_wrong_sms_code_is_refused_and_a_new_code_can_be_asked_for(db: Db) {
    let app = spawn_app(db).await;
    app.sandbox
        .control()
        .set_phone_confirmation(BRANCH, true)
        .unwrap();
    let (service, datetime) = first_free_slot(&app).await;
    let body = booking(service, &datetime);
    // The branch config is cached from before the switch; the sandbox itself insists on a code.
    let (status, err) = error_of(post_booking(&app, "sms-key-000001", &body).await).await;
    assert_eq!(status, 422);
    assert!(
        matches!(
            err["code"].as_str(),
            Some("wrong_code") | Some("code_required")
        ),
        "{err}"
    );

    let res = app
        .client
        .post(app.url(&format!("/api/v1/sites/demo/branches/{BRANCH}/code")))
        .header("origin", ORIGIN)
        .json(&json!({"phone": "+7 916 555-12-34"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let code = app
        .sandbox
        .last_sms_code("79165551234")
        .expect("the sandbox made a code");
    let mut wrong = body.clone();
    wrong["code"] = json!(if code == "0000" { "1111" } else { "0000" });
    let (status, err) = error_of(post_booking(&app, "sms-key-000002", &wrong).await).await;
    assert_eq!(
        (status, err["code"].as_str(), err["field"].as_str()),
        (422, Some("wrong_code"), Some("code"))
    );
    let mut right = body.clone();
    right["code"] = json!(code);
    assert_eq!(
        post_booking(&app, "sms-key-000003", &right).await.status(),
        201
    );
}

async fn bad_fields_are_refused_before_anything_reaches_yclients(db: Db) {
    let app = spawn_app(db).await;
    let (service, datetime) = first_free_slot(&app).await;
    app.sandbox.control().reset_calls();
    let cases: Vec<(&str, Value, &str)> = vec![
        ("phone", json!("12345"), "invalid_phone"),
        ("name", json!("   "), "name_required"),
        // Only invisible characters: zero-width space and joiner, word joiner, Hangul filler,
        // a lone combining accent.
        (
            "name",
            json!("\u{200b}\u{200d}\u{2060}\u{3164}\u{0301}"),
            "name_required",
        ),
        ("consent", json!(false), "consent_required"),
        ("email", json!("not-an-email"), "invalid_field"),
        ("datetime", json!("tomorrow"), "invalid_field"),
        ("website", json!("http://spam.example"), "invalid_field"),
        ("comment", json!("х".repeat(1001)), "invalid_field"),
    ];
    for (i, (field, value, code)) in cases.into_iter().enumerate() {
        let mut body = booking(service, &datetime);
        body[field] = value;
        let (status, err) =
            error_of(post_booking(&app, &format!("bad-field-key-{i}"), &body).await).await;
        assert!((400..500).contains(&status), "{field}: {status}");
        assert_eq!(err["code"], code, "{field}");
    }
    assert_eq!(
        app.sandbox.calls("book_check") + app.sandbox.calls("book_record"),
        0
    );
}

async fn malformed_bodies_and_missing_keys_get_4xx_in_the_error_shape(db: Db) {
    let app = spawn_app(db).await;
    let url = app.url("/api/v1/sites/demo/bookings");
    let send = |body: String, key: Option<&'static str>, ctype: &'static str| {
        let mut r = app
            .client
            .post(&url)
            .header("origin", ORIGIN)
            .header("content-type", ctype)
            .body(body);
        if let Some(k) = key {
            r = r.header("idempotency-key", k);
        }
        r.send()
    };
    let (status, err) = error_of(
        send("{".into(), Some("malformed-key-1"), "application/json")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, err["code"].as_str()), (400, Some("bad_json")));
    let (status, _) = error_of(
        send(
            r#"{"branch":"one"}"#.into(),
            Some("malformed-key-2"),
            "application/json",
        )
        .await
        .unwrap(),
    )
    .await;
    assert!((400..500).contains(&status));
    let (status, err) = error_of(
        send("{}".into(), Some("malformed-key-3"), "text/plain")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (415, Some("unsupported_media_type"))
    );
    let body = booking(1, "2030-01-01T10:00:00+03:00").to_string();
    let (status, err) = error_of(send(body, None, "application/json").await.unwrap()).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (400, Some("idempotency_key_required"))
    );
    let huge = format!(r#"{{"name":"{}"}}"#, "x".repeat(200 * 1024));
    let res = send(huge, Some("malformed-key-4"), "application/json")
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let res = app
        .client
        .get(app.url(&format!(
            "/api/v1/sites/demo/branches/{BRANCH}/times?services=abc&date=x"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res = app
        .client
        .get(app.url("/api/v1/sites/demo/branches/1/services"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "a branch of another salon");
}

async fn cors_answers_only_the_sites_origins(db: Db) {
    let app = spawn_app(db).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(
                reqwest::Method::OPTIONS,
                app.url("/api/v1/sites/demo/bookings"),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,idempotency-key",
            )
            .send()
    };
    let ok = preflight(ORIGIN).await.unwrap();
    assert_eq!(ok.headers()["access-control-allow-origin"], ORIGIN);
    assert_eq!(ok.headers()["access-control-max-age"], "86400");
    let evil = preflight("https://evil.example").await.unwrap();
    assert!(evil.headers().get("access-control-allow-origin").is_none());
    let res = app
        .client
        .post(app.url("/api/v1/sites/demo/bookings"))
        .header("origin", "https://evil.example")
        .header("idempotency-key", "evil-key-00001")
        .json(&booking(1, "2030-01-01T10:00:00+03:00"))
        .send()
        .await
        .unwrap();
    let (status, err) = error_of(res).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (403, Some("origin_not_allowed"))
    );
}

async fn an_unreachable_yclients_answers_upstream_unavailable_not_a_bare_5xx(db: Db) {
    use yclients::sandbox::{Fault, FaultKind};
    let app = spawn_app(db).await;
    app.sandbox
        .control()
        .inject(Fault::rate(1.0, FaultKind::Status { status: 502 }));
    let res = app
        .client
        .get(app.url("/api/v1/sites/demo/config"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let (status, err) = error_of(res).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (503, Some("upstream_unavailable"))
    );
    assert!(err["message"].as_str().unwrap().contains("try again"));
}

async fn a_visitor_who_cannot_book_while_yclients_is_away_is_given_the_branchs_phone(db: Db) {
    use yclients::sandbox::{Fault, FaultKind};
    let app = spawn_app(db).await;
    let (service, datetime) = first_free_slot(&app).await;
    let config = crate::booking::get(&app, "/api/v1/sites/demo/config").await;
    let phone = config["branches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == BRANCH)
        .and_then(|b| b["phone"].as_str())
        .expect("the demo branch has a phone")
        .to_owned();
    app.sandbox
        .control()
        .inject(Fault::rate(1.0, FaultKind::Status { status: 503 }));
    // The booking itself, and a day whose times are not cached yet (past the warmed week).
    let later = datetime[..10]
        .parse::<jiff::civil::Date>()
        .unwrap()
        .checked_add(jiff::Span::new().days(12))
        .unwrap();
    let res = app
        .client
        .post(app.url("/api/v1/sites/demo/bookings"))
        .header("origin", ORIGIN)
        .header("idempotency-key", "key-away-000001")
        .header("accept-language", "ru")
        .json(&booking(service, &datetime))
        .send()
        .await
        .unwrap();
    let (status, err) = error_of(res).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (503, Some("upstream_unavailable"))
    );
    let message = err["message"].as_str().unwrap();
    assert!(
        message.contains("всё введённое сохранится")
            && message.contains(&format!("запишитесь по телефону: {phone}")),
        "{message}"
    );
    let res = app
        .client
        .get(app.url(&format!(
            "/api/v1/sites/demo/branches/{BRANCH}/times?services={service}&date={later}"
        )))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let (status, err) = error_of(res).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (503, Some("upstream_unavailable"))
    );
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .ends_with(&format!("Or book by phone: {phone}.")),
        "{err}"
    );
}

crate::on_both_databases!(
    a_taken_slot_answers_slot_taken_with_fresh_times,
    a_blacklisted_phone_is_refused_with_a_way_forward,
    a_retired_service_answers_service_gone,
    a_wrong_sms_code_is_refused_and_a_new_code_can_be_asked_for,
    bad_fields_are_refused_before_anything_reaches_yclients,
    malformed_bodies_and_missing_keys_get_4xx_in_the_error_shape,
    cors_answers_only_the_sites_origins,
    an_unreachable_yclients_answers_upstream_unavailable_not_a_bare_5xx,
    a_visitor_who_cannot_book_while_yclients_is_away_is_given_the_branchs_phone,
);
