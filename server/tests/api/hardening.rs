//! Headers and edge cases a careless deployment or a prober meets (issue #20 items 11, 12):
//! no-store and nosniff on owners' answers, CSP on the cancel page, HSTS over https, forms judged
//! by `public_url`, request ids, `next` with CR/LF, framework refusals in the error shape.

use serde_json::Value;

use crate::helpers::{Db, spawn_app};
use crate::journey::{ANNA, logged_in, spawn, spawn_with};

async fn owners_answers_are_never_cached_or_sniffed(db: Db) {
    let app = spawn(db).await;
    let (b, _) = logged_in(&app, ANNA).await;
    for path in [
        "/api/v1/session",
        "/api/v1/sites/demo/leads",
        "/api/v1/sites/demo/leads.csv",
        "/api/v1/sites/demo/channels",
        "/dashboard/sites/demo/leads",
    ] {
        let res = b.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let h = res.headers();
        assert_eq!(h["cache-control"], "no-store", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
    }
    // Answers to no one in particular are nosniff too, and no HSTS over plain http.
    let res = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert!(res.headers().get("strict-transport-security").is_none());
}

async fn over_https_forms_are_judged_by_the_public_url_and_answers_carry_hsts(db: Db) {
    // Behind a bare `proxy_pass`: the browser is on https://book.example.com, Host is ours.
    let app = spawn_with(db, |s| {
        s.server.public_url = Some("https://book.example.com".into());
    })
    .await;
    let res = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(
        res.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = |origin: &'static str| {
        client
            .post(app.url("/dashboard/login"))
            .header("origin", origin)
            .header("cookie", "zapis_login=form-token")
            .form(&[
                ("login", ANNA.0),
                ("password", ANNA.1),
                ("csrf", "form-token"),
            ])
            .send()
    };
    let res = login("https://book.example.com").await.unwrap();
    assert_eq!(res.status(), 303, "the public origin logs in");
    let own_host = app.base.clone().leak();
    let res = login(own_host).await.unwrap();
    assert_eq!(
        res.status(),
        403,
        "an Origin matching only Host is not the public one"
    );
    let res = login("https://evil.example").await.unwrap();
    assert_eq!(res.status(), 403);
}

async fn the_cancel_page_has_a_content_security_policy(db: Db) {
    let app = spawn_app(db).await;
    let res = app
        .client
        .get(app.url("/cancel/demo/0123456789abcdef0123456789abcdef?t=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let csp = res.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
}

async fn request_ids_are_kept_only_when_plain(db: Db) {
    let app = spawn_app(db).await;
    let id_of = |given: &'static str| {
        let req = app
            .client
            .get(app.url("/health"))
            .header("x-request-id", given);
        async move {
            req.send().await.unwrap().headers()["x-request-id"]
                .to_str()
                .unwrap()
                .to_owned()
        }
    };
    assert_eq!(id_of("proxy-id-42").await, "proxy-id-42");
    let forged = id_of("x\" level=error msg=\"owner password reset").await;
    assert!(
        forged.len() == 16 && forged.chars().all(|c| c.is_ascii_hexdigit()),
        "a fresh id in place of the forged one: {forged}"
    );
    let long = id_of("a123456789a123456789a123456789a123456789a123456789a123456789abcde").await;
    assert_eq!(long.len(), 16);
}

async fn a_return_address_with_a_line_break_is_bad_input(db: Db) {
    let app = spawn_app(db).await;
    let res = app
        .client
        .get(app.url("/dashboard/lang/en?next=/dashboard%0d%0aSet-Cookie:%20x=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "bad_request");
}

async fn framework_refusals_answer_in_the_error_shape(db: Db) {
    let app = spawn_app(db).await;
    let res = app
        .client
        .delete(app.url("/api/v1/t"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 405);
    assert!(res.headers().get("allow").is_some());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
    let res = app
        .client
        .post(app.url("/dashboard/login"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unsupported_media_type");
}

crate::on_both_databases!(
    owners_answers_are_never_cached_or_sniffed,
    over_https_forms_are_judged_by_the_public_url_and_answers_carry_hsts,
    the_cancel_page_has_a_content_security_policy,
    request_ids_are_kept_only_when_plain,
    a_return_address_with_a_line_break_is_bad_input,
    framework_refusals_answer_in_the_error_shape,
);
