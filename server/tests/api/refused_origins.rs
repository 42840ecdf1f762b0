//! A site whose origin is not allowed (#16 item 6): the visitor's page can read why (the salon's
//! phone), and the owner sees the origin, how often, the last page and when on the overview.

use serde_json::{Value, json};

use crate::helpers::Db;
use crate::journey::{ANNA, logged_in, spawn};
use crate::owner_views::{SID, VID, page};

async fn a_page_from_an_origin_the_site_does_not_allow_gets_the_salons_phone_and_the_owner_sees_it(
    db: Db,
) {
    let app = spawn(db).await;
    let stray = "http://www.salon.test";
    let res = app
        .client
        .get(app.url("/api/v1/sites/demo/config"))
        .header("origin", stray)
        .header("referer", "http://www.salon.test/prices?name=anna")
        .header("accept-language", "ru")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        stray,
        "the widget can read why"
    );
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "origin_not_allowed");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("не подключена") && message.contains("+7 495 120-45-17"),
        "{message}"
    );
    let beacon = json!({"site": "demo", "vid": VID, "sid": SID, "started": 1, "touch": {"ch": "direct", "ts": 1},
        "events": [{"t": "pageview", "ts": 1, "path": "/contacts?phone=79160000000"}]});
    let res = app
        .client
        .post(app.url("/api/v1/t"))
        .header("origin", stray)
        .body(beacon.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    let (b, _) = logged_in(&app, ANNA).await;
    let html = page(&app, &b, "/dashboard/sites/demo/overview", "ru").await;
    let refused = &html[html
        .find("id=\"refused-origins\"")
        .expect("refused origins shown")..];
    assert!(
        refused.contains(stray)
            && refused.contains("<td class=\"num\" data-label=\"Запросов\">2</td>")
            && refused.contains("/contacts"),
        "{refused}"
    );
    assert!(
        !refused.contains("79160000000") && !refused.contains("name=anna"),
        "no query kept"
    );
    // Another owner's site never shows it.
    let english = page(&app, &b, "/dashboard/sites/demo/overview", "en").await;
    assert!(english.contains("Booking refused on pages of origins the site does not allow"));
}

crate::on_both_databases!(
    a_page_from_an_origin_the_site_does_not_allow_gets_the_salons_phone_and_the_owner_sees_it,
);
