//! The client's address: the TCP peer, or — when the peer is a proxy the operator trusts
//! (`[server] trusted_proxies`) — the rightmost address in the proxy's forwarding header that is
//! not itself a trusted proxy. Every per-address limit, lock-out and log line reads it through
//! [`ClientAddr`], so behind nginx each visitor has their own limits, and a visitor who writes
//! an `X-Forwarded-For` of their own gains nothing: hops left of the first untrusted one are
//! whatever the client said, and are never read.
//!
//! Only one header is read, the one the proxy is set to write (`forwarded_header`): a proxy that
//! appends to `X-Forwarded-For` passes a client's own `Forwarded` through untouched, so reading
//! both would let a client choose its address.

use std::{
    net::{IpAddr, SocketAddr},
    str::FromStr,
    sync::Arc,
};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, request::Parts},
};
use ipnet::IpNet;
use serde::Deserialize;

use crate::app::AppState;

/// The header a trusted proxy writes the client's address into.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (nginx `$proxy_add_x_forwarded_for`).
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client;proto=https, for=proxy1`.
    Forwarded,
}

impl FromStr for ForwardedHeader {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(Self::XForwardedFor),
            "forwarded" => Ok(Self::Forwarded),
            other => anyhow::bail!("{other:?} is neither x-forwarded-for nor forwarded"),
        }
    }
}

/// One trusted proxy: an address (`10.0.0.5`, `::1`) or a network (`10.0.0.0/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyNet(IpNet);

impl FromStr for ProxyNet {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<Self> {
        let s = s.trim();
        if let Ok(net) = s.parse::<IpNet>() {
            return Ok(Self(net.trunc()));
        }
        s.parse::<IpAddr>()
            .map(|ip| Self(IpNet::from(ip)))
            .map_err(|_| anyhow::anyhow!("{s:?} is not an address or a network (10.0.0.0/8)"))
    }
}

impl<'de> Deserialize<'de> for ProxyNet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The trusted proxies and the header they write. Empty (the default): the peer is the client.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    nets: Arc<[ProxyNet]>,
    header: ForwardedHeader,
}

impl TrustedProxies {
    pub fn new(nets: &[ProxyNet], header: ForwardedHeader) -> Self {
        Self {
            nets: nets.into(),
            header,
        }
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.nets.iter().any(|n| n.0.contains(&ip))
    }

    /// The client's address for a request from `peer` with `headers`.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = canonical(peer);
        if !self.trusts(client) {
            return client;
        }
        let hops = match self.header {
            ForwardedHeader::XForwardedFor => list(headers, "x-forwarded-for", xff_hop),
            ForwardedHeader::Forwarded => list(headers, "forwarded", forwarded_hop),
        };
        // Right to left: each hop was written by the one after it, trusted so far.
        for hop in hops.into_iter().rev() {
            // A hop we cannot read (`unknown`, an obfuscated name, garbage) ends the walk at the
            // last address a trusted proxy vouched for.
            let Some(ip) = hop else { break };
            client = canonical(ip);
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) compared and keyed as `10.0.0.1`.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Every element of every instance of `name`, in order; `None` for one that is not an address.
fn list(headers: &HeaderMap, name: &str, hop: fn(&str) -> Option<IpAddr>) -> Vec<Option<IpAddr>> {
    headers
        .get_all(name)
        .iter()
        .flat_map(|v| match v.to_str() {
            Ok(s) => s.split(',').map(hop).collect::<Vec<_>>(),
            Err(_) => vec![None],
        })
        .collect()
}

/// `203.0.113.7`, `2001:db8::1`, `[2001:db8::1]:443` or `203.0.113.7:5000`.
fn xff_hop(s: &str) -> Option<IpAddr> {
    node(s.trim())
}

/// `for=203.0.113.7;proto=https` or `for="[2001:db8::1]:443"`: the `for` parameter's node.
fn forwarded_hop(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("for")
            .then(|| node(v.trim().trim_matches('"')))?
    })
}

fn node(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse() {
        return Some(ip);
    }
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Some(sa.ip());
    }
    s.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
}

