//! The client cabinet on the demo site, end to end, against the real server and the YCLIENTS
//! sandbox in headless Chromium on a phone-sized window: the demo client opens «Войти» from the
//! home page's header, then the «Личный кабинет» page, signs in by phone and the SMS code, sees
//! the visit the salon made and the past ones, the bonuses and the certificate, moves the visit
//! to another free time (and the record moves in YCLIENTS), asks a question, reads the owner's
//! answer from the dashboard, and deletes the account. axe finds nothing on the sign-in screen
//! and the visits.

use e2e::{Browser, TestServer, Widget};

/// The sandbox's demo client (a visit made at the salon, bonuses, a certificate).
const PHONE: &str = "+7 916 123-45-01";
const DIGITS: &str = "79161234501";
const HOST: &str = "document.querySelector('[data-zapis-cabinet] zapis-root')";

async fn axe(b: &Browser, what: &str, found: &mut Vec<String>) -> anyhow::Result<()> {
    for v in b.axe(HOST).await? {
        found.push(format!("{what}: {v}"));
    }
    Ok(())
}

/// The id of the first visit card (`[data-testid=visit-…]`) holding `inner` whose text has
/// `text`.
async fn card_with(w: &Widget<'_>, inner: &str, text: &str) -> anyhow::Result<u64> {
    let id = w
        .js_public(&format!(
            "const c = [...R().querySelectorAll('[data-testid^=visit-]')].find(c => c.querySelector({inner:?}) && c.textContent.includes({text:?})); return c ? c.getAttribute('data-testid') : null;"
        ))
        .await?;
    let id = id
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("no visit card with {inner} and {text:?}"))?;
    Ok(id.trim_start_matches("visit-").parse()?)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_signs_in_on_a_phone_moves_a_salon_visit_asks_a_question_and_leaves()
-> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let b = Browser::chromium(390, 844).await?;
    let mut found = Vec::new();

    // «Войти» in the home page's header opens the cabinet as a modal.
    b.client.goto(&server.url("/")).await?;
    b.wait_for("return !!window.zapis && window.zapis.l === 1", 15)
        .await?;
    let modal = Widget::modal(&b);
    b.eval("document.querySelector('header a[data-zapis-cabinet]').click(); return 1;")
        .await?;
    modal.wait("[role=dialog]", 20).await?;
    modal.wait_step("sign-in", 20).await?;
    assert!(modal.exists("#zw-phone").await?);
    modal.click("[data-testid=close]").await?;
    b.wait_for("return !document.querySelector('zapis-root')", 10)
        .await?;

    // The menu's «Личный кабинет».
    b.eval("document.querySelector('nav a[href=\"cabinet.html\"]').click(); return 1;")
        .await?;
    b.wait_for("return location.pathname.endsWith('/cabinet.html')", 15)
        .await?;
    let w = Widget::inline(&b, "[data-zapis-cabinet]");
    w.wait_step("sign-in", 20).await?;
    axe(&b, "sign-in", &mut found).await?;
    w.type_in("#zw-phone", PHONE).await?;
    w.click("[data-testid=submit]").await?;
    w.wait("#zw-code", 15).await?;
    let code = TestServer::eventually(10, || async { server.sandbox.last_sms_code(DIGITS) })
        .await
        .ok_or_else(|| anyhow::anyhow!("no SMS code in the sandbox"))?;
    w.type_in("#zw-code", &code).await?;
    w.click("[data-testid=submit]").await?;
    w.wait_step("visits", 20).await?;
    w.wait("[data-testid^=visit-]", 20).await?;
    let kept = b
        .eval("return (localStorage.getItem('zapis-cabinet:demo') || '').length")
        .await?;
    assert_eq!(kept, 64, "the session is kept in the site's localStorage");

    // The upcoming visit the salon made, and the past ones.
    // The seeded one at the Moscow branch (the sandbox's generated bookings may add others).
    let visit = w
        .js_public("const c = [...R().querySelectorAll('[data-testid^=visit-]')].find(c => c.querySelector('[data-testid=cancel-rule]') && c.textContent.includes('записаны в салоне') && c.textContent.includes('Покровке')); return c ? c.getAttribute('data-testid') : null;")
        .await?;
    let visit: u64 = visit
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("no visit made at the Moscow salon"))?
        .trim_start_matches("visit-")
        .parse()?;
    let past = card_with(&w, "[data-testid=attendance]", "").await?;
    assert_ne!(visit, past);
    let card = w.text(&format!("[data-testid=visit-{visit}]")).await?;
    assert!(card.contains("Можно перенести до"), "{card}");
    axe(&b, "visits", &mut found).await?;

    // Sign-in and the visits came with the `cabinet` module alone; the other screens' module
    // loads when the client first goes past the visits.
    let loaded = "return performance.getEntriesByType('resource').filter(e => /\\/account\\.[0-9a-f]+\\.wasm$/.test(e.name)).length";
    assert_eq!(
        b.eval(loaded).await?,
        0,
        "the account module is not loaded for the first screen"
    );

    // Bonuses and the certificate.
    w.click("[data-testid=tab-balances]").await?;
    w.wait_step("balances", 15).await?;
    assert_eq!(
        b.eval(loaded).await?,
        1,
        "the account module loaded once, for the balances"
    );
    w.wait("[data-testid^=certificate-]", 15).await?;
    let bonuses = w.text("[data-testid^=card-]").await?;
    assert!(bonuses.contains("Бонусы:"), "{bonuses}");
    let certificate = w.text("[data-testid^=certificate-]").await?;
    assert!(
        certificate.contains("Баланс:") && certificate.contains("₽"),
        "{certificate}"
    );

    // Moved to another free time, here and in YCLIENTS.
    let before = server
        .sandbox
        .control()
        .record(visit)
        .ok_or_else(|| anyhow::anyhow!("no record {visit} in the sandbox"))?
        .datetime;
    w.click("[data-testid=tab-visits]").await?;
    w.click(&format!(
        "[data-testid=visit-{visit}] [data-testid=reschedule]"
    ))
    .await?;
    w.wait_step("reschedule", 15).await?;
    w.wait("[data-date]:not([aria-disabled])", 20).await?;
    // The first offered day with a free time (a day's last times may be gone by the evening).
    let mut date = String::new();
    for n in 0..10 {
        let picked = w
            .js_public(&format!("const d = R().querySelectorAll('[data-date]:not([aria-disabled])')[{n}]; if (!d) return ''; d.click(); return d.getAttribute('data-date');"))
            .await?;
        date = picked.as_str().unwrap_or_default().to_owned();
        if date.is_empty() || w.wait("[data-time]", 10).await.is_ok() {
            break;
        }
    }
    w.wait("[data-time]", 20).await?;
    let time = w
        .js_public(&format!(
            "const t = [...R().querySelectorAll('[data-time]')].find(t => !{before:?}.startsWith({date:?} + 'T' + t.getAttribute('data-time'))); t.click(); return t.getAttribute('data-time');"
        ))
        .await?;
    let time = time.as_str().unwrap_or_default().to_owned();
    w.click("[data-testid=move-confirm]").await?;
    w.wait_step("visits", 20).await?;
    w.wait("[data-testid=notice]", 15).await?;
    let notice = w.text("[data-testid=notice]").await?;
    assert!(notice.contains("перенесён"), "{notice}");
    let after = server.sandbox.control().record(visit).unwrap().datetime;
    let (at, was) = (format!("{date}T{time}"), before[..16].replace(' ', "T"));
    assert_eq!(after[..16].replace(' ', "T"), at, "the record moved");
    assert_ne!(at, was);

    // A question to the salon.
    w.click("[data-testid=tab-questions]").await?;
    w.wait_step("questions", 15).await?;
    w.click("[data-testid=ask]").await?;
    w.wait_step("ask", 15).await?;
    w.type_in("#zw-question", "Можно прийти с ребёнком?")
        .await?;
    w.click("[data-testid=send]").await?;
    w.wait_step("thread", 15).await?;
    w.wait("[data-testid=from-me]", 15).await?;
    let threads = server.store.cabinet_site_threads("demo", 10).await?;
    assert_eq!(threads.len(), 1);
    let thread = threads[0].id;

    // The owner answers in the dashboard.
    b.log_in(&server, "demo", "demo").await?;
    b.wait_for("return !!document.getElementById('logout')", 10)
        .await?;
    b.client
        .goto(&server.url("/dashboard/lang/ru?next=/dashboard/sites/demo/cabinet"))
        .await?;
    let asked = b
        .wait_for(
            &format!("const t = document.getElementById('thread-{thread}'); return t ? t.innerText : null;"),
            10,
        )
        .await?;
    assert!(
        asked
            .as_str()
            .unwrap_or_default()
            .contains("Можно прийти с ребёнком?"),
        "{asked}"
    );
    b.client
        .execute(
            &format!("document.getElementById('answer-{thread}').value = arguments[0]; document.getElementById('answer-{thread}-send').click(); return 1;"),
            vec!["Конечно, в зале есть детский уголок.".into()],
        )
        .await?;
    b.wait_for(
        &format!("const t = document.getElementById('thread-{thread}'); return !!t && t.innerText.includes('детский уголок');"),
        10,
    )
    .await?;

    // The client reads the answer.
    b.client.goto(&server.url("/cabinet.html")).await?;
    w.wait_step("visits", 20).await?;
    w.wait("[data-testid=unread]", 15).await?;
    w.click("[data-testid=tab-questions]").await?;
    w.click(&format!("[data-testid=thread-{thread}]")).await?;
    w.wait_step("thread", 15).await?;
    w.wait("[data-testid=from-salon]", 15).await?;
    let answer = w.text("[data-testid=from-salon]").await?;
    assert!(answer.contains("детский уголок"), "{answer}");

    // Deleting the account says what remains.
    w.click("[data-testid=tab-profile]").await?;
    w.wait_step("profile", 15).await?;
    assert_eq!(
        b.eval(loaded).await?,
        1,
        "the account module is loaded once per page"
    );
    w.click("[data-testid=delete]").await?;
    w.wait_step("delete", 15).await?;
    w.click("[data-testid=delete-yes]").await?;
    w.wait_step("deleted", 20).await?;
    let remains = w.text("[data-testid=remains]").await?;
    assert!(
        remains.contains("Остаются в YCLIENTS") && remains.contains("история визитов"),
        "{remains}"
    );
    assert!(!w.exists("[data-testid=tab-visits]").await?);
    let kept = b
        .eval("return localStorage.getItem('zapis-cabinet:demo') || null")
        .await?;
    assert_eq!(kept, serde_json::Value::Null, "the session is forgotten");
    assert!(
        server
            .store
            .cabinet_site_threads("demo", 10)
            .await?
            .is_empty(),
        "the questions are erased"
    );

    assert!(found.is_empty(), "axe violations:\n{}", found.join("\n"));
    b.close().await;
    Ok(())
}
