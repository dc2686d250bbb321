//! The audit log: written in the same transaction as the change it records.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::LikeExpr,
};
use uuid::Uuid;

use super::{entity::audit_log, users::escape_like};
use crate::{domain::Page, error::Result};

pub use audit_log::Model as AuditRow;

/// One event to record.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    /// Dotted name, e.g. `auth.login.failed`.
    pub action: &'static str,
    pub actor_id: Option<Uuid>,
    pub subject_user_id: Option<Uuid>,
    /// `<kind>/<id>`, or empty.
    pub resource: String,
    pub client_address: Option<String>,
    pub user_agent: Option<String>,
    /// Plain words, never a secret.
    pub summary: String,
    pub at: DateTime<Utc>,
}

pub async fn record<C: ConnectionTrait>(db: &C, event: AuditEvent) -> Result<()> {
    let row = AuditRow {
        id: Uuid::new_v4(),
        occurred_at: event.at,
        action: event.action.to_owned(),
        actor_id: event.actor_id,
        subject_user_id: event.subject_user_id,
        resource: event.resource,
        client_address: event.client_address,
        user_agent: event.user_agent.map(|agent| agent.chars().take(512).collect()),
        summary: event.summary.chars().take(512).collect(),
    };
    audit_log::Entity::insert(audit_log::ActiveModel::from(row)).exec_without_returning(db).await?;
    Ok(())
}

/// Filters for reading the log.
#[derive(Debug, Default)]
pub struct AuditFilter {
    /// Events whose actor or subject is this user.
    pub user_id: Option<Uuid>,
    pub action_prefix: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// One page of events, newest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &AuditFilter,
    page: &Page,
) -> Result<Vec<AuditRow>> {
    use audit_log::Column as C;
    let mut condition = Condition::all();
    if let Some(user) = filter.user_id {
        condition =
            condition.add(Condition::any().add(C::ActorId.eq(user)).add(C::SubjectUserId.eq(user)));
    }
    if let Some(prefix) = filter.action_prefix.as_deref().filter(|p| !p.is_empty()) {
        let pattern = format!("{}%", escape_like(prefix));
        condition = condition.add(C::Action.like(LikeExpr::new(pattern).escape('\\')));
    }
    if let Some(from) = filter.from {
        condition = condition.add(C::OccurredAt.gte(from));
    }
    if let Some(until) = filter.until {
        condition = condition.add(C::OccurredAt.lt(until));
    }
    Ok(audit_log::Entity::find()
        .filter(condition)
        .order_by_desc(C::OccurredAt)
        .order_by_desc(C::Id)
        .offset(page.offset)
        .limit(page.fetch_limit())
        .all(db)
        .await?)
}
