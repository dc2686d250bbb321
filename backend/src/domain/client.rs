use std::net::IpAddr;

/// Where a request came from, for sessions, throttling and the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    /// The socket peer, or the forwarded address when the peer is a trusted
    /// proxy; IPv4-mapped IPv6 addresses are given as IPv4.
    pub address: Option<IpAddr>,
    pub user_agent: Option<String>,
}
