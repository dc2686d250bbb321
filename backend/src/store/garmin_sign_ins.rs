//! Password sign-ins waiting for their MFA code: the Garmin session sealed,
//! usable until it expires or succeeds (a wrong code leaves it usable).

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr,
};
use uuid::Uuid;

use super::entity::garmin_sign_ins::{self, Column};
use crate::error::Result;

/// A pending sign-in with its sealed state.
#[derive(Debug, Clone)]
pub struct PendingRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub key_id: String,
    pub sealed_state: Vec<u8>,
    pub mfa_method: String,
    pub expires_at: DateTime<Utc>,
}

/// What to store for a new pending sign-in.
#[derive(Debug)]
pub struct NewPending<'a> {
    pub id: Uuid,
    pub user_id: Uuid,
    pub key_id: &'a str,
    pub sealed_state: Vec<u8>,
    pub mfa_method: &'a str,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Stores a pending sign-in; the user's earlier unfinished ones are dropped.
pub async fn insert<C: ConnectionTrait>(db: &C, new: NewPending<'_>) -> Result<()> {
    garmin_sign_ins::Entity::delete_many()
        .filter(Column::UserId.eq(new.user_id))
        .filter(Column::UsedAt.is_null())
        .exec(db)
        .await?;
    garmin_sign_ins::Entity::insert(garmin_sign_ins::ActiveModel {
        id: Set(new.id),
        user_id: Set(new.user_id),
        sealed_state: Set(new.sealed_state),
        key_id: Set(new.key_id.to_owned()),
        mfa_method: Set(new.mfa_method.chars().take(32).collect()),
        created_at: Set(new.now),
        expires_at: Set(new.expires_at),
        used_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The user's pending sign-in `id`, if unused and unexpired at `now`.
pub async fn find_usable<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<PendingRow>> {
    let row = garmin_sign_ins::Entity::find_by_id(id)
        .filter(Column::UserId.eq(user_id))
        .filter(Column::UsedAt.is_null())
        .filter(Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    Ok(row.map(|row| PendingRow {
        id: row.id,
        user_id: row.user_id,
        key_id: row.key_id,
        sealed_state: row.sealed_state,
        mfa_method: row.mfa_method,
        expires_at: row.expires_at,
    }))
}

/// Keeps the session's latest cookies after a wrong code.
pub async fn update_state<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    key_id: &str,
    sealed_state: Vec<u8>,
) -> Result<()> {
    garmin_sign_ins::Entity::update_many()
        .col_expr(Column::SealedState, Expr::value(sealed_state))
        .col_expr(Column::KeyId, Expr::value(key_id))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Uses the sign-in up; false when another request did first.
pub async fn consume<C: ConnectionTrait>(db: &C, id: Uuid, now: DateTime<Utc>) -> Result<bool> {
    let used = garmin_sign_ins::Entity::update_many()
        .col_expr(Column::UsedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::UsedAt.is_null())
        .exec(db)
        .await?
        .rows_affected;
    Ok(used == 1)
}

/// Whether the user has a sign-in waiting for its code at `now`.
pub async fn has_pending<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    use sea_orm::PaginatorTrait;
    Ok(garmin_sign_ins::Entity::find()
        .filter(Column::UserId.eq(user_id))
        .filter(Column::UsedAt.is_null())
        .filter(Column::ExpiresAt.gt(now))
        .count(db)
        .await?
        > 0)
}

/// Deletes sign-ins that ended before `cutoff`, and a user's (deletion).
pub async fn purge<C: ConnectionTrait>(db: &C, cutoff: DateTime<Utc>) -> Result<u64> {
    Ok(garmin_sign_ins::Entity::delete_many()
        .filter(Column::ExpiresAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}

pub async fn remove_for_user<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<()> {
    garmin_sign_ins::Entity::delete_many().filter(Column::UserId.eq(user_id)).exec(db).await?;
    Ok(())
}
