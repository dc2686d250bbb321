//! Garmin links: one row per user, tokens sealed. Updates that must not
//! race (refreshing tokens, claiming a sync) are conditional or run under
//! the row's lock, so replicas agree.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use super::entity::garmin_accounts::{self, Column};
use crate::{
    domain::{ConnectMethod, GarminLink, LinkStatus},
    error::{Error, Result},
};

/// A link with its sealed token set.
#[derive(Debug, Clone)]
pub struct StoredLink {
    pub link: GarminLink,
    pub key_id: String,
    pub sealed_tokens: Vec<u8>,
}

/// A new or replaced link, as connecting makes it.
#[derive(Debug)]
pub struct NewLink<'a> {
    pub user_id: Uuid,
    pub method: ConnectMethod,
    pub key_id: &'a str,
    pub sealed_tokens: Vec<u8>,
    pub garmin_profile_id: Option<i64>,
    pub display_name: Option<&'a str>,
    pub full_name: Option<&'a str>,
    pub now: DateTime<Utc>,
}

impl TryFrom<garmin_accounts::Model> for StoredLink {
    type Error = Error;

    fn try_from(row: garmin_accounts::Model) -> Result<Self> {
        let method = ConnectMethod::from_name(&row.method).ok_or_else(|| {
            Error::Internal(format!("Garmin link of {} has method {:?}", row.user_id, row.method))
        })?;
        Ok(Self {
            link: GarminLink {
                user_id: row.user_id,
                method,
                garmin_profile_id: row.garmin_profile_id,
                display_name: row.display_name,
                full_name: row.full_name,
                status: LinkStatus::from_name(&row.status),
                connected_at: row.connected_at,
                last_verified_at: row.last_verified_at,
                last_error: row.last_error,
                last_error_at: row.last_error_at,
                rate_limited_until: row.rate_limited_until,
                rate_limit_strikes: u32::try_from(row.rate_limit_strikes).unwrap_or(0),
                last_sync_at: row.last_sync_at,
            },
            key_id: row.key_id,
            sealed_tokens: row.sealed_tokens,
        })
    }
}

pub async fn find<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<Option<StoredLink>> {
    garmin_accounts::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(StoredLink::try_from)
        .transpose()
}

/// The link, locked until the transaction ends (PostgreSQL): a token
/// refresh holds it, so two replicas never present one refresh token twice.
/// SQLite's single writer serializes without it.
pub async fn find_for_update<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
) -> Result<Option<StoredLink>> {
    let query = garmin_accounts::Entity::find_by_id(user_id);
    let row = if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        query.lock_exclusive().one(db).await?
    } else {
        query.one(db).await?
    };
    row.map(StoredLink::try_from).transpose()
}