/// The extractor: `ClientAddr(ip)` in a handler's arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// The key per-address limits and lock-outs count under.
    pub fn key(&self) -> String {
        self.0.to_string()
    }
}

impl std::fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Served with connect info always (`startup`); a request built by hand without it (a
        // router driven in a unit test) counts as the unspecified address.
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
        Ok(Self(app.proxies.client_ip(peer, &parts.headers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn proxies(nets: &[&str], header: ForwardedHeader) -> TrustedProxies {
        let nets: Vec<ProxyNet> = nets.iter().map(|n| n.parse().unwrap()).collect();
        TrustedProxies::new(&nets, header)
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn with_no_trusted_proxy_the_header_is_ignored() {
        let p = TrustedProxies::default();
        let h = headers(&[("x-forwarded-for", "203.0.113.7")]);
        assert_eq!(p.client_ip(ip("10.0.0.5"), &h), ip("10.0.0.5"));
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client_and_what_it_wrote_is_not_read() {
        let p = proxies(
            &["10.0.0.0/8", "192.168.1.1"],
            ForwardedHeader::XForwardedFor,
        );
        // The client claimed 1.1.1.1; nginx appended the real peer 203.0.113.7; an inner proxy
        // 192.168.1.1 appended nginx's 10.0.0.2.
        let h = headers(&[
            ("x-forwarded-for", "1.1.1.1, 203.0.113.7"),
            ("x-forwarded-for", "10.0.0.2"),
        ]);
        assert_eq!(p.client_ip(ip("192.168.1.1"), &h), ip("203.0.113.7"));
        // From an untrusted peer, the peer it is.
        assert_eq!(p.client_ip(ip("198.51.100.1"), &h), ip("198.51.100.1"));
    }

    #[test]
    fn an_unreadable_hop_stops_at_the_last_address_a_trusted_proxy_gave() {
        let p = proxies(&["10.0.0.1"], ForwardedHeader::XForwardedFor);
        let h = headers(&[("x-forwarded-for", "203.0.113.7, unknown")]);
        assert_eq!(p.client_ip(ip("10.0.0.1"), &h), ip("10.0.0.1"));
        let h = headers(&[("x-forwarded-for", "[2001:db8::7]:443")]);
        assert_eq!(p.client_ip(ip("10.0.0.1"), &h), ip("2001:db8::7"));
    }

    #[test]
    fn forwarded_is_read_only_when_chosen_and_its_for_parameter_only() {
        let h = headers(&[
            (
                "forwarded",
                "for=198.51.100.9;proto=https, For=\"[2001:db8::1]:8443\";by=10.0.0.1",
            ),
            ("x-forwarded-for", "203.0.113.7"),
        ]);
        let fwd = proxies(&["10.0.0.1"], ForwardedHeader::Forwarded);
        assert_eq!(fwd.client_ip(ip("10.0.0.1"), &h), ip("2001:db8::1"));
        let xff = proxies(&["10.0.0.1"], ForwardedHeader::XForwardedFor);
        assert_eq!(xff.client_ip(ip("10.0.0.1"), &h), ip("203.0.113.7"));
    }

    #[test]
    fn an_ipv4_peer_on_a_dual_stack_socket_matches_its_ipv4_network() {
        let p = proxies(&["127.0.0.1/32"], ForwardedHeader::XForwardedFor);
        let h = headers(&[("x-forwarded-for", "203.0.113.7")]);
        assert_eq!(p.client_ip(ip("::ffff:127.0.0.1"), &h), ip("203.0.113.7"));
    }

    #[test]
    fn bad_settings_are_refused_with_what_was_written() {
        assert!("10.0.0.0/33".parse::<ProxyNet>().is_err());
        let e = "proxy.local".parse::<ProxyNet>().unwrap_err().to_string();
        assert!(e.contains("proxy.local"), "{e}");
        assert_eq!(
            "10.1.2.3/8".parse::<ProxyNet>().unwrap(),
            "10.0.0.0/8".parse().unwrap()
        );
    }
}
