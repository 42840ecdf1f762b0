//! `cargo xtask screens`: what a visitor and an owner see, as PNG files for the README — the
//! widget's steps, the visit's cancel link with moving, and the dashboard's overview, leads and
//! visitor card, on a phone (390 px) and
//! a laptop (1366 px), in Russian, from the demo site on the built-in sandbox. Made by a script
//! so that they stay current: run it after a change to what people see.
//!
//! Usage: `screens OUT_DIR` (needs `dist/` and Chromium, which `cargo xtask screens` provides).

use e2e::{Browser, TestServer, Widget};

const MOSCOW: u64 = 410201;
const SIZES: [(&str, u32, u32); 2] = [("phone", 390, 844), ("desktop", 1366, 900)];

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let out = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or_else(|| anyhow::anyhow!("usage: screens OUT_DIR"))?,
    );
    std::fs::create_dir_all(&out)?;
    let server = TestServer::start().await?;
    for (i, (size, w, h)) in SIZES.into_iter().enumerate() {
        let b = Browser::chromium(w, h).await?;
        let shot = |name: String| {
            let (b, path) = (&b, out.join(format!("{name}-{size}.png")));
            async move {
                // Let transitions and fonts settle.
                tokio::time::sleep(std::time::Duration::from_millis(400)).await;
                std::fs::write(&path, b.client.screenshot().await?)?;
                println!("{}", path.display());
                anyhow::Ok(())
            }
        };
        visitor_books(&server, &b, i, &shot).await?;
        owner_reads(&server, &b, &shot).await?;
        b.close().await;
    }
    Ok(())
}

/// A visitor from an ad books through the widget, a screenshot per step.
async fn visitor_books<F, Fut>(
    server: &TestServer,
    b: &Browser,
    n: usize,
    shot: &F,
) -> anyhow::Result<()>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    b.client
        .goto(&server.url("/?utm_source=yandex&utm_medium=cpc&utm_campaign=spring"))
        .await?;
    b.wait_for("return document.cookie.includes('zapis_vid=')", 15)
        .await?;
    b.eval("document.querySelector('[data-zapis-book]:not([data-service])').click(); return 1;")
        .await?;
    let w = Widget::modal(b);
    w.wait(&format!("[data-testid=branch-{MOSCOW}]"), 20)
        .await?;
    shot("widget-1-branch".into()).await?;
    w.click(&format!("[data-testid=branch-{MOSCOW}]")).await?;
    w.wait("input[type=checkbox][data-testid^=service-]", 20)
        .await?;
    w.js_public(
        "R().querySelector('input[type=checkbox][data-testid^=service-]').click(); return 1;",
    )
    .await?;
    shot("widget-2-services".into()).await?;
    w.click("[data-testid=next]").await?;
    w.wait("[data-testid=staff-0]", 20).await?;
    shot("widget-3-master".into()).await?;
    w.click("[data-testid=staff-0]").await?;
    w.wait("[data-date]:not([aria-disabled])", 20).await?;
    w.js_public("R().querySelectorAll('[data-date]:not([aria-disabled])')[1].click(); return 1;")
        .await?;
    w.wait("[data-time]", 20).await?;
    shot("widget-4-date-and-time".into()).await?;
    w.js_public("R().querySelector('[data-time]').click(); return 1;")
        .await?;
    w.wait_step("contact", 15).await?;
    w.fill_contact(
        ["Анна Петрова", "Мария Соколова"][n % 2],
        ["+7 916 555-12-34", "+7 916 555-43-21"][n % 2],
    )
    .await?;
    shot("widget-5-contact".into()).await?;
    w.click("[data-testid=submit]").await?;
    w.wait_step("success", 30).await?;
    shot("widget-6-booked".into()).await?;

    // The cancel link from the success screen: the visit in words, then moving it.
    let link = w
        .js_public("return R().querySelector('[data-testid=cancel-link]').href")
        .await?;
    b.client.goto(link.as_str().unwrap_or_default()).await?;
    b.wait_for("return !!document.getElementById('move-visit')", 15)
        .await?;
    shot("visit-1-cancel-link".into()).await?;
    b.eval("document.getElementById('move-visit').click(); return 1")
        .await?;
    b.wait_for("return !!document.querySelector('#calendar a')", 15)
        .await?;
    b.eval("document.querySelector('#calendar a').click(); return 1")
        .await?;
    b.wait_for("return !!document.querySelector('#times button')", 15)
        .await?;
    shot("visit-2-move".into()).await?;
    Ok(())
}

/// The owner logs in and reads the overview, the leads and the visitor card of the booking.
async fn owner_reads<F, Fut>(server: &TestServer, b: &Browser, shot: &F) -> anyhow::Result<()>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    b.log_in(server, "demo", "demo").await?;
    b.wait_for(
        "return location.pathname.startsWith('/dashboard/sites/')",
        15,
    )
    .await?;
    // The owner's language switch (the browser itself asks for English).
    b.client
        .goto(&server.url("/dashboard/lang/ru?next=/dashboard/sites/demo/overview"))
        .await?;
    b.wait_for("return document.readyState == 'complete'", 10)
        .await?;
    shot("dashboard-1-overview".into()).await?;
    b.client
        .goto(&server.url("/dashboard/sites/demo/leads"))
        .await?;
    b.wait_for("return document.readyState == 'complete'", 10)
        .await?;
    shot("dashboard-2-leads".into()).await?;
    let card = b
        .wait_for(
            "const a = document.querySelector('a[href*=\"/visitors/\"]'); return a && a.href;",
            10,
        )
        .await?;
    b.client.goto(card.as_str().unwrap_or_default()).await?;
    b.wait_for("return document.readyState == 'complete'", 10)
        .await?;
    shot("dashboard-3-visitor".into()).await?;
    Ok(())
}
