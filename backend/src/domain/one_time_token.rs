//! One-time tokens: invites (including an admin's account setup links) and
//! password reset links, as the use cases see them. Only a token's digest is
//! ever stored.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Roles;

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invite,
    PasswordReset,
}

impl Purpose {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Invite => "invite",
            Purpose::PasswordReset => "password_reset",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "invite" => Some(Purpose::Invite),
            "password_reset" => Some(Purpose::PasswordReset),
            _ => None,
        }
    }
}

/// A stored one-time token (without the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeToken {
    pub id: Uuid,
    pub purpose: Purpose,
    /// Normalised email the token is addressed to.
    pub email: Option<String>,
    /// Roles accepting an invite grants.
    pub roles: Roles,
    /// The account the token is for: a reset's user, or the account an
    /// admin prepared; None for a coach's invite to an email.
    pub user_id: Option<Uuid>,
    /// The coach an accepted invite links to.
    pub coach_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
    pub used_by: Option<Uuid>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Where an invite stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteState {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl InviteState {
    /// The state of a token at `now`.
    pub fn of(token: &OneTimeToken, now: DateTime<Utc>) -> Self {
        if token.used_at.is_some() {
            InviteState::Accepted
        } else if token.revoked_at.is_some() {
            InviteState::Revoked
        } else if token.expires_at <= now {
            InviteState::Expired
        } else {
            InviteState::Pending
        }
    }
}
