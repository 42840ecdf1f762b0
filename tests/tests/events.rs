//! Group classes on the demo site, end to end, against the real server and the YCLIENTS sandbox
//! in headless Chromium on a phone-sized window: a visitor from an ad opens "Занятия", signs
//! up two people for a class, the seats left drop by two in the schedule and in YCLIENTS, and
//! the owner sees the sign-up with its campaign in the leads report. axe finds nothing on the
//! schedule and the sign-up form.

use e2e::{Browser, TestServer, Widget};

const MOSCOW: u64 = 410201;
/// «Укладка дома» in three days: 8 places, 5 taken (the sandbox's seed).
const CLASS: u64 = 7400101;
const HOST: &str = "document.querySelector('[data-zapis-events] zapis-root')";

async fn axe(b: &Browser, what: &str, found: &mut Vec<String>) -> anyhow::Result<()> {
    for v in b.axe(HOST).await? {
        found.push(format!("{what}: {v}"));
    }
    Ok(())
}

/// Seats left of the class in YCLIENTS (the sandbox), asked as zapis asks.
async fn seats_in_yclients(server: &TestServer) -> anyhow::Result<u32> {
    let sb = &server.sandbox;
    let client = yclients::Client::builder(sb.partner_token())
        .base_url(sb.base_url())
        .build()?;
    Ok(client.activity(MOSCOW, CLASS).await?.places_left())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_from_an_ad_signs_up_two_people_for_a_class_on_a_phone() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let b = Browser::chromium(390, 844).await?;
    b.client
        .goto(&server.url("/?utm_source=yandex&utm_medium=cpc&utm_campaign=classes"))
        .await?;
    b.wait_for("return document.cookie.includes('zapis_vid=')", 15)
        .await?;
    let vid = b
        .eval("return document.cookie.match(/zapis_vid=([0-9a-f]{32})/)[1]")
        .await?;
    // The menu's "Занятия".
    b.eval("document.querySelector('nav a[href=\"classes.html\"]').click(); return 1;")
        .await?;
    b.wait_for("return location.pathname.endsWith('/classes.html')", 15)
        .await?;
    b.eval("window.__booked = []; window.addEventListener('zapis:booked', e => window.__booked.push(e.detail)); return 1;").await?;

    let w = Widget::inline(&b, "[data-zapis-events]");
    let mut found = Vec::new();
    w.click(&format!("[data-testid=branch-{MOSCOW}]")).await?;
    let event = format!("[data-testid=event-{CLASS}]");
    w.wait(&event, 20).await?;
    let left_before: u32 = w
        .js_public(&format!(
            "return R().querySelector({event:?}).getAttribute('data-left')"
        ))
        .await?
        .as_str()
        .unwrap_or_default()
        .parse()?;
    assert_eq!(left_before, seats_in_yclients(&server).await?);
    assert!(left_before >= 2, "the seed leaves seats: {left_before}");
    let card = w.text(&event).await?;
    assert!(card.contains("Осталось") && card.contains("₽"), "{card}");
    axe(&b, "schedule", &mut found).await?;

    w.click(&event).await?;
    w.wait_step("seats", 15).await?;
    w.click("[data-testid=seats-plus]").await?;
    let seats = w.text("[data-testid=seats]").await?;
    assert_eq!(seats, "2");
    w.click("[data-testid=next]").await?;
    w.wait_step("contact", 15).await?;
    axe(&b, "sign-up form", &mut found).await?;
    w.click("[data-testid=submit]").await?;
    w.wait("[aria-invalid=true]", 10).await?;
    axe(&b, "sign-up form with errors", &mut found).await?;
    w.fill_contact("Анна Петрова", "+7 916 555-12-34").await?;
    w.click("[data-testid=submit]").await?;
    w.wait_step("success", 30).await?;
    axe(&b, "signed up", &mut found).await?;

    let detail = b
        .wait_for(
            "return window.__booked.length ? window.__booked[0] : null",
            5,
        )
        .await?;
    assert_eq!(detail["kind"], "event_signup");
    assert_eq!(detail["seats"], 2);
    let id = detail["id"].as_str().unwrap().to_owned();

    // Back to the schedule: two seats fewer, there and in YCLIENTS.
    w.click("[data-testid=done]").await?;
    w.wait_step("schedule", 15).await?;
    let expected = (left_before - 2).to_string();
    b.wait_for(
        &format!(
            "const h = document.querySelector('[data-zapis-events] zapis-root'); const e = h && h.shadowRoot.querySelector({event:?}); return !!e && e.getAttribute('data-left') === {expected:?};"
        ),
        15,
    )
    .await?;
    assert_eq!(seats_in_yclients(&server).await?, left_before - 2);
    let records: Vec<_> = server
        .sandbox
        .records()
        .into_iter()
        .filter(|r| r.api_id == id)
        .collect();
    assert_eq!(records.len(), 1, "one YCLIENTS record with our id");
    assert_eq!(records[0].activity_id, CLASS);

    // The sign-up carries the visitor and the campaign.
    let (vid_stored, campaign): (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT vid, last_campaign FROM bookings WHERE id = $1 AND state = 'confirmed'",
    )
    .bind(&id)
    .fetch_one(server.store.pool())
    .await?;
    assert_eq!(vid_stored.as_deref(), vid.as_str());
    assert_eq!(campaign.as_deref(), Some("classes"));

    // The owner sees it in the leads: a sign-up for two, from the ad.
    b.log_in(&server, "demo", "demo").await?;
    b.wait_for("return !!document.getElementById('logout')", 10)
        .await?;
    b.client
        .goto(&server.url("/dashboard/lang/ru?next=/dashboard/sites/demo/leads"))
        .await?;
    let row = b
        .wait_for(
            &format!(
                "const r = document.getElementById('lead-{id}'); return r ? r.innerText : null;"
            ),
            10,
        )
        .await?;
    let row = row.as_str().unwrap_or_default();
    assert!(
        row.contains("yandex") && row.contains("classes"),
        "the campaign: {row}"
    );
    assert!(row.contains("запись на событие (2 места)"), "{row}");

    assert!(found.is_empty(), "axe violations:\n{}", found.join("\n"));
    b.close().await;
    Ok(())
}
