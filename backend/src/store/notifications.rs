//! Users' notifications.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use super::entity::notifications::{self, Column};
use crate::{
    domain::{NewNotification, Notification, NotificationKind, Page},
    error::{Error, Result},
};

/// Stores `new`; returns the stored notifications (their ids for the
/// live feed).
pub async fn insert_many<C: ConnectionTrait>(
    db: &C,
    new: &[NewNotification],
    now: DateTime<Utc>,
) -> Result<Vec<Notification>> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let made: Vec<Notification> = new
        .iter()
        .map(|new| Notification {
            id: Uuid::new_v4(),
            user_id: new.user_id,
            kind: new.kind,
            title: new.title.clone(),
            body: new.body.clone(),
            share_id: new.share_id,
            other_user_id: new.other_user_id,
            created_at: now,
            read_at: None,
        })
        .collect();
    notifications::Entity::insert_many(made.iter().map(|made| notifications::ActiveModel {
        id: Set(made.id),
        user_id: Set(made.user_id),
        kind: Set(made.kind.as_str().to_owned()),
        title: Set(made.title.clone()),
        body: Set(made.body.clone()),
        share_id: Set(made.share_id),
        other_user_id: Set(made.other_user_id),
        created_at: Set(made.created_at),
        read_at: Set(None),
    }))
    .exec_without_returning(db)
    .await?;
    Ok(made)
}

/// `user_id`'s notifications, newest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    unread_only: bool,
    page: &Page,
) -> Result<Vec<Notification>> {
    let mut condition = Condition::all().add(Column::UserId.eq(user_id));
    if unread_only {
        condition = condition.add(Column::ReadAt.is_null());
    }
    let rows = notifications::Entity::find()
        .filter(condition)
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .offset(page.offset)
        .limit(page.fetch_limit())
        .all(db)
        .await?;
    rows.into_iter().map(notification).collect()
}

/// One notification of `user_id`'s.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<Notification>> {
    notifications::Entity::find_by_id(id)
        .filter(Column::UserId.eq(user_id))
        .one(db)
        .await?
        .map(notification)
        .transpose()
}

pub async fn unread_count<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<u64> {
    Ok(notifications::Entity::find()
        .filter(Column::UserId.eq(user_id))
        .filter(Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// Marks `user_id`'s notifications among `ids`, and those made at or
/// before `up_to`, read; others' ids are ignored.
pub async fn mark_read<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    ids: &[Uuid],
    up_to: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<()> {
    if ids.is_empty() && up_to.is_none() {
        return Ok(());
    }
    let mut which = Condition::any();
    if !ids.is_empty() {
        which = which.add(Column::Id.is_in(ids.iter().copied()));
    }
    if let Some(up_to) = up_to {
        which = which.add(Column::CreatedAt.lte(up_to));
    }
    notifications::Entity::update_many()
        .col_expr(Column::ReadAt, Expr::value(now))
        .filter(Column::UserId.eq(user_id))
        .filter(Column::ReadAt.is_null())
        .filter(which)
        .exec(db)
        .await?;
    Ok(())
}

fn notification(row: notifications::Model) -> Result<Notification> {
    let kind = NotificationKind::from_name(&row.kind)
        .ok_or_else(|| Error::Internal(format!("notification {} has an unknown kind", row.id)))?;
    Ok(Notification {
        id: row.id,
        user_id: row.user_id,
        kind,
        title: row.title,
        body: row.body,
        share_id: row.share_id,
        other_user_id: row.other_user_id,
        created_at: row.created_at,
        read_at: row.read_at,
    })
}
