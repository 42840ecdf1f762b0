//! Moving a booking from the cancel link: the visitor picks a day and a time of the same
//! master in the page's own calendar, confirms with the SMS code YCLIENTS sends to the
//! booking's phone, and the record, the cancel page and the booking read the new time; a
//! wrong code, a closed window and a time taken meanwhile move nothing.

use serde_json::Value;

use crate::{
    booking::{BRANCH, booking, free_slot_a_day_ahead, post_booking},
    helpers::{Db, TestApp, spawn_app},
};

/// The booking's phone as YCLIENTS has it.
const DIGITS: &str = "79165551234";

struct Booked {
    id: String,
    /// `/cancel/demo/{id}`.
    page: String,
    token: String,
    result: Value,
}

impl Booked {
    fn move_path(&self) -> String {
        format!("{}/move", self.page)
    }
    fn record(&self, app: &TestApp) -> yclients::model::Record {
        app.sandbox
            .records()
            .into_iter()
            .find(|r| r.api_id == self.id)
            .unwrap()
    }
}

async fn book(app: &TestApp, key: &str) -> Booked {
    let (service, datetime) = free_slot_a_day_ahead(app).await;
    let result: Value = post_booking(app, key, &booking(service, &datetime))
        .await
        .json()
        .await
        .unwrap();
    let url = result["cancel_url"].as_str().unwrap().to_owned();
    let path = &url[url.find("/cancel/").unwrap()..];
    let (page, token) = path.split_once("?t=").unwrap();
    Booked {
        id: result["id"].as_str().unwrap().to_owned(),
        page: page.to_owned(),
        token: token.to_owned(),
        result,
    }
}

async fn get_html(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn post_html(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let res = app
        .client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Every `{key}"…"`-style value after `marker` in the page, up to `end`.
fn values<'h>(html: &'h str, marker: &str, end: char) -> Vec<&'h str> {
    html.match_indices(marker)
        .map(|(i, _)| {
            let rest = &html[i + marker.len()..];
            &rest[..rest.find(end).unwrap_or(rest.len())]
        })
        .collect()
}

/// A free time of the booking's master on a day other than the visit's, read from the move
/// page as the visitor sees it (the calendar's days, then a day's times).
async fn another_time(app: &TestApp, b: &Booked) -> String {
    let (status, html) = get_html(app, &format!("{}?t={}", b.move_path(), b.token)).await;
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("<table class=\"calendar\"") && html.contains("по времени Москвы"),
        "{html}"
    );
    let visit_day = &b.result["datetime"].as_str().unwrap()[..10];
    let mut days: Vec<&str> = values(&html, "date=", '"');
    days.retain(|d| *d != visit_day);
    for day in days {
        let month = &day[..7];
        let (_, page) = get_html(
            app,
            &format!("{}?t={}&month={month}&date={day}", b.move_path(), b.token),
        )
        .await;
        assert!(page.contains("aria-current=\"date\""), "{page}");
        if let Some(t) = values(&page, "name=\"datetime\" value=\"", '"').first() {
            return (*t).to_owned();
        }
    }
    panic!("no other free time of the master: {html}");
}

async fn a_visitor_moves_their_booking_to_another_free_time_of_the_same_master_with_the_sms_code(
    db: Db,
) {
    let app = spawn_app(db).await;
    let b = book(&app, "move-key-0001").await;
    let mut pages = Vec::new();
    let (_, page) = get_html(&app, &format!("{}?t={}", b.page, b.token)).await;
    assert!(
        page.contains("id=\"move-visit\"")
            && page.contains("Перенести можно не позднее чем за 2 ч до визита.")
            && page.contains("id=\"cancel\""),
        "{page}"
    );
    let staff_before = b.record(&app).staff_id;
    let to = another_time(&app, &b).await;
    // In the visitor's language, the branch's time named.
    let english = app
        .client
        .get(app.url(&format!("{}?t={}", b.move_path(), b.token)))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        english.contains("Times are Moscow time.")
            && english.contains("<abbr title=\"Monday\">Mon</abbr>")
            && !english.contains("Перенос"),
        "{english}"
    );

    let path = b.move_path();
    let (status, code_form) = post_html(&app, &path, &[("t", &b.token), ("datetime", &to)]).await;
    assert_eq!(status, 200, "{code_form}");
    assert!(
        code_form.contains("+7 916 ***-**-34") && code_form.contains("id=\"code\""),
        "{code_form}"
    );
    let code = app.sandbox.last_sms_code(DIGITS).expect("a code was sent");
    let (status, done) = post_html(
        &app,
        &path,
        &[("t", &b.token), ("datetime", &to), ("code", &code)],
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert!(done.contains("id=\"moved\""), "{done}");

    let record = b.record(&app);
    assert_eq!(record.datetime[..16], to[..16], "YCLIENTS has the new time");
    assert_eq!(record.staff_id, staff_before, "with the same master");
    // The cancel page reads the new time in words, as the move's answer said it.
    let new_words = values(&done, "<strong>", '<')[0].to_owned();
    assert!(new_words.contains(&to[11..16]), "{done}");
    let (_, page) = get_html(&app, &format!("{}?t={}", b.page, b.token)).await;
    assert!(
        page.contains(&format!("<dd id=\"when\">{new_words}</dd>")),
        "{page}"
    );
    let visit_at: Option<String> =
        sqlx::query_scalar("SELECT visit_at FROM bookings WHERE id = $1")
            .bind(&b.id)
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(visit_at.as_deref().map(|v| &v[..16]), Some(&to[..16]));
    pages.extend([code_form, done, page]);

    // The user token YCLIENTS gave for the code is in no page.
    let tokens = app.sandbox.control().user_tokens(DIGITS);
    assert!(!tokens.is_empty());
    for html in &pages {
        for token in &tokens {
            assert!(!html.contains(token.as_str()), "the user token leaked");
        }
    }

    // The moved booking can still be cancelled from the same link.
    let (status, cancelled) = post_html(&app, &b.page, &[("t", &b.token)]).await;
    assert_eq!(status, 200, "{cancelled}");
    assert!(cancelled.contains("id=\"cancelled\""), "{cancelled}");
    assert!(b.record(&app).deleted);
}

