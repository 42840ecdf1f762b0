//! Dashboard sessions end when they should (issue #20 item 6): after 12 hours unused, when the
//! owner's password changes, and everywhere at once on request.

use crate::helpers::Db;
use crate::journey::{ANNA, logged_in, spawn};

async fn status_of(b: &reqwest::Client, url: String) -> u16 {
    b.get(url).send().await.unwrap().status().as_u16()
}

async fn signing_out_everywhere_ends_the_owners_sessions_in_every_browser(db: Db) {
    let app = spawn(db).await;
    let (laptop, csrf) = logged_in(&app, ANNA).await;
    let (phone, _) = logged_in(&app, ANNA).await;
    assert_eq!(status_of(&phone, app.url("/api/v1/session")).await, 200);
    let res = laptop
        .post(app.url("/dashboard/logout"))
        .form(&[("csrf", csrf.as_str()), ("everywhere", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(status_of(&phone, app.url("/api/v1/session")).await, 401);
    assert_eq!(status_of(&laptop, app.url("/api/v1/session")).await, 401);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM owner_sessions")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(left, 0);
    // She can sign in again.
    logged_in(&app, ANNA).await;
}

async fn a_session_unused_for_twelve_hours_ends(db: Db) {
    let app = spawn(db).await;
    let (b, _) = logged_in(&app, ANNA).await;
    assert_eq!(status_of(&b, app.url("/api/v1/session")).await, 200);
    let idle = zapis::util::clock::now_ms() - zapis::auth::session::IDLE_MS - 1000;
    sqlx::query("UPDATE owner_sessions SET last_seen = $1")
        .bind(idle)
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_eq!(status_of(&b, app.url("/api/v1/session")).await, 401);
}

async fn a_session_made_under_an_old_password_ends(db: Db) {
    let app = spawn(db).await;
    let (b, _) = logged_in(&app, ANNA).await;
    // What a restart with a new password hash in the config leaves: sessions tagged with the
    // old hash's tag.
    sqlx::query("UPDATE owner_sessions SET pw_tag = 'tag-of-the-old-password-hash'")
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_eq!(status_of(&b, app.url("/api/v1/session")).await, 401);
}

crate::on_both_databases!(
    signing_out_everywhere_ends_the_owners_sessions_in_every_browser,
    a_session_unused_for_twelve_hours_ends,
    a_session_made_under_an_old_password_ends,
);
