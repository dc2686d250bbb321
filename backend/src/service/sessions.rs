//! A user's own sessions: listing and revoking them, and how recently the
//! current one proved who its user is.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::{AuthService, Caller, paging};
use crate::{
    domain::{AuditEvent, PageRequest, PageScope, Session},
    error::{Error, Reason, Result},
    store::{audit, sessions},
};

/// How long a sign-in counts as recent for credential changes.
pub const RECENT_SIGN_IN: Duration = Duration::minutes(10);

/// A session as its owner sees it.
#[derive(Debug, Clone)]
pub struct SessionView {
    pub session: Session,
    pub current: bool,
}

impl AuthService {
    /// The caller's live sessions, most recently used first.
    pub async fn list_sessions(
        &self,
        caller: &Caller,
        request: &PageRequest,
    ) -> Result<(Vec<SessionView>, String)> {
        let scope = PageScope::new("ListSessions", caller.user_id);
        let cursor = paging::open(&self.context.pages, request, &scope)?;
        let now = self.context.clock.now();
        let db = self.context.db.reader();
        let rows = sessions::list_live(db, caller.user_id, now, &cursor.page).await?;
        let (rows, next) = cursor.finish(rows);
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
            let revoked = AuditEvent::new("auth.session_revoked", now)
                .by_self(caller.user_id)
                .resource("session", session.id)
                .summary("session signed out");
            audit::record(&txn, revoked).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// FAILED_PRECONDITION (RECENT_SIGN_IN_REQUIRED) unless the caller's
    /// session proved who its user is within [`RECENT_SIGN_IN`].
    pub(super) async fn require_recent_sign_in(&self, caller: &Caller) -> Result<()> {
        let session = sessions::find(self.context.db.reader(), caller.session_id)
            .await?
            .filter(|session| session.user_id == caller.user_id)
            .ok_or(Error::Unauthenticated)?;
        if is_recent(session.signed_in_at, self.context.clock.now()) {
            Ok(())
        } else {
            Err(Error::refused(Reason::RecentSignInRequired))
        }
    }
}

fn is_recent(signed_in_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - signed_in_at <= RECENT_SIGN_IN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_in_is_recent_for_ten_minutes() {
        let now = Utc::now();
        assert!(is_recent(now - Duration::minutes(10), now));
        assert!(!is_recent(now - Duration::minutes(10) - Duration::seconds(1), now));
    }
}
