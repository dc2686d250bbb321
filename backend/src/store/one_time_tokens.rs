//! Queries on one-time tokens (invites and password resets). Only digests
//! are stored; consuming is one conditional update, so a token works once
//! however many requests race with it. An invite's roles live in
//! `one_time_token_roles`, as users' roles live in `user_roles`.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use super::entity::{one_time_token_roles, one_time_tokens};
use crate::{
    domain::{InviteState, OneTimeToken, Page, Purpose, Roles},
    error::{Error, Result},
};

/// A token about to be stored.
#[derive(Debug)]
pub struct NewToken {
    pub purpose: Purpose,
    pub token_hash: String,
    pub email: Option<String>,
    pub roles: Roles,
    pub user_id: Option<Uuid>,
    pub coach_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert<C: ConnectionTrait>(db: &C, new: NewToken) -> Result<OneTimeToken> {
    let id = Uuid::new_v4();
    one_time_tokens::Entity::insert(one_time_tokens::ActiveModel {
        id: Set(id),
        purpose: Set(new.purpose.as_str().to_owned()),
        token_hash: Set(new.token_hash),
        email: Set(new.email.clone()),
        user_id: Set(new.user_id),
        coach_id: Set(new.coach_id),
        created_by: Set(new.created_by),
        created_at: Set(new.now),
        expires_at: Set(new.expires_at),
        used_at: Set(None),
        used_by: Set(None),
        revoked_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    if new.roles.iter().next().is_some() {
        one_time_token_roles::Entity::insert_many(new.roles.iter().map(|role| {
            one_time_token_roles::ActiveModel {
                token_id: Set(id),
                role: Set(role.as_str().to_owned()),
            }
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(OneTimeToken {
        id,
        purpose: new.purpose,
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
    })
}

/// A token of this purpose by digest, whatever its state.
pub async fn find_by_hash<C: ConnectionTrait>(
    db: &C,
    purpose: Purpose,
    token_hash: &str,
) -> Result<Option<OneTimeToken>> {
    let row = one_time_tokens::Entity::find()
        .filter(one_time_tokens::Column::TokenHash.eq(token_hash))
        .filter(one_time_tokens::Column::Purpose.eq(purpose.as_str()))
        .one(db)
        .await?;
    Ok(with_roles(db, row.into_iter().collect()).await?.pop())
}

pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<OneTimeToken>> {
    let row = one_time_tokens::Entity::find_by_id(id).one(db).await?;
    Ok(with_roles(db, row.into_iter().collect()).await?.pop())
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
    revoke_where(db, Condition::all().add(one_time_tokens::Column::Id.eq(id)), now).await?;
    Ok(())
}

/// Which unused tokens to revoke together.
#[derive(Debug, Clone, Copy)]
pub enum PendingScope<'a> {
    /// A user's earlier reset links, replaced by a new one.
    ResetsOf(Uuid),
    /// One coach's pending invites to one email, replaced by a new one.
    InvitesTo { created_by: Uuid, email: &'a str },
    /// Every link for a user's account (setup and reset links, invites to
    /// their email) and every invite they issued: a deactivated or deleted
    /// account's links all stop working.
    AccountOf { user_id: Uuid, email: Option<&'a str> },
    /// The invites a user issued (they stopped being a coach).
    IssuedBy(Uuid),
}

/// Revokes the unused tokens in `scope`; returns how many.
pub async fn revoke_pending<C: ConnectionTrait>(
    db: &C,
    scope: PendingScope<'_>,
    now: DateTime<Utc>,
) -> Result<u64> {
    use one_time_tokens::Column as C;
    let invite = C::Purpose.eq(Purpose::Invite.as_str());
    let condition = match scope {
        PendingScope::ResetsOf(user_id) => Condition::all()
            .add(C::Purpose.eq(Purpose::PasswordReset.as_str()))
            .add(C::UserId.eq(user_id)),
        PendingScope::InvitesTo { created_by, email } => {
            Condition::all().add(invite).add(C::CreatedBy.eq(created_by)).add(C::Email.eq(email))
        }
        PendingScope::AccountOf { user_id, email } => {
            let mut any = Condition::any().add(C::UserId.eq(user_id)).add(C::CreatedBy.eq(user_id));
            if let Some(email) = email {
                any = any.add(Condition::all().add(invite).add(C::Email.eq(email)));
            }
            any
        }
        PendingScope::IssuedBy(user_id) => {
            Condition::all().add(invite).add(C::CreatedBy.eq(user_id))
        }
    };
    revoke_where(db, condition, now).await
}

async fn revoke_where<C: ConnectionTrait>(
    db: &C,
    condition: Condition,
    now: DateTime<Utc>,
) -> Result<u64> {
    Ok(one_time_tokens::Entity::update_many()
        .col_expr(one_time_tokens::Column::RevokedAt, Expr::value(now))
        .filter(condition)
        .filter(one_time_tokens::Column::UsedAt.is_null())
        .filter(one_time_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
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
    let rows = one_time_tokens::Entity::find()
        .filter(condition)
        .order_by_desc(C::CreatedAt)
        .order_by_desc(C::Id)
        .offset(page.offset)
        .limit(page.fetch_limit())
        .all(db)
        .await?;
    with_roles(db, rows).await
}

/// How many invites are pending now.
pub async fn count_pending_invites<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<u64> {
    use one_time_tokens::Column as C;
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

/// Deletes tokens that were never used and ended (expired or revoked)
/// before `cutoff`; accepted invites stay, as the roster's history.
pub async fn purge<C: ConnectionTrait>(db: &C, cutoff: DateTime<Utc>) -> Result<u64> {
    use one_time_tokens::Column as C;
    Ok(one_time_tokens::Entity::delete_many()
        .filter(C::UsedAt.is_null())
        .filter(Condition::any().add(C::ExpiresAt.lt(cutoff)).add(C::RevokedAt.lt(cutoff)))
        .exec(db)
        .await?
        .rows_affected)
}

/// Completes token rows with their roles: one query however many rows.
async fn with_roles<C: ConnectionTrait>(
    db: &C,
    rows: Vec<one_time_tokens::Model>,
) -> Result<Vec<OneTimeToken>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let roles = one_time_token_roles::Entity::find()
        .filter(one_time_token_roles::Column::TokenId.is_in(rows.iter().map(|row| row.id)))
        .all(db)
        .await?;
    rows.into_iter()
        .map(|row| {
            let purpose = Purpose::from_name(&row.purpose).ok_or_else(|| {
                Error::Internal(format!("one-time token {} has purpose {:?}", row.id, row.purpose))
            })?;
            let names =
                roles.iter().filter(|role| role.token_id == row.id).map(|r| r.role.as_str());
            Ok(OneTimeToken {
                id: row.id,
                purpose,
                email: row.email,
                roles: Roles::from_names(names),
                user_id: row.user_id,
                coach_id: row.coach_id,
                created_by: row.created_by,
                created_at: row.created_at,
                expires_at: row.expires_at,
                used_at: row.used_at,
                used_by: row.used_by,
                revoked_at: row.revoked_at,
            })
        })
        .collect()
}
