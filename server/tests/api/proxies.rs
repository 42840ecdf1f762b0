//! Behind a proxy: the client's address comes from `X-Forwarded-For` only when the TCP peer is a
//! trusted proxy (`[server] trusted_proxies`). The peers differ by loopback address: the test
//! trusts 127.0.0.200 and not 127.0.0.201, and the server's per-address limits (10 SMS codes per
//! address per 10 minutes) show whose address was counted.

use serde_json::json;

use crate::helpers::{Db, ORIGIN, TestApp, spawn_app_with};
use crate::storm::client_from;

const TRUSTED: u8 = 200;
const UNTRUSTED: u8 = 201;

async fn trusting_one_proxy(db: Db) -> TestApp {
    spawn_app_with(db, |s| {
        s.server.trusted_proxies = vec!["127.0.0.200/32".parse().unwrap()];
    })
    .await
}

/// An SMS code request from `peer` with the forwarding header `xff`; a new phone each time, so
/// only the per-address limit can refuse it.
async fn code(app: &TestApp, peer: u8, xff: &str, n: u32) -> u16 {
    client_from(peer)
        .post(app.url("/api/v1/sites/demo/branches/410202/code"))
        .header("origin", ORIGIN)
        .header("x-forwarded-for", xff)
        .json(&json!({ "phone": format!("+7 916 {:03}-{:02}-{:02}", n / 10_000, n / 100 % 100, n % 100) }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn visitors_behind_a_trusted_proxy_each_have_their_own_limit_and_cannot_forge_another(
    db: Db,
) {
    let app = trusting_one_proxy(db).await;
    for n in 0..10 {
        assert_eq!(code(&app, TRUSTED, "203.0.113.1", n).await, 204);
    }
    assert_eq!(
        code(&app, TRUSTED, "203.0.113.1", 10).await,
        429,
        "the eleventh code for one visitor's address"
    );
    // What the visitor writes left of what the proxy appended is not read.
    assert_eq!(
        code(&app, TRUSTED, "198.51.100.77, 203.0.113.1", 11).await,
        429,
        "a forged hop does not give the visitor a fresh address"
    );
    assert_eq!(
        code(&app, TRUSTED, "203.0.113.2", 12).await,
        204,
        "another visitor behind the same proxy has a limit of their own"
    );
    assert_eq!(app.sandbox.calls("book_code"), 11);
}

async fn the_header_from_an_untrusted_peer_is_ignored_and_the_peer_is_counted(db: Db) {
    let app = trusting_one_proxy(db).await;
    for n in 0..10 {
        let forged = format!("203.0.113.{}", 10 + n);
        assert_eq!(code(&app, UNTRUSTED, &forged, n).await, 204);
    }
    assert_eq!(
        code(&app, UNTRUSTED, "203.0.113.99", 10).await,
        429,
        "a new address in the header every time does not reset the peer's limit"
    );
    // The trusted proxy's visitors are not hit by the untrusted peer's limit.
    assert_eq!(code(&app, TRUSTED, "203.0.113.10", 11).await, 204);
}

crate::on_both_databases!(
    visitors_behind_a_trusted_proxy_each_have_their_own_limit_and_cannot_forge_another,
    the_header_from_an_untrusted_peer_is_ignored_and_the_peer_is_counted,
);
