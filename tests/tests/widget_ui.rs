//! The widget as people meet it: by keyboard alone, in another language, on a site whose CSS
//! styles everything, twice on one page, and through the site's floating button.

use e2e::{Browser, TestServer, Widget, browser::key};

const DIALOG_TITLE: &str = "const h = document.querySelector('zapis-root'); const t = h && h.shadowRoot && h.shadowRoot.querySelector('[role=dialog]'); return t ? h.shadowRoot.getElementById(t.getAttribute('aria-labelledby')).textContent : null;";

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_books_with_the_keyboard_alone_and_esc_returns_focus_to_the_trigger()
-> anyhow::Result<()> {
    let server = TestServer::start().await?;
    let b = Browser::chromium(1280, 900).await?;
    b.client.goto(&server.url("/")).await?;
    b.wait_for("return !!(window.zapis && window.zapis.l)", 15)
        .await?;
    b.tab_to("[data-zapis-book]").await?;
    b.keys(&[key::ENTER]).await?;
    b.wait_for(DIALOG_TITLE, 20).await?;

    b.tab_to("[data-testid=branch-410201]").await?;
    b.keys(&[key::ENTER]).await?;
    b.tab_to("input[type=checkbox][data-testid^=service-]")
        .await?;
    b.keys(&[key::SPACE]).await?;
    // The whole list is one tab stop (arrows move inside it): "Next" is one Tab away, not one
    // per service.
    b.keys(&[key::TAB]).await?;
    let on_next = "let a = document.activeElement; while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement; return !!a && a.matches('[data-testid=next]');";
    assert_eq!(
        b.eval(on_next).await?,
        serde_json::Value::Bool(true),
        "one Tab from the chosen service reaches Next"
    );
    b.keys(&[key::ENTER]).await?;
    b.tab_to("[data-testid=staff-0]").await?;
    b.keys(&[key::ENTER]).await?;
    // (Tabbing does not wait: the days and then the times are waited for as a visitor would.)
    let w = Widget::modal(&b);
    w.wait("[data-date][tabindex='0']", 20).await?;
    b.tab_to("[data-date][tabindex='0']").await?;
    let on_free_day = "let a = document.activeElement; while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement; return !!a && a.matches('[data-date]:not([aria-disabled])');";
    for _ in 0..62 {
        if b.eval(on_free_day).await? == serde_json::Value::Bool(true) {
            break;
        }
        b.keys(&[key::ARROW_RIGHT]).await?;
    }
    b.keys(&[key::ENTER]).await?;
    w.wait("[data-time]", 20).await?;
    b.tab_to("[data-time]").await?;
    b.keys(&[key::ENTER]).await?;
    b.tab_to("#zw-name").await?;
    b.type_keys("Anna").await?;
    b.tab_to("#zw-phone").await?;
    b.type_keys("9165551234").await?;
    b.tab_to("#zw-consent").await?;
    b.keys(&[key::SPACE]).await?;
    b.tab_to("[data-testid=submit]").await?;
    b.keys(&[key::ENTER]).await?;
    w.wait_step("success", 30).await?;
    assert_eq!(server.store.count_bookings("demo", "confirmed").await?, 1);

    b.keys(&[key::ESCAPE]).await?;
    b.wait_for("return !document.querySelector('zapis-root')", 5)
        .await?;
    let back = b
        .eval(
            "return document.activeElement && document.activeElement.matches('[data-zapis-book]')",
        )
        .await?;
    assert_eq!(
        back, true,
        "focus returns to the button that opened the widget"
    );
    b.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_host_page_can_switch_the_widget_to_english() -> anyhow::Result<()> {
    let server = TestServer::start_fixtures(|_| ()).await?;
    let b = Browser::chromium(1280, 900).await?;
    b.client.goto(&server.url("/plain.html")).await?;
    b.client
        .execute(
            "document.querySelector('[data-zapis-book]').click()",
            vec![],
        )
        .await?;
    assert_eq!(b.wait_for(DIALOG_TITLE, 20).await?, "Онлайн-запись");
    b.client.execute("zapis('language', 'en')", vec![]).await?;
    let english = format!("return (function () {{ {DIALOG_TITLE} }})() === 'Book online';");
    b.wait_for(&english, 5).await?;
    let title = b.eval(DIALOG_TITLE).await?;
    assert_eq!(title, "Book online");
    let w = Widget::modal(&b);
    w.wait("[data-testid=branch-410201]", 20).await?;
    let heading = w.js_public("return R().querySelector('[data-step] h3, [data-step] [data-step-title], [data-step] h2').textContent").await?;
    let heading = heading.as_str().unwrap_or_default();
    assert!(
        !heading.is_empty()
            && !heading
                .chars()
                .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap())),
        "the step heading is English: {heading}"
    );
    b.close().await;
    Ok(())
}

/// Computed styles of a few widget parts, to compare between pages.
const LOOK: &str = "const r = document.querySelector('zapis-root').shadowRoot; const pick = (sel) => { const e = r.querySelector(sel); if (!e) return null; const s = getComputedStyle(e); const b = e.getBoundingClientRect(); return [s.display, s.visibility, s.color, s.fontSize, s.fontFamily, s.letterSpacing, s.borderTopWidth, s.paddingTop, Math.round(b.width), Math.round(b.height)].join('|'); }; return [pick('[role=dialog]'), pick('[data-testid=branch-410201]'), pick('h2'), pick('[data-step]')].join(' / ');";

