//! Per-account sign-in failures and soft locks.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, sea_query::OnConflict};

use super::entity::login_attempts;
use crate::error::Result;

pub use login_attempts::Model as AttemptRecord;

pub async fn find<C: ConnectionTrait>(db: &C, account_key: &str) -> Result<Option<AttemptRecord>> {
    Ok(login_attempts::Entity::find_by_id(account_key.to_owned()).one(db).await?)
}

/// Stores the account's failure count and lock.
pub async fn save<C: ConnectionTrait>(db: &C, record: AttemptRecord) -> Result<()> {
    login_attempts::Entity::insert(login_attempts::ActiveModel {
        account_key: Set(record.account_key),
        failures: Set(record.failures),
        last_failure_at: Set(record.last_failure_at),
        locked_until: Set(record.locked_until),
    })
    .on_conflict(
        OnConflict::column(login_attempts::Column::AccountKey)
            .update_columns([
                login_attempts::Column::Failures,
                login_attempts::Column::LastFailureAt,
                login_attempts::Column::LockedUntil,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Forgets the account's failures (after a successful sign-in).
pub async fn clear<C: ConnectionTrait>(db: &C, account_key: &str) -> Result<()> {
    login_attempts::Entity::delete_by_id(account_key.to_owned()).exec(db).await?;
    Ok(())
}

/// Whether `record` is locked at `now`.
pub fn is_locked(record: &AttemptRecord, now: DateTime<Utc>) -> bool {
    record.locked_until.is_some_and(|until| until > now)
}
