//! Telephony in the sandbox: per network the VoIP integration (`crm_token`, on/off), the
//! **routes** (name; users who see the popup; branches; history mode) and **routing** rules
//! (Phone or SIP identifier, digits only → route), and what a salon admin then sees: incoming-call
//! popups per branch and user, the call history of the network, of each branch and in the
//! client's card with the recording link. Fed by `POST /api/v1/voip/integration`.

mod control;

pub use control::VoipView;

use serde::{Deserialize, Serialize};

use super::world::{World, normalize_phone};

/// Where a route keeps the history and shows popups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "mode", content = "branches")]
pub enum HistoryMode {
    /// The network's history only; no popups.
    NetworkOnly,
    /// The network and every branch, with a popup in each.
    AllBranches,
    /// The network and these branches, with a popup in each.
    ChosenBranches(Vec<u64>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// The Route.
pub struct Route {
    /// The id.
    pub id: u64,
    /// The name.
    pub name: String,
    /// User ids who see the popup.
    pub users: Vec<u64>,
    /// The history.
    pub history: HistoryMode,
}

/// What a routing rule matches: the number dialled (`diversion`) or the SIP user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    /// The Phone.
    Phone,
    /// The Sip.
    Sip,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// The Rule.
pub struct Rule {
    /// The kind.
    pub kind: RuleKind,
    /// The identifier.
    pub identifier: String,
    /// The route id.
    pub route_id: u64,
}

/// An incoming-call popup shown to a user in a branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Popup {
    /// The company id.
    pub company_id: u64,
    /// The user id.
    pub user_id: u64,
    /// The phone.
    pub phone: String,
    /// The diversion.
    pub diversion: String,
    /// The client card of the caller, when the phone is in the client base.
    pub client_id: Option<u64>,
    /// The at.
    pub at: String,
}

/// A call in a history: the network's (`company_id` none) or a branch's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallEntry {
    /// The id.
    pub id: u64,
    /// The company id.
    pub company_id: Option<u64>,
    /// The client id.
    pub client_id: Option<u64>,
    /// The caller phone.
    pub caller_phone: String,
    /// The diversion.
    pub diversion: String,
    /// The user.
    pub user: Option<String>,
    /// incoming, outgoing, internal.
    #[serde(rename = "type")]
    pub kind: String,
    /// success or missed.
    pub status: String,
    /// The duration.
    pub duration: u64,
    /// The record link.
    pub record_link: Option<String>,
    /// The call id.
    pub call_id: Option<String>,
    /// The call date.
    pub call_date: String,
}

/// One network's telephony.
#[derive(Debug, Clone)]
pub(crate) struct NetworkVoip {
    pub network_id: u64,
    pub crm_token: String,
    pub enabled: bool,
    pub routes: Vec<Route>,
    pub rules: Vec<Rule>,
    pub popups: Vec<Popup>,
    pub history: Vec<CallEntry>,
}

/// The whole sandbox's telephony.
#[derive(Debug, Clone, Default)]
pub(crate) struct VoipBook {
    pub networks: Vec<NetworkVoip>,
    next_id: u64,
}

/// The CRM token of a sandbox network (sandbox-only value, handed out by the control hooks).
pub(crate) fn crm_token_of(network_id: u64) -> String {
    format!("sandbox-crm-{network_id:08}")
}

/// A routing identifier as YCLIENTS accepts it: digits only. The refusal says what is wrong.
pub fn check_identifier(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("Identifier is empty: enter digits only.".into());
    }
    if id.chars().all(|c| c.is_ascii_digit()) {
        return Ok(());
    }
    let what = if id.contains('+') {
        "a plus"
    } else if id.contains(['(', ')']) {
        "brackets"
    } else if id.contains('-') {
        "dashes"
    } else if id.contains(char::is_whitespace) {
        "spaces"
    } else {
        "characters other than digits"
    };
    Err(format!(
        "Identifier «{id}» has {what}: enter digits only, without +, brackets, dashes or spaces (e.g. 74951234567)."
    ))
}

impl VoipBook {
    pub(crate) fn new(network_ids: impl IntoIterator<Item = u64>) -> VoipBook {
        VoipBook {
            networks: network_ids
                .into_iter()
                .map(|id| NetworkVoip {
                    network_id: id,
                    crm_token: crm_token_of(id),
                    enabled: false,
                    routes: Vec::new(),
                    rules: Vec::new(),
                    popups: Vec::new(),
                    history: Vec::new(),
                })
                .collect(),
            next_id: 0,
        }
    }

    pub(crate) fn by_token_mut(&mut self, token: &str) -> Option<&mut NetworkVoip> {
        self.networks.iter_mut().find(|n| n.crm_token == token)
    }

    pub(crate) fn network(&self, id: u64) -> Option<&NetworkVoip> {
        self.networks.iter().find(|n| n.network_id == id)
    }

    pub(crate) fn network_mut(&mut self, id: u64) -> Option<&mut NetworkVoip> {
        self.networks.iter_mut().find(|n| n.network_id == id)
    }

    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }
}

