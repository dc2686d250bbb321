//! Queries on one-time tokens (invites and password resets). Only digests
//! are stored; consuming is one conditional update, so a token works once
//! however many requests race with it.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use uuid::Uuid;

use super::entity::one_time_tokens;
use crate::{domain::Page, error::Result};

pub use one_time_tokens::Model as OneTimeToken;

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invite,
    PasswordReset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Invite => "invite",
            Purpose::PasswordReset => "password_reset",
        }
    }
}

/// A token about to be stored.
#[derive(Debug)]
pub struct NewToken {
    pub purpose: Purpose,
    pub token_hash: String,
    pub email: Option<String>,
    pub roles: String,
    pub user_id: Option<Uuid>,
    pub coach_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert<C: ConnectionTrait>(db: &C, new: NewToken) -> Result<OneTimeToken> {
    let token = OneTimeToken {
        id: Uuid::new_v4(),
        purpose: new.purpose.as_str().to_owned(),
        token_hash: new.token_hash,
        email: new.email,
        roles: new.roles,
        user_id: new.user_id,
        coach_id: new.coach_id,
        created_by: new.created_by,
        created_at: new.now,
        expires_at: new.expires_at,
        used_at: None,
        used_by: None,
        revoked_at: None,
    };
    one_time_tokens::Entity::insert(one_time_tokens::ActiveModel::from(token.clone()))
        .exec_without_returning(db)
        .await?;
    Ok(token)
}

/// A token of this purpose by digest, whatever its state.
pub async fn find_by_hash<C: ConnectionTrait>(
    db: &C,
    purpose: Purpose,
    token_hash: &str,
) -> Result<Option<OneTimeToken>> {
    Ok(one_time_tokens::Entity::find()
        .filter(one_time_tokens::Column::TokenHash.eq(token_hash))
        .filter(one_time_tokens::Column::Purpose.eq(purpose.as_str()))
        .one(db)
        .await?)
}

pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<OneTimeToken>> {
    Ok(one_time_tokens::Entity::find_by_id(id).one(db).await?)
}

/// Marks a usable token used; false when it was used, revoked or expired
/// meanwhile (or by a concurrent request).
pub async fn consume<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    used_by: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    let claimed = one_time_tokens::Entity::update_many()
        .col_expr(one_time_tokens::Column::UsedAt, Expr::value(now))
        .col_expr(one_time_tokens::Column::UsedBy, Expr::value(used_by))
        .filter(one_time_tokens::Column::Id.eq(id))
        .filter(one_time_tokens::Column::UsedAt.is_null())
        .filter(one_time_tokens::Column::RevokedAt.is_null())
        .filter(one_time_tokens::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?
        .rows_affected;
    Ok(claimed == 1)
}

/// Revokes one token unless it was used.
pub async fn revoke<C: ConnectionTrait>(db: &C, id: Uuid, now: DateTime<Utc>) -> Result<()> {
    one_time_tokens::Entity::update_many()
        .col_expr(one_time_tokens::Column::RevokedAt, Expr::value(now))
        .filter(one_time_tokens::Column::Id.eq(id))
        .filter(one_time_tokens::Column::UsedAt.is_null())
        .filter(one_time_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes the unused tokens that a new one replaces: the same coach's
/// pending invites to the same email, or a user's earlier reset links.
pub async fn revoke_pending<C: ConnectionTrait>(
    db: &C,
    purpose: Purpose,
    scope: PendingScope<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut update = one_time_tokens::Entity::update_many()
        .col_expr(one_time_tokens::Column::RevokedAt, Expr::value(now))
        .filter(one_time_tokens::Column::Purpose.eq(purpose.as_str()))
        .filter(one_time_tokens::Column::UsedAt.is_null())
        .filter(one_time_tokens::Column::RevokedAt.is_null());
    update = match scope {
        PendingScope::User(user_id) => update.filter(one_time_tokens::Column::UserId.eq(user_id)),
        PendingScope::Invite { created_by, email } => update
            .filter(one_time_tokens::Column::CreatedBy.eq(created_by))
            .filter(one_time_tokens::Column::Email.eq(email)),
    };
    update.exec(db).await?;
    Ok(())
}

/// Which pending tokens [`revoke_pending`] replaces.
#[derive(Debug, Clone, Copy)]
pub enum PendingScope<'a> {
    User(Uuid),
    Invite { created_by: Uuid, email: &'a str },
}

/// Invite states for listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteState {
    Pending,
    Accepted,
    Revoked,
    Expired,
}

impl InviteState {
    /// The state of an invite at `now`.
    pub fn of(token: &OneTimeToken, now: DateTime<Utc>) -> Self {
        if token.used_at.is_some() {
            InviteState::Accepted
        } else if token.revoked_at.is_some() {
            InviteState::Revoked
        } else if token.expires_at <= now {
            InviteState::Expired
        } else {
            InviteState::Pending
        }
    }
}

/// Invites, newest first, optionally of one inviter and in one state.
pub async fn list_invites<C: ConnectionTrait>(
    db: &C,
    created_by: Option<Uuid>,
    state: Option<InviteState>,
    now: DateTime<Utc>,
    page: &Page,
) -> Result<Vec<OneTimeToken>> {
    use one_time_tokens::Column as C;
    let mut condition = Condition::all().add(C::Purpose.eq(Purpose::Invite.as_str()));
    if let Some(inviter) = created_by {
        condition = condition.add(C::CreatedBy.eq(inviter));
    }
    condition = match state {
        None => condition,
        Some(InviteState::Accepted) => condition.add(C::UsedAt.is_not_null()),
        Some(InviteState::Revoked) => {
            condition.add(C::UsedAt.is_null()).add(C::RevokedAt.is_not_null())
        }
        Some(InviteState::Expired) => condition
            .add(C::UsedAt.is_null())
            .add(C::RevokedAt.is_null())
            .add(C::ExpiresAt.lte(now)),
        Some(InviteState::Pending) => {
            condition.add(C::UsedAt.is_null()).add(C::RevokedAt.is_null()).add(C::ExpiresAt.gt(now))
        }
    };
    Ok(one_time_tokens::Entity::find()
        .filter(condition)
        .order_by_desc(C::CreatedAt)
        .order_by_desc(C::Id)
        .offset(page.offset)
        .limit(page.fetch_limit())
        .all(db)
        .await?)
}

/// How many invites are pending now.
pub async fn count_pending_invites<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<u64> {
    use one_time_tokens::Column as C;
    use sea_orm::PaginatorTrait;
    Ok(one_time_tokens::Entity::find()
        .filter(C::Purpose.eq(Purpose::Invite.as_str()))
        .filter(C::UsedAt.is_null())
        .filter(C::RevokedAt.is_null())
        .filter(C::ExpiresAt.gt(now))
        .count(db)
        .await?)
}

/// Deletes the tokens that concern a user (account deletion).
pub async fn remove_for_user<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<()> {
    one_time_tokens::Entity::delete_many()
        .filter(one_time_tokens::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
