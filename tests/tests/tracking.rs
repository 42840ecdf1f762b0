//! The tracker and the embed in a real browser against a real server: touches, consent,
//! the beacon on leaving, SPA views, and a snippet pasted twice.

use e2e::{Browser, TestServer};
use protocol::site::ConsentMode;

const HAS_VISITOR_COOKIE: &str = "return document.cookie.includes('zapis_vid=')";

/// Leaves the page (pagehide flushes the beacon) and waits until `n` events are stored.
async fn leave_and_wait(server: &TestServer, browser: &Browser, n: usize) -> Vec<(String, String)> {
    browser.client.goto("about:blank").await.unwrap();
    TestServer::eventually(15, || async {
        let e = server.events().await;
        (e.len() >= n).then_some(e)
    })
    .await
    .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_landing_from_a_yandex_ad_is_stored_with_its_campaign() -> anyhow::Result<()> {
    let server = TestServer::start_fixtures(|_| ()).await?;
    let browser = Browser::chromium(1200, 800).await?;
    browser
        .client
        .goto(
            &server.url("/spa.html?utm_source=yandex&utm_medium=cpc&utm_campaign=spring&yclid=123"),
        )
        .await?;
    browser.wait_for(HAS_VISITOR_COOKIE, 15).await?;
    let events = leave_and_wait(&server, &browser, 1).await;
    assert!(
        events
            .iter()
            .any(|(k, p)| k == "pageview" && p.starts_with("/spa.html")),
        "{events:?}"
    );
    let sessions = server.sessions().await;
    assert_eq!(sessions.len(), 1);
    let (ch, source, medium, campaign) = &sessions[0];
    assert_eq!(
        (
            ch.as_str(),
            source.as_deref(),
            medium.as_deref(),
            campaign.as_deref()
        ),
        ("paid_search", Some("yandex"), Some("cpc"), Some("spring"))
    );
    browser.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visit_from_a_webmail_referrer_shows_as_email_in_the_visitor_card() -> anyhow::Result<()>
{
    let server = TestServer::start_fixtures(|_| ()).await?;
    let browser = Browser::chromium(1200, 800).await?;
    browser.client.goto(&server.url("/webmail.html")).await?;
    browser.wait_for(HAS_VISITOR_COOKIE, 15).await?;
    let vid = browser
        .eval("return document.cookie.match(/zapis_vid=([0-9a-f]{32})/)[1]")
        .await?;
    let vid = vid.as_str().unwrap().to_owned();
    leave_and_wait(&server, &browser, 1).await;
    let sessions = server.sessions().await;
    assert_eq!(sessions.len(), 1);
    let (ch, source, medium, _) = &sessions[0];
    // Not organic search (the old tracker's `mail.ru` rule), not another site: email.
    assert_eq!(
        (ch.as_str(), source.as_deref(), medium.as_deref()),
        ("email", Some("Mail.ru"), Some("email"))
    );
    browser.log_in(&server, "demo", "demo").await?;
    browser
        .wait_for("return !!document.getElementById('logout')", 10)
        .await?;
    browser
        .client
        .goto(&server.url(&format!("/dashboard/sites/demo/visitors/{vid}")))
        .await?;
    let card = browser
        .wait_for(
            "const t = document.querySelector('section.session'); return t ? t.innerText : null;",
            10,
        )
        .await?;
    let card = card.as_str().unwrap();
    assert!(
        card.contains("Email-рассылки и почта") || card.contains("Email"),
        "{card}"
    );
    // Where the visitor came from, as a site and path (the query can hold search words).
    assert!(
        card.contains("e.mail.ru/inbox/0:16123:0") && !card.contains("https://"),
        "{card}"
    );
    browser.close().await;
    Ok(())
}

const TRACKER_LOADED: &str = "return performance.getEntriesByType('resource').some(e => /tracker\\.[0-9a-f]+\\.wasm$/.test(e.name))";

#[tokio::test(flavor = "multi_thread")]
async fn with_consent_required_nothing_is_stored_until_the_visitor_agrees() -> anyhow::Result<()> {
    let server = TestServer::start_fixtures(|s| s.consent = ConsentMode::Required).await?;
    let browser = Browser::chromium(1200, 800).await?;
    browser
        .client
        .goto(&server.url("/spa.html?utm_source=vk"))
        .await?;
    browser.wait_for(TRACKER_LOADED, 15).await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    browser
        .client
        .execute("go('/prices', 'Цены')", vec![])
        .await?;
    assert_eq!(
        browser.eval(HAS_VISITOR_COOKIE).await?,
        false,
        "no cookie before consent"
    );
    assert_eq!(
        browser
            .eval("return Object.keys(localStorage).filter(k => k.startsWith('zapis')).length")
            .await?,
        0
    );
    browser.client.goto("about:blank").await?;
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    assert!(
        server.events().await.is_empty(),
        "nothing sent before consent, not even on leaving"
    );

    browser
        .client
        .goto(&server.url("/spa.html?utm_source=vk"))
        .await?;
    browser.wait_for(TRACKER_LOADED, 15).await?;
    browser
        .client
        .execute("zapis('consent', true)", vec![])
        .await?;
    browser.wait_for(HAS_VISITOR_COOKIE, 10).await?;
    let events = leave_and_wait(&server, &browser, 1).await;
    assert!(!events.is_empty(), "after consent the page views are sent");
    browser.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_browser_sending_gpc_is_not_tracked_on_a_site_that_honours_it() -> anyhow::Result<()> {
    for honour in [true, false] {
        let server = TestServer::start_fixtures(|s| s.honor_dnt = honour).await?;
        let browser = Browser::chromium(1200, 800).await?;
        browser.client.goto(&server.url("/gpc.html")).await?;
        browser.wait_for(TRACKER_LOADED, 15).await?;
        if honour {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            assert_eq!(
                browser.eval(HAS_VISITOR_COOKIE).await?,
                false,
                "no visitor cookie"
            );
            browser.client.goto("about:blank").await?;
            tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
            assert!(server.events().await.is_empty(), "nothing sent");
        } else {
            browser.wait_for(HAS_VISITOR_COOKIE, 15).await?;
            assert!(
                !leave_and_wait(&server, &browser, 1).await.is_empty(),
                "tracked"
            );
        }
        browser.close().await;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn spa_navigation_is_tracked_and_a_rerendered_button_still_opens_the_widget()
-> anyhow::Result<()> {
    let server = TestServer::start_fixtures(|_| ()).await?;
    let browser = Browser::chromium(1200, 800).await?;
    browser.client.goto(&server.url("/spa.html")).await?;
    browser.wait_for(HAS_VISITOR_COOKIE, 15).await?;
    browser
        .client
        .execute("go('/masters', 'Мастера')", vec![])
        .await?;
    browser
        .client
        .execute(
            "document.querySelector('[data-zapis-book]').click()",
            vec![],
        )
        .await?;
    browser
        .wait_for("const h = document.querySelector('zapis-root'); return !!(h && h.shadowRoot && h.shadowRoot.querySelector('[role=dialog]'))", 20)
        .await?;
    let events = leave_and_wait(&server, &browser, 2).await;
    let paths: Vec<&str> = events
        .iter()
        .filter(|(k, _)| k == "pageview")
        .map(|(_, p)| p.as_str())
        .collect();
    assert!(
        paths.contains(&"/spa.html") && paths.contains(&"/masters"),
        "{events:?}"
    );
    browser.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_snippet_pasted_twice_makes_one_visitor_and_one_widget() -> anyhow::Result<()> {
    let server = TestServer::start_fixtures(|_| ()).await?;
    let browser = Browser::chromium(1200, 800).await?;
    browser.client.goto(&server.url("/twice.html")).await?;
    browser.wait_for(HAS_VISITOR_COOKIE, 15).await?;
    browser
        .client
        .execute(
            "document.querySelector('[data-zapis-book]').click()",
            vec![],
        )
        .await?;
    browser
        .wait_for("const h = document.querySelector('zapis-root'); return !!(h && h.shadowRoot && h.shadowRoot.querySelector('[role=dialog]'))", 20)
        .await?;
    browser
        .client
        .execute(
            "document.querySelector('[data-zapis-book]').click()",
            vec![],
        )
        .await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        browser
            .eval("return document.querySelectorAll('zapis-root').length")
            .await?,
        1
    );
    let events = leave_and_wait(&server, &browser, 1).await;
    let pageviews = events.iter().filter(|(k, _)| k == "pageview").count();
    assert_eq!(pageviews, 1, "one page view, not two: {events:?}");
    assert_eq!(server.visitors().await, 1);
    browser.close().await;
    Ok(())
}
