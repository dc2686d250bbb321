//! Replies to retried creates, sealed (they hold one-time links). A key is
//! claimed by the first statement of the create's own transaction, so of
//! two concurrent requests with one key exactly one does the work: the
//! other's claim waits for it (PostgreSQL's unique index, SQLite's single
//! writer) and then finds the key taken.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use super::entity::idempotency_keys::{self, Column};
use crate::error::Result;

/// Which create a key belongs to.
#[derive(Debug, Clone, Copy)]
pub struct KeyScope<'a> {
    pub user_id: Uuid,
    pub rpc: &'a str,
    pub key: &'a str,
}

/// A stored reply: the sealed bytes and the sealing key's id.
#[derive(Debug, Clone)]
pub struct StoredReply {
    pub key_id: String,
    pub sealed: Vec<u8>,
}

/// The reply stored under `scope` after `since`, if any.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    scope: KeyScope<'_>,
    since: DateTime<Utc>,
) -> Result<Option<StoredReply>> {
    let row = idempotency_keys::Entity::find_by_id((
        scope.user_id,
        scope.rpc.to_owned(),
        scope.key.to_owned(),
    ))
    .filter(Column::CreatedAt.gt(since))
    .filter(Column::KeyId.ne(""))
    .one(db)
    .await?;
    Ok(row.map(|row| StoredReply { key_id: row.key_id, sealed: row.response }))
}

/// Claims `scope` for this transaction; false when another request holds
/// it (a reply stored before `expired_before` no longer counts and is
/// replaced).
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    scope: KeyScope<'_>,
    now: DateTime<Utc>,
    expired_before: DateTime<Utc>,
) -> Result<bool> {
    idempotency_keys::Entity::delete_many()
        .filter(Column::UserId.eq(scope.user_id))
        .filter(Column::Rpc.eq(scope.rpc))
        .filter(Column::Key.eq(scope.key))
        .filter(Column::CreatedAt.lte(expired_before))
        .exec(db)
        .await?;
    let inserted = idempotency_keys::Entity::insert(idempotency_keys::ActiveModel {
        user_id: Set(scope.user_id),
        rpc: Set(scope.rpc.to_owned()),
        key: Set(scope.key.to_owned()),
        response: Set(Vec::new()),
        key_id: Set(String::new()),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([Column::UserId, Column::Rpc, Column::Key]).do_nothing().to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Stores the reply under the key this transaction claimed.
pub async fn complete<C: ConnectionTrait>(
    db: &C,
    scope: KeyScope<'_>,
    reply: StoredReply,
) -> Result<()> {
    idempotency_keys::Entity::update_many()
        .col_expr(Column::Response, Expr::value(reply.sealed))
        .col_expr(Column::KeyId, Expr::value(reply.key_id))
        .filter(Column::UserId.eq(scope.user_id))
        .filter(Column::Rpc.eq(scope.rpc))
        .filter(Column::Key.eq(scope.key))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes replies stored before `cutoff`.
pub async fn purge<C: ConnectionTrait>(db: &C, cutoff: DateTime<Utc>) -> Result<u64> {
    Ok(idempotency_keys::Entity::delete_many()
        .filter(Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}
