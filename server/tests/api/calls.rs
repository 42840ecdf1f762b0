//! Call tracking end to end: numbers leased to visitors, PBX notifications merged into calls,
//! calls matched to campaigns in the leads report, and calls in YCLIENTS (the sandbox) by route.

use serde_json::{Value, json};
use std::time::{Duration, Instant};

use yclients::{
    Secret,
    sandbox::voip::{HistoryMode, RuleKind},
};
use zapis::calls::CallSettings;

use crate::helpers::{Db, ORIGIN, TestApp};
use crate::journey::{ANNA, land, leads, logged_in, spawn_with, touch};
use crate::owner_views::page;

pub const PBX_SECRET: &str = "pbx-secret-0123456789abcdef";
pub const CALLER: &str = "+7 (916) 700-11-22";

pub fn calls_settings(pool: usize) -> CallSettings {
    let mut c: CallSettings = toml::from_str(&format!(
        "default_number = \"+7 (495) 120-45-17\"\npool = [{}]\nrecording_wait_secs = 1\n\
         [[static]]\nnumber = \"+7 (495) 120-45-99\"\nutm_source = \"flyer\"",
        (0..pool)
            .map(|i| format!("\"+7 495 300-{:02}-{:02}\"", i / 100, i % 100))
            .collect::<Vec<_>>()
            .join(",")
    ))
    .unwrap();
    c.pbx_secret = Some(Secret::new(PBX_SECRET));
    c
}

pub async fn spawn(db: Db, pool: usize) -> TestApp {
    spawn_with(db, |s| s.sites[0].calls = Some(calls_settings(pool))).await
}

pub fn vid(i: usize) -> String {
    format!("{i:032x}")
}

pub async fn number(app: &TestApp, query: &str) -> Value {
    ask_number(
        app.client.clone(),
        app.url(&format!("/api/v1/sites/demo/number?{query}")),
    )
    .await
}

