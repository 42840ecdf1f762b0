//! A visitor's journey and an owner's session, for the attribution tests: land on the site with
//! a campaign (a tracker batch), book with that attribution, let the salon mark the visit, log
//! in to the dashboard with a cookie jar.

use std::time::{Duration, Instant};

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHasher, SaltString},
};
use serde_json::{Value, json};
use yclients::Secret;
use zapis::config::{OwnerSettings, Settings, SiteSettings};

use crate::booking::{first_free_slot, post_booking};
use crate::helpers::{Db, ORIGIN, TestApp, spawn_app_with};

pub const SECRET: &str = "test-webhook-secret-5f1e0c9a";
pub const ANNA: (&str, &str) = ("anna", "anna-password-1");
pub const BORIS: (&str, &str) = ("boris", "boris-password-2");
pub const PHONE_DIGITS: &str = "79165551234";
pub const NAME: &str = "Анна Петрова";

/// An argon2id hash with tiny parameters: the tests verify many passwords in a debug build.
pub fn light_hash(password: &str) -> String {
    let params = Params::new(64, 1, 1, None).unwrap();
    let salt = SaltString::encode_b64(b"zapis-test-salt!").unwrap();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .unwrap()
        .to_string()
}

pub fn owner(login: &str, password: &str, sites: &[&str]) -> OwnerSettings {
    OwnerSettings {
        login: login.into(),
        password_hash: light_hash(password),
        sites: sites.iter().map(|s| s.to_string()).collect(),
    }
}

/// The app with a known webhook secret on `demo`, a second site `other`, and two owners:
/// anna owns `demo`, boris owns `other`.
pub async fn spawn(db: Db) -> TestApp {
    spawn_with(db, |_| {}).await
}

pub async fn spawn_with(db: Db, more: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(db, |s| {
        s.sites[0].webhook_secret = Some(Secret::new(SECRET));
        let mut other = SiteSettings::demo(&["http://other.test"]);
        other.key = "other".into();
        s.sites.push(other);
        s.owners = vec![
            owner(ANNA.0, ANNA.1, &["demo"]),
            owner(BORIS.0, BORIS.1, &["other"]),
        ];
        more(s);
    })
    .await
}

pub fn touch(source: &str, medium: &str, campaign: &str, ts: u64) -> Value {
    let landing =
        format!("/?utm_source={source}&utm_medium={medium}&utm_campaign={campaign}&yclid=42");
    json!({"ch": "paid", "source": source, "medium": medium, "campaign": campaign, "yclid": "42", "referrer": "https://ya.ru/?text=anna", "landing": landing, "ts": ts})
}

/// One tracker batch: a session with its touch, a page view and the widget opened.
pub async fn land(app: &TestApp, vid: &str, sid: &str, touch: &Value, at: u64) {
    let landing = touch["landing"].as_str().unwrap_or("/");
    let batch = json!({
        "site": "demo", "vid": vid, "sid": sid, "started": at, "touch": touch,
        "events": [
            {"t": "pageview", "ts": at, "path": landing, "title": "Студия «Лён»"},
            {"t": "custom", "ts": at + 1000, "path": "/prices", "name": "price_viewed", "props": {"phone": PHONE_DIGITS}},
            {"t": "widget_open", "ts": at + 2000, "path": "/prices"}
        ]
    });
    let res = app
        .client
        .post(app.url("/api/v1/t"))
        .header("origin", ORIGIN)
        .body(batch.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "the beacon is stored");
}

/// Books the first free slot with this attribution; returns (booking id, record id).
pub async fn book(
    app: &TestApp,
    key: &str,
    vid: &str,
    sid: &str,
    first: &Value,
    last: &Value,
) -> (String, u64) {
    let (service, datetime) = first_free_slot(app).await;
    let mut body = crate::booking::booking(service, &datetime);
    body["name"] = json!(NAME);
    body["phone"] = json!("+7 (916) 555-12-34");
    body["attribution"] = json!({"vid": vid, "sid": sid, "first": first, "last": last});
    let res = post_booking(app, key, &body).await;
    assert_eq!(res.status(), 201, "booked");
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let record = app
        .sandbox
        .records()
        .into_iter()
        .find(|r| r.api_id == id)
        .expect("the record carries our id")
        .id;
    (id, record)
}

/// A client that keeps cookies and shows redirects as they are.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the first hidden `csrf` field in a page.
pub fn csrf_field(html: &str) -> String {
    let start =
        html.find("name=\"csrf\" value=\"").expect("a csrf field") + "name=\"csrf\" value=\"".len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// Posts the login form the way a browser does (after loading it).
pub async fn submit_login(
    app: &TestApp,
    b: &reqwest::Client,
    login: &str,
    password: &str,
) -> reqwest::Response {
    let form = b
        .get(app.url("/dashboard/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_field(&form);
    b.post(app.url("/dashboard/login"))
        .form(&[
            ("login", login),
            ("password", password),
            ("csrf", token.as_str()),
        ])
        .send()
        .await
        .unwrap()
}

/// A logged-in owner's browser and the session's CSRF token.
pub async fn logged_in(
    app: &TestApp,
    (login, password): (&str, &str),
) -> (reqwest::Client, String) {
    let b = browser();
    let res = submit_login(app, &b, login, password).await;
    assert_eq!(res.status(), 303, "logged in");
    let session: Value = b
        .get(app.url("/api/v1/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (b, session["csrf"].as_str().unwrap().to_owned())
}

pub async fn leads(app: &TestApp, b: &reqwest::Client, query: &str) -> Vec<Value> {
    let res = b
        .get(app.url(&format!("/api/v1/sites/demo/leads?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json::<Value>().await.unwrap()["leads"]
        .as_array()
        .unwrap()
        .clone()
}

/// Waits until the lead `id` satisfies `done` (webhooks are processed after they are answered).
pub async fn wait_for_lead(
    app: &TestApp,
    b: &reqwest::Client,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let rows = leads(app, b, "").await;
        if let Some(row) = rows.into_iter().find(|r| r["id"] == id) {
            if done(&row) {
                return row;
            }
            assert!(
                Instant::now() < deadline,
                "lead never reached the expected state: {row}"
            );
        } else {
            assert!(Instant::now() < deadline, "lead {id} not in the report");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn reconcile(app: &TestApp, b: &reqwest::Client, csrf: &str) -> Value {
    let res = b
        .post(app.url("/api/v1/sites/demo/reconcile"))
        .header("x-csrf-token", csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

pub async fn metrics(app: &TestApp) -> String {
    app.client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}
