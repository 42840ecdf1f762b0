//! The owner's side in a real browser: the whole loop from an ad click to a paid visit in the
//! leads report, and the dashboard's login, logout, CSRF and lock-out.

use e2e::{Browser, TestServer, Widget};

const MOSCOW: u64 = 410201;

#[tokio::test(flavor = "multi_thread")]
async fn an_ad_click_becomes_a_paid_visit_in_the_owners_leads_report() -> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let b = Browser::chromium(1280, 900).await?;
    // A visitor lands from a Yandex ad and books through the widget.
    b.client
        .goto(&server.url("/?utm_source=yandex&utm_medium=cpc&utm_campaign=spring"))
        .await?;
    b.wait_for("return document.cookie.includes('zapis_vid=')", 15)
        .await?;
    b.eval("window.__booked = []; window.addEventListener('zapis:booked', e => window.__booked.push(e.detail)); return 1;").await?;
    b.client
        .execute(
            "document.querySelector('[data-zapis-book]:not([data-service])').click()",
            vec![],
        )
        .await?;
    let w = Widget::modal(&b);
    w.wait("[role=dialog]", 20).await?;
    w.choose_first_slot(Some(MOSCOW)).await?;
    w.fill_contact("Анна Петрова", "+7 916 555-12-34").await?;
    w.click("[data-testid=submit]").await?;
    w.wait_step("success", 30).await?;
    let id = b
        .wait_for(
            "return window.__booked.length ? window.__booked[0].id : null",
            5,
        )
        .await?;
    let id = id.as_str().unwrap().to_owned();

    // The salon marks the visit as attended and paid in YCLIENTS; the webhook brings it back.
    let record = server
        .sandbox
        .records()
        .into_iter()
        .find(|r| r.api_id == id)
        .expect("the YCLIENTS record");
    server.sandbox.control().set_attendance(record.id, 1)?;
    let payment = server.sandbox.control().pay_in_full(record.id)?;
    let paid = TestServer::eventually(15, || async {
        let row: Option<(Option<f64>,)> = sqlx::query_as("SELECT paid FROM bookings WHERE id = $1")
            .bind(&id)
            .fetch_optional(server.store.pool())
            .await
            .ok()?;
        row.and_then(|(p,)| p).filter(|p| *p > 0.0)
    })
    .await;
    assert_eq!(
        paid,
        Some(payment.amount),
        "the webhook recorded the payment"
    );

    // The owner logs in and sees the row: source, campaign, state, paid sum.
    b.log_in(&server, "demo", "demo").await?;
    b.wait_for("return !!document.getElementById('logout')", 10)
        .await?;
    b.client
        .goto(&server.url("/dashboard/sites/demo/leads"))
        .await?;
    let row = b
        .wait_for(
            &format!(
                "const r = document.getElementById('lead-{id}'); return r ? r.innerText : null;"
            ),
            10,
        )
        .await?;
    let row = row.as_str().unwrap();
    assert!(row.contains("yandex") && row.contains("spring"), "{row}");
    let paid_cell = b
        .eval(&format!(
            "return document.querySelector('#lead-{id} .paid').innerText"
        ))
        .await?;
    let digits: String = paid_cell
        .as_str()
        .unwrap()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    assert_eq!(
        digits,
        format!("{}", payment.amount as u64),
        "paid cell: {paid_cell}"
    );
    b.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_logs_in_and_out_refuses_forged_forms_and_locks_out_guessers()
-> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let b = Browser::chromium(1280, 900).await?;

    // A form whose CSRF token was tampered with is refused.
    b.client.goto(&server.url("/dashboard/login")).await?;
    b.wait_for("return !!document.querySelector('input[name=csrf]')", 10)
        .await?;
    b.client
        .execute(
            "document.querySelector('input[name=csrf]').value = 'forged'; document.getElementById('login').value = 'demo'; document.getElementById('password').value = 'demo'; document.getElementById('login-submit').click();",
            vec![],
        )
        .await?;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        b.eval("return !!document.getElementById('logout')").await?,
        false,
        "a forged form did not log in"
    );

    // The right password logs in; logout logs out.
    b.log_in(&server, "demo", "demo").await?;
    b.wait_for("return !!document.getElementById('logout')", 10)
        .await?;
    b.client
        .execute("document.getElementById('logout').click()", vec![])
        .await?;
    b.wait_for("return !!document.getElementById('login-submit')", 10)
        .await?;
    b.client
        .goto(&server.url("/dashboard/sites/demo/leads"))
        .await?;
    b.wait_for("return !!document.getElementById('login-submit')", 10)
        .await?;

    // Guessing locks the account out, even for the right password afterwards.
    for _ in 0..5 {
        b.log_in(&server, "demo", "wrong-password").await?;
        b.wait_for("return !!document.getElementById('login-error')", 10)
            .await?;
    }
    b.log_in(&server, "demo", "demo").await?;
    let msg = b
        .wait_for(
            "const e = document.getElementById('login-error'); return e ? e.innerText : null;",
            10,
        )
        .await?;
    assert_eq!(
        b.eval("return !!document.getElementById('logout')").await?,
        false
    );
    let msg = msg.as_str().unwrap().to_lowercase();
    assert!(
        msg.contains("мин") || msg.contains("min"),
        "the lock-out says when to retry: {msg}"
    );
    b.close().await;
    Ok(())
}
