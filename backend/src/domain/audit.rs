//! Audit events: what happened, who did it, to whom, from where.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::ClientInfo;

/// One event to record, built with named steps:
/// `AuditEvent::new("auth.logout", now).actor(id).subject(id).summary("signed out")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// Dotted name, e.g. `auth.login.failed`.
    pub action: &'static str,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub subject_user_id: Option<Uuid>,
    /// `<kind>/<id>`, or empty.
    pub resource: String,
    pub client_address: Option<String>,
    pub user_agent: Option<String>,
    /// Plain words, never a secret.
    pub summary: String,
}

impl AuditEvent {
    pub fn new(action: &'static str, at: DateTime<Utc>) -> Self {
        Self {
            action,
            at,
            actor_id: None,
            subject_user_id: None,
            resource: String::new(),
            client_address: None,
            user_agent: None,
            summary: String::new(),
        }
    }

    /// Who did it.
    pub fn actor(mut self, user_id: Uuid) -> Self {
        self.actor_id = Some(user_id);
        self
    }

    /// Whose account it concerns.
    pub fn subject(mut self, user_id: Uuid) -> Self {
        self.subject_user_id = Some(user_id);
        self
    }

    /// The user as both actor and subject: someone acting on their own account.
    pub fn by_self(self, user_id: Uuid) -> Self {
        self.actor(user_id).subject(user_id)
    }

    /// The thing acted on, e.g. `resource("session", id)`.
    pub fn resource(mut self, kind: &str, id: impl std::fmt::Display) -> Self {
        self.resource = format!("{kind}/{id}");
        self
    }

    pub fn summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = summary.into();
        self
    }

    /// Where the request came from.
    pub fn client(mut self, client: &ClientInfo) -> Self {
        self.client_address = client.address.map(|address| address.to_string());
        self.user_agent = client.user_agent.clone();
        self
    }
}

/// A recorded event, as readers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub action: String,
    pub actor_id: Option<Uuid>,
    pub subject_user_id: Option<Uuid>,
    pub resource: String,
    pub client_address: Option<String>,
    pub user_agent: Option<String>,
    pub summary: String,
}

/// Which events to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Events whose actor or subject is this user.
    pub user_id: Option<Uuid>,
    pub action_prefix: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}