async fn another_sites_page_cannot_move_a_visit_nor_send_a_code(db: Db) {
    let app = spawn_app(db).await;
    let b = book(&app, "move-key-0006").await;
    let to = another_time(&app, &b).await;
    let res = app
        .client
        .post(app.url(&b.move_path()))
        .header("origin", "https://evil.test")
        .form(&[("t", b.token.as_str()), ("datetime", to.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(app.sandbox.last_sms_code(DIGITS).is_none(), "no code sent");
}

async fn a_wrong_code_moves_nothing_and_asks_for_the_code_again(db: Db) {
    let app = spawn_app(db).await;
    let b = book(&app, "move-key-0002").await;
    let before = b.record(&app).datetime;
    let to = another_time(&app, &b).await;
    let path = b.move_path();
    let (status, _) = post_html(&app, &path, &[("t", &b.token), ("datetime", &to)]).await;
    assert_eq!(status, 200);
    let real = app.sandbox.last_sms_code(DIGITS).unwrap();
    let wrong = if real == "000000" { "111111" } else { "000000" };
    let (status, html) = post_html(
        &app,
        &path,
        &[("t", &b.token), ("datetime", &to), ("code", wrong)],
    )
    .await;
    assert_eq!(status, 401, "{html}");
    assert!(
        html.contains("Код не подходит") && html.contains("id=\"code\""),
        "{html}"
    );
    assert_eq!(b.record(&app).datetime, before, "nothing moved");
    // Asking again within the minute is throttled as the cabinet's codes are.
    let (status, again) = post_html(
        &app,
        &path,
        &[("t", &b.token), ("datetime", &to), ("resend", "1")],
    )
    .await;
    assert_eq!(status, 429, "{again}");
    assert!(again.contains("через минуту"), "{again}");
}

async fn outside_the_salons_window_no_move_is_offered_and_a_move_is_refused(db: Db) {
    let app = spawn_app(db).await;
    let b = book(&app, "move-key-0003").await;
    let before = b.record(&app).datetime;
    let to = another_time(&app, &b).await;
    // The salon now takes moves only up to 60 days before a visit.
    assert!(
        app.sandbox
            .control()
            .set_client_windows(BRANCH, 7200, 60 * 24 * 3600)
    );
    let (_, page) = get_html(&app, &format!("{}?t={}", b.page, b.token)).await;
    assert!(
        !page.contains("id=\"move-visit\"") && page.contains("позвоните в салон: +7 495 120-45-17"),
        "{page}"
    );
    let (_, calendar) = get_html(&app, &format!("{}?t={}", b.move_path(), b.token)).await;
    assert!(
        !calendar.contains("class=\"calendar\"") && calendar.contains("позвоните в салон"),
        "{calendar}"
    );
    let (status, refused) =
        post_html(&app, &b.move_path(), &[("t", &b.token), ("datetime", &to)]).await;
    assert_eq!(status, 403, "{refused}");
    assert!(app.sandbox.last_sms_code(DIGITS).is_none(), "no code sent");
    assert_eq!(b.record(&app).datetime, before);
}

async fn a_time_taken_meanwhile_answers_with_the_days_fresh_times(db: Db) {
    let app = spawn_app(db).await;
    let b = book(&app, "move-key-0004").await;
    let to = another_time(&app, &b).await;
    let path = b.move_path();
    let (status, _) = post_html(&app, &path, &[("t", &b.token), ("datetime", &to)]).await;
    assert_eq!(status, 200);
    let code = app.sandbox.last_sms_code(DIGITS).unwrap();
    // Someone else books that master at that time meanwhile.
    let record = b.record(&app);
    let mut other = booking(record.services[0].id, &to);
    other["staff"] = record.staff_id.into();
    other["phone"] = "+7 916 555-00-99".into();
    let taken = post_booking(&app, "move-key-0005", &other).await;
    assert_eq!(taken.status(), 201, "{}", taken.text().await.unwrap());
    let (status, html) = post_html(
        &app,
        &path,
        &[("t", &b.token), ("datetime", &to), ("code", &code)],
    )
    .await;
    assert_eq!(status, 409, "{html}");
    assert!(
        html.contains("Это время уже заняли") && html.contains("aria-current=\"date\""),
        "{html}"
    );
    assert!(
        !html.contains(&format!("value=\"{to}\"")),
        "the taken time is no longer offered: {html}"
    );
    assert_ne!(b.record(&app).datetime[..16], to[..16]);
}

crate::on_both_databases!(
    a_visitor_moves_their_booking_to_another_free_time_of_the_same_master_with_the_sms_code,
    a_wrong_code_moves_nothing_and_asks_for_the_code_again,
    another_sites_page_cannot_move_a_visit_nor_send_a_code,
    outside_the_salons_window_no_move_is_offered_and_a_move_is_refused,
    a_time_taken_meanwhile_answers_with_the_days_fresh_times,
);
