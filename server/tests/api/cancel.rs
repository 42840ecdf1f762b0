//! The visitor's cancel link: shows the booking, cancels it in YCLIENTS, and the booking then
//! reads "cancelled by the client"; a wrong token finds nothing.

use crate::{
    booking::{booking, free_slot_a_day_ahead, post_booking},
    helpers::{Db, spawn_app},
};

async fn the_cancel_link_cancels_the_record_and_the_booking_reads_cancelled_by_the_client(db: Db) {
    let app = spawn_app(db).await;
    let (service, datetime) = free_slot_a_day_ahead(&app).await;
    let result: serde_json::Value =
        post_booking(&app, "cancel-key-0001", &booking(service, &datetime))
            .await
            .json()
            .await
            .unwrap();
    let id = result["id"].as_str().unwrap().to_owned();
    let url = result["cancel_url"].as_str().unwrap().to_owned();
    let path = &url[url.find("/cancel/").unwrap()..];
    let token = path.split("t=").nth(1).unwrap().to_owned();

    let page = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("id=\"cancel\"") && html.contains("Отменить запись"),
        "{html}"
    );
    // The visit in words and in the branch's time, the master YCLIENTS assigned, and (inside
    // the salon's window) a move with its rule said first; in the visitor's language.
    let staff = result["staff"].as_str().unwrap();
    assert!(!staff.is_empty(), "{result}");
    assert!(
        html.contains("(по времени Москвы)")
            && html.contains(&format!("<dt>Мастер</dt><dd id=\"master\">{staff}</dd>"))
            && html.contains("Перенести можно не позднее чем за 2 ч до визита.")
            && html.find("id=\"rule\"") < html.find("id=\"move-visit\""),
        "{html}"
    );
    let english = app
        .client
        .get(app.url(path))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        english.contains("<dt>When</dt>")
            && english.contains("(Moscow time)")
            && english.contains("Cancel the booking")
            && english.contains("You can move it up to 2 h before the visit.")
            && !english.contains("Когда"),
        "{english}"
    );

    let wrong = app
        .client
        .get(app.url(&path.replace(&token, "0123456789abcdef0123456789abcdef")))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 404);

    let done = app
        .client
        .post(app.url(path.split('?').next().unwrap()))
        .form(&[("t", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("id=\"cancelled\""));
    let record = app
        .sandbox
        .records()
        .into_iter()
        .find(|r| r.api_id == id)
        .unwrap();
    assert!(record.deleted, "the YCLIENTS record is cancelled");

    // The webhook of the deletion arrives; the booking reads cancelled by the client.
    let mut state = String::new();
    for _ in 0..50 {
        state = sqlx::query_scalar("SELECT COALESCE(outcome, state) FROM bookings WHERE id = $1")
            .bind(&id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        if state.starts_with("cancelled") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(state, "cancelled_client");
}

async fn a_cancel_submitted_twice_at_once_reads_cancelled_both_times_and_at_once(db: Db) {
    let app = spawn_app(db).await;
    // No webhook will come: the booking must read cancelled from YCLIENTS' answer alone.
    app.sandbox.control().set_webhook_urls(Vec::new());
    let (service, datetime) = free_slot_a_day_ahead(&app).await;
    let result: serde_json::Value =
        post_booking(&app, "cancel-key-0002", &booking(service, &datetime))
            .await
            .json()
            .await
            .unwrap();
    let id = result["id"].as_str().unwrap().to_owned();
    let url = result["cancel_url"].as_str().unwrap().to_owned();
    let path = &url[url.find("/cancel/").unwrap()..];
    let token = path.split("t=").nth(1).unwrap().to_owned();
    let post = || {
        app.client
            .post(app.url(path.split('?').next().unwrap()))
            .form(&[("t", token.as_str())])
            .send()
    };
    let (a, b) = tokio::join!(post(), post());
    let third = post().await.unwrap();
    for res in [a.unwrap(), b.unwrap(), third] {
        assert_eq!(res.status(), 200);
        let html = res.text().await.unwrap();
        assert!(html.contains("Запись отменена"), "{html}");
    }
    let outcome: Option<String> = sqlx::query_scalar("SELECT outcome FROM bookings WHERE id = $1")
        .bind(&id)
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(outcome.as_deref(), Some("cancelled_client"));
    assert!(
        app.sandbox
            .records()
            .iter()
            .any(|r| r.api_id == id && r.deleted)
    );
}

async fn a_record_already_deleted_in_yclients_reads_as_cancelled(db: Db) {
    let app = spawn_app(db).await;
    app.sandbox.control().set_webhook_urls(Vec::new());
    let (service, datetime) = free_slot_a_day_ahead(&app).await;
    let result: serde_json::Value =
        post_booking(&app, "cancel-key-0003", &booking(service, &datetime))
            .await
            .json()
            .await
            .unwrap();
    let id = result["id"].as_str().unwrap().to_owned();
    let url = result["cancel_url"].as_str().unwrap().to_owned();
    let path = &url[url.find("/cancel/").unwrap()..];
    let token = path.split("t=").nth(1).unwrap().to_owned();
    // The first submit reached YCLIENTS, its answer was lost: a retry meets YCLIENTS' 404.
    let record = app
        .sandbox
        .records()
        .into_iter()
        .find(|r| r.api_id == id)
        .unwrap();
    app.sandbox.control().cancel_record(record.id).unwrap();
    let res = app
        .client
        .post(app.url(path.split('?').next().unwrap()))
        .form(&[("t", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "404 from YCLIENTS reads as done");
    assert!(res.text().await.unwrap().contains("id=\"cancelled\""));
}

crate::on_both_databases!(
    the_cancel_link_cancels_the_record_and_the_booking_reads_cancelled_by_the_client,
    a_cancel_submitted_twice_at_once_reads_cancelled_both_times_and_at_once,
    a_record_already_deleted_in_yclients_reads_as_cancelled,
);
