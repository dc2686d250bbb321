//! Queries on sessions (refresh-token families) and their refresh tokens.
//! Tokens are looked up by SHA-256 digest; the plain token is never stored.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr,
};
use uuid::Uuid;

use super::entity::{refresh_tokens, sessions};
use crate::error::Result;

/// A session about to be created, with its first refresh token.
#[derive(Debug)]
pub struct NewSession {
    pub user_id: Uuid,
    pub user_agent: Option<String>,
    pub address: Option<String>,
    pub token_hash: String,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// What presenting a refresh token found.
#[derive(Debug)]
pub enum Rotation {
    /// The token was unused: it is now used, and the child token exists.
    Rotated(sessions::Model),
    /// The token had been used before: a replay (or a stolen copy).
    Reused(sessions::Model),
    /// No such token.
    Unknown,
}

/// Inserts a session and its first refresh token.
pub async fn create<C: ConnectionTrait>(db: &C, new: NewSession) -> Result<sessions::Model> {
    let session = sessions::Model {
        id: Uuid::new_v4(),
        user_id: new.user_id,
        user_agent: new.user_agent,
        address: new.address,
        created_at: new.now,
        last_used_at: new.now,
        expires_at: new.expires_at,
        revoked_at: None,
        revoked_reason: None,
    };
    sessions::Entity::insert(sessions::ActiveModel::from(session.clone()))
        .exec_without_returning(db)
        .await?;
    insert_token(db, session.id, None, new.token_hash, new.now).await?;
    Ok(session)
}

/// Marks the presented token used and issues its child, atomically: the
/// conditional update lets exactly one of several concurrent presenters win.
/// Call inside a transaction; the update is its first statement, so SQLite
/// takes the write lock at once.
pub async fn rotate<C: ConnectionTrait>(
    db: &C,
    presented_hash: &str,
    child_hash: String,
    now: DateTime<Utc>,
) -> Result<Rotation> {
    let claimed = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Expr::value(now))
        .filter(refresh_tokens::Column::TokenHash.eq(presented_hash))
        .filter(refresh_tokens::Column::UsedAt.is_null())
        .exec(db)
        .await?
        .rows_affected;

    let Some(token) = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(presented_hash))
        .one(db)
        .await?
    else {
        return Ok(Rotation::Unknown);
    };
    let Some(session) = sessions::Entity::find_by_id(token.session_id).one(db).await? else {
        return Ok(Rotation::Unknown);
    };
    if claimed == 0 {
        return Ok(Rotation::Reused(session));
    }
    insert_token(db, session.id, Some(token.id), child_hash, now).await?;
    sessions::Entity::update_many()
        .col_expr(sessions::Column::LastUsedAt, Expr::value(now))
        .filter(sessions::Column::Id.eq(session.id))
        .exec(db)
        .await?;
    Ok(Rotation::Rotated(session))
}

/// The session a refresh token belongs to, whether or not the token is used.
pub async fn find_by_token<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
) -> Result<Option<sessions::Model>> {
    let Some(token) = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(sessions::Entity::find_by_id(token.session_id).one(db).await?)
}

/// Revokes a session (the whole refresh-token family). Revoking twice keeps
/// the first time and reason.
pub async fn revoke<C: ConnectionTrait>(
    db: &C,
    session_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(now))
        .col_expr(sessions::Column::RevokedReason, Expr::value(reason))
        .filter(sessions::Column::Id.eq(session_id))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

async fn insert_token<C: ConnectionTrait>(
    db: &C,
    session_id: Uuid,
    parent_id: Option<Uuid>,
    token_hash: String,
    now: DateTime<Utc>,
) -> Result<()> {
    refresh_tokens::Entity::insert(refresh_tokens::ActiveModel {
        id: Set(Uuid::new_v4()),
        session_id: Set(session_id),
        token_hash: Set(token_hash),
        parent_id: Set(parent_id),
        created_at: Set(now),
        used_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Revokes every live session of a user (password reset, deactivation).
pub async fn revoke_all_for_user<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    revoke_others(db, user_id, None, reason, now).await
}

pub async fn find<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<sessions::Model>> {
    Ok(sessions::Entity::find_by_id(id).one(db).await?)
}

/// A user's sessions that are neither revoked nor past their cap, most
/// recently used first.
pub async fn list_live<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    now: DateTime<Utc>,
    page: &crate::domain::Page,
) -> Result<Vec<sessions::Model>> {
    use sea_orm::{QueryOrder, QuerySelect};
    Ok(sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user_id))
        .filter(sessions::Column::RevokedAt.is_null())
        .filter(sessions::Column::ExpiresAt.gt(now))
        .order_by_desc(sessions::Column::LastUsedAt)
        .order_by_desc(sessions::Column::Id)
        .offset(page.offset)
        .limit(page.fetch_limit())
        .all(db)
        .await?)
}

/// Revokes a user's live sessions except `keep`; returns how many.
pub async fn revoke_others<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    keep: Option<Uuid>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let mut update = sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(now))
        .col_expr(sessions::Column::RevokedReason, Expr::value(reason))
        .filter(sessions::Column::UserId.eq(user_id))
        .filter(sessions::Column::RevokedAt.is_null());
    if let Some(keep) = keep {
        update = update.filter(sessions::Column::Id.ne(keep));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// Deletes every session of a user (account deletion).
pub async fn remove_for_user<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<()> {
    sessions::Entity::delete_many().filter(sessions::Column::UserId.eq(user_id)).exec(db).await?;
    Ok(())
}

/// How many sessions are neither revoked nor past their cap.
pub async fn count_live<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(sessions::Entity::find()
        .filter(sessions::Column::RevokedAt.is_null())
        .filter(sessions::Column::ExpiresAt.gt(now))
        .count(db)
        .await?)
}

/// When each user last signed in or refreshed, over all their sessions;
/// users who never did are absent.
pub async fn last_activity<C: ConnectionTrait>(
    db: &C,
    user_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, DateTime<Utc>>> {
    use sea_orm::{QuerySelect, sea_query::Func};
    let rows: Vec<(Uuid, Option<DateTime<Utc>>)> = sessions::Entity::find()
        .select_only()
        .column(sessions::Column::UserId)
        .expr(Func::max(Expr::col(sessions::Column::LastUsedAt)))
        .filter(sessions::Column::UserId.is_in(user_ids.iter().copied()))
        .group_by(sessions::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(user, last)| Some((user, last?))).collect())
}
