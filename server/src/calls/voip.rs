//! Calls to YCLIENTS through its telephony-provider API, by the network's CRM token: `setup`
//! (enable) at start for networks whose sites track calls, the popup `event` when a call starts
//! ringing, the `history` entry when it has ended — with its recording, or without one once
//! `recording_wait_secs` passed. Each is claimed in the database first, so one instance sends it
//! once; routing (which branches and users) is YCLIENTS' side.

use std::{collections::HashMap, sync::Arc, time::Duration};

use yclients::{
    Secret,
    model::{VoipCall, VoipCallStatus, VoipCallType},
};

use super::CallStatus;
use crate::{
    app::AppState,
    config::{SANDBOX_NETWORK, Settings},
    store::CallRow,
    util::clock::now_ms,
};

/// The CRM token of each network that has one.
#[derive(Clone, Default)]
pub struct Voip {
    tokens: Arc<HashMap<String, Secret>>,
}

impl Voip {
    /// Tokens from `[[networks]] crm_token_env`; the built-in sandbox's from its control hooks.
    pub fn new(settings: &Settings, sandbox: Option<&yclients::sandbox::Sandbox>) -> Voip {
        let mut tokens: HashMap<String, Secret> = settings
            .networks
            .iter()
            .filter_map(|n| Some((n.name.clone(), n.crm_token.clone()?)))
            .collect();
        if let Some(sb) = sandbox
            && let Some(net) = sb.networks().first()
            && let Some(t) = sb.control().voip_crm_token(net.id)
        {
            tokens.insert(SANDBOX_NETWORK.into(), Secret::new(t));
        }
        Voip {
            tokens: Arc::new(tokens),
        }
    }

    pub fn token(&self, network: &str) -> Option<&Secret> {
        self.tokens.get(network)
    }
}

/// The call as YCLIENTS takes it: the popup (`history` false) or the history entry.
pub fn voip_call(c: &CallRow, history: bool) -> VoipCall {
    let s = &c.state;
    let mut call = VoipCall {
        kind: VoipCallType::Incoming,
        phone: s.caller.clone(),
        diversion: s.called.clone(),
        user: s.sip.clone(),
        duration: None,
        link: None,
        call_id: None,
        status: None,
        date: None,
    };
    if history {
        let talked = match (s.answered, s.finished) {
            (Some(a), Some(f)) => ((f - a).max(0) / 1000) as u64,
            _ => 0,
        };
        call.duration = Some(s.duration.map_or(talked, |d| d.max(0) as u64));
        call.link = s.recording.clone();
        call.call_id = Some(c.pbx_id.clone());
        call.status = Some(if s.status == CallStatus::Answered {
            VoipCallStatus::Success
        } else {
            VoipCallStatus::Missed
        });
        call.date = jiff::Timestamp::from_millisecond(s.started)
            .ok()
            .map(|t| t.to_string());
    }
    call
}

/// `setup enable` for each network one of whose sites tracks calls (best effort, logged).
pub async fn enable(app: AppState) {
    let mut done = Vec::new();
    for site in app.sites.iter() {
        let (Some(_), Some(y)) = (&site.calls, &site.yclients) else {
            continue;
        };
        if done.contains(&y.network) {
            continue;
        }
        let (Some(token), Ok(up)) = (app.voip.token(&y.network), app.upstreams.get(&site.key))
        else {
            continue;
        };
        match up.client.voip_setup(token, true).await {
            Ok(()) => tracing::info!(network = %y.network, "YCLIENTS telephony enabled"),
            Err(e) => {
                tracing::warn!(network = %y.network, error = %e, "YCLIENTS telephony setup failed")
            }
        }
        done.push(y.network.clone());
    }
}

/// Sends what is due for the call `pbx_id` of `site`: the popup while it rings, the history once
/// it ended (waiting for the recording up to the site's `recording_wait_secs`).
pub async fn forward(app: AppState, site: String, pbx_id: String) {
    let Some(settings) = app.sites.get(&site) else {
        return;
    };
    let (Some(calls), Some(y)) = (&settings.calls, &settings.yclients) else {
        return;
    };
    let (Some(token), Ok(up)) = (app.voip.token(&y.network), app.upstreams.get(&site)) else {
        return;
    };
    let read = || async { app.store.call(&site, &pbx_id).await.ok().flatten() };
    let Some(call) = read().await else { return };
    if call.voip_event.is_none()
        && call.state.finished.is_none()
        && app
            .store
            .claim_voip(&call.id, false, now_ms())
            .await
            .unwrap_or(false)
        && let Err(e) = up.client.voip_event(token, &voip_call(&call, false)).await
    {
        tracing::warn!(error = %e, "YCLIENTS call popup failed");
        let _ = app.store.voip_error(&call.id, &e.to_string()).await;
    }
    let Some(finished) = call.state.finished else {
        return;
    };
    if call.voip_history.is_some() {
        return;
    }
    let waits = call.state.recording.is_none() && call.state.status == CallStatus::Answered;
    let call = if waits {
        let until = finished + (calls.recording_wait_secs as i64) * 1000;
        let left = (until - now_ms()).max(0) as u64;
        tokio::time::sleep(Duration::from_millis(left)).await;
        match read().await {
            Some(c) => c,
            None => return,
        }
    } else {
        call
    };
    if app
        .store
        .claim_voip(&call.id, true, now_ms())
        .await
        .unwrap_or(false)
        && let Err(e) = up.client.voip_history(token, &voip_call(&call, true)).await
    {
        tracing::warn!(error = %e, "YCLIENTS call history failed");
        let _ = app.store.voip_error(&call.id, &e.to_string()).await;
    }
}
