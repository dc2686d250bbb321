//! Stored replies for retried creates.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::OnConflict,
};
use uuid::Uuid;

use super::entity::idempotency_keys;
use crate::error::Result;

/// The stored reply for (user, rpc, key), if it is younger than `since`.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    rpc: &str,
    key: &str,
    since: DateTime<Utc>,
) -> Result<Option<Vec<u8>>> {
    Ok(idempotency_keys::Entity::find_by_id((user_id, rpc.to_owned(), key.to_owned()))
        .filter(idempotency_keys::Column::CreatedAt.gt(since))
        .one(db)
        .await?
        .map(|row| row.response))
}

/// Stores a reply; an older (expired) reply under the same key is replaced.
pub async fn save<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    rpc: &str,
    key: &str,
    response: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<()> {
    idempotency_keys::Entity::insert(idempotency_keys::ActiveModel {
        user_id: Set(user_id),
        rpc: Set(rpc.to_owned()),
        key: Set(key.to_owned()),
        response: Set(response),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([
            idempotency_keys::Column::UserId,
            idempotency_keys::Column::Rpc,
            idempotency_keys::Column::Key,
        ])
        .update_columns([idempotency_keys::Column::Response, idempotency_keys::Column::CreatedAt])
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}
