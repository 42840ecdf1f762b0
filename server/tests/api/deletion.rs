//! Erasure: after a visitor or a client is erased, no text column of any table holds their
//! phone, name or visitor id; the channel report still counts their booking and revenue; the
//! erasure is logged without the data.

use serde_json::{Value, json};
use sqlx::{Column, Row};

use crate::helpers::{Db, TestApp};
use crate::journey::{
    ANNA, NAME, PHONE_DIGITS, book, land, logged_in, spawn, touch, wait_for_lead,
};

const VID: &str = "abcabcabcabcabcabcabcabcabcabc01";
const SID: &str = "abcabcabcabcabcabcabcabcabcabc02";

/// Every text value of every table (the migrations' bookkeeping aside).
async fn all_text(app: &TestApp) -> Vec<(String, String, String)> {
    let pool = app.store.pool();
    let tables: Vec<String> = match app.store.backend() {
        zapis::store::Backend::Sqlite => sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
        zapis::store::Backend::Postgres => sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    };
    let mut out = Vec::new();
    for table in tables.into_iter().filter(|t| t != "_sqlx_migrations") {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}")))
            .fetch_all(pool)
            .await
            .unwrap();
        for row in rows {
            for (i, col) in row.columns().iter().enumerate() {
                if let Ok(Some(text)) = row.try_get::<Option<String>, _>(i) {
                    out.push((table.clone(), col.name().to_owned(), text));
                }
            }
        }
    }
    out
}

async fn assert_no_personal_data(app: &TestApp) {
    let texts = all_text(app).await;
    assert!(
        texts.iter().any(|(t, _, _)| t == "bookings"),
        "the scan sees the bookings"
    );
    for needle in [
        PHONE_DIGITS,
        "555-12-34",
        NAME,
        "Петрова",
        VID,
        SID,
        "ya.ru",
        "yclid",
        "Хочу к окну",
    ] {
        let found: Vec<_> = texts
            .iter()
            .filter(|(_, _, v)| v.contains(needle))
            .collect();
        assert!(found.is_empty(), "{needle} still stored: {found:?}");
    }
}

async fn a_paid_booking(app: &TestApp, b: &reqwest::Client) -> f64 {
    let spring = touch("yandex", "cpc", "spring", 1_700_000_000_000);
    land(app, VID, SID, &spring, 1_700_000_000_000).await;
    let (id, record) = book(app, "erase-0001", VID, SID, &spring, &spring).await;
    app.sandbox.control().set_attendance(record, 1).unwrap();
    let paid = app.sandbox.control().pay_in_full(record).unwrap().amount;
    wait_for_lead(app, b, &id, |r| r["paid"].as_f64() == Some(paid)).await;
    paid
}

