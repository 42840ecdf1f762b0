//! Built assets: caching, compression by Accept-Encoding, content types, CORS; the static site.

use crate::helpers::{Db, spawn_app};

async fn hashed_wasm_is_immutable_compressed_and_open_to_any_origin(db: Db) {
    let app = spawn_app(db).await;
    let get = |enc: &'static str| {
        app.client
            .get(app.url("/widget.0123456789.wasm"))
            .header("accept-encoding", enc)
            .send()
    };
    let res = get("gzip, deflate, br").await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
    assert_eq!(res.headers()["vary"], "Accept-Encoding");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"br-bytes");

    let res = get("gzip").await.unwrap();
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"gz-bytes");

    let res = get("identity").await.unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    assert!(res.bytes().await.unwrap().starts_with(b"\0asm"));
}

async fn embed_js_is_cached_briefly_and_revalidated_by_etag(db: Db) {
    let app = spawn_app(db).await;
    let res = app.client.get(app.url("/embed.js")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["x-request-id"].len(),
        16,
        "every answer carries its request id"
    );
    assert_eq!(
        res.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=300, must-revalidate"
    );
    let etag = res.headers()["etag"].to_str().unwrap().to_owned();
    let again = app
        .client
        .get(app.url("/embed.js"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
}

async fn the_static_site_is_served_at_the_root_and_unknown_paths_get_the_error_shape(db: Db) {
    let app = spawn_app(db).await;
    let res = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("Салон"));
    let res = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found");
}

async fn the_embed_config_of_a_site_is_public_and_unknown_sites_are_404(db: Db) {
    let app = spawn_app(db).await;
    let res = app
        .client
        .get(app.url("/api/v1/sites/demo/embed"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let cfg: protocol::site::EmbedConfig = res.json().await.unwrap();
    assert_eq!(cfg.site, "demo");
    let res = app
        .client
        .get(app.url("/api/v1/sites/other/embed"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

crate::on_both_databases!(
    hashed_wasm_is_immutable_compressed_and_open_to_any_origin,
    embed_js_is_cached_briefly_and_revalidated_by_etag,
    the_static_site_is_served_at_the_root_and_unknown_paths_get_the_error_shape,
    the_embed_config_of_a_site_is_public_and_unknown_sites_are_404,
);

mod openapi {
    #[tokio::test]
    async fn the_api_document_lists_every_widget_endpoint_and_the_error_shape() {
        let app = crate::helpers::spawn_app(crate::helpers::Db::Sqlite).await;
        let doc: serde_json::Value = app
            .client
            .get(app.url("/api/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        for path in [
            "/api/v1/t",
            "/api/v1/sites/{site}/config",
            "/api/v1/sites/{site}/bookings",
            "/api/v1/sites/{site}/branches/{branch}/times",
            "/api/v1/sites/{site}/branches/{branch}/events",
            "/api/v1/sites/{site}/signups",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} missing");
        }
        assert!(doc["components"]["schemas"].get("ErrorBody").is_some());
        assert!(doc["components"]["schemas"].get("BookingRequest").is_some());
        let schemas = &doc["components"]["schemas"];
        assert!(schemas.get("Schedule").is_some() && schemas.get("SignupRequest").is_some());
        // The beacon's event keeps its name: a group event is `GroupEvent`.
        assert!(schemas["Event"]["properties"].get("t").is_some());
        assert!(
            schemas["GroupEvent"]["properties"]
                .get("seats_left")
                .is_some()
        );
    }
}