impl NetworkVoip {
    /// The route for a call: a SIP rule on `user` wins over a Phone rule on `diversion`.
    pub(crate) fn route_for(&self, diversion: &str, user: Option<&str>) -> Option<&Route> {
        let rule = |kind: RuleKind, id: &str| {
            self.rules
                .iter()
                .find(|r| r.kind == kind && r.identifier == id)
        };
        let hit = user
            .filter(|u| !u.is_empty())
            .and_then(|u| rule(RuleKind::Sip, u))
            .or_else(|| rule(RuleKind::Phone, diversion))?;
        self.routes.iter().find(|r| r.id == hit.route_id)
    }
}

/// A call notification's fields, as the API reads them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Notice {
    pub kind: String,
    pub phone: String,
    pub diversion: String,
    pub user: Option<String>,
    pub duration: u64,
    pub link: Option<String>,
    pub call_id: Option<String>,
    pub status: String,
    pub date: Option<String>,
}

/// Branch ids a route reaches in the network.
fn branches(world: &World, network_id: u64, route: Option<&Route>) -> Vec<u64> {
    match route.map(|r| &r.history) {
        None | Some(HistoryMode::NetworkOnly) => Vec::new(),
        Some(HistoryMode::AllBranches) => world
            .companies
            .values()
            .filter(|c| c.network_id == network_id)
            .map(|c| c.id())
            .collect(),
        Some(HistoryMode::ChosenBranches(ids)) => ids.clone(),
    }
}

fn client_of(world: &World, phone: &str) -> Option<u64> {
    let phone = normalize_phone(phone)?;
    world
        .clients
        .iter()
        .find(|c| c.phone == phone)
        .map(|c| c.id)
}

/// `event`: popups for an incoming call, in the route's branches, for its users.
pub(crate) fn show_popup(world: &mut World, token: &str, n: &Notice) {
    let at = world.now().to_string();
    let client_id = client_of(world, &n.phone);
    let Some(net) = world.voip.by_token_mut(token) else {
        return;
    };
    if !net.enabled || n.kind != "incoming" {
        return;
    }
    let network_id = net.network_id;
    let Some(route) = net.route_for(&n.diversion, n.user.as_deref()).cloned() else {
        return;
    };
    let ids = branches(world, network_id, Some(&route));
    let Some(net) = world.voip.by_token_mut(token) else {
        return;
    };
    for company_id in ids {
        for user_id in &route.users {
            net.popups.push(Popup {
                company_id,
                user_id: *user_id,
                phone: n.phone.clone(),
                diversion: n.diversion.clone(),
                client_id,
                at: at.clone(),
            });
        }
    }
}

/// `history`: the network's history, and the route's branches' histories.
pub(crate) fn save_history(world: &mut World, token: &str, n: &Notice) {
    let now = world.now().to_string();
    let client_id = client_of(world, &n.phone);
    let Some(net) = world.voip.by_token_mut(token) else {
        return;
    };
    if !net.enabled {
        return;
    }
    let network_id = net.network_id;
    let route = net.route_for(&n.diversion, n.user.as_deref()).cloned();
    let ids = branches(world, network_id, route.as_ref());
    let mut places = vec![None];
    places.extend(ids.into_iter().map(Some));
    for company_id in places {
        let id = world.voip.next_id();
        let entry = CallEntry {
            id,
            company_id,
            client_id,
            caller_phone: n.phone.clone(),
            diversion: n.diversion.clone(),
            user: n.user.clone(),
            kind: n.kind.clone(),
            status: n.status.clone(),
            duration: n.duration,
            record_link: n.link.clone(),
            call_id: n.call_id.clone(),
            call_date: n.date.clone().unwrap_or_else(|| now.clone()),
        };
        if let Some(net) = world.voip.network_mut(network_id) {
            net.history.push(entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_routing_identifier_is_digits_only_and_the_refusal_says_why() {
        assert!(check_identifier("74951234567").is_ok());
        assert!(check_identifier("101").is_ok());
        for (bad, says) in [
            ("+74951234567", "a plus"),
            ("7(495)1234567", "brackets"),
            ("7495-123-45-67", "dashes"),
            ("7495 1234567", "spaces"),
            ("sip:101", "other than digits"),
        ] {
            let e = check_identifier(bad).unwrap_err();
            assert!(e.contains(says) && e.contains("digits only"), "{bad}: {e}");
        }
        assert!(check_identifier("").is_err());
    }

    #[test]
    fn a_sip_rule_wins_over_a_phone_rule() {
        let route = |id| Route {
            id,
            name: format!("r{id}"),
            users: vec![],
            history: HistoryMode::NetworkOnly,
        };
        let net = NetworkVoip {
            network_id: 1,
            crm_token: "t".into(),
            enabled: true,
            routes: vec![route(1), route(2)],
            rules: vec![
                Rule {
                    kind: RuleKind::Phone,
                    identifier: "74951000001".into(),
                    route_id: 1,
                },
                Rule {
                    kind: RuleKind::Sip,
                    identifier: "101".into(),
                    route_id: 2,
                },
            ],
            popups: vec![],
            history: vec![],
        };
        assert_eq!(net.route_for("74951000001", None).unwrap().id, 1);
        assert_eq!(net.route_for("74951000001", Some("101")).unwrap().id, 2);
        assert_eq!(net.route_for("74951000001", Some("999")).unwrap().id, 1);
        assert!(net.route_for("70000000000", None).is_none());
    }
}
