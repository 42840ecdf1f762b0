//! Access: only a site's own origins may call its API; every dashboard page and report needs a
//! login; hostile text in every field is stored as sent and shown inertly in the dashboard,
//! the visitor card and the CSV export. (Owners kept to their own sites and webhook secrets are
//! in `dashboard.rs` and `webhooks.rs`.)

use serde_json::{Value, json};

use crate::helpers::{Db, ORIGIN};
use crate::journey::{ANNA, book, land, logged_in, spawn};

const EVIL: &str = "http://evil.test";

async fn a_site_refuses_origins_it_does_not_allow(db: Db) {
    let app = spawn(db).await;
    for origin in [
        EVIL,
        "http://other.test",
        "http://salon.test.evil.test",
        "null",
    ] {
        for path in [
            "/api/v1/sites/demo/config",
            "/api/v1/sites/demo/branches/410201/services",
        ] {
            let res = app
                .client
                .get(app.url(path))
                .header("origin", origin)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 403, "{origin} {path}");
            assert_eq!(
                res.json::<Value>().await.unwrap()["error"]["code"],
                "origin_not_allowed"
            );
        }
        let res = app
            .client
            .post(app.url("/api/v1/sites/demo/bookings"))
            .header("origin", origin)
            .header("idempotency-key", "access-key-0001")
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert!(
            [403, 400].contains(&res.status().as_u16()),
            "{origin}: {}",
            res.status()
        );
        let beacon = json!({"site": "demo", "vid": "0123456789abcdef0123456789abcdef", "sid": "fedcba9876543210fedcba9876543210", "started": 1, "touch": {"ch": "direct", "ts": 1}, "events": [{"t": "pageview", "ts": 1, "path": "/"}]});
        let res = app
            .client
            .post(app.url("/api/v1/t"))
            .header("origin", origin)
            .body(beacon.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "beacon from {origin}");
        let preflight = app
            .client
            .request(
                reqwest::Method::OPTIONS,
                app.url("/api/v1/sites/demo/bookings"),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
            .await
            .unwrap();
        // CORS lets in the origins of every site (the handlers check the site's own list).
        if origin != "http://other.test" {
            assert!(
                preflight
                    .headers()
                    .get("access-control-allow-origin")
                    .is_none_or(|v| v != origin),
                "CORS allows {origin}"
            );
        }
    }
    let (service, datetime) = crate::booking::first_free_slot(&app).await;
    let body = crate::booking::booking(service, &datetime);
    let res = app
        .client
        .post(app.url("/api/v1/sites/demo/bookings"))
        .header("idempotency-key", "access-key-0002")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "a booking with no Origin at all");
    let preflight = app
        .client
        .request(
            reqwest::Method::OPTIONS,
            app.url("/api/v1/sites/demo/bookings"),
        )
        .header("origin", ORIGIN)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.headers()["access-control-allow-origin"], ORIGIN);
    assert_eq!(app.sandbox.calls("book_record"), 0);
}

async fn every_dashboard_page_and_report_needs_a_login(db: Db) {
    let app = spawn(db).await;
    let anon = crate::journey::browser();
    let gets = [
        "/dashboard/sites/demo/leads",
        "/dashboard/sites/demo/leads.csv",
        "/dashboard/sites/demo/visitors/0123456789abcdef0123456789abcdef",
        "/dashboard/sites/demo/channels",
        "/dashboard/sites/demo/privacy",
        "/api/v1/session",
        "/api/v1/sites/demo/leads",
        "/api/v1/sites/demo/leads.csv",
        "/api/v1/sites/demo/visitors/0123456789abcdef0123456789abcdef",
        "/api/v1/sites/demo/channels",
    ];
    for path in gets {
        let res = anon.get(app.url(path)).send().await.unwrap();
        let status = res.status().as_u16();
        let to_login = res
            .headers()
            .get("location")
            .is_some_and(|l| l == "/dashboard/login");
        assert!(
            status == 401 || (status == 303 && to_login),
            "GET {path}: {status}"
        );
    }
    for path in [
        "/dashboard/sites/demo/reconcile",
        "/dashboard/sites/demo/privacy",
        "/api/v1/sites/demo/reconcile",
        "/api/v1/sites/demo/erasures",
    ] {
        let res = anon
            .post(app.url(path))
            .form(&[("csrf", "x"), ("vid", "0123456789abcdef0123456789abcdef")])
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        assert!([401, 403, 303].contains(&status), "POST {path}: {status}");
    }
}

