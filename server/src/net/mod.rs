//! What the network tells us about a request: the client's address behind trusted proxies.

pub mod client_addr;

pub use client_addr::{ClientAddr, ForwardedHeader, ProxyNet, TrustedProxies};
