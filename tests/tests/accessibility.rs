//! axe-core finds no violation on any step of the widget (headless Chromium).

use e2e::{Browser, TestServer, Widget};

const HOST: &str = "document.querySelector('zapis-root')";

async fn check(b: &Browser, step: &str, found: &mut Vec<String>) -> anyhow::Result<()> {
    for v in b.axe(HOST).await? {
        found.push(format!("{step}: {v}"));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn axe_finds_no_violation_on_any_step_of_a_booking() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let b = Browser::chromium(1280, 900).await?;
    b.client.goto(&server.url("/")).await?;
    b.client
        .execute(
            "document.querySelector('[data-zapis-book]:not([data-service])').click()",
            vec![],
        )
        .await?;
    let w = Widget::modal(&b);
    let mut found = Vec::new();

    w.wait("[data-testid=branch-410201]", 20).await?;
    check(&b, "branch", &mut found).await?;
    w.click("[data-testid=branch-410201]").await?;
    w.wait("input[type=checkbox][data-testid^=service-]", 20)
        .await?;
    check(&b, "services", &mut found).await?;
    w.js_public(
        "R().querySelector('input[type=checkbox][data-testid^=service-]').click(); return 1;",
    )
    .await?;
    w.click("[data-testid=next]").await?;
    w.wait("[data-testid=staff-0]", 20).await?;
    check(&b, "staff", &mut found).await?;
    w.click("[data-testid=staff-0]").await?;
    w.wait("[data-date]:not([aria-disabled])", 20).await?;
    check(&b, "date", &mut found).await?;
    w.js_public("R().querySelector('[data-date]:not([aria-disabled])').click(); return 1;")
        .await?;
    w.wait("[data-time]", 20).await?;
    check(&b, "time", &mut found).await?;
    w.js_public("R().querySelector('[data-time]').click(); return 1;")
        .await?;
    w.wait_step("contact", 15).await?;
    check(&b, "contact", &mut found).await?;
    // With errors shown beside the fields.
    w.click("[data-testid=submit]").await?;
    w.wait("[aria-invalid=true]", 10).await?;
    check(&b, "contact with errors", &mut found).await?;
    w.fill_contact("Анна", "+7 916 555-12-34").await?;
    w.click("[data-testid=submit]").await?;
    w.wait_step("success", 30).await?;
    check(&b, "success", &mut found).await?;

    assert!(found.is_empty(), "axe violations:\n{}", found.join("\n"));
    b.close().await;
    Ok(())
}
