//! The harness works end to end: the demo site in headless Chromium, the tracker's beacon
//! stored by the server, the widget's first screen inside a Shadow DOM root.

use e2e::{Browser, TestServer};

const DIALOG: &str = "const h = document.querySelector('zapis-root'); return h && h.shadowRoot && h.shadowRoot.querySelector('[role=dialog]') ? h.shadowRoot.querySelector('#zw-title').textContent : null;";

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_from_an_ad_is_tracked_and_the_booking_button_opens_the_widget()
-> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let browser = Browser::chromium(1280, 900).await?;
    let c = &browser.client;

    c.goto(&server.url("/?utm_source=yandex&utm_medium=cpc&utm_campaign=spring"))
        .await?;
    // The tracker is loaded at once.
    browser.wait_for("return document.cookie.includes('zapis_vid') || !!localStorage.getItem('zapis_vid') || !!localStorage.getItem('zapis')", 15).await?;

    // Press a booking button: the widget loads on intent and shows its first screen.
    browser
        .wait_for("return !!document.querySelector('[data-zapis-book]')", 5)
        .await?;
    c.execute(
        "document.querySelector('[data-zapis-book]').click()",
        vec![],
    )
    .await?;
    let title = browser.wait_for(DIALOG, 20).await?;
    assert_eq!(title, "Онлайн-запись");
    // The host page's DOM holds only the host element; the dialog lives in its shadow root.
    let leaked = browser
        .eval("return document.querySelectorAll('[role=dialog]').length")
        .await?;
    assert_eq!(leaked, 0);

    // Leaving the page flushes the beacon; the server stores the page view with its campaign.
    c.goto(&server.url("/services.html")).await?;
    let campaign = TestServer::eventually(15, || async { sqlx_campaign(&server).await }).await;
    assert_eq!(
        campaign.as_deref(),
        Some("spring"),
        "the landing's campaign reached the store"
    );
    assert!(server.store.count_events("demo").await? >= 1);
    browser.close().await;
    Ok(())
}

async fn sqlx_campaign(server: &TestServer) -> Option<String> {
    if server.store.count_events("demo").await.ok()? == 0 {
        return None;
    }
    server
        .store
        .session_campaigns("demo")
        .await
        .ok()?
        .into_iter()
        .flatten()
        .next()
}
