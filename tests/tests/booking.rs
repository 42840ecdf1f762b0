//! Whole bookings through the widget on the demo site, against the real server and the
//! YCLIENTS sandbox, in headless Chromium on a phone-sized and a desktop-sized window.

use e2e::{Browser, TestServer, Widget};

const MOSCOW: u64 = 410201;
const YEKATERINBURG: u64 = 410202;

/// Opens the demo home page's booking button and waits for the widget.
async fn open_widget(browser: &Browser) -> anyhow::Result<()> {
    browser
        .wait_for("return !!(window.zapis && window.zapis.l)", 15)
        .await?;
    browser
        .client
        .execute(
            "document.querySelector('[data-zapis-book]:not([data-service])').click()",
            vec![],
        )
        .await?;
    Ok(())
}

async fn book_from_an_ad(width: u32, height: u32) -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let browser = Browser::chromium(width, height).await?;
    browser
        .client
        .goto(&server.url("/?utm_source=yandex&utm_medium=cpc&utm_campaign=spring"))
        .await?;
    browser
        .wait_for("return document.cookie.includes('zapis_vid=')", 15)
        .await?;
    let vid = browser
        .eval("return document.cookie.match(/zapis_vid=([0-9a-f]{32})/)[1]")
        .await?;
    browser.eval("window.__booked = []; window.addEventListener('zapis:booked', e => window.__booked.push(e.detail)); return 1;").await?;
    open_widget(&browser).await?;
    let w = Widget::modal(&browser);
    w.wait("[role=dialog]", 20).await?;
    w.choose_first_slot(Some(MOSCOW)).await?;
    w.fill_contact("Анна Петрова", "+7 916 555-12-34").await?;
    w.click("[data-testid=submit]").await?;
    w.wait_step("success", 30).await?;
    let summary = w.text("[data-testid=summary]").await?;
    assert!(
        summary.contains("Покровк") || summary.contains("Лён"),
        "the summary names the branch: {summary}"
    );

    // The host page heard about it, and the booking carries the visitor and the campaign.
    let booked = browser
        .wait_for(
            "return window.__booked.length ? window.__booked[0].id : null",
            5,
        )
        .await?;
    let id = booked.as_str().unwrap().to_owned();
    let (vid_stored, campaign): (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT vid, last_campaign FROM bookings WHERE id = $1 AND state = 'confirmed'",
    )
    .bind(&id)
    .fetch_one(server.store.pool())
    .await?;
    assert_eq!(vid_stored.as_deref(), vid.as_str());
    assert_eq!(campaign.as_deref(), Some("spring"));
    let records: Vec<_> = server
        .sandbox
        .records()
        .into_iter()
        .filter(|r| r.api_id == id)
        .collect();
    assert_eq!(records.len(), 1, "one YCLIENTS record with our id");
    assert!(records[0].comment.contains("yandex / cpc / spring"));
    browser.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_from_an_ad_books_on_a_phone() -> anyhow::Result<()> {
    book_from_an_ad(390, 844).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_from_an_ad_books_on_a_desktop() -> anyhow::Result<()> {
    book_from_an_ad(1366, 900).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slot_taken_meanwhile_sends_the_visitor_back_to_fresh_times() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let browser = Browser::chromium(1280, 900).await?;
    browser.client.goto(&server.url("/")).await?;
    open_widget(&browser).await?;
    let w = Widget::modal(&browser);
    w.wait("[role=dialog]", 20).await?;
    let chosen = w.choose_slot(Some(MOSCOW), true).await?;
    w.fill_contact("Анна", "+7 916 555-12-34").await?;

    // Meanwhile the salon books that master at that time by phone.
    take(&server, &chosen).await?;

    w.click("[data-testid=submit]").await?;
    w.wait_step("time", 30).await?;
    let notice = w.text("[data-testid=notice]").await.unwrap_or_default()
        + &w.text("[data-testid=error]").await.unwrap_or_default();
    assert!(
        notice.contains("заняли") || notice.contains("занято"),
        "a message says why: {notice}"
    );
    // The fresh times no longer offer the taken one; the form is kept for the next try.
    let still = w.exists(&format!("[data-time='{}']", chosen.time)).await?;
    assert!(!still, "the taken time is gone from the list");
    w.js_public("R().querySelector('[data-time]').click(); return 1;")
        .await?;
    w.wait_step("contact", 15).await?;
    let name = w
        .js_public("return R().querySelector('#zw-name').value")
        .await?;
    assert_eq!(name, "Анна", "what was typed is kept");
    w.click("[data-testid=submit]").await?;
    w.wait_step("success", 30).await?;
    browser.close().await;
    Ok(())
}

/// Books `chosen` directly in the sandbox, as the salon's other channels would.
async fn take(server: &TestServer, chosen: &e2e::widget::Chosen) -> anyhow::Result<()> {
    use yclients::model::{Appointment, BookRecord, Contact};
    let sb = &server.sandbox;
    let client = yclients::Client::builder(sb.partner_token())
        .base_url(sb.base_url())
        .build()?;
    let times = client
        .book_times(
            MOSCOW,
            chosen.staff,
            chosen.date.parse::<jiff::civil::Date>()?,
            &[chosen.service],
        )
        .await?;
    let slot = times
        .iter()
        .find(|t| t.time == chosen.time)
        .ok_or_else(|| anyhow::anyhow!("the widget's slot is not offered"))?;
    let body = BookRecord {
        contact: Contact::new("79160001111", "Клиент по телефону"),
        appointments: vec![Appointment::new(
            1,
            &[chosen.service],
            chosen.staff,
            &slot.datetime,
        )],
        ..BookRecord::default()
    };
    client.book_record(MOSCOW, &body).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_on_a_phone_keeps_the_draft_through_a_reload_and_back_and_sees_the_branchs_time()
-> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let browser = Browser::chromium(390, 844).await?;
    browser.client.goto(&server.url("/")).await?;
    open_widget(&browser).await?;
    let w = Widget::modal(&browser);
    w.wait("[role=dialog]", 20).await?;
    w.click(&format!("[data-testid=branch-{YEKATERINBURG}]"))
        .await?;
    w.wait("input[type=checkbox][data-testid^=service-]", 20)
        .await?;
    let chosen = w.choose_slot(None, false).await?;

    // The branch's clock by its city, and the visitor's own beside it when it differs.
    let summary = w.text("[data-testid=summary]").await?;
    assert!(summary.contains("по времени Екатеринбурга"), "{summary}");
    let own_zone = browser
        .eval("return Intl.DateTimeFormat().resolvedOptions().timeZone")
        .await?;
    assert_eq!(
        summary.contains("(у вас "),
        own_zone.as_str() != Some("Asia/Yekaterinburg"),
        "{own_zone}: {summary}"
    );
    w.type_in("#zw-name", "Пётр Ильич").await?;

    // A reload reopens where the visitor was, with what they typed.
    browser.client.refresh().await?;
    open_widget(&browser).await?;
    w.wait_step("contact", 20).await?;
    let name = w
        .js_public("return R().querySelector('#zw-name').value")
        .await?;
    assert_eq!(name.as_str(), Some("Пётр Ильич"));
    let summary = w.text("[data-testid=summary]").await?;
    assert!(
        summary.contains(&chosen.time),
        "the chosen time is kept: {summary}"
    );

    // The phone's Back steps back inside the open widget, not off the page.
    let url = browser.client.current_url().await?;
    browser.client.back().await?;
    w.wait_step("time", 10).await?;
    assert_eq!(browser.client.current_url().await?, url);
    assert!(w.exists("[role=dialog]").await?);
    browser.close().await;
    Ok(())
}

/// Waits for `sel` on a plain page and clicks it.
async fn click(browser: &Browser, sel: &str) -> anyhow::Result<()> {
    browser
        .wait_for(&format!("return !!document.querySelector({sel:?})"), 15)
        .await?;
    browser
        .eval(&format!(
            "document.querySelector({sel:?}).click(); return 1"
        ))
        .await?;
    Ok(())
}

/// Waits for `sel` on a plain page and checks that it says one of `texts`.
async fn says(browser: &Browser, sel: &str, texts: &[&str]) -> anyhow::Result<()> {
    let text = browser
        .wait_for(
            &format!("const e = document.querySelector({sel:?}); return e && e.textContent"),
            15,
        )
        .await?;
    let text = text.as_str().unwrap_or_default();
    anyhow::ensure!(texts.iter().any(|t| text.contains(t)), "{sel}: {text}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_on_a_phone_moves_their_visit_from_the_cancel_link_with_the_sms_code_then_cancels_it()
-> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let browser = Browser::chromium(390, 844).await?;
    browser.client.goto(&server.url("/")).await?;
    open_widget(&browser).await?;
    let w = Widget::modal(&browser);
    w.wait("[role=dialog]", 20).await?;
    let chosen = w.choose_slot(Some(MOSCOW), true).await?;
    w.fill_contact("Анна Петрова", "+7 916 555-12-34").await?;
    w.click("[data-testid=submit]").await?;
    w.wait_step("success", 30).await?;
    let link = w
        .js_public("return R().querySelector('[data-testid=cancel-link]').href")
        .await?;
    let link = link.as_str().unwrap_or_default().to_owned();
    let id = link
        .split("/cancel/demo/")
        .nth(1)
        .and_then(|rest| rest.split('?').next())
        .unwrap_or_default()
        .to_owned();

    // The link offers moving, with the salon's rule said first.
    browser.client.goto(&link).await?;
    // (In the browser's language: headless Chromium asks for English.)
    says(
        &browser,
        "#rule",
        &["Перенести можно", "You can move it up to"],
    )
    .await?;
    click(&browser, "#move-visit").await?;
    says(&browser, "#zone", &["по времени Москвы", "Moscow time"]).await?;
    click(&browser, "#calendar a").await?;
    browser
        .wait_for("return !!document.querySelector('#times button')", 15)
        .await?;
    let booked = format!("{}T{}", chosen.date, chosen.time);
    let to = browser
        .eval(&format!(
            "const t = [...document.querySelectorAll('#times button')].find(b => b.value.slice(0, 16) != {booked:?}); t.click(); return t.value"
        ))
        .await?;
    let to = to.as_str().unwrap_or_default().to_owned();
    if browser
        .wait_for("return !!document.getElementById('code')", 15)
        .await
        .is_err()
    {
        let body = browser.eval("return document.body.innerText").await?;
        anyhow::bail!("no code form after choosing {to}: {body}");
    }
    let code = TestServer::eventually(10, || async { server.sandbox.last_sms_code("79165551234") })
        .await
        .ok_or_else(|| anyhow::anyhow!("no SMS code in the sandbox"))?;
    browser
        .eval(&format!(
            "document.getElementById('code').value = {code:?}; document.getElementById('confirm').click(); return 1"
        ))
        .await?;
    browser
        .wait_for("return !!document.getElementById('moved')", 20)
        .await?;

    // YCLIENTS holds the new time, and the page still offers to cancel.
    let record = server
        .sandbox
        .records()
        .into_iter()
        .find(|r| r.api_id == id)
        .ok_or_else(|| anyhow::anyhow!("no record for {id}"))?;
    assert_eq!(record.datetime[..16], to[..16]);
    browser.client.goto(&link).await?;
    click(&browser, "#cancel").await?;
    browser
        .wait_for("return !!document.getElementById('cancelled')", 15)
        .await?;
    assert!(
        server
            .sandbox
            .records()
            .iter()
            .any(|r| r.api_id == id && r.deleted),
        "the moved visit is cancelled in YCLIENTS too"
    );
    browser.close().await;
    Ok(())
}