/// The page's ask for its number, from the site's origin.
pub async fn ask_number(client: reqwest::Client, url: String) -> Value {
    let res = client
        .get(url)
        .header("origin", ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

pub async fn notify(app: &TestApp, format: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/hooks/pbx/demo/{PBX_SECRET}?format={format}")))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// A visitor landing now from a campaign.
pub async fn from_campaign(app: &TestApp, n: usize, source: &str, medium: &str, campaign: &str) {
    let now = jiff::Timestamp::now().as_millisecond() as u64;
    land(
        app,
        &vid(n),
        &vid(100 + n),
        &touch(source, medium, campaign, now),
        now,
    )
    .await;
}

async fn visitor_from_campaign_sees_a_pool_number_in_the_sites_format_and_a_second_visitor_another(
    db: Db,
) {
    let app = spawn(db, 3).await;
    from_campaign(&app, 1, "yandex", "cpc", "spring").await;
    let first = number(&app, &format!("vid={}", vid(1))).await;
    assert_eq!(first["kind"], "pool");
    assert_eq!(
        first["number"], "+7 (495) 300-00-00",
        "the default number's format"
    );
    assert_eq!(first["tel"], "+74953000000");
    assert_eq!(first["hold_secs"], 180);
    assert_eq!(
        first["replaces"], "74951204517",
        "the page's copies of the default number are what it replaces"
    );
    // Asking again while active renews the same number.
    assert_eq!(number(&app, &format!("vid={}", vid(1))).await, first);
    let second = number(&app, &format!("vid={}", vid(2))).await;
    assert_eq!(second["kind"], "pool");
    assert_ne!(second["number"], first["number"]);
    // A flyer's visitor gets its static number (from the landing's utm_source, before any
    // beacon), a visitor without an id the default one, and the pool is not touched by them.
    let flyer = number(&app, &format!("vid={}&utm_source=flyer", vid(3))).await;
    assert_eq!(
        (flyer["kind"].as_str(), flyer["number"].as_str()),
        (Some("static"), Some("+7 (495) 120-45-99"))
    );
    let anonymous = number(&app, "").await;
    assert_eq!(anonymous["kind"], "default");
    // The embed loads the phone module only for a site that tracks calls; the tracker is named
    // by embed.js itself.
    let config = |site: &'static str| {
        let client = app.client.clone();
        let url = app.url(&format!("/api/v1/sites/{site}/embed"));
        async move {
            client
                .get(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let demo = config("demo").await;
    assert_eq!(
        demo["modules"],
        json!({"phone": "abcdef0123", "widget": "0123456789"})
    );
    assert_eq!(
        config("other").await["modules"],
        json!({"widget": "0123456789"})
    );
    assert_eq!(anonymous["number"], "+7 (495) 120-45-17");
    let bad = number(&app, "vid=not-an-id").await;
    assert_eq!(bad["kind"], "default");
    // Another site's page (a foreign origin) gets no lease either.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/sites/demo/number?vid={}", vid(4))))
        .header("origin", "http://evil.test")
        .send()
        .await
        .unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["kind"], "default");
    // A site without call tracking: 404.
    let res = app
        .client
        .get(app.url("/api/v1/sites/other/number"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

async fn a_site_that_requires_consent_leases_numbers_only_to_visitors_who_gave_it(db: Db) {
    let app = spawn_with(db, |s| {
        s.sites[0].calls = Some(calls_settings(2));
        s.sites[0].consent = protocol::site::ConsentMode::Required;
    })
    .await;
    let without = number(&app, &format!("vid={}", vid(1))).await;
    assert_eq!(without["kind"], "default");
    let with = number(&app, &format!("vid={}&consent=1", vid(1))).await;
    assert_eq!(with["kind"], "pool");
}

async fn pbx_notifications_are_refused_without_the_secret_or_when_unreadable(db: Db) {
    let app = spawn(db, 1).await;
    let res = app
        .client
        .post(app.url("/hooks/pbx/demo/wrong-secret"))
        .json(&json!({"call_id": "x", "event": "started"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = notify(&app, "generic", &json!({"event": "started"})).await;
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert!(body.to_string().contains("call_id"), "{body}");
    let res = notify(
        &app,
        "sip-trunk",
        &json!({"call_id": "x", "event": "started"}),
    )
    .await;
    assert_eq!(res.status(), 422);
    let res = notify(
        &app,
        "generic",
        &json!({"call_id": "x", "event": "started", "direction": "outgoing"}),
    )
    .await;
    assert_eq!(
        res.status(),
        200,
        "an outgoing call is accepted and ignored"
    );
    assert!(app.store.call("demo", "x").await.unwrap().is_none());
    // The generic format and the number are in the API document.
    let doc: Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"].get("/hooks/pbx/{site}/{secret}").is_some());
    assert!(doc["paths"].get("/api/v1/sites/{site}/number").is_some());
    let schema = &doc["components"]["schemas"]["PbxNotification"];
    assert!(schema["properties"].get("call_id").is_some(), "{schema}");
    assert!(!doc.to_string().contains(PBX_SECRET));
}

/// Polls `f` until it gives `Some` (the PBX hook answers before YCLIENTS is told).
async fn eventually<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn generic(call_id: &str, event: &str, called: &str, extra: Value) -> Value {
    let mut v = json!({"call_id": call_id, "event": event, "caller": CALLER, "called": called});
    if let (Value::Object(m), Value::Object(e)) = (&mut v, extra) {
        m.extend(e);
    }
    v
}

async fn a_call_to_a_visitors_pool_number_is_a_lead_with_their_campaign_and_reaches_yclients_by_route(
    db: Db,
) {
    let app = spawn(db, 3).await;
    let sb = app.sandbox.control().clone();
    let net = app.sandbox.networks()[0].clone();
    let branch = net.company_ids[0];
    let other_branch = net.company_ids[1];
    let user = sb.network_users(net.id)[0];
    eventually("zapis enabled its telephony in the network", || {
        sb.voip(net.id).filter(|v| v.enabled)
    })
    .await;
    // The salon admin's settings: a route showing the popup to one user in one branch, and the
    // pool's numbers routed to it (digits only).
    let route = sb
        .voip_add_route(
            net.id,
            "Ресепшн",
            vec![user],
            HistoryMode::ChosenBranches(vec![branch]),
        )
        .unwrap();
    let e = sb
        .voip_add_rule(net.id, RuleKind::Phone, "+7 495 300-00-00", route)
        .unwrap_err();
    assert!(e.contains("digits only"), "{e}");
    for n in ["74953000000", "74953000001", "74953000002"] {
        sb.voip_add_rule(net.id, RuleKind::Phone, n, route).unwrap();
    }
    let client = sb.add_client("Мария", CALLER).unwrap();

    from_campaign(&app, 1, "yandex", "cpc", "spring").await;
    from_campaign(&app, 2, "vk", "social", "autumn").await;
    let shown = number(&app, &format!("vid={}", vid(1))).await;
    let other = number(&app, &format!("vid={}", vid(2))).await;
    assert_ne!(
        shown["number"], other["number"],
        "two visitors at once, two numbers"
    );
    let dialled = shown["tel"].as_str().unwrap().to_owned();

    // The PBX: ringing (twice: a duplicate), answered, ended without the recording, then the
    // recording; each answered 200.
    let at = |s: i64| (jiff::Timestamp::now().as_second() + s).to_string();
    for body in [
        generic("c-1", "started", &dialled, json!({"at": at(0)})),
        generic("c-1", "started", &dialled, json!({"at": at(0)})),
    ] {
        assert_eq!(notify(&app, "generic", &body).await.status(), 200);
    }
    let popup = eventually("the popup in the routed branch", || {
        sb.voip_popups(branch).into_iter().next()
    })
    .await;
    assert_eq!(popup.user_id, user);
    assert_eq!(popup.phone, "79167001122");
    assert_eq!(popup.client_id, Some(client));
    assert!(
        sb.voip_popups(other_branch).is_empty(),
        "not in a branch the route leaves out"
    );
    let recording = "https://pbx.example/rec/c-1.mp3";
    for body in [
        generic("c-1", "answered", &dialled, json!({"at": at(2)})),
        generic(
            "c-1",
            "finished",
            &dialled,
            json!({"at": at(97), "duration": 95, "answered": true}),
        ),
        json!({"call_id": "c-1", "event": "recording", "recording_url": recording}),
        generic(
            "c-1",
            "finished",
            &dialled,
            json!({"at": at(97), "duration": 95, "answered": true}),
        ),
    ] {
        assert_eq!(notify(&app, "generic", &body).await.status(), 200);
    }
    let card = eventually("the call in the client's card", || {
        sb.voip_client_calls(client).into_iter().next()
    })
    .await;
    assert_eq!(card.record_link.as_deref(), Some(recording));
    assert_eq!((card.status.as_str(), card.duration), ("success", 95));
    assert_eq!(card.diversion, dialled.trim_start_matches('+'));
    assert_eq!(card.call_id.as_deref(), Some("c-1"));
    let branch_history = sb.voip_history(Some(branch));
    assert_eq!(
        branch_history.len(),
        1,
        "once in the routed branch: {branch_history:?}"
    );
    assert!(sb.voip_history(Some(other_branch)).is_empty());

    // The owner sees the call as a lead with the visitor's campaign.
    let (b, _) = logged_in(&app, ANNA).await;
    let rows = leads(&app, &b, "").await;
    let calls: Vec<&Value> = rows.iter().filter(|r| r["kind"] == "call").collect();
    assert_eq!(
        calls.len(),
        1,
        "the notifications merged into one call: {rows:?}"
    );
    let lead = calls[0];
    assert_eq!(lead["vid"], vid(1));
    assert_eq!(lead["last"]["campaign"], "spring");
    assert_eq!(lead["first"]["source"], "yandex");
    assert_eq!(lead["state"], "answered");
    assert_eq!(lead["call"]["duration"], 95);
    assert_eq!(lead["call"]["answered"], true);
    assert_eq!(lead["call"]["recording"], recording);
    assert_eq!(lead["call"]["repeat"], false);
    assert_eq!(lead["call"]["number_kind"], "pool");
    assert_eq!(lead["call"]["caller"], "79167001122");
    // The same phone again, missed: a repeat caller; the dashboard says so in both languages.
    let body = generic("c-2", "finished", &dialled, json!({"answered": false}));
    assert_eq!(notify(&app, "generic", &body).await.status(), 200);
    let rows = leads(&app, &b, "").await;
    let again = rows
        .iter()
        .find(|r| r["call"]["repeat"] == true)
        .expect("a repeat call");
    assert_eq!(again["state"], "missed");
    let html = page(&app, &b, "/dashboard/sites/demo/leads", "ru").await;
    assert!(
        html.contains("звонок принят") && html.contains("повторный"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"{recording}\"")));
    let card = page(
        &app,
        &b,
        &format!("/dashboard/sites/demo/visitors/{}", vid(1)),
        "en",
    )
    .await;
    assert!(
        card.contains("Call to +7 (495) 300-0") && card.contains("call recording"),
        "{card}"
    );
    let spring = campaign_line(&app, &b, "spring").await;
    assert_eq!(spring["calls"], 2, "{spring}");
}

/// The channels report's line of `campaign` (grouped by campaign, last touch).
pub async fn campaign_line(app: &TestApp, b: &reqwest::Client, campaign: &str) -> Value {
    let channels: Value =
        serde_json::from_str(&page(app, b, "/api/v1/sites/demo/channels?by=campaign", "en").await)
            .unwrap();
    channels["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["campaign"] == campaign)
        .cloned()
        .unwrap_or_else(|| panic!("no line for {campaign}: {channels}"))
}

crate::on_both_databases!(
    visitor_from_campaign_sees_a_pool_number_in_the_sites_format_and_a_second_visitor_another,
    a_site_that_requires_consent_leases_numbers_only_to_visitors_who_gave_it,
    pbx_notifications_are_refused_without_the_secret_or_when_unreadable,
    a_call_to_a_visitors_pool_number_is_a_lead_with_their_campaign_and_reaches_yclients_by_route,
);
