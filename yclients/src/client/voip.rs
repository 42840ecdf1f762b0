//! Telephony: `POST /api/v1/voip/integration` with `command` = `setup`, `event` or `history`,
//! each with the network's CRM token. Not retried once the request may have reached YCLIENTS
//! (a second `history` would be a second row in the client's card).

use serde_json::{Value, json};

use super::Client;
use super::http::Call;
use crate::model::VoipCall;
use crate::{Result, Secret};

const PATH: &str = "/api/v1/voip/integration";

impl Client {
    /// `setup`: `enable` opens the routing settings in the network; `disable` closes them and
    /// YCLIENTS stops processing events and history.
    pub async fn voip_setup(&self, crm_token: &Secret, enable: bool) -> Result<()> {
        let body = json!({
            "command": "setup",
            "type": if enable { "enable" } else { "disable" },
            "crm_token": crm_token.expose(),
        });
        self.voip_send("voip_setup", body).await
    }

    /// `event`: the incoming-call popup for the users routing chooses.
    pub async fn voip_event(&self, crm_token: &Secret, call: &VoipCall) -> Result<()> {
        let body = with_token("event", crm_token, call)?;
        self.voip_send("voip_event", body).await
    }

    /// `history`: the call into the network's history and the routed branches'.
    pub async fn voip_history(&self, crm_token: &Secret, call: &VoipCall) -> Result<()> {
        let body = with_token("history", crm_token, call)?;
        self.voip_send("voip_history", body).await
    }

    async fn voip_send(&self, endpoint: &'static str, body: Value) -> Result<()> {
        let call = Call::post(endpoint, PATH.to_owned(), &body)?;
        let _: crate::decode::Decoded<Value> = self.run(call).await?;
        Ok(())
    }
}

fn with_token(command: &str, crm_token: &Secret, call: &VoipCall) -> Result<Value> {
    let mut v = serde_json::to_value(call)
        .map_err(|e| crate::Error::Config(format!("voip {command}: {e}")))?;
    if let Value::Object(m) = &mut v {
        m.insert("command".into(), command.into());
        m.insert("crm_token".into(), crm_token.expose().into());
    }
    Ok(v)
}