/// Strings that break HTML, SQL and spreadsheets when handled carelessly.
const SCRIPT: &str = "<script>alert(1)</script>";
const SQL: &str = "'; DROP TABLE bookings;--";
const FORMULA: &str = "=HYPERLINK(\"http://evil.test\",\"x\")";

async fn hostile_text_in_every_field_is_stored_as_sent_and_shown_inertly(db: Db) {
    let app = spawn(db).await;
    let vid = "abababababababababababababababab";
    let sid = "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd";
    let hostile = json!({
        "ch": "paid", "source": format!("{FORMULA}"), "medium": format!("+{SQL}"), "campaign": format!("@{SCRIPT}"),
        "content": "-1+1", "term": "<img src=x onerror=alert(1)>", "landing": "/?a=<script>", "referrer": "javascript:alert(1)", "ts": 1_700_000_000_000u64
    });
    land(&app, vid, sid, &hostile, 1_700_000_000_000).await;
    let beacon = json!({"site": "demo", "vid": vid, "sid": sid, "started": 1_700_000_000_000u64, "touch": hostile,
        "events": [{"t": "custom", "ts": 1_700_000_000_500u64, "path": format!("/{SCRIPT}"), "title": SQL, "name": FORMULA, "props": {"x": SCRIPT}}]});
    assert_eq!(
        app.client
            .post(app.url("/api/v1/t"))
            .header("origin", ORIGIN)
            .body(beacon.to_string())
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let (id, _) = book(&app, "access-hostile-1", vid, sid, &hostile, &hostile).await;
    sqlx::query("UPDATE bookings SET name = $1, comment = $2 WHERE id = $3")
        .bind(format!("{FORMULA}{SCRIPT}"))
        .bind(SQL)
        .bind(&id)
        .execute(app.store.pool())
        .await
        .unwrap();

    let (b, _) = logged_in(&app, ANNA).await;
    let leads: Value = b
        .get(app.url("/api/v1/sites/demo/leads"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = leads.to_string();
    assert!(
        text.contains("DROP TABLE") && text.contains("<script>alert(1)</script>"),
        "stored and returned as sent (JSON): {text}"
    );
    for path in [
        "/dashboard/sites/demo/leads",
        &format!("/dashboard/sites/demo/visitors/{vid}"),
        "/dashboard/sites/demo/channels",
    ] {
        let html = b
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for raw in ["<script>alert", "<img src=x", "href=\"javascript:"] {
            assert!(!html.contains(raw), "{path} renders {raw} raw");
        }
        assert!(
            html.contains("&lt;script&gt;") || path.ends_with("channels"),
            "{path} shows the text escaped"
        );
    }
    for path in [
        "/dashboard/sites/demo/leads.csv",
        "/api/v1/sites/demo/leads.csv",
    ] {
        let csv = b
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(csv.contains("DROP TABLE"), "{path}: {csv}");
        for line in csv.lines() {
            for cell in cells(line) {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
                        || cell.parse::<f64>().is_ok(),
                    "{path}: formula cell {cell:?}"
                );
            }
        }
    }
    let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bookings")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(tables, 1, "the bookings table is still there");
}

/// The cells of one CSV line (RFC 4180 quoting), unquoted.
fn cells(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    out.push(cur);
    out
}

crate::on_both_databases!(
    a_site_refuses_origins_it_does_not_allow,
    every_dashboard_page_and_report_needs_a_login,
    hostile_text_in_every_field_is_stored_as_sent_and_shown_inertly,
);