#[tokio::test(flavor = "multi_thread")]
async fn a_host_stylesheet_that_styles_everything_does_not_change_the_widget() -> anyhow::Result<()>
{
    let server = TestServer::start_fixtures(|_| ()).await?;
    let b = Browser::chromium(1280, 900).await?;
    let mut looks = Vec::new();
    for page in ["/plain.html", "/hostile.html"] {
        b.client.goto(&server.url(page)).await?;
        b.wait_for("return !!(window.zapis && window.zapis.l)", 15)
            .await?;
        b.client
            .execute(
                "document.querySelector('[data-zapis-book]').click()",
                vec![],
            )
            .await?;
        Widget::modal(&b)
            .wait("[data-testid=branch-410201]", 20)
            .await?;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        looks.push(b.eval(LOOK).await?.as_str().unwrap_or_default().to_owned());
    }
    assert!(
        !looks[0].contains("none|") && !looks[0].is_empty(),
        "{}",
        looks[0]
    );
    assert_eq!(looks[0], looks[1], "the host's CSS leaked into the widget");
    // And the widget's CSS does not leak out: the host page keeps its own styles.
    let h1 = b
        .eval("return getComputedStyle(document.querySelector('h1')).fontSize")
        .await?;
    assert_eq!(h1, "31px");
    b.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn two_inline_widgets_on_one_page_do_not_interfere() -> anyhow::Result<()> {
    let server = TestServer::start_fixtures(|_| ()).await?;
    let b = Browser::chromium(1280, 1600).await?;
    b.client.goto(&server.url("/two.html")).await?;
    let moscow = Widget::inline(&b, "#moscow");
    let ekb = Widget::inline(&b, "#ekb");
    moscow
        .wait("input[type=checkbox][data-testid^=service-]", 30)
        .await?;
    ekb.wait("input[type=checkbox][data-testid^=service-]", 30)
        .await?;
    let first_moscow = moscow.js_public("const s = R().querySelector('input[type=checkbox][data-testid^=service-]'); s.click(); return s.getAttribute('data-testid');").await?;
    assert!(
        first_moscow.as_str().unwrap().starts_with("service-91"),
        "Moscow services: {first_moscow}"
    );
    let ekb_first = ekb.js_public("return R().querySelector('input[type=checkbox][data-testid^=service-]').getAttribute('data-testid')").await?;
    assert!(
        ekb_first.as_str().unwrap().starts_with("service-92"),
        "Yekaterinburg services: {ekb_first}"
    );
    let ekb_checked = ekb
        .js_public("return R().querySelectorAll('input[type=checkbox]:checked').length")
        .await?;
    assert_eq!(
        ekb_checked, 0,
        "choosing in one widget does not choose in the other"
    );
    moscow.click("[data-testid=next]").await?;
    moscow.wait("[data-testid=staff-0]", 20).await?;
    assert_eq!(ekb.step().await?, "services");
    assert_eq!(
        b.eval("return document.querySelectorAll('zapis-root').length")
            .await?,
        2
    );
    b.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_with_a_floating_button_shows_one_on_each_page_and_it_opens_the_widget()
-> anyhow::Result<()> {
    use zapis::config::{FloatButton, FloatPosition};
    let server = TestServer::start_fixtures(|site| {
        site.float_button = Some(FloatButton {
            position: FloatPosition::Left,
            // An owner's label is text, never markup.
            label_ru: "<b>Запись</b> онлайн".into(),
            label_en: String::new(),
        })
    })
    .await?;
    let b = Browser::chromium(390, 844).await?;
    let float = "const f = [...document.querySelectorAll('body > button[data-zapis-book]')]; return f.length ? f.map((e) => { const r = e.getBoundingClientRect(); return [e.textContent, e.querySelectorAll('*').length, Math.round(r.left), Math.round(innerHeight - r.bottom), getComputedStyle(e).position].join('|'); }) : null;";
    // The snippet pasted twice still makes one button.
    b.client.goto(&server.url("/twice.html")).await?;
    let shown = b.wait_for(float, 15).await?;
    assert_eq!(
        shown,
        serde_json::json!(["<b>Запись</b> онлайн|0|20|20|fixed"]),
        "one button, bottom left, its label as text"
    );

    // It is a real button: the keyboard reaches it and Enter opens the widget.
    b.tab_to("body > button[data-zapis-book]").await?;
    b.keys(&[key::ENTER]).await?;
    assert_eq!(b.wait_for(DIALOG_TITLE, 20).await?, "Онлайн-запись");

    // A page in English (data-lang="en") gets the default English label.
    b.client.goto(&server.url("/english.html")).await?;
    let shown = b.wait_for(float, 15).await?;
    assert_eq!(shown, serde_json::json!(["Book now|0|20|20|fixed"]));
    b.close().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_whose_stored_visit_a_page_script_spoilt_can_still_book() -> anyhow::Result<()> {
    let server = TestServer::start_fixtures(|_| ()).await?;
    let b = Browser::chromium(1280, 900).await?;
    b.client.goto(&server.url("/plain.html")).await?;
    b.wait_for(
        "return (localStorage.getItem('zapis_visit') || '').split('\\n').length >= 3",
        15,
    )
    .await?;
    // A page script (or a visitor in devtools) leaves the stored touches as broken JSON that
    // still looks like an object to the tracker's quick check.
    b.client
        .execute("const l = localStorage.getItem('zapis_visit').split('\\n'); l[1] = l[2] = '{\"}'; localStorage.setItem('zapis_visit', l.join('\\n'));", vec![])
        .await?;
    b.client.refresh().await?;
    b.wait_for("return !!window.zapis && window.zapis.l === 1", 15)
        .await?;
    b.client
        .execute(
            "document.querySelector('[data-zapis-book]').click()",
            vec![],
        )
        .await?;
    assert_eq!(
        b.wait_for(DIALOG_TITLE, 20).await?,
        "Онлайн-запись",
        "the widget opens; only attribution is lost"
    );
    b.close().await;
    Ok(())
}