/// Creates or replaces the user's link, connected and with no error.
pub async fn connect<C: ConnectionTrait>(db: &C, new: NewLink<'_>) -> Result<()> {
    garmin_accounts::Entity::delete_by_id(new.user_id).exec(db).await?;
    garmin_accounts::Entity::insert(garmin_accounts::ActiveModel {
        user_id: Set(new.user_id),
        sealed_tokens: Set(new.sealed_tokens),
        key_id: Set(new.key_id.to_owned()),
        method: Set(new.method.as_str().to_owned()),
        garmin_profile_id: Set(new.garmin_profile_id),
        display_name: Set(new.display_name.map(|name| truncate(name, 255))),
        full_name: Set(new.full_name.map(|name| truncate(name, 255))),
        status: Set(LinkStatus::Connected.as_str().to_owned()),
        connected_at: Set(new.now),
        last_verified_at: Set(Some(new.now)),
        last_error: Set(None),
        last_error_at: Set(None),
        rate_limited_until: Set(None),
        rate_limit_strikes: Set(0),
        last_sync_at: Set(None),
        sync_lease_until: Set(None),
        updated_at: Set(new.now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Stores a refreshed (rotated) token set.
pub async fn store_tokens<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    key_id: &str,
    sealed_tokens: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<()> {
    garmin_accounts::Entity::update_many()
        .col_expr(Column::SealedTokens, Expr::value(sealed_tokens))
        .col_expr(Column::KeyId, Expr::value(key_id))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A Garmin call succeeded: connected, no error, no cool-down.
pub async fn record_success<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    garmin_accounts::Entity::update_many()
        .col_expr(Column::Status, Expr::value(LinkStatus::Connected.as_str()))
        .col_expr(Column::LastVerifiedAt, Expr::value(now))
        .col_expr(Column::LastError, Expr::value(Option::<String>::None))
        .col_expr(Column::LastErrorAt, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::RateLimitedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::RateLimitStrikes, Expr::value(0))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A Garmin call failed: the new status and the words for it, and the
/// cool-down when Garmin rate-limited the account.
pub async fn record_failure<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    status: LinkStatus,
    message: &str,
    rate_limited_until: Option<(DateTime<Utc>, u32)>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut update = garmin_accounts::Entity::update_many()
        .col_expr(Column::Status, Expr::value(status.as_str()))
        .col_expr(Column::LastError, Expr::value(truncate(message, 512)))
        .col_expr(Column::LastErrorAt, Expr::value(now))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::UserId.eq(user_id));
    if let Some((until, strikes)) = rate_limited_until {
        update = update.col_expr(Column::RateLimitedUntil, Expr::value(until)).col_expr(
            Column::RateLimitStrikes,
            Expr::value(i32::try_from(strikes).unwrap_or(i32::MAX)),
        );
    }
    update.exec(db).await?;
    Ok(())
}

/// Claims the account for one sync until `lease_until`; false while
/// another sync (on any replica) holds an unexpired lease.
pub async fn claim_sync<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<bool> {
    let claimed = garmin_accounts::Entity::update_many()
        .col_expr(Column::SyncLeaseUntil, Expr::value(lease_until))
        .filter(Column::UserId.eq(user_id))
        .filter(
            Condition::any()
                .add(Column::SyncLeaseUntil.is_null())
                .add(Column::SyncLeaseUntil.lte(now)),
        )
        .exec(db)
        .await?
        .rows_affected;
    Ok(claimed == 1)
}

/// Ends a sync: the lease is released; `finished` records a completed one.
pub async fn release_sync<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    finished: Option<DateTime<Utc>>,
) -> Result<()> {
    let mut update = garmin_accounts::Entity::update_many()
        .col_expr(Column::SyncLeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(Column::UserId.eq(user_id));
    if let Some(at) = finished {
        update = update.col_expr(Column::LastSyncAt, Expr::value(at));
    }
    update.exec(db).await?;
    Ok(())
}

/// Forgets the user's link (tokens included).
pub async fn delete<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<bool> {
    Ok(garmin_accounts::Entity::delete_by_id(user_id).exec(db).await?.rows_affected > 0)
}

/// Links in each status, for the admin overview: (connected, needing attention).
pub async fn counts<C: ConnectionTrait>(db: &C) -> Result<(u64, u64)> {
    let connected = garmin_accounts::Entity::find()
        .filter(Column::Status.eq(LinkStatus::Connected.as_str()))
        .count(db)
        .await?;
    let attention = garmin_accounts::Entity::find()
        .filter(Column::Status.ne(LinkStatus::Connected.as_str()))
        .count(db)
        .await?;
    Ok((connected, attention))
}

/// The links of several users (a coach's athletes), without tokens.
pub async fn find_many<C: ConnectionTrait>(db: &C, user_ids: &[Uuid]) -> Result<Vec<GarminLink>> {
    let rows = garmin_accounts::Entity::find()
        .filter(Column::UserId.is_in(user_ids.iter().copied()))
        .all(db)
        .await?;
    rows.into_iter().map(|row| StoredLink::try_from(row).map(|stored| stored.link)).collect()
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

/// The links whose tokens are sealed with another key than `current`:
/// (user, key id, sealed tokens).
pub async fn sealed_with_other_keys<C: ConnectionTrait>(
    db: &C,
    current: &str,
) -> Result<Vec<(Uuid, String, Vec<u8>)>> {
    Ok(garmin_accounts::Entity::find()
        .select_only()
        .columns([Column::UserId, Column::KeyId, Column::SealedTokens])
        .filter(Column::KeyId.ne(current))
        .into_tuple()
        .all(db)
        .await?)
}
