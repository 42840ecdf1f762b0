//! Telephony: the provider API (`POST /voip/integration`) through the client, and what the
//! salon's admins then see in the sandbox by route.

use serde_json::{Value, json};
use yclients::model::{VoipCall, VoipCallStatus, VoipCallType};
use yclients::sandbox::voip::{HistoryMode, RuleKind};
use yclients::{Error, Secret};

use crate::common::*;

fn call(diversion: &str, user: Option<&str>) -> VoipCall {
    VoipCall {
        kind: VoipCallType::Incoming,
        phone: "+7 (903) 555-01-01".into(),
        diversion: diversion.into(),
        user: user.map(str::to_owned),
        duration: None,
        link: None,
        call_id: None,
        status: None,
        date: None,
    }
}

fn ended(c: VoipCall) -> VoipCall {
    VoipCall {
        duration: Some(42),
        link: Some("https://pbx.example/r/1.mp3".into()),
        call_id: Some("c-1".into()),
        status: Some(VoipCallStatus::Success),
        ..c
    }
}

#[tokio::test]
async fn a_call_shows_its_popup_and_history_where_the_route_says_and_sip_wins_over_phone() {
    let sb = quiet_sandbox().await;
    let client = client(&sb);
    let ctl = sb.control();
    let net = sb.networks()[0].clone();
    let users = ctl.network_users(net.id);
    let token = Secret::new(ctl.voip_crm_token(net.id).unwrap());
    // Before `setup enable` nothing is processed (but the request is accepted).
    client
        .voip_event(&token, &call("74951000001", None))
        .await
        .unwrap();
    client.voip_setup(&token, true).await.unwrap();
    assert!(ctl.voip(net.id).unwrap().enabled);
    let reception = ctl
        .voip_add_route(
            net.id,
            "Ресепшн",
            vec![users[0]],
            HistoryMode::ChosenBranches(vec![MOSCOW]),
        )
        .unwrap();
    let everyone = ctl
        .voip_add_route(
            net.id,
            "Все филиалы",
            vec![users[0]],
            HistoryMode::AllBranches,
        )
        .unwrap();
    let quiet = ctl
        .voip_add_route(
            net.id,
            "Только сеть",
            vec![users[0]],
            HistoryMode::NetworkOnly,
        )
        .unwrap();
    ctl.voip_add_rule(net.id, RuleKind::Phone, "74951000001", reception)
        .unwrap();
    ctl.voip_add_rule(net.id, RuleKind::Phone, "74951000002", everyone)
        .unwrap();
    ctl.voip_add_rule(net.id, RuleKind::Sip, "101", quiet)
        .unwrap();
    for bad in ["+74951000003", "7 495 100-00-03", "7(495)1000003"] {
        let e = ctl
            .voip_add_rule(net.id, RuleKind::Phone, bad, reception)
            .unwrap_err();
        assert!(e.contains("digits only"), "{bad}: {e}");
    }
    let card = ctl.add_client("Ольга", PHONE).unwrap();

    client
        .voip_event(&token, &call("74951000001", None))
        .await
        .unwrap();
    let popups = || (ctl.voip_popups(MOSCOW).len(), ctl.voip_popups(EKB).len());
    assert_eq!(popups(), (1, 0));
    client
        .voip_event(&token, &call("74951000002", None))
        .await
        .unwrap();
    assert_eq!(popups(), (2, 1));
    // SIP 101's route keeps the network history only: no popup, though the number has a route.
    client
        .voip_event(&token, &call("74951000002", Some("101")))
        .await
        .unwrap();
    assert_eq!(popups(), (2, 1));

    client
        .voip_history(&token, &ended(call("74951000001", None)))
        .await
        .unwrap();
    client
        .voip_history(&token, &ended(call("74951000002", Some("101"))))
        .await
        .unwrap();
    assert_eq!(
        ctl.voip_history(None).len(),
        2,
        "both in the network's history"
    );
    let moscow = ctl.voip_history(Some(MOSCOW));
    assert_eq!(
        moscow.len(),
        1,
        "the network-only route left the branches out"
    );
    assert!(ctl.voip_history(Some(EKB)).is_empty());
    let in_card = ctl.voip_client_calls(card);
    assert_eq!(in_card.len(), 2);
    assert_eq!(
        in_card[0].record_link.as_deref(),
        Some("https://pbx.example/r/1.mp3")
    );
    assert_eq!(
        (in_card[0].status.as_str(), in_card[0].duration),
        ("success", 42)
    );

    // The branch's call list through the API.
    let listed: Value = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/voip/integration/calls?salon_id={MOSCOW}",
            sb.base_url()
        ))
        .bearer_auth(sb.partner_token())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["data"][0]["client_id"], card);

    client.voip_setup(&token, false).await.unwrap();
    client
        .voip_event(&token, &call("74951000001", None))
        .await
        .unwrap();
    assert_eq!(
        ctl.voip_popups(MOSCOW).len(),
        2,
        "disabled: no longer processed"
    );
}

#[tokio::test]
async fn the_integration_answers_202_accepts_both_token_spellings_and_refuses_an_unknown_token() {
    let sb = quiet_sandbox().await;
    let net = sb.networks()[0].clone();
    let token = sb.control().voip_crm_token(net.id).unwrap();
    let http = reqwest::Client::new();
    let post = |body: Value| {
        http.post(format!("{}/api/v1/voip/integration", sb.base_url()))
            .bearer_auth(sb.partner_token())
            .json(&body)
            .send()
    };
    let res = post(json!({"command": "setup", "type": "enable", "crm_token": token}))
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({"success": true, "data": null, "meta": {"message": "Accepted"}})
    );
    let res = post(json!({"command": "event", "type": "incoming", "crmToken": token, "phone": PHONE, "diversion": "74951000001"}))
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        202,
        "the camelCase spelling a public pusher uses"
    );
    let res = post(json!({"command": "setup", "type": "enable", "crm_token": "nope"}))
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = post(json!({"command": "ring", "type": "incoming", "crm_token": token}))
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let e = client(&sb)
        .voip_setup(&Secret::new("nope"), true)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Api { status: 401, .. }), "{e:?}");
}
