//! What an owner reads (#16): the leads table with state and paid first, the landing decoded,
//! totals in roubles and sortable columns; the visitor card as a story with no token and no raw
//! JSON; the overview's numbers and their change against the period before.

use serde_json::{Value, json};

use crate::booking::post_booking;
use crate::helpers::{Db, ORIGIN, TestApp};
use crate::journey::{ANNA, land, logged_in, spawn, touch, wait_for_lead};

pub const VID: &str = "abcdefabcdefabcdefabcdefabcdef01";
pub const SID: &str = "abcdefabcdefabcdefabcdefabcdef02";
const DAY: i64 = 24 * 3600 * 1000;

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// A landing with a Cyrillic path and campaign, percent-encoded as browsers send it.
const LANDING: &str = "/%D1%86%D0%B5%D0%BD%D1%8B?utm_source=yandex&utm_medium=cpc&utm_campaign=%D0%B2%D0%B5%D1%81%D0%BD%D0%B0&yclid=42";

/// A whole sum with its thousands apart: `12 500` / `12,500`.
fn grouped(v: f64, sep: char) -> String {
    let digits = (v.round() as i64).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

pub async fn page(app: &TestApp, b: &reqwest::Client, path: &str, lang: &str) -> String {
    let res = b
        .get(app.url(path))
        .header("accept-language", lang)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res.text().await.unwrap()
}

/// Books the first free slot for `vid` with a spring touch; returns (booking id, record id,
/// the booking answer).
async fn book_as(app: &TestApp, key: &str, vid: &str, sid: &str) -> (String, u64, Value) {
    let (service, datetime) = crate::booking::first_free_slot(app).await;
    let mut t = touch("yandex", "cpc", "весна", now_ms() as u64);
    t["landing"] = json!(LANDING);
    let mut body = crate::booking::booking(service, &datetime);
    body["attribution"] = json!({"vid": vid, "sid": sid, "first": t, "last": t});
    let res = post_booking(app, key, &body).await;
    assert_eq!(res.status(), 201);
    let answer: Value = res.json().await.unwrap();
    let id = answer["id"].as_str().unwrap().to_owned();
    let record = app
        .sandbox
        .records()
        .into_iter()
        .find(|r| r.api_id == id)
        .unwrap()
        .id;
    (id, record, answer)
}

/// The widget's `booked` event as the tracker sends it: the booking answer as its props.
async fn booked_event(app: &TestApp, vid: &str, sid: &str, answer: &Value) {
    let at = now_ms() as u64;
    let batch = json!({"site": "demo", "vid": vid, "sid": sid, "started": at,
        "touch": touch("yandex", "cpc", "весна", at),
        "events": [{"t": "booked", "ts": at + 5000, "path": "/prices", "props": answer}]});
    let res = app
        .client
        .post(app.url("/api/v1/t"))
        .header("origin", ORIGIN)
        .body(batch.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

async fn no_dashboard_page_shows_a_cancel_token_or_raw_json(db: Db) {
    let app = spawn(db).await;
    let mut t = touch("yandex", "cpc", "весна", now_ms() as u64);
    t["landing"] = json!(LANDING);
    land(&app, VID, SID, &t, now_ms() as u64).await;
    let (id, _, answer) = book_as(&app, "views-token-1", VID, SID).await;
    let cancel = answer["cancel_url"].as_str().unwrap().to_owned();
    let token = cancel
        .split("?t=")
        .nth(1)
        .expect("a cancel link with its token");
    booked_event(&app, VID, SID, &answer).await;

    // Not even stored: the store keeps the booking's words, not its cancel link.
    let stored: Vec<(Option<String>,)> =
        sqlx::query_as("SELECT props FROM events WHERE kind = 'booked'")
            .fetch_all(app.store.pool())
            .await
            .unwrap();
    assert_eq!(stored.len(), 1);
    let props = stored[0].0.clone().unwrap_or_default();
    assert!(
        !props.contains(token) && !props.contains("cancel") && props.contains("services"),
        "{props}"
    );
    let (b, _) = logged_in(&app, ANNA).await;
    wait_for_lead(&app, &b, &id, |_| true).await;
    for lang in ["ru", "en"] {
        for path in [
            "/dashboard/sites/demo/overview".to_owned(),
            "/dashboard/sites/demo/leads".to_owned(),
            "/dashboard/sites/demo/channels".to_owned(),
            format!("/dashboard/sites/demo/visitors/{VID}"),
        ] {
            let html = page(&app, &b, &path, lang).await;
            assert!(
                !html.contains(token),
                "{path} ({lang}) shows the cancel token"
            );
            assert!(
                !html.contains("/cancel/"),
                "{path} ({lang}) shows a cancel link"
            );
            for raw in ["{&quot;", "&quot;:", "{\"", "\":"] {
                assert!(
                    !html.contains(raw),
                    "{path} ({lang}) shows raw JSON ({raw})"
                );
            }
            assert!(
                !html.contains("(paid)"),
                "{path} ({lang}) names a channel by its key"
            );
        }
    }
    let card = page(
        &app,
        &b,
        &format!("/dashboard/sites/demo/visitors/{VID}"),
        "ru",
    )
    .await;
    let services = answer["services"][0].as_str().unwrap();
    let staff = answer["staff"].as_str().unwrap();
    assert!(
        card.contains(&format!("Записался: {services}, мастер {staff}")),
        "the booked event in words: {card}"
    );
    assert!(
        card.contains("Пришёл: Платный поиск: yandex / cpc / весна"),
        "{card}"
    );
    assert!(
        card.contains("на страницу <span title=\"/цены?utm_source=yandex&amp;utm_medium=cpc&amp;utm_campaign=весна&amp;yclid=42\">/цены · весна</span>"),
        "{card}"
    );
    assert!(
        card.contains("Статус:") && card.contains("предстоит"),
        "{card}"
    );
    let english = page(
        &app,
        &b,
        &format!("/dashboard/sites/demo/visitors/{VID}"),
        "en",
    )
    .await;
    assert!(
        english.contains("Booked: ")
            && english.contains("State:")
            && !english.contains("Записался"),
        "{english}"
    );
    // The JSON API of the card gives the owner the booking, not its cancel link.
    let json = b
        .get(app.url(&format!("/api/v1/sites/demo/visitors/{VID}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !json.contains(token) && !json.contains("cancel_url"),
        "{json}"
    );
}

async fn the_leads_table_reads_state_and_paid_first_with_the_landing_decoded(db: Db) {
    let app = spawn(db).await;
    let (b, _) = logged_in(&app, ANNA).await;
    let (paid_id, record, _) = book_as(&app, "views-leads-1", VID, SID).await;
    let (unpaid_id, _, _) = book_as(
        &app,
        "views-leads-2",
        "abcdefabcdefabcdefabcdefabcdef03",
        SID,
    )
    .await;
    app.sandbox.control().set_attendance(record, 1).unwrap();
    let paid = app.sandbox.control().pay_in_full(record).unwrap().amount;
    wait_for_lead(&app, &b, &paid_id, |r| r["paid"].as_f64() == Some(paid)).await;

    let html = page(&app, &b, "/dashboard/sites/demo/leads", "ru").await;
    let state = html.find("id=\"head-state\"").unwrap();
    let paid_head = html.find("id=\"head-paid\"").unwrap();
    let created = html.find("id=\"head-created\"").unwrap();
    let landing = html.find("id=\"head-landing\"").unwrap();
    assert!(
        state < paid_head && paid_head < created && created < landing,
        "state and paid come first"
    );
    assert!(html.contains("<summary title=\"/цены?utm_source=yandex&amp;utm_medium=cpc&amp;utm_campaign=весна&amp;yclid=42\">/цены · весна</summary>"), "{html}");
    assert!(!html.contains("%D1%86"), "no percent-encoded address");
    let rub = format!("{}\u{a0}₽", grouped(paid, '\u{202f}'));
    let total = &html[html.find("id=\"leads-total\"").expect("a totals row")..];
    assert!(total.contains(&rub), "paid total {rub}: {total}");
    assert!(
        html.contains("data-label=\"Оплачено\""),
        "cards on a phone name each cell"
    );
    // Sorting by paid, largest first, then smallest first.
    let by_paid = page(&app, &b, "/dashboard/sites/demo/leads?sort=-paid", "ru").await;
    assert!(by_paid.find(&paid_id).unwrap() < by_paid.find(&unpaid_id).unwrap());
    assert!(by_paid.contains("aria-sort=\"descending\""));
    let by_paid_up = page(&app, &b, "/dashboard/sites/demo/leads?sort=paid", "ru").await;
    assert!(by_paid_up.find(&unpaid_id).unwrap() < by_paid_up.find(&paid_id).unwrap());
    assert!(
        by_paid_up.contains("href=\"/dashboard/sites/demo/leads?")
            && by_paid_up.contains("sort=-paid")
    );
    let english = page(&app, &b, "/dashboard/sites/demo/leads", "en").await;
    let total = &english[english.find("id=\"leads-total\"").unwrap()..];
    let en_paid = format!("₽{}", grouped(paid, ','));
    assert!(total.contains(&en_paid), "{en_paid}: {total}");
    let bad = b
        .get(app.url("/dashboard/sites/demo/leads?sort=phone"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    // The CSV's sums are numbers to a Russian spreadsheet.
    let csv = page(&app, &b, "/dashboard/sites/demo/leads.csv", "ru").await;
    assert!(csv.contains("/цены?utm_source=yandex"), "{csv}");
}

async fn the_overview_counts_the_period_and_compares_it_with_the_one_before(db: Db) {
    let app = spawn(db).await;
    let (b, _) = logged_in(&app, ANNA).await;
    let now = now_ms();
    let spring = touch("yandex", "cpc", "весна", now as u64);
    land(&app, VID, SID, &spring, now as u64).await;
    land(
        &app,
        "abcdefabcdefabcdefabcdefabcdef04",
        "abcdefabcdefabcdefabcdefabcdef05",
        &spring,
        now as u64,
    )
    .await;
    let before = touch("google", "cpc", "зима", (now - 10 * DAY) as u64);
    land(
        &app,
        "abcdefabcdefabcdefabcdefabcdef06",
        "abcdefabcdefabcdefabcdefabcdef07",
        &before,
        (now - 10 * DAY) as u64,
    )
    .await;
    let (id, record, _) = book_as(&app, "views-overview-1", VID, SID).await;
    let (old, _, _) = book_as(
        &app,
        "views-overview-2",
        "abcdefabcdefabcdefabcdefabcdef06",
        "abcdefabcdefabcdefabcdefabcdef07",
    )
    .await;
    sqlx::query("UPDATE bookings SET created = $1 WHERE id = $2")
        .bind(now - 10 * DAY)
        .bind(&old)
        .execute(app.store.pool())
        .await
        .unwrap();
    app.sandbox.control().set_attendance(record, 1).unwrap();
    let paid = app.sandbox.control().pay_in_full(record).unwrap().amount;
    wait_for_lead(&app, &b, &id, |r| r["paid"].as_f64() == Some(paid)).await;

    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Moscow").unwrap())
        .date();
    let from = today.checked_sub(jiff::Span::new().days(6)).unwrap();
    let q = format!("from={from}&to={today}");
    let o: Value = b
        .get(app.url(&format!("/api/v1/sites/demo/overview?{q}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            o["now"]["visits"].as_i64(),
            o["now"]["visitors"].as_i64(),
            o["now"]["bookings"].as_i64()
        ),
        (Some(2), Some(2), Some(1)),
        "{o}"
    );
    assert_eq!(o["now"]["revenue"].as_f64(), Some(paid));
    assert_eq!(o["now"]["conversion"].as_f64(), Some(0.5));
    assert_eq!(
        (
            o["previous"]["visits"].as_i64(),
            o["previous"]["bookings"].as_i64()
        ),
        (Some(1), Some(1)),
        "{o}"
    );
    let days = o["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    let last = days.last().unwrap();
    assert_eq!(
        (
            last["date"].as_str(),
            last["visits"].as_i64(),
            last["bookings"].as_i64(),
            last["revenue"].as_f64()
        ),
        (
            Some(today.to_string().as_str()),
            Some(2),
            Some(1),
            Some(paid)
        )
    );
    assert_eq!(
        days.iter()
            .map(|d| d["visits"].as_i64().unwrap())
            .sum::<i64>(),
        2
    );
    assert_eq!(o["campaigns"][0]["campaign"], "весна");

    let html = page(
        &app,
        &b,
        &format!("/dashboard/sites/demo/overview?{q}"),
        "ru",
    )
    .await;
    let visits = &html[html.find("id=\"tile-visits\"").unwrap()..];
    assert!(
        visits.contains("<span class=\"value\">2</span>") && visits.contains("+100,0\u{a0}%"),
        "{visits}"
    );
    let bookings = &html[html.find("id=\"tile-bookings\"").unwrap()..];
    assert!(
        bookings.contains("<span class=\"value\">1</span>") && bookings.contains("±0,0\u{a0}%"),
        "{bookings}"
    );
    for chart in ["visits-chart", "bookings-chart", "revenue-chart"] {
        assert!(
            html.contains(&format!(
                "<svg class=\"chart daily\" id=\"{chart}\" role=\"img\""
            )),
            "{chart}"
        );
    }
    assert!(html.contains("id=\"campaigns\"") && html.contains("весна"));
    assert!(!html.contains("<script"), "no scripts");
    // The funnel is on the channels page once: the chart with its numbers, no second list.
    let channels = page(&app, &b, "/dashboard/sites/demo/channels", "ru").await;
    assert_eq!(channels.matches("id=\"funnel-chart\"").count(), 1);
    assert!(!channels.contains("id=\"funnel\""));
}

crate::on_both_databases!(
    no_dashboard_page_shows_a_cancel_token_or_raw_json,
    the_leads_table_reads_state_and_paid_first_with_the_landing_decoded,
    the_overview_counts_the_period_and_compares_it_with_the_one_before,
);
