//! The audit log: written in the same transaction as the change it records.

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::LikeExpr,
};
use uuid::Uuid;

use super::{entity::audit_log, users::escape_like};
use crate::{
    domain::{AuditEvent, AuditFilter, AuditRecord, Page},
    error::Result,
};

pub async fn record<C: ConnectionTrait>(db: &C, event: AuditEvent) -> Result<()> {
    let row = audit_log::Model {
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

/// One page of events, newest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &AuditFilter,
    page: &Page,
) -> Result<Vec<AuditRecord>> {
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
    let rows = audit_log::Entity::find()
        .filter(condition)
        .order_by_desc(C::OccurredAt)
        .order_by_desc(C::Id)
        .offset(page.offset)
        .limit(page.fetch_limit())
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| AuditRecord {
            id: row.id,
            occurred_at: row.occurred_at,
            action: row.action,
            actor_id: row.actor_id,
            subject_user_id: row.subject_user_id,
            resource: row.resource,
            client_address: row.client_address,
            user_agent: row.user_agent,
            summary: row.summary,
        })
        .collect())
}
