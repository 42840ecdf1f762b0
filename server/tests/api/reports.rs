//! The reports over the JSON API: a visitor who came twice from two campaigns keeps both touches
//! in the leads and in channels; the visitor card tells the story in order; filters and the CSV
//! export (Excel-safe) work.

use serde_json::Value;

use crate::helpers::{Db, TestApp};
use crate::journey::{ANNA, book, land, leads, logged_in, spawn, touch, wait_for_lead};

const VID: &str = "cccccccccccccccccccccccccccccc01";
const SID_SPRING: &str = "dddddddddddddddddddddddddddddd01";
const SID_AUTUMN: &str = "dddddddddddddddddddddddddddddd02";
const DAY: u64 = 24 * 3600 * 1000;

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// Spring (yandex) a day ago, autumn (google) now, then a booking, visited and paid.
async fn two_campaigns_then_a_paid_visit(app: &TestApp, b: &reqwest::Client) -> (String, f64) {
    let spring = touch("yandex", "cpc", "spring", now_ms() - DAY);
    let autumn = touch("google", "cpc", "=HYPERLINK(\"x\")", now_ms());
    land(app, VID, SID_SPRING, &spring, now_ms() - DAY).await;
    land(app, VID, SID_AUTUMN, &autumn, now_ms()).await;
    let (id, record) = book(app, "two-campaigns-1", VID, SID_AUTUMN, &spring, &autumn).await;
    app.sandbox.control().set_attendance(record, 1).unwrap();
    let paid = app.sandbox.control().pay_in_full(record).unwrap().amount;
    wait_for_lead(app, b, &id, |r| r["paid"].as_f64() == Some(paid)).await;
    (id, paid)
}

async fn channels(app: &TestApp, b: &reqwest::Client, query: &str) -> Value {
    let res = b
        .get(app.url(&format!("/api/v1/sites/demo/channels?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

fn row<'a>(report: &'a Value, campaign: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["campaign"] == campaign)
        .unwrap_or_else(|| panic!("no row {campaign} in {report}"))
}

async fn a_visitor_with_two_campaigns_keeps_first_and_last_touch_in_leads_and_channels(db: Db) {
    let app = spawn(db).await;
    let (b, _) = logged_in(&app, ANNA).await;
    let (id, paid) = two_campaigns_then_a_paid_visit(&app, &b).await;

    let lead = leads(&app, &b, "")
        .await
        .into_iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    assert_eq!(
        (
            lead["first"]["source"].as_str(),
            lead["first"]["campaign"].as_str()
        ),
        (Some("yandex"), Some("spring"))
    );
    assert_eq!(lead["last"]["source"], "google");

    let first = channels(&app, &b, "touch=first&by=campaign").await;
    let spring = row(&first, "spring");
    assert_eq!(
        (
            spring["visitors"].as_i64(),
            spring["sessions"].as_i64(),
            spring["bookings"].as_i64()
        ),
        (Some(1), Some(2), Some(1))
    );
    assert_eq!(
        (spring["came"].as_i64(), spring["revenue"].as_f64()),
        (Some(1), Some(paid))
    );
    assert_eq!(spring["conversion"].as_f64(), Some(1.0));

    let last = channels(&app, &b, "touch=last").await;
    let autumn = row(&last, "=HYPERLINK(\"x\")");
    assert_eq!(
        (autumn["source"].as_str(), autumn["medium"].as_str()),
        (Some("google"), Some("cpc"))
    );
    assert_eq!(
        (
            autumn["sessions"].as_i64(),
            autumn["bookings"].as_i64(),
            autumn["revenue"].as_f64()
        ),
        (Some(1), Some(1), Some(paid))
    );
    assert_eq!(row(&last, "spring")["bookings"], 0);
    assert_eq!(last["totals"]["visitors"], 1);
    assert_eq!(last["totals"]["sessions"], 2);
    let funnel = &last["funnel"];
    assert_eq!(
        (
            funnel["visits"].as_i64(),
            funnel["widget_opened"].as_i64(),
            funnel["booked"].as_i64(),
            funnel["came"].as_i64(),
            funnel["paid"].as_i64()
        ),
        (Some(2), Some(2), Some(1), Some(1), Some(1))
    );
}

async fn the_visitor_card_tells_the_story_in_order(db: Db) {
    let app = spawn(db).await;
    let (b, _) = logged_in(&app, ANNA).await;
    let (id, paid) = two_campaigns_then_a_paid_visit(&app, &b).await;
    let card: Value = b
        .get(app.url(&format!("/api/v1/sites/demo/visitors/{VID}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sessions = card["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(
        (
            sessions[0]["touch"]["campaign"].as_str(),
            sessions[1]["touch"]["source"].as_str()
        ),
        (Some("spring"), Some("google"))
    );
    let kinds: Vec<&str> = sessions[0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["pageview", "custom", "widget_open"]);
    assert_eq!(sessions[0]["events"][1]["name"], "price_viewed");
    assert_eq!(card["bookings"][0]["id"], id.as_str());
    assert_eq!(card["bookings"][0]["state"], "came");
    assert_eq!(card["total_paid"].as_f64(), Some(paid));
    let missing = b
        .get(app.url("/api/v1/sites/demo/visitors/0000000000000000000000000000dead"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

async fn leads_are_filtered_and_exported_for_excel(db: Db) {
    let app = spawn(db).await;
    let (b, _) = logged_in(&app, ANNA).await;
    two_campaigns_then_a_paid_visit(&app, &b).await;
    assert_eq!(leads(&app, &b, "source=google").await.len(), 1);
    assert_eq!(leads(&app, &b, "source=yandex").await.len(), 0);
    assert_eq!(leads(&app, &b, "source=yandex&touch=first").await.len(), 1);
    assert_eq!(leads(&app, &b, "branch=410202").await.len(), 0);
    assert_eq!(leads(&app, &b, "branch=410201").await.len(), 1);
    assert_eq!(
        leads(&app, &b, "from=2020-01-01&to=2020-01-31").await.len(),
        0
    );
    let bad = b
        .get(app.url("/api/v1/sites/demo/leads?from=yesterday"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);

    let res = b
        .get(app.url("/api/v1/sites/demo/leads.csv"))
        .header("accept-language", "ru")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 with a BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("Создана;Визит;Посетитель"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 2);
    assert!(
        lines[1].contains(";google;cpc;\"'=HYPERLINK(\"\"x\"\")\";"),
        "formula defused: {}",
        lines[1]
    );
    assert!(lines[1].contains("пришёл"));
}

crate::on_both_databases!(
    a_visitor_with_two_campaigns_keeps_first_and_last_touch_in_leads_and_channels,
    the_visitor_card_tells_the_story_in_order,
    leads_are_filtered_and_exported_for_excel,
);
