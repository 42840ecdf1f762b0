//! The sandbox answers bodies as YCLIENTS does when a client generated from YCLIENTS' OpenAPI
//! description sends them (issue #20 items 14, 15): whole numbers as floats, both spellings of
//! the name.

use serde_json::{Value, json};
use yclients::sandbox::Sandbox;

use crate::common::*;

/// A raw POST of `body` with the partner token, as any HTTP client would send it.
async fn post(sandbox: &Sandbox, path: &str, body: Value) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1{path}", sandbox.base_url()))
        .header(
            "authorization",
            format!("Bearer {}", sandbox.partner_token()),
        )
        .header("accept", yclients::ACCEPT_V2)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_sms_code_and_api_id_sent_as_whole_floats_book_like_their_integers() {
    let sandbox = busy_sandbox().await;
    let client = client(&sandbox);
    let slot = first_slot(&client, EKB, SVETLANA, day(1), &[EKB_WOMEN_CUT]).await;
    let (status, _) = post(
        &sandbox,
        &format!("/book_code/{EKB}"),
        json!({"phone": PHONE, "fullname": "Алиса"}),
    )
    .await;
    assert_eq!(status, 201);
    let code = sandbox.last_sms_code(PHONE).unwrap();
    assert!(!code.starts_with('0'), "codes never start with 0: {code}");
    let as_float: f64 = code.parse().unwrap();
    let (status, answer) = post(
        &sandbox,
        &format!("/book_record/{EKB}"),
        json!({
            "phone": PHONE,
            "fullname": "Алиса",
            "code": as_float,
            "api_id": 12345.0,
            "appointments": [{"id": 1.0, "services": [EKB_WOMEN_CUT as f64], "staff_id": SVETLANA as f64, "datetime": slot.datetime}],
        }),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    let record_id = answer["data"][0]["record_id"].as_u64().unwrap();
    let record = client.record(EKB, record_id).await.unwrap();
    assert_eq!(record.api_id, "12345", "stored as the integer's text");
}

#[tokio::test]
async fn sms_codes_are_five_digits_without_a_leading_zero() {
    let sandbox = quiet_sandbox().await;
    let client = client(&sandbox);
    for _ in 0..50 {
        client.book_code(MOSCOW, PHONE, "Алиса").await.unwrap();
        let code = sandbox.last_sms_code(PHONE).unwrap();
        assert!(
            code.len() == 5 && code.chars().all(|c| c.is_ascii_digit()) && !code.starts_with('0'),
            "{code}"
        );
    }
}

#[tokio::test]
async fn a_book_code_body_with_both_fullname_and_fulname_is_taken() {
    let sandbox = quiet_sandbox().await;
    for body in [
        json!({"phone": PHONE, "fullname": "Алиса", "fulname": "Алиса"}),
        json!({"phone": PHONE, "fulname": "Алиса"}),
        json!({"phone": PHONE, "fullname": "Алиса"}),
    ] {
        let (status, answer) = post(&sandbox, &format!("/book_code/{MOSCOW}"), body.clone()).await;
        assert_eq!(status, 201, "{body} → {answer}");
    }
    let both: yclients::model::BookCode =
        serde_json::from_value(json!({"phone": 79035550101u64, "fullname": "А", "fulname": "Б"}))
            .unwrap();
    assert_eq!(
        (both.phone.as_str(), both.fullname.as_str()),
        ("79035550101", "А")
    );
}
