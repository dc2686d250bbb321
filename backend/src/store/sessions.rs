//! Queries on sessions (refresh-token families) and their refresh tokens.
//! Tokens are looked up by SHA-256 digest; the plain token is never stored.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, Query},
};
use uuid::Uuid;

use super::entity::{refresh_tokens, sessions, users};
use crate::{
    domain::{Page, Session},
    error::Result,
};

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
    Rotated(Session),
    /// The token had been used before: a replay (or a stolen copy).
    Reused(Session),
    /// No such token.
    Unknown,
}

impl From<sessions::Model> for Session {
    fn from(row: sessions::Model) -> Self {
        Session {
            id: row.id,
            user_id: row.user_id,
            user_agent: row.user_agent,
            address: row.address,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            expires_at: row.expires_at,
            revoked_at: row.revoked_at,
            signed_in_at: row.signed_in_at.unwrap_or(row.created_at),
        }
    }
}

/// Inserts a session and its first refresh token, and notes the user's
/// activity.
pub async fn create<C: ConnectionTrait>(db: &C, new: NewSession) -> Result<Session> {
    let row = sessions::Model {
        id: Uuid::new_v4(),
        user_id: new.user_id,
        user_agent: new.user_agent,
        address: new.address,
        created_at: new.now,
        last_used_at: new.now,
        expires_at: new.expires_at,
        revoked_at: None,
        revoked_reason: None,
        signed_in_at: Some(new.now),
    };
    sessions::Entity::insert(sessions::ActiveModel::from(row.clone()))
        .exec_without_returning(db)
        .await?;
    insert_token(db, row.id, None, new.token_hash, new.now).await?;
    touch_user(db, new.user_id, new.now).await?;
    Ok(row.into())
}

/// Records that the user was active at `now` (sign-in or refresh), on the
/// user row, so reading a user needs no look at their sessions.
async fn touch_user<C: ConnectionTrait>(db: &C, user_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    users::Entity::update_many()
        .col_expr(users::Column::LastSeenAt, Expr::value(now))
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The user proved who they are again in this session.
pub async fn mark_signed_in<C: ConnectionTrait>(
    db: &C,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::SignedInAt, Expr::value(now))
        .filter(sessions::Column::Id.eq(session_id))
        .exec(db)
        .await?;
    Ok(())
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
        return Ok(Rotation::Reused(session.into()));
    }
    insert_token(db, session.id, Some(token.id), child_hash, now).await?;
    sessions::Entity::update_many()
        .col_expr(sessions::Column::LastUsedAt, Expr::value(now))
        .filter(sessions::Column::Id.eq(session.id))
        .exec(db)
        .await?;
    touch_user(db, session.user_id, now).await?;
    Ok(Rotation::Rotated(session.into()))
}

/// The session a refresh token belongs to, whether or not the token is used.
pub async fn find_by_token<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
) -> Result<Option<Session>> {
    let Some(token) = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(sessions::Entity::find_by_id(token.session_id).one(db).await?.map(Session::from))
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

pub async fn find<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<Session>> {
    Ok(sessions::Entity::find_by_id(id).one(db).await?.map(Session::from))
}

/// A user's sessions that are neither revoked nor past their cap, most
/// recently used first.
pub async fn list_live<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    now: DateTime<Utc>,
    page: &Page,
) -> Result<Vec<Session>> {
    use sea_orm::{QueryOrder, QuerySelect};
    let rows = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user_id))
        .filter(sessions::Column::RevokedAt.is_null())
        .filter(sessions::Column::ExpiresAt.gt(now))
        .order_by_desc(sessions::Column::LastUsedAt)
        .order_by_desc(sessions::Column::Id)
        .offset(page.offset)
        .limit(page.fetch_limit())
        .all(db)
        .await?;
    Ok(rows.into_iter().map(Session::from).collect())
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

/// Ends every session of a deleted user: revoked (so replicas stop their
/// access tokens) and scrubbed of where they came from; their refresh
/// tokens are deleted.
pub async fn scrub_for_user<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    revoke_all_for_user(db, user_id, "account_deleted", now).await?;
    sessions::Entity::update_many()
        .col_expr(sessions::Column::UserAgent, Expr::value(Option::<String>::None))
        .col_expr(sessions::Column::Address, Expr::value(Option::<String>::None))
        .filter(sessions::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    let family = Query::select()
        .column(sessions::Column::Id)
        .from(sessions::Entity)
        .and_where(sessions::Column::UserId.eq(user_id))
        .to_owned();
    refresh_tokens::Entity::delete_many()
        .filter(refresh_tokens::Column::SessionId.in_subquery(family))
        .exec(db)
        .await?;
    Ok(())
}

/// Sessions revoked at or after `since`: (id, when), for the revocation
/// list every replica keeps.
pub async fn revoked_since<C: ConnectionTrait>(
    db: &C,
    since: DateTime<Utc>,
) -> Result<Vec<(Uuid, DateTime<Utc>)>> {
    use sea_orm::QuerySelect;
    let rows: Vec<(Uuid, Option<DateTime<Utc>>)> = sessions::Entity::find()
        .select_only()
        .column(sessions::Column::Id)
        .column(sessions::Column::RevokedAt)
        .filter(sessions::Column::RevokedAt.gte(since))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(id, at)| Some((id, at?))).collect())
}

/// Deletes the refresh tokens of sessions that can no longer be refreshed
/// (revoked or past their cap before `cutoff`): replaying one then finds
/// nothing, which is refused just the same. Then deletes such sessions
/// that ended before `forget_before`.
pub async fn purge<C: ConnectionTrait>(
    db: &C,
    cutoff: DateTime<Utc>,
    forget_before: DateTime<Utc>,
) -> Result<u64> {
    let ended = |at: DateTime<Utc>| {
        Condition::any()
            .add(sessions::Column::RevokedAt.lt(at))
            .add(sessions::Column::ExpiresAt.lt(at))
    };
    let dead = Query::select()
        .column(sessions::Column::Id)
        .from(sessions::Entity)
        .cond_where(ended(cutoff))
        .to_owned();
    let tokens = refresh_tokens::Entity::delete_many()
        .filter(refresh_tokens::Column::SessionId.in_subquery(dead))
        .exec(db)
        .await?
        .rows_affected;
    let sessions =
        sessions::Entity::delete_many().filter(ended(forget_before)).exec(db).await?.rows_affected;
    Ok(tokens + sessions)
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
