//! Who may use which use cases, decided here and nowhere else. A handler
//! asks for a proof first (so a caller without the role is refused before
//! their input is looked at, SECURITY.md's order of checks) and hands it to
//! the use case, which cannot be called without one. Admin rights are
//! re-read from the database on every admin call, so a revoked admin loses
//! them at once rather than when their access token expires.

use super::{Caller, Context};
use crate::{
    domain::{Role, User},
    error::{Error, Result},
    store::users,
};

/// Proof that the caller is, right now, an active admin.
#[derive(Debug, Clone)]
pub struct Admin {
    pub(super) caller: Caller,
    pub(super) user: User,
}

impl Admin {
    pub fn id(&self) -> uuid::Uuid {
        self.user.id
    }
}

/// Proof that the caller signed in as a coach.
#[derive(Debug, Clone)]
pub struct Coach {
    pub(super) caller: Caller,
}

impl Coach {
    pub fn id(&self) -> uuid::Uuid {
        self.caller.user_id
    }
}

/// Proof that the caller signed in as an athlete.
#[derive(Debug, Clone)]
pub struct Athlete {
    pub(super) caller: Caller,
}

impl Athlete {
    pub fn id(&self) -> uuid::Uuid {
        self.caller.user_id
    }
}

/// Who manages invites: a coach their own, an admin everyone's.
#[derive(Debug, Clone)]
pub enum InviteManager {
    Coach(Coach),
    Admin(Admin),
}

impl InviteManager {
    pub(super) fn caller(&self) -> &Caller {
        match self {
            InviteManager::Coach(coach) => &coach.caller,
            InviteManager::Admin(admin) => &admin.caller,
        }
    }
}

/// PERMISSION_DENIED unless the caller's current database roles include admin.
pub(super) async fn require_admin(context: &Context, caller: &Caller) -> Result<Admin> {
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

/// PERMISSION_DENIED unless the caller signed in as a coach.
pub(super) fn require_coach(caller: &Caller) -> Result<Coach> {
    caller.require(Role::Coach)?;
    Ok(Coach { caller: caller.clone() })
}

/// PERMISSION_DENIED unless the caller signed in as an athlete.
pub(super) fn require_athlete(caller: &Caller) -> Result<Athlete> {
    caller.require(Role::Athlete)?;
    Ok(Athlete { caller: caller.clone() })
}

/// An admin (checked in the database) or else a coach.
pub(super) async fn require_invite_manager(
    context: &Context,
    caller: &Caller,
) -> Result<InviteManager> {
    if let Some(admin) = current_admin(context, caller).await? {
        return Ok(InviteManager::Admin(admin));
    }
    require_coach(caller).map(InviteManager::Coach)
}

/// The admin proof when the caller is an admin right now, else None: for
/// RPCs that everyone may call but admins see more of. A token that still
/// says admin after a demotion gets the ordinary view, not an error.
pub(super) async fn current_admin(context: &Context, caller: &Caller) -> Result<Option<Admin>> {
    if !caller.roles.contains(Role::Admin) {
        return Ok(None);
    }
    match require_admin(context, caller).await {
        Ok(admin) => Ok(Some(admin)),
        Err(Error::PermissionDenied) => Ok(None),
        Err(other) => Err(other),
    }
}
