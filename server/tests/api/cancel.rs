//! The visitor's cancel link: shows the booking, cancels it in YCLIENTS, and the booking then
//! reads "cancelled by the client"; a wrong token finds nothing.

use crate::{
    booking::{booking, free_slot_after, post_booking},
    helpers::{Db, spawn_app},
};

async fn the_cancel_link_cancels_the_record_and_the_booking_reads_cancelled_by_the_client(db: Db) {
    let app = spawn_app(db).await;
    // Not today: the salon lets clients cancel online until 2 h before the visit.
    let (service, datetime) = free_slot_after(&app, 1).await;
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
    // The visit in words and in the branch's time, the master YCLIENTS assigned, and how to move
    // it; in the visitor's language.
    let staff = result["staff"].as_str().unwrap();
    assert!(!staff.is_empty(), "{result}");
    assert!(
        html.contains("(по времени Москвы)")
            && html.contains(&format!("<dt>Мастер</dt><dd id=\"master\">{staff}</dd>"))
            && html.contains("позвоните в салон: +7 495 120-45-17"),
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

crate::on_both_databases!(
    the_cancel_link_cancels_the_record_and_the_booking_reads_cancelled_by_the_client
);
