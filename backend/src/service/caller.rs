use uuid::Uuid;

use crate::{
    domain::{Role, Roles},
    error::{Error, Result},
};

/// The signed-in user a request acts for, from a verified access token that
/// the revocation list does not name.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: Uuid,
    /// The session (refresh-token family) the access token was issued in.
    pub session_id: Uuid,
    /// Roles when the token was issued (at most 15 minutes ago; a role
    /// change ends the user's sessions).
    pub roles: Roles,
}

impl Caller {
    /// PERMISSION_DENIED unless the caller holds `role`.
    pub(super) fn require(&self, role: Role) -> Result<()> {
        if self.roles.contains(role) { Ok(()) } else { Err(Error::PermissionDenied) }
    }
}
