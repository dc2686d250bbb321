use std::net::IpAddr;

use uuid::Uuid;

use crate::{
    domain::{Role, Roles},
    error::{Error, Result},
};

/// The signed-in user a request acts for, from a verified access token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: Uuid,
    /// The session (refresh-token family) the access token was issued in.
    pub session_id: Uuid,
    pub roles: Roles,
}

impl Caller {
    /// PERMISSION_DENIED unless the caller holds `role`.
    pub fn require(&self, role: Role) -> Result<()> {
        if self.roles.contains(role) { Ok(()) } else { Err(Error::PermissionDenied) }
    }
}

/// Where a request came from, for sessions, throttling and the audit log.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// The socket peer, or the forwarded address when the peer is a trusted proxy.
    pub address: Option<IpAddr>,
    pub user_agent: Option<String>,
}
