//! Notifications: what happened that a user should know about.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// What a notification is about (the wire names of
/// `baton.user.v1.NotificationKind`, without the prefix, are stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotificationKind {
    ShareReceived,
    ShareImported,
    ShareFailed,
    ShareRevoked,
    ShareUpdated,
    GarminAttention,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 6] = [
        Self::ShareReceived,
        Self::ShareImported,
        Self::ShareFailed,
        Self::ShareRevoked,
        Self::ShareUpdated,
        Self::GarminAttention,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ShareReceived => "SHARE_RECEIVED",
            Self::ShareImported => "SHARE_IMPORTED",
            Self::ShareFailed => "SHARE_FAILED",
            Self::ShareRevoked => "SHARE_REVOKED",
            Self::ShareUpdated => "SHARE_UPDATED",
            Self::GarminAttention => "GARMIN_ATTENTION",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// A notification to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub user_id: Uuid,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub share_id: Option<Uuid>,
    /// The other person it concerns, if any.
    pub other_user_id: Option<Uuid>,
}

/// A stored notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub share_id: Option<Uuid>,
    pub other_user_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_name() {
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::from_name(kind.as_str()), Some(kind));
        }
        assert_eq!(NotificationKind::from_name("SECURITY"), None);
    }
}
