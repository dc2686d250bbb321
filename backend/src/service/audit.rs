//! Reading the audit log (events are written by the use cases, with
//! `domain::AuditEvent`, in the transaction of the change they record).

use uuid::Uuid;

use super::{Caller, Context, access::current_admin, paging};
use crate::{
    domain::{AuditFilter, AuditRecord, PageRequest, PageScope},
    error::{Error, Result},
    store::{audit, users},
};

/// Actions a user may read about their own account without being admin.
const SECURITY_ACTIONS: &str = "auth.";

/// An event as a reader sees it: the record plus the actor's current name.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub record: AuditRecord,
    pub actor_display_name: Option<String>,
}

/// Reading the audit log.
#[derive(Clone)]
pub struct AuditService {
    context: Context,
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
        request: &PageRequest,
    ) -> Result<(Vec<AuditEntry>, String)> {
        let scope = PageScope::new("ListAuditEvents", caller.user_id)
            .field("user_id", &filter.user_id.map(|id| id.to_string()).unwrap_or_default())
            .field("action_prefix", filter.action_prefix.as_deref().unwrap_or_default())
            .field("from", &filter.from.map(|at| at.to_rfc3339()).unwrap_or_default())
            .field("until", &filter.until.map(|at| at.to_rfc3339()).unwrap_or_default());
        let cursor = paging::open(&self.context.pages, request, &scope)?;
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
        let records = audit::list(self.context.db.reader(), &filter, &cursor.page).await?;
        let (records, next) = cursor.finish(records);
        let actor_ids: Vec<Uuid> = records.iter().filter_map(|record| record.actor_id).collect();
        let actors = users::find_many(self.context.db.reader(), &actor_ids).await?;
        let entries = records
            .into_iter()
            .map(|record| {
                let actor_display_name = record
                    .actor_id
                    .and_then(|id| actors.iter().find(|user| user.id == id))
                    .map(|user| user.display_name.clone());
                AuditEntry { record, actor_display_name }
            })
            .collect();
        Ok((entries, next))
    }
}
