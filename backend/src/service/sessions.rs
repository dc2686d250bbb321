//! A user's own sessions: listing and revoking them.

use uuid::Uuid;

use super::{AuthService, Caller, audit::event};
use crate::{
    domain::Page,
    error::{Error, Result},
    store::{audit, entity::sessions::Model as SessionRow, sessions},
};

/// A session as its owner sees it.
#[derive(Debug, Clone)]
pub struct SessionView {
    pub session: SessionRow,
    pub current: bool,
}

impl AuthService {
    /// The caller's live sessions, most recently used first.
    pub async fn list_sessions(
        &self,
        caller: &Caller,
        page: &Page,
    ) -> Result<(Vec<SessionView>, String)> {
        let now = self.context.clock.now();
        let rows = sessions::list_live(self.context.db.reader(), caller.user_id, now, page).await?;
        let (rows, next) = page.finish(rows);
        let views = rows
            .into_iter()
            .map(|session| SessionView { current: session.id == caller.session_id, session })
            .collect();
        Ok((views, next))
    }

    /// Revokes one of the caller's own sessions; anyone else's is
    /// PERMISSION_DENIED whether or not it exists.
    pub async fn revoke_session(&self, caller: &Caller, session_id: Uuid) -> Result<()> {
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let session = sessions::find(&txn, session_id)
            .await?
            .filter(|session| session.user_id == caller.user_id)
            .ok_or(Error::PermissionDenied)?;
        if session.revoked_at.is_none() {
            sessions::revoke(&txn, session.id, "revoked_by_user", now).await?;
            let mut revoked = event(
                "auth.session_revoked",
                Some(caller.user_id),
                Some(caller.user_id),
                "session signed out",
                now,
            );
            revoked.resource = format!("session/{}", session.id);
            audit::record(&txn, revoked).await?;
        }
        txn.commit().await?;
        Ok(())
    }
}
