//! Call tracking in real browsers: a visitor from a campaign sees a number of the pool wherever
//! the salon's number was (text and `tel:` links, in the page's own format), a second visitor at
//! the same time sees another; the PBX simulator calls the first visitor's number; the owner's
//! leads list the call with the campaign, and YCLIENTS (the sandbox) shows the popup in the
//! routed branch and the call with its recording in the client's card.

use e2e::{Browser, TestServer};
use yclients::sandbox::voip::{HistoryMode, RuleKind};
use zapis::{
    calls::CallSettings,
    cli::pbx::{self, PbxCall},
};

const DEFAULT: &str = "+7 495 120-45-17";
const CALLER: &str = "+7 916 700-11-22";
/// The demo page's phone in its header (`a.phone`), its text and its link.
const SHOWN: &str = "const a = document.querySelector('header a.phone'); return [a.textContent, a.getAttribute('href')];";

async fn shown(b: &Browser) -> anyhow::Result<(String, String)> {
    let v = b.eval(SHOWN).await?;
    Ok((
        v[0].as_str().unwrap_or_default().to_owned(),
        v[1].as_str().unwrap_or_default().to_owned(),
    ))
}

/// Lands on the demo's home page from `campaign` and waits until the salon's number is replaced.
async fn land(
    b: &Browser,
    server: &TestServer,
    campaign: &str,
) -> anyhow::Result<(String, String)> {
    b.client
        .goto(&server.url(&format!(
            "/?utm_source=yandex&utm_medium=cpc&utm_campaign={campaign}"
        )))
        .await?;
    b.wait_for(
        &format!("return document.querySelector('header a.phone').textContent != '{DEFAULT}'"),
        20,
    )
    .await?;
    shown(b).await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_from_a_campaign_sees_a_pool_number_and_their_call_is_a_lead_in_zapis_and_yclients()
-> anyhow::Result<()> {
    let mut calls = CallSettings::demo();
    let secret = calls.pbx_secret.clone().expect("the demo's secret");
    calls.pool.truncate(2);
    let server = TestServer::start_with(move |s| s.calls = Some(calls)).await?;
    let sb = server.sandbox.control().clone();
    let net = server.sandbox.networks()[0].clone();
    let branch = net.company_ids[0];
    let user = sb.network_users(net.id)[0];
    // The salon admin routes the pool's numbers to the reception of the first branch.
    let route = sb
        .voip_add_route(
            net.id,
            "Ресепшн",
            vec![user],
            HistoryMode::ChosenBranches(vec![branch]),
        )
        .map_err(anyhow::Error::msg)?;
    for n in ["74951204520", "74951204521"] {
        sb.voip_add_rule(net.id, RuleKind::Phone, n, route)
            .map_err(anyhow::Error::msg)?;
    }
    let client = sb.add_client("Мария", CALLER).expect("a client card");

    // Two visitors at once, on phones: each sees a pool number, in the page's format, in the
    // text and in the link; not the same one.
    let anna = Browser::chromium(390, 844).await?;
    let (text, href) = land(&anna, &server, "spring").await?;
    assert!(
        text.starts_with("+7 495 120-45-2") && text.len() == DEFAULT.len(),
        "the pool number in the page's format: {text}"
    );
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(
        href,
        format!("tel:+{digits}"),
        "the link calls the number shown"
    );
    let footer = anna
        .eval("return [...document.querySelectorAll('footer.bottom a[href^=\"tel:\"]')].map(a => a.textContent + ' ' + a.getAttribute('href'))")
        .await?;
    assert_eq!(
        footer,
        serde_json::json!([
            format!("{text} tel:+{digits}"),
            "+7 343 310-09-09 tel:+73433100909"
        ]),
        "every copy of the salon's number on the page changes, the other branch's number does not"
    );
    let boris = Browser::chromium(390, 844).await?;
    let (other, _) = land(&boris, &server, "autumn").await?;
    assert_ne!(
        other, text,
        "a second visitor at the same time, another number"
    );

    // Anna taps the number: her phone's dialer takes over and the page goes away, which sends
    // the tracker's batch (her landing's touch) — then the PBX simulator posts the call.
    anna.client.goto("about:blank").await?;
    TestServer::eventually(15, || async {
        server
            .sessions()
            .await
            .iter()
            .any(|s| s.3.as_deref() == Some("spring"))
            .then_some(())
    })
    .await
    .expect("Anna's landing stored with its campaign");
    pbx::run(PbxCall {
        url: server.base.clone(),
        site: "demo".into(),
        secret: secret.expose().to_owned(),
        vid: None,
        number: Some(text.clone()),
        caller: CALLER.into(),
        talk: 95,
        sip: None,
        count: 1,
    })
    .await?;

    // YCLIENTS: the popup in the routed branch, then the call with its recording in the card.
    let popup = TestServer::eventually(15, || async { sb.voip_popups(branch).into_iter().next() })
        .await
        .expect("the incoming-call popup in the routed branch");
    assert_eq!((popup.user_id, popup.client_id), (user, Some(client)));
    let card = TestServer::eventually(20, || async {
        sb.voip_client_calls(client).into_iter().next()
    })
    .await
    .expect("the call in the client's card");
    assert!(
        card.record_link
            .as_deref()
            .is_some_and(|l| l.ends_with(".mp3")),
        "{card:?}"
    );

    // The owner: the call on the Calls page, with Anna's campaign and the recording; the page
    // passes axe.
    let owner = Browser::chromium(1280, 900).await?;
    owner.log_in(&server, "demo", "demo").await?;
    owner
        .wait_for(
            "return location.pathname.startsWith('/dashboard/sites/')",
            15,
        )
        .await?;
    owner
        .client
        .goto(&server.url("/dashboard/lang/en?next=/dashboard/sites/demo/calls"))
        .await?;
    let row = owner
        .wait_for(
            "const r = document.querySelector('#calls tbody tr'); return r ? r.textContent : false;",
            15,
        )
        .await?;
    let row = row.as_str().unwrap_or_default();
    assert!(
        row.contains("yandex / cpc / spring") && row.contains(&text) && row.contains("listen"),
        "the call's row: {row}"
    );
    let violations = owner.axe("document").await?;
    assert!(violations.is_empty(), "{violations:?}");
    for b in [anna, boris, owner] {
        b.close().await;
    }
    Ok(())
}
