//! The telephony test hooks on [`Control`](crate::sandbox::Control): the salon's settings
//! (routes, routing, the client base) and what its admins see (popups, histories).

use serde::Serialize;

use super::{CallEntry, HistoryMode, Popup, Route, Rule, RuleKind, check_identifier, client_of};
use crate::sandbox::world::normalize_phone;

/// What a salon admin sees of a network's telephony (the `/sandbox/voip/{network}` hook).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoipView {
    /// The network id.
    pub network_id: u64,
    /// The enabled.
    pub enabled: bool,
    /// The routes.
    pub routes: Vec<Route>,
    /// The rules.
    pub rules: Vec<Rule>,
    /// The popups.
    pub popups: Vec<Popup>,
    /// The history.
    pub history: Vec<CallEntry>,
}

/// Telephony hooks: the salon's settings (routes, routing) and what its admins see.
impl crate::sandbox::Control {
    /// The network's CRM token (Telephony → Integration in the network).
    pub fn voip_crm_token(&self, network_id: u64) -> Option<String> {
        let world = self.shared().world();
        world.voip.network(network_id).map(|n| n.crm_token.clone())
    }

    /// Everything of a network's telephony at once.
    pub fn voip(&self, network_id: u64) -> Option<VoipView> {
        let world = self.shared().world();
        world.voip.network(network_id).map(|n| VoipView {
            network_id,
            enabled: n.enabled,
            routes: n.routes.clone(),
            rules: n.rules.clone(),
            popups: n.popups.clone(),
            history: n.history.clone(),
        })
    }

    /// Adds a route; users must be the network's, branches its own.
    pub fn voip_add_route(
        &self,
        network_id: u64,
        name: &str,
        users: Vec<u64>,
        history: HistoryMode,
    ) -> Result<u64, String> {
        let mut world = self.shared().world();
        let admins: Vec<u64> = world
            .network(network_id)
            .ok_or("unknown network")?
            .admins
            .iter()
            .map(|a| a.id)
            .collect();
        if let Some(u) = users.iter().find(|u| !admins.contains(u)) {
            return Err(format!("user {u} is not a user of this network"));
        }
        if let HistoryMode::ChosenBranches(ids) = &history
            && let Some(b) = ids.iter().find(|b| {
                world
                    .companies
                    .get(b)
                    .is_none_or(|c| c.network_id != network_id)
            })
        {
            return Err(format!("branch {b} is not a branch of this network"));
        }
        if name.trim().is_empty() {
            return Err("a route needs a name".into());
        }
        let id = world.voip.next_id();
        let net = world
            .voip
            .network_mut(network_id)
            .ok_or("unknown network")?;
        net.routes.push(Route {
            id,
            name: name.trim().to_owned(),
            users,
            history,
        });
        Ok(id)
    }

    /// Adds a routing rule: the identifier digits only (the refusal says what is wrong).
    pub fn voip_add_rule(
        &self,
        network_id: u64,
        kind: RuleKind,
        identifier: &str,
        route_id: u64,
    ) -> Result<(), String> {
        check_identifier(identifier)?;
        let mut world = self.shared().world();
        let net = world
            .voip
            .network_mut(network_id)
            .ok_or("unknown network")?;
        if !net.routes.iter().any(|r| r.id == route_id) {
            return Err(format!("route {route_id} does not exist"));
        }
        net.rules
            .retain(|r| !(r.kind == kind && r.identifier == identifier));
        net.rules.push(Rule {
            kind,
            identifier: identifier.to_owned(),
            route_id,
        });
        Ok(())
    }

    /// Popups shown in a branch (every user).
    pub fn voip_popups(&self, company_id: u64) -> Vec<Popup> {
        let world = self.shared().world();
        world
            .voip
            .networks
            .iter()
            .flat_map(|n| &n.popups)
            .filter(|p| p.company_id == company_id)
            .cloned()
            .collect()
    }

    /// A branch's call history (`None`: the networks' own histories).
    pub fn voip_history(&self, company_id: Option<u64>) -> Vec<CallEntry> {
        let world = self.shared().world();
        world
            .voip
            .networks
            .iter()
            .flat_map(|n| &n.history)
            .filter(|c| c.company_id == company_id)
            .cloned()
            .collect()
    }

    /// The calls in a client's card (the network's history entries with their client id).
    pub fn voip_client_calls(&self, client_id: u64) -> Vec<CallEntry> {
        self.voip_history(None)
            .into_iter()
            .filter(|c| c.client_id == Some(client_id))
            .collect()
    }

    /// The client card of a phone (any format of the same digits), if the client base has it.
    pub fn client_id_by_phone(&self, phone: &str) -> Option<u64> {
        let world = self.shared().world();
        client_of(&world, phone)
    }
}

impl crate::sandbox::Control {
    /// The user ids of a network (who may see popups).
    pub fn network_users(&self, network_id: u64) -> Vec<u64> {
        let world = self.shared().world();
        world
            .network(network_id)
            .map(|n| n.admins.iter().map(|a| a.id).collect())
            .unwrap_or_default()
    }

    /// Adds a client to the client base (or finds the one with this phone).
    pub fn add_client(&self, name: &str, phone: &str) -> Option<u64> {
        let phone = normalize_phone(phone)?;
        Some(self.shared().world().client_for(&phone, name, None))
    }
}
