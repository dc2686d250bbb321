use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A signed-in session: one refresh-token family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: Uuid,
    pub user_id: Uuid,
    pub user_agent: Option<String>,
    pub address: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The last sign-in or refresh.
    pub last_used_at: DateTime<Utc>,
    /// The absolute cap: no refresh extends a session past it.
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The last time the user proved who they are in this session (sign-in
    /// or re-authentication; refreshing does not count).
    pub signed_in_at: DateTime<Utc>,
}

impl Session {
    /// Neither revoked nor past its cap at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}
