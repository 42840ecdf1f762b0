//! The dashboard over HTTP with a cookie jar: login and logout, cookies, pages in both
//! languages, CSRF refusals, the lock-out, and owners kept to their own sites.

use serde_json::Value;

use crate::helpers::{Db, TestApp};
use crate::journey::{
    ANNA, BORIS, book, browser, csrf_field, land, logged_in, owner, spawn, spawn_with,
    submit_login, touch, wait_for_lead,
};

const VID: &str = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeee01";
const SID: &str = "ffffffffffffffffffffffffffffff01";

async fn page(app: &TestApp, b: &reqwest::Client, path: &str) -> (u16, String) {
    let res = b.get(app.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.text().await.unwrap())
}

fn location(res: &reqwest::Response) -> &str {
    res.headers()["location"].to_str().unwrap()
}

async fn an_owner_logs_in_reads_every_page_and_logs_out(db: Db) {
    let app = spawn(db).await;
    let spring = touch("yandex", "cpc", "spring", 1_700_000_000_000);
    land(&app, VID, SID, &spring, 1_700_000_000_000).await;
    let (id, record) = book(&app, "dash-0001", VID, SID, &spring, &spring).await;
    app.sandbox.control().set_attendance(record, 1).unwrap();
    app.sandbox.control().pay_in_full(record).unwrap();

    let b = browser();
    let res = b.get(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(
        (res.status().as_u16(), location(&res)),
        (303, "/dashboard/login")
    );
    let (status, form) = page(&app, &b, "/dashboard/login").await;
    assert_eq!(status, 200);
    assert!(
        form.contains("<label for=\"login\">")
            && form.contains("<label for=\"password\">")
            && form.contains("id=\"login-submit\"")
    );

    let res = submit_login(&app, &b, ANNA.0, ANNA.1).await;
    assert_eq!((res.status().as_u16(), location(&res)), (303, "/dashboard"));
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|c| c.starts_with("zapis_session="))
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain-http loopback (the demo) goes without Secure"
    );

    let res = b.get(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(
        location(&res),
        "/dashboard/sites/demo/overview",
        "one site: straight to its overview"
    );
    // Came and paid arrive as two webhooks: wait for both, or the charts may see no payment yet.
    wait_for_lead(&app, &b, &id, |r| {
        r["state"] == "came" && r["paid"].as_f64().is_some_and(|p| p > 0.0)
    })
    .await;
    let (status, leads) = page(&app, &b, "/dashboard/sites/demo/leads").await;
    assert_eq!(status, 200);
    assert!(
        leads.contains("<html lang=\"ru\">") && leads.contains("<caption id=\"leads-caption\">"),
        "{leads}"
    );
    assert!(
        leads.contains(&format!("id=\"lead-{id}\""))
            && leads.contains("пришёл")
            && leads.contains("yandex / cpc / spring")
    );
    assert!(leads.contains(&format!("href=\"/dashboard/sites/demo/visitors/{VID}\"")));
    assert!(leads.contains("<th scope=\"col\" id=\"head-state\">"));

    let (status, card) = page(&app, &b, &format!("/dashboard/sites/demo/visitors/{VID}")).await;
    assert_eq!(status, 200);
    assert!(card.contains("price_viewed") && card.contains("Сессия 1"));
    let (status, channels) = page(&app, &b, "/dashboard/sites/demo/channels?touch=first").await;
    assert_eq!(status, 200);
    assert!(
        channels.contains("<svg class=\"chart\" id=\"funnel-chart\" role=\"img\"")
            && channels.contains("id=\"revenue-chart\"")
    );
    assert!(channels.contains("id=\"touch-first\" value=\"first\" checked"));
    assert!(
        !channels.contains("<script")
            && !channels.contains("http://")
            && !channels.contains("https://"),
        "nothing loaded from outside"
    );
    let (status, csv) = page(&app, &b, "/dashboard/sites/demo/leads.csv").await;
    assert_eq!(status, 200);
    assert!(csv.starts_with('\u{feff}'));

    // The language switch remembers English and comes back to the page.
    let res = b
        .get(app.url("/dashboard/lang/en?next=/dashboard/sites/demo/channels"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/dashboard/sites/demo/channels");
    let (_, english) = page(&app, &b, "/dashboard/sites/demo/leads").await;
    assert!(
        english.contains("<html lang=\"en\">")
            && english.contains("came")
            && english.contains("Leads")
    );
    let res = b
        .get(app.url("/dashboard/lang/en?next=//evil.example/"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/dashboard", "no open redirect");

    let csrf = csrf_field(&english);
    let res = b
        .post(app.url("/dashboard/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        (res.status().as_u16(), location(&res)),
        (303, "/dashboard/login")
    );
    let res = b
        .get(app.url("/dashboard/sites/demo/leads"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/dashboard/login");
    assert_eq!(
        b.get(app.url("/api/v1/sites/demo/leads"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

async fn forms_without_the_session_token_are_refused(db: Db) {
    let app = spawn(db).await;
    // Login: without the form's own token (no cookie from loading the form).
    let res = browser()
        .post(app.url("/dashboard/login"))
        .form(&[("login", ANNA.0), ("password", ANNA.1), ("csrf", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // Login from another site's page.
    let b = browser();
    let form = b
        .get(app.url("/dashboard/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let res = b
        .post(app.url("/dashboard/login"))
        .header("origin", "https://evil.example")
        .form(&[
            ("login", ANNA.0),
            ("password", ANNA.1),
            ("csrf", csrf_field(&form).as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    let (b, csrf) = logged_in(&app, ANNA).await;
    for (path, body) in [
        ("/dashboard/logout", vec![]),
        ("/dashboard/sites/demo/reconcile", vec![("csrf", "wrong")]),
        (
            "/dashboard/sites/demo/privacy",
            vec![
                ("csrf", ""),
                ("kind", "visitor"),
                ("value", VID),
                ("confirm", "on"),
            ],
        ),
    ] {
        let res = b.post(app.url(path)).form(&body).send().await.unwrap();
        assert_eq!(res.status(), 403, "{path}");
        assert!(res.text().await.unwrap().contains("role=\"alert\""));
    }
    let res = b
        .post(app.url("/dashboard/sites/demo/reconcile"))
        .header("origin", "https://evil.example")
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403, "the right token from another origin");
    let res = b
        .post(app.url("/api/v1/sites/demo/reconcile"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "csrf_refused"
    );
    // Still logged in: the refusals changed nothing.
    assert_eq!(
        b.get(app.url("/api/v1/sites/demo/leads"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let res = b
        .post(app.url("/dashboard/sites/demo/reconcile"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
}

async fn repeated_failed_logins_refuse_that_address_for_the_login_and_then_for_every_login(db: Db) {
    let app = spawn_with(db, |s| {
        for n in 1..=4 {
            s.owners
                .push(owner(&format!("owner{n}"), "right-password", &["demo"]));
        }
    })
    .await;
    let b = browser();
    for attempt in 1..=5 {
        let res = submit_login(&app, &b, ANNA.0, "wrong").await;
        assert_eq!(res.status(), 401, "attempt {attempt}");
    }
    let res = submit_login(&app, &b, ANNA.0, ANNA.1).await;
    assert_eq!(
        res.status(),
        429,
        "this address is refused even with the right password"
    );
    let retry: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((800..=900).contains(&retry), "{retry}");
    let body = res.text().await.unwrap();
    assert!(
        body.contains("id=\"login-error\"") && body.contains("Попробуйте снова через 15 мин"),
        "{body}"
    );
    // Another account still logs in from here.
    assert_eq!(submit_login(&app, &b, BORIS.0, BORIS.1).await.status(), 303);
    // Enough attempts from one address refuse every account there.
    let b = browser();
    for n in 1..=4 {
        for _ in 0..5 {
            submit_login(&app, &b, &format!("owner{n}"), "wrong").await;
        }
    }
    assert_eq!(submit_login(&app, &b, BORIS.0, BORIS.1).await.status(), 429);
}

async fn an_owner_cannot_read_another_owners_site(db: Db) {
    let app = spawn(db).await;
    let (boris, _) = logged_in(&app, BORIS).await;
    for path in [
        "/api/v1/sites/demo/leads",
        "/api/v1/sites/demo/channels",
        "/api/v1/sites/demo/leads.csv",
        &format!("/api/v1/sites/demo/visitors/{VID}"),
    ] {
        assert_eq!(
            boris.get(app.url(path)).send().await.unwrap().status(),
            404,
            "{path}"
        );
    }
    for path in [
        "/dashboard/sites/demo/leads",
        "/dashboard/sites/demo/channels",
        "/dashboard/sites/demo/privacy",
        "/dashboard/sites/demo/leads.csv",
    ] {
        assert_eq!(
            boris.get(app.url(path)).send().await.unwrap().status(),
            404,
            "{path}"
        );
    }
    assert_eq!(
        boris
            .get(app.url("/api/v1/sites/other/leads"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let (anna, _) = logged_in(&app, ANNA).await;
    assert_eq!(
        anna.get(app.url("/api/v1/sites/other/leads"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        anna.get(app.url("/api/v1/sites/nosuch/leads"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

crate::on_both_databases!(
    an_owner_logs_in_reads_every_page_and_logs_out,
    forms_without_the_session_token_are_refused,
    repeated_failed_logins_refuse_that_address_for_the_login_and_then_for_every_login,
    an_owner_cannot_read_another_owners_site,
);