async fn channel_totals(app: &TestApp, b: &reqwest::Client) -> Value {
    let report: Value = b
        .get(app.url("/api/v1/sites/demo/channels?touch=first&from=2023-01-01"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    report["totals"].clone()
}

async fn after_erasing_a_visitor_no_personal_field_remains(db: Db) {
    let app = spawn(db).await;
    let (b, csrf) = logged_in(&app, ANNA).await;
    let paid = a_paid_booking(&app, &b).await;
    let before = channel_totals(&app, &b).await;

    let res = b
        .post(app.url("/api/v1/sites/demo/erasures"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"visitor": VID}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let erased: Value = res.json().await.unwrap();
    assert_eq!(
        erased["erased"],
        json!({"bookings": 1, "visitors": 1, "sessions": 1, "events": 3})
    );
    assert_no_personal_data(&app).await;

    let after = channel_totals(&app, &b).await;
    assert_eq!(after, before, "counts and sums still add up");
    assert_eq!(
        (
            after["bookings"].as_i64(),
            after["revenue"].as_f64(),
            after["visitors"].as_i64()
        ),
        (Some(1), Some(paid), Some(1))
    );
    let res = b
        .get(app.url(&format!("/api/v1/sites/demo/visitors/{VID}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "the visitor is gone");
    let again = b
        .post(app.url("/api/v1/sites/demo/erasures"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"visitor": VID}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 404);
    let log: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT actor, kind, bookings FROM erasures")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    assert_eq!(log, [("anna".to_owned(), "visitor".to_owned(), 1)]);
}

async fn erasing_a_client_by_phone_from_the_dashboard_forgets_them(db: Db) {
    let app = spawn(db).await;
    let (b, csrf) = logged_in(&app, ANNA).await;
    let paid = a_paid_booking(&app, &b).await;
    let res = b
        .post(app.url("/dashboard/sites/demo/privacy"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("kind", "phone"),
            ("value", "8 916 555-12-34"),
            ("confirm", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("id=\"notice\"") && page.contains("заявок 1"),
        "{page}"
    );
    assert!(
        page.contains("<td>anna</td><td>клиент</td>"),
        "logged: who and what kind"
    );
    // The owner reads, in her language, what is still held and where: YCLIENTS keeps its record.
    let remains = &page[page.find("id=\"remains\"").expect("what remains is listed")..];
    assert!(
        remains.contains("Что осталось и где")
            && remains.contains("YCLIENTS: запись каждой заявки")
            && remains.contains("zapis_visitor"),
        "{remains}"
    );
    assert_no_personal_data(&app).await;
    let totals = channel_totals(&app, &b).await;
    assert_eq!(
        (totals["bookings"].as_i64(), totals["revenue"].as_f64()),
        (Some(1), Some(paid))
    );
    // The anonymous row stays in the leads, marked erased, with its money.
    let leads = crate::journey::leads(&app, &b, "").await;
    assert_eq!(
        (
            leads[0]["erased"].as_bool(),
            leads[0]["paid"].as_f64(),
            leads[0]["vid"].is_string()
        ),
        (Some(true), Some(paid), true)
    );
}

/// Free text can carry a name or phone anywhere a site or a link puts one: a campaign, a page
/// title, an event name, a path. Erasure leaves none of it, nor YCLIENTS' transaction id or the
/// exact time of the visit; the receipt says what YCLIENTS still holds.
async fn erasure_leaves_no_free_text_transaction_id_or_exact_time(db: Db) {
    let app = spawn(db).await;
    let (b, csrf) = logged_in(&app, ANNA).await;
    let campaign = "promo-anna-petrova-79160001122";
    let spring = touch("yandex", "cpc", campaign, 1_700_000_000_000);
    land(&app, VID, SID, &spring, 1_700_000_000_000).await;
    let free_text = json!({
        "site": "demo", "vid": VID, "sid": SID, "started": 1_700_000_000_000u64, "touch": spring,
        "events": [
            {"t": "pageview", "ts": 1_700_000_003_000u64, "path": "/thanks/anna-petrova-79160001122", "title": "Спасибо, Анна Петрова"},
            {"t": "custom", "ts": 1_700_000_004_000u64, "path": "/thanks", "name": "lead anna 79160001122"}
        ]
    });
    let res = app
        .client
        .post(app.url("/api/v1/t"))
        .header("origin", crate::helpers::ORIGIN)
        .body(free_text.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let (id, record) = book(&app, "erase-text-0001", VID, SID, &spring, &spring).await;
    let tx = app.sandbox.control().pay_in_full(record).unwrap();
    wait_for_lead(&app, &b, &id, |r| r["paid"].as_f64() == Some(tx.amount)).await;
    let res = b
        .post(app.url("/api/v1/sites/demo/erasures"))
        .header("x-csrf-token", &csrf)
        .json(&json!({"visitor": VID}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let receipt: Value = res.json().await.unwrap();
    let remains = receipt["remains"].to_string();
    assert!(
        remains.contains("YCLIENTS") && remains.contains("zapis_visitor"),
        "{remains}"
    );
    let texts = all_text(&app).await;
    for needle in ["79160001122", "anna-petrova", "Анна Петрова", "promo-anna"] {
        let found: Vec<_> = texts
            .iter()
            .filter(|(_, _, v)| v.contains(needle))
            .collect();
        assert!(found.is_empty(), "{needle} still stored: {found:?}");
    }
    let pool = app.store.pool();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM payments")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(ids.len(), 1);
    assert_ne!(ids[0], tx.id as i64, "YCLIENTS' transaction id is gone");
    let (datetime, paid_at): (String, Option<String>) = sqlx::query_as(
        "SELECT b.datetime, p.paid_at FROM bookings b JOIN payments p ON p.booking_id = b.id",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(datetime.get(10..19), Some("T00:00:00"), "{datetime}");
    assert!(paid_at.is_none_or(|p| p.len() == 10), "kept to the day");
}

crate::on_both_databases!(
    erasure_leaves_no_free_text_transaction_id_or_exact_time,
    after_erasing_a_visitor_no_personal_field_remains,
    erasing_a_client_by_phone_from_the_dashboard_forgets_them
);
