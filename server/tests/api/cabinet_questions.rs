//! Questions to the salon and deleting the account: a client asks about a visit, the owner's
//! answer shows unread until read; deleting the account erases the cabinet's data and tells
//! the salon, and says what remains where.

use reqwest::Method;
use serde_json::json;

use crate::cabinet::{DEMO_DIGITS, DEMO_PHONE, call, get, json_of, salon_visit, sign_in};
use crate::helpers::{Db, spawn_app};
use crate::journey::{ANNA, logged_in, spawn_with};

/// The owner's cabinet page, in a language.
async fn owner_page(app: &crate::helpers::TestApp, owner: &reqwest::Client, lang: &str) -> String {
    let page = owner
        .get(app.url("/dashboard/sites/demo/cabinet"))
        .header("accept-language", lang);
    page.send().await.unwrap().text().await.unwrap()
}

async fn a_question_about_a_visit_gets_the_owners_answer_marked_unread_until_read(db: Db) {
    let app = spawn_with(db, |_| {}).await;
    let session = sign_in(&app, DEMO_PHONE, None).await;
    let visit = salon_visit(&app, &session).await["id"].as_u64().unwrap();
    let asked = call(
        &app,
        Method::POST,
        "questions",
        Some(&session),
        Some(json!({"text": "  Можно прийти на 10 минут позже?  ", "visit": visit})),
    )
    .await;
    let thread = json_of(asked, 201).await;
    assert_eq!(thread["visit"], visit);
    assert_eq!(
        thread["messages"][0]["text"],
        "Можно прийти на 10 минут позже?"
    );
    assert_eq!(thread["messages"][0]["from_salon"], false);
    let id = thread["id"].as_i64().unwrap();
    // The salon sees it waiting.
    let waiting = app.store.cabinet_site_threads("demo", 10).await.unwrap();
    assert_eq!((waiting[0].id, waiting[0].salon_unread), (id, 1));

    // The owner sees it waiting in the dashboard, with the use counts, and answers.
    let (owner, csrf) = logged_in(&app, ANNA).await;
    let html = owner_page(&app, &owner, "ru").await;
    assert!(
        html.contains("Можно прийти на 10 минут позже?") && html.contains("ждёт ответа"),
        "{html}"
    );
    assert!(
        html.contains("id=\"use-waiting\" class=\"num\">1<")
            && html.contains("id=\"use-sign-ins\" class=\"num\">1<"),
        "{html}"
    );
    let answered = owner
        .post(app.url(&format!("/dashboard/sites/demo/cabinet/questions/{id}")))
        .form(&[("csrf", csrf.as_str()), ("text", "Да, конечно, ждём вас.")])
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), 303);
    let html = owner_page(&app, &owner, "en").await;
    assert!(
        html.contains("Да, конечно, ждём вас.") && !html.contains("waiting for an answer"),
        "{html}"
    );
    // Another owner's site does not take an answer to this thread.
    let stray = owner
        .post(app.url(&format!("/dashboard/sites/other/cabinet/questions/{id}")))
        .form(&[("csrf", csrf.as_str()), ("text", "?")])
        .send()
        .await
        .unwrap();
    assert_eq!(stray.status(), 404);
    assert_eq!(get(&app, "me", &session).await["unread"], 1);
    let list = get(&app, "questions", &session).await;
    assert_eq!(list[0]["unread"], 1, "{list}");
    let read = get(&app, &format!("questions/{id}"), &session).await;
    assert_eq!(read["unread"], 0);
    assert_eq!(read["messages"][1]["from_salon"], true);
    assert!(
        read["messages"][1]["at"].as_str().unwrap().ends_with('Z'),
        "{read}"
    );
    assert_eq!(get(&app, "me", &session).await["unread"], 0);
    let more = call(
        &app,
        Method::POST,
        &format!("questions/{id}"),
        Some(&session),
        Some(json!({"text": "Спасибо!"})),
    )
    .await;
    assert_eq!(
        json_of(more, 200).await["messages"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // Empty, too long, or about a visit that is not theirs: refused, nothing stored.
    for bad in [
        json!({"text": "   "}),
        json!({"text": "я".repeat(2001)}),
        json!({"text": "?", "visit": 1}),
    ] {
        let res = call(&app, Method::POST, "questions", Some(&session), Some(bad)).await;
        assert_eq!(json_of(res, 422).await["error"]["code"], "invalid_field");
    }
    assert_eq!(
        get(&app, "questions", &session)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

async fn deleting_the_account_erases_its_data_tells_the_salon_and_says_what_remains(db: Db) {
    let app = spawn_with(db, |_| {}).await;
    let session = sign_in(&app, DEMO_PHONE, None).await;
    call(
        &app,
        Method::POST,
        "questions",
        Some(&session),
        Some(json!({"text": "Вопрос"})),
    )
    .await;
    let res = app
        .client
        .delete(app.url("/api/v1/sites/demo/cabinet/account"))
        .header("origin", crate::helpers::ORIGIN)
        .header("x-zapis-cabinet", &session)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let deleted = json_of(res, 200).await;
    let remains = deleted["remains"].as_array().unwrap();
    assert!(
        remains
            .iter()
            .any(|l| l.as_str().unwrap().contains("YCLIENTS")),
        "{deleted}"
    );
    assert_eq!(
        call(&app, Method::GET, "me", Some(&session), None)
            .await
            .status(),
        401
    );
    assert!(
        app.store
            .cabinet_site_threads("demo", 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        app.store
            .cabinet_identity("demo", "phone", DEMO_DIGITS)
            .await
            .unwrap()
            .is_none()
    );
    let requests = app.store.cabinet_deletions("demo", 10).await.unwrap();
    assert_eq!(
        (requests[0].name.as_str(), requests[0].phone.as_str()),
        ("Анна Кузнецова", DEMO_DIGITS)
    );
    // The owner sees the request, and marks it done.
    let (owner, csrf) = logged_in(&app, ANNA).await;
    let html = owner_page(&app, &owner, "ru").await;
    let button = format!("id=\"deletion-{}-done\"", requests[0].id);
    assert!(
        html.contains("Анна Кузнецова")
            && html.contains(&format!("+{DEMO_DIGITS}"))
            && html.contains(&button),
        "{html}"
    );
    let done = owner
        .post(app.url(&format!(
            "/dashboard/sites/demo/cabinet/deletions/{}",
            requests[0].id
        )))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    let requests = app.store.cabinet_deletions("demo", 10).await.unwrap();
    assert!(requests[0].handled.is_some());
    // The client's card stays in YCLIENTS: the visits are still there.
    assert!(app.sandbox.records().iter().any(|r| {
        r.client
            .as_ref()
            .is_some_and(|c| c.phone.contains("9161234501"))
    }));
}

async fn deleting_the_account_erases_the_clients_tracking_data_as_the_owners_erasure_does(db: Db) {
    use crate::booking::{booking, free_slot_a_day_ahead, post_booking};
    let app = spawn_app(db).await;
    let (service, datetime) = free_slot_a_day_ahead(&app).await;
    let booked = post_booking(&app, "erase-key-00001", &booking(service, &datetime)).await;
    assert_eq!(booked.status(), 201);
    let session = sign_in(&app, "+7 (916) 555-12-34", None).await;
    let deleted = call(&app, Method::DELETE, "account", Some(&session), None).await;
    assert_eq!(deleted.status(), 200);
    let log = app.store.erasures("demo", 10).await.unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(
        (log[0].actor.as_str(), log[0].kind.as_str()),
        ("cabinet: the client", "client")
    );
    assert_eq!(log[0].counts.bookings, 1);
}

crate::on_both_databases!(
    a_question_about_a_visit_gets_the_owners_answer_marked_unread_until_read,
    deleting_the_account_erases_its_data_tells_the_salon_and_says_what_remains,
    deleting_the_account_erases_the_clients_tracking_data_as_the_owners_erasure_does,
);
