//! Sources an owner can trust (#22): the server classifies every touch — from today's tracker
//! (no channel), from old trackers in caches (their own guess), from a booking's context — and
//! reclassifies, once, the touches stored before it did.

use serde_json::{Value, json};

use crate::helpers::{Db, TestApp};
use crate::journey::{ANNA, book, land, leads, logged_in, spawn};

const VID_MAIL: &str = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeee01";
const VID_AD: &str = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeee02";
const SID_MAIL: &str = "ffffffffffffffffffffffffffffff01";
const SID_AD: &str = "ffffffffffffffffffffffffffffff02";

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

async fn session_channel(app: &TestApp, sid: &str) -> (String, Option<String>, Option<String>) {
    sqlx::query_as("SELECT channel, source, medium FROM sessions WHERE site = 'demo' AND sid = $1")
        .bind(sid)
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

async fn a_webmail_visit_is_email_and_an_ad_redirect_is_paid_search_in_reports(db: Db) {
    let app = spawn(db).await;
    let (b, _) = logged_in(&app, ANNA).await;
    let now = now_ms();
    // Today's tracker: what it saw, no channel.
    let mail = json!({"referrer": "https://e.mail.ru/inbox/", "landing": "/", "ts": now});
    // An old tracker in a cache: its own guess ("search") for a Yandex Direct click whose
    // landing lost its tags.
    let ad = json!({"ch": "search", "source": "yandex", "medium": "organic", "referrer": "https://yabs.yandex.ru/count/WZ0e", "landing": "/prices", "ts": now});
    land(&app, VID_MAIL, SID_MAIL, &mail, now).await;
    land(&app, VID_AD, SID_AD, &ad, now).await;
    assert_eq!(
        session_channel(&app, SID_MAIL).await,
        ("email".into(), Some("Mail.ru".into()), Some("email".into()))
    );
    assert_eq!(
        session_channel(&app, SID_AD).await,
        (
            "paid_search".into(),
            Some("Yandex.Direct".into()),
            Some("cpc".into())
        )
    );

    // A booking passes the tracker's stored context: the server classifies it too.
    let newsletter = json!({"source": "newsletter", "medium": "email", "campaign": "may", "landing": "/?utm_source=newsletter&utm_medium=email&utm_campaign=may", "ts": now});
    let (id, _) = book(&app, "sources-1", VID_MAIL, SID_MAIL, &mail, &newsletter).await;
    let lead = leads(&app, &b, "")
        .await
        .into_iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    assert_eq!(
        (
            lead["first"]["channel"].as_str(),
            lead["last"]["channel"].as_str()
        ),
        (Some("email"), Some("email"))
    );
    assert_eq!(
        (
            lead["last"]["source"].as_str(),
            lead["last"]["campaign"].as_str()
        ),
        (Some("newsletter"), Some("may"))
    );

    // The channels report, grouped by channel, tells paid search from email.
    let res = b
        .get(app.url("/api/v1/sites/demo/channels?touch=first&by=channel"))
        .send()
        .await
        .unwrap();
    let report: Value = res.json().await.unwrap();
    let rows: Vec<(String, i64)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap().to_owned(),
                r["sessions"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(
        rows.contains(&("email".into(), 1)) && rows.contains(&("paid_search".into(), 1)),
        "{rows:?}"
    );

    // The visitor card and the channels page name the channel in the owner's language.
    let card = b
        .get(app.url(&format!("/dashboard/sites/demo/visitors/{VID_MAIL}")))
        .header("accept-language", "ru")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(card.contains("Пришёл: Email-рассылки и почта"), "{card}");
    let page = b
        .get(app.url("/dashboard/sites/demo/channels?touch=first&by=channel"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(">Paid search</th>") && page.contains(">Email</th>"),
        "{page}"
    );
}

/// Rows as the tracker classified them before #22, written straight into the store.
async fn store_old_rows(app: &TestApp) {
    let pool = app.store.pool();
    let sessions = [
        // (sid, channel, source, medium, campaign, fbclid, referrer, landing)
        (
            "a1",
            "search",
            Some("yandex"),
            Some("organic"),
            None,
            None,
            Some("https://mail.yandex.ru/"),
            "/",
        ),
        (
            "a2",
            "paid",
            Some("newsletter"),
            Some("email"),
            Some("may"),
            None,
            None,
            "/?utm_source=newsletter&utm_medium=email&utm_campaign=may",
        ),
        (
            "a3",
            "paid",
            Some("facebook"),
            None,
            None,
            Some("x"),
            Some("https://l.facebook.com/"),
            "/?fbclid=x",
        ),
        (
            "a4",
            "referral",
            Some("2gis.ru"),
            Some("referral"),
            None,
            None,
            Some("https://2gis.ru/moscow"),
            "/",
        ),
        ("a5", "direct", None, None, None, None, None, "/"),
    ];
    for (sid, channel, source, medium, campaign, fbclid, referrer, landing) in sessions {
        sqlx::query(
            "INSERT INTO sessions (site, sid, vid, started, last_seen, channel, source, medium, campaign, fbclid, referrer, landing, touch_ts) \
             VALUES ('demo', $1, $2, 1, 1, $3, $4, $5, $6, $7, $8, $9, 1)",
        )
        .bind(format!("{sid:0>32}"))
        .bind(format!("{sid:0>32}"))
        .bind(channel)
        .bind(source)
        .bind(medium)
        .bind(campaign)
        .bind(fbclid)
        .bind(referrer)
        .bind(landing)
        .execute(pool)
        .await
        .unwrap();
    }
    let first = r#"{"ch":"search","source":"google","medium":"organic","referrer":"https://mail.google.com/mail/u/0/","landing":"/","ts":1}"#;
    let last = r#"{"ch":"paid","source":"yandex","medium":"cpc","campaign":"spring","yclid":"5","landing":"/?utm_campaign=spring&yclid=5","ts":2}"#;
    sqlx::query(
        "INSERT INTO bookings (id, site, idempotency_key, request_hash, state, company_id, staff_id, services, datetime, name, phone, \
         first_channel, first_source, first_medium, first_touch, last_channel, last_source, last_medium, last_campaign, last_touch, created, updated) \
         VALUES ('old-1', 'demo', 'k-old-1', 'h', 'confirmed', 1, 1, '[]', '2026-01-01T10:00:00+03:00', 'Анна', '79165551234', \
         'search', 'google', 'organic', $1, 'paid', 'yandex', 'cpc', 'spring', $2, 1, 1)",
    )
    .bind(first)
    .bind(last)
    .execute(pool)
    .await
    .unwrap();
}

async fn stored_touches_are_reclassified_once(db: Db) {
    let app = spawn(db).await;
    // The server ran it at start, on an empty database.
    assert_eq!(
        zapis::attribution::reclassify::run(&app.store)
            .await
            .unwrap(),
        None,
        "once per database"
    );
    store_old_rows(&app).await;
    sqlx::query("DELETE FROM data_migrations WHERE name = $1")
        .bind(zapis::attribution::reclassify::NAME)
        .execute(app.store.pool())
        .await
        .unwrap();

    let done = zapis::attribution::reclassify::run(&app.store)
        .await
        .unwrap()
        .expect("it runs when its marker is missing");
    assert_eq!((done.sessions, done.bookings), (4, 2));
    let s = |sid: &str| format!("{sid:0>32}");
    assert_eq!(
        session_channel(&app, &s("a1")).await,
        ("email".into(), Some("Yandex".into()), Some("email".into()))
    );
    assert_eq!(
        session_channel(&app, &s("a2")).await,
        (
            "email".into(),
            Some("newsletter".into()),
            Some("email".into())
        )
    );
    assert_eq!(
        session_channel(&app, &s("a3")).await,
        (
            "social".into(),
            Some("facebook".into()),
            Some("social".into())
        )
    );
    assert_eq!(
        session_channel(&app, &s("a4")).await,
        ("search".into(), Some("2gis".into()), Some("organic".into()))
    );
    assert_eq!(
        session_channel(&app, &s("a5")).await,
        ("direct".into(), None, None)
    );

    let (first, last, last_medium, last_touch): (String, String, String, String) =
        sqlx::query_as("SELECT first_channel, last_channel, last_medium, last_touch FROM bookings WHERE id = 'old-1'").fetch_one(app.store.pool()).await.unwrap();
    assert_eq!(
        (first.as_str(), last.as_str(), last_medium.as_str()),
        ("email", "paid_search", "cpc")
    );
    assert_eq!(
        serde_json::from_str::<Value>(&last_touch).unwrap()["ch"],
        "paid_search"
    );

    assert_eq!(
        zapis::attribution::reclassify::run(&app.store)
            .await
            .unwrap(),
        None,
        "and only once"
    );
}

crate::on_both_databases!(
    a_webmail_visit_is_email_and_an_ad_redirect_is_paid_search_in_reports,
    stored_touches_are_reclassified_once,
);
