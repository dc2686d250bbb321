//! Building audit events, and reading the log.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Caller, ClientInfo, Context, access::current_admin};
use crate::{
    domain::Page,
    error::{Error, Result},
    store::{
        audit::{self, AuditEvent, AuditFilter, AuditRow},
        users,
    },
};

/// Actions a user may read about their own account without being admin.
const SECURITY_ACTIONS: &str = "auth.";

/// An event with no client information.
pub fn event(
    action: &'static str,
    actor: Option<Uuid>,
    subject: Option<Uuid>,
    summary: impl Into<String>,
    at: DateTime<Utc>,
) -> AuditEvent {
    AuditEvent {
        action,
        actor_id: actor,
        subject_user_id: subject,
        resource: String::new(),
        client_address: None,
        user_agent: None,
        summary: summary.into(),
        at,
    }
}

/// Adds where the request came from.
pub fn from_client(mut event: AuditEvent, client: &ClientInfo) -> AuditEvent {
    event.client_address = client.address.map(|address| address.to_string());
    event.user_agent = client.user_agent.clone();
    event
}

/// An event as a reader sees it: the row plus the actor's current name.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub row: AuditRow,
    pub actor_display_name: Option<String>,
}

/// Reading the audit log.
#[derive(Clone)]
pub struct AuditService {
    context: super::Context,
}

impl AuditService {
    pub fn new(context: Context) -> Self {
        Self { context }
    }

    /// Admins read everything; anyone else only their own security events.
    pub async fn list(
        &self,
        caller: &Caller,
        mut filter: AuditFilter,
        page: &Page,
    ) -> Result<(Vec<AuditEntry>, String)> {
        if current_admin(&self.context, caller).await?.is_none() {
            if filter.user_id.is_some_and(|user| user != caller.user_id) {
                return Err(Error::PermissionDenied);
            }
            filter.user_id = Some(caller.user_id);
            let prefix = filter.action_prefix.take().unwrap_or_default();
            filter.action_prefix = Some(if prefix.starts_with(SECURITY_ACTIONS) {
                prefix
            } else if SECURITY_ACTIONS.starts_with(prefix.as_str()) {
                SECURITY_ACTIONS.to_owned()
            } else {
                // A prefix outside the security events matches nothing the
                // caller may see.
                return Ok((Vec::new(), String::new()));
            });
        }
        let rows = audit::list(self.context.db.reader(), &filter, page).await?;
        let (rows, next) = page.finish(rows);
        let actor_ids: Vec<Uuid> = rows.iter().filter_map(|row| row.actor_id).collect();
        let actors = users::find_many(self.context.db.reader(), &actor_ids).await?;
        let entries = rows
            .into_iter()
            .map(|row| {
                let actor_display_name = row
                    .actor_id
                    .and_then(|id| actors.iter().find(|user| user.id == id))
                    .map(|user| user.display_name.clone());
                AuditEntry { row, actor_display_name }
            })
            .collect();
        Ok((entries, next))
    }
}
