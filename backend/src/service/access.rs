//! Role checks that need the database: admin rights are re-read on every
//! admin call, so a revoked admin loses them at once rather than when their
//! access token expires.

use super::{Caller, Context};
use crate::{
    domain::{Role, User},
    error::{Error, Result},
    store::users,
};

/// Proof that the caller is, right now, an active admin.
#[derive(Debug, Clone)]
pub struct Admin {
    pub caller: Caller,
    pub user: User,
}

impl Admin {
    pub fn id(&self) -> uuid::Uuid {
        self.user.id
    }
}

/// PERMISSION_DENIED unless the caller's current database roles include admin.
pub async fn require_admin(context: &Context, caller: &Caller) -> Result<Admin> {
    if !caller.roles.contains(Role::Admin) {
        return Err(Error::PermissionDenied);
    }
    let user = users::find_by_id(context.db.reader(), caller.user_id)
        .await?
        .ok_or(Error::Unauthenticated)?
        .user;
    if !user.active || !user.roles.contains(Role::Admin) {
        return Err(Error::PermissionDenied);
    }
    Ok(Admin { caller: caller.clone(), user })
}

/// The admin proof when the caller is an admin right now, else None: for
/// RPCs that everyone may call but admins see more of. A token that still
/// says admin after a demotion gets the ordinary view, not an error.
pub async fn current_admin(context: &Context, caller: &Caller) -> Result<Option<Admin>> {
    if !caller.roles.contains(Role::Admin) {
        return Ok(None);
    }
    match require_admin(context, caller).await {
        Ok(admin) => Ok(Some(admin)),
        Err(Error::PermissionDenied) => Ok(None),
        Err(other) => Err(other),
    }
}
