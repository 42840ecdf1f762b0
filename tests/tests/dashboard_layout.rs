//! What an owner sees at a glance, measured in a real browser (#16): at 1366 px the leads
//! table's state and paid columns are on screen without scrolling; at 390 px (a phone) each lead
//! is a card, the filters fit and no page scrolls sideways (leads, the visitor card, the overview).

use e2e::{Browser, TestServer};

/// Books the first free slot from the server's own page with a long percent-encoded landing,
/// as the widget would; returns the visitor id.
async fn a_lead(server: &TestServer, b: &Browser) -> anyhow::Result<String> {
    b.client.goto(&server.url("/privacy.html")).await?;
    let vid = "0a0b0c0d0e0f0a0b0c0d0e0f0a0b0c0d";
    let landing = "/%D1%86%D0%B5%D0%BD%D1%8B/%D1%81%D1%82%D1%80%D0%B8%D0%B6%D0%BA%D0%B8?utm_source=yandex&utm_medium=cpc&utm_campaign=%D0%B2%D0%B5%D1%81%D0%BD%D0%B0-2026-%D0%BC%D0%BE%D1%81%D0%BA%D0%B2%D0%B0&utm_content=%D0%BE%D0%B1%D1%8A%D1%8F%D0%B2%D0%BB%D0%B5%D0%BD%D0%B8%D0%B5-1&yclid=1234567890123456789";
    let answer = b
        .client
        .execute_async(
            r#"const [vid, landing, done] = arguments;
            const api = '/api/v1/sites/demo/branches/410201';
            (async () => {
              const get = (p) => fetch(api + p).then((r) => r.json());
              const service = (await get('/services')).services[0].id;
              const dates = (await get(`/dates?services=${service}&staff=0`)).dates;
              for (const date of dates) {
                const slots = (await get(`/times?services=${service}&staff=0&date=${date}`)).slots;
                if (!slots.length) continue;
                const touch = {ch: 'paid', source: 'yandex', medium: 'cpc', campaign: 'весна-2026-москва', landing, ts: Date.now()};
                const r = await fetch('/api/v1/sites/demo/bookings', {method: 'POST',
                  headers: {'content-type': 'application/json', 'idempotency-key': 'layout-' + Date.now()},
                  body: JSON.stringify({branch: 410201, services: [service], staff: 0, datetime: slots[0].datetime,
                    name: 'Анна Петрова', phone: '+7 916 555-12-34', consent: true,
                    attribution: {vid, sid: vid, first: touch, last: touch}})});
                return done(r.status);
              }
              done('no slot');
            })().catch((e) => done(String(e)));"#,
            vec![vid.into(), landing.into()],
        )
        .await?;
    anyhow::ensure!(answer == 201, "the booking was not made: {answer}");
    Ok(vid.to_owned())
}

/// `document` is no wider than the window: nothing scrolls sideways.
const NO_SIDEWAYS: &str = "return document.documentElement.scrollWidth <= window.innerWidth + 1 ? true : document.documentElement.scrollWidth";

#[tokio::test(flavor = "multi_thread")]
async fn state_and_paid_are_on_screen_at_1366_px_and_each_lead_is_a_card_at_390_px()
-> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let b = Browser::chromium(1366, 900).await?;
    let vid = a_lead(&server, &b).await?;
    b.log_in(&server, "demo", "demo").await?;
    b.wait_for("return !!document.getElementById('logout')", 10)
        .await?;
    b.client
        .goto(&server.url("/dashboard/sites/demo/leads"))
        .await?;
    b.wait_for(
        "return document.querySelectorAll('#leads tbody tr[id^=lead-]').length === 1",
        10,
    )
    .await?;
    for cell in [
        "#head-state",
        "#head-paid",
        "#leads tbody tr .state",
        "#leads tbody tr .paid",
    ] {
        let seen = b
            .eval(&format!(
                "const r = document.querySelector('{cell}').getBoundingClientRect(); \
                 return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth ? true : [r.left, r.right, window.innerWidth];"
            ))
            .await?;
        assert_eq!(seen, true, "{cell} is on screen at 1366 px: {seen}");
    }
    let row_height = b
        .eval("return document.querySelector('#leads tbody tr').getBoundingClientRect().height")
        .await?;
    assert!(
        row_height.as_f64().unwrap() < 160.0,
        "the landing no longer makes a row tall: {row_height}"
    );
    assert_eq!(b.eval(NO_SIDEWAYS).await?, true);
    b.close().await;

    let phone = Browser::chromium(390, 844).await?;
    phone.log_in(&server, "demo", "demo").await?;
    phone
        .wait_for("return !!document.getElementById('logout')", 10)
        .await?;
    for path in [
        "/dashboard/sites/demo/leads".to_owned(),
        "/dashboard/sites/demo/overview".to_owned(),
        format!("/dashboard/sites/demo/visitors/{vid}"),
    ] {
        phone.client.goto(&server.url(&path)).await?;
        phone
            .wait_for("return document.readyState === 'complete'", 10)
            .await?;
        assert_eq!(
            phone.eval(NO_SIDEWAYS).await?,
            true,
            "{path} scrolls sideways at 390 px"
        );
    }
    phone
        .client
        .goto(&server.url("/dashboard/sites/demo/leads"))
        .await?;
    let card = phone
        .eval(
            "const r = document.querySelector('#leads tbody tr[id^=lead-]'); const s = getComputedStyle(r); \
             const box = r.getBoundingClientRect(); \
             return [s.display, box.right <= window.innerWidth, getComputedStyle(r.querySelector('.paid'), '::before').content];",
        )
        .await?;
    assert_eq!(card[0], "block", "a lead is a card: {card}");
    assert_eq!(card[1], true, "the card fits: {card}");
    assert!(
        ["Оплачено", "Paid"]
            .iter()
            .any(|l| card[2].as_str().unwrap().contains(l)),
        "each value is labelled: {card}"
    );
    let form = phone
        .eval("return document.querySelector('form.filters').getBoundingClientRect().right <= window.innerWidth")
        .await?;
    assert_eq!(form, true, "the filters fit a phone");
    phone.close().await;
    Ok(())
}
