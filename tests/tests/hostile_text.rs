//! Markup, script and SQL in every text that reaches a screen — the salon's names as staff typed
//! them into YCLIENTS, the visitor's own name and comment — are stored as typed and shown as
//! plain text: in the widget, in the YCLIENTS record, and in the owner's dashboard.

use e2e::{Browser, TestServer, Widget};

const MOSCOW: u64 = 410201;

/// Each sets `window.__pwned` if it ever runs as markup.
fn hostile(tag: &str) -> String {
    format!(
        "<img src=x onerror=\"window.__pwned='{tag}'\"><script>window.__pwned='{tag}'</script>'); DROP TABLE bookings;-- {tag}"
    )
}

/// Elements that only injected markup would make, in the widget's shadow root or the page.
const INJECTED: &str = "const roots = [document]; const h = document.querySelector('zapis-root'); if (h && h.shadowRoot) roots.push(h.shadowRoot); return roots.map((r) => r.querySelectorAll('img[src=x], [onerror], script:not([src]):not([data-keep])').length).reduce((a, b) => a + b, 0) - window.__inlineScripts;";

#[tokio::test(flavor = "multi_thread")]
async fn markup_and_sql_in_salon_names_and_in_a_visitors_words_show_as_plain_text()
-> anyhow::Result<()> {
    let server = TestServer::start().await?;
    // Salon staff typed markup into the branch's address, every service title and master name.
    server.sandbox.control().edit_company(MOSCOW, |c| {
        c.address = hostile("address");
        for s in &mut c.services {
            s.title = hostile("service");
        }
        for m in &mut c.staff {
            m.name = hostile("master");
        }
    })?;
    let b = Browser::chromium(1280, 900).await?;
    b.client.goto(&server.url("/")).await?;
    // The demo page's own inline scripts (the snippet's queue stub) are not injections.
    b.eval(
        "window.__inlineScripts = document.querySelectorAll('script:not([src])').length; return 1;",
    )
    .await?;
    b.client
        .execute(
            "document.querySelector('[data-zapis-book]:not([data-service])').click()",
            vec![],
        )
        .await?;
    let w = Widget::modal(&b);
    w.wait("[role=dialog]", 20).await?;
    let branch = w.text(&format!("[data-testid=branch-{MOSCOW}]")).await?;
    assert!(
        branch.contains(&hostile("address")),
        "the address shows as typed: {branch}"
    );

    w.choose_slot(Some(MOSCOW), true).await?;
    let visitor = "<b onmouseover=alert(1)>Анна</b> O'Brien; DROP TABLE visitors;--";
    let comment = "=HYPERLINK(\"http://evil\") <iframe src=javascript:alert(1)>";
    w.fill_contact(visitor, "+7 916 555-12-34").await?;
    if w.exists("#zw-comment").await? {
        w.type_in("#zw-comment", comment).await?;
    }
    let summary = w.text("[data-step=contact]").await?;
    assert_eq!(b.eval("const r = document.querySelector('zapis-root').shadowRoot; return r.querySelectorAll('b[onmouseover], iframe').length").await?, 0);
    assert!(
        summary.contains(&hostile("service")) && summary.contains(&hostile("master")),
        "the summary shows the names as text: {summary}"
    );
    w.click("[data-testid=submit]").await?;
    w.wait_step("success", 30).await?;
    let done = w.text("[data-testid=summary]").await?;
    assert!(
        done.contains("DROP TABLE bookings;-- service"),
        "the success screen names the service as text: {done}"
    );
    assert_eq!(
        b.eval(INJECTED).await?,
        0,
        "no injected element in the page or the widget"
    );
    assert_eq!(
        b.eval("return window.__pwned === undefined").await?,
        true,
        "no injected script ran"
    );

    // Stored as typed, in YCLIENTS and in our store.
    let record = server
        .sandbox
        .records()
        .into_iter()
        .find(|r| r.client.as_ref().is_some_and(|c| c.name == visitor));
    assert!(
        record.is_some(),
        "the YCLIENTS record carries the name exactly as typed"
    );
    let (name,): (String,) = sqlx::query_as("SELECT name FROM bookings WHERE state = 'confirmed'")
        .fetch_one(server.store.pool())
        .await?;
    assert_eq!(name, visitor);

    // The owner's leads report (services, master, branch; no visitor names) shows them as text.
    b.log_in(&server, "demo", "demo").await?;
    b.wait_for("return !!document.getElementById('logout')", 10)
        .await?;
    b.client
        .goto(&server.url("/dashboard/sites/demo/leads"))
        .await?;
    b.eval(
        "window.__inlineScripts = document.querySelectorAll('script:not([src])').length; return 1;",
    )
    .await?;
    let page = b.wait_for("const t = document.body.innerText; return t.includes('DROP TABLE bookings') ? t : null;", 10).await?;
    let page = page.as_str().unwrap();
    assert!(
        page.contains(&hostile("service")) && page.contains(&hostile("master")),
        "the names show as typed: {page}"
    );
    assert_eq!(
        b.eval(INJECTED).await?,
        0,
        "no injected element in the dashboard"
    );
    assert_eq!(b.eval("return window.__pwned === undefined").await?, true);
    b.close().await;
    Ok(())
}
