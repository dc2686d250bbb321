//! Per-account sign-in failures and soft locks. A failure is counted with
//! one atomic statement, so concurrent guesses can neither read a stale
//! count nor lose an increment, on PostgreSQL as on SQLite.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{CaseStatement, Expr, ExprTrait, OnConflict, Query},
};

use super::entity::login_attempts::{self, Column};
use crate::error::Result;

/// Counts one failure for `account_key` unless the account is locked at
/// `now`, starting afresh when the last failure is older than `fresh_after`.
/// Returns the new count, or None when the account was locked (nothing was
/// counted).
pub async fn count_failure<C: ConnectionTrait>(
    db: &C,
    account_key: &str,
    now: DateTime<Utc>,
    fresh_after: DateTime<Utc>,
) -> Result<Option<i32>> {
    let table = login_attempts::Entity;
    let failures = CaseStatement::new()
        .case(Expr::col((table, Column::LastFailureAt)).lt(fresh_after), Expr::val(1))
        .finally(Expr::col((table, Column::Failures)).add(1));
    let unlocked = Expr::col((table, Column::LockedUntil)).is_null().or(Expr::col((
        table,
        Column::LockedUntil,
    ))
    .lte(now));
    let statement = Query::insert()
        .into_table(table)
        .columns([Column::AccountKey, Column::Failures, Column::LastFailureAt])
        .values_panic([account_key.into(), 1.into(), now.into()])
        .on_conflict(
            OnConflict::column(Column::AccountKey)
                .value(Column::Failures, failures)
                .value(Column::LastFailureAt, Expr::val(now))
                .value(Column::LockedUntil, Expr::val(Option::<DateTime<Utc>>::None))
                .action_and_where(unlocked)
                .to_owned(),
        )
        .returning_col(Column::Failures)
        .to_owned();
    let Some(row) = db.query_one(&statement).await? else { return Ok(None) };
    Ok(Some(row.try_get("", "failures")?))
}

/// Locks the account until `until` (the failure just counted earned it).
pub async fn lock<C: ConnectionTrait>(
    db: &C,
    account_key: &str,
    until: DateTime<Utc>,
) -> Result<()> {
    login_attempts::Entity::update_many()
        .col_expr(Column::LockedUntil, Expr::val(until))
        .filter(Column::AccountKey.eq(account_key))
        .exec(db)
        .await?;
    Ok(())
}

/// The end of the account's lock, when it is locked at `now`.
pub async fn locked_until<C: ConnectionTrait>(
    db: &C,
    account_key: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let record = login_attempts::Entity::find_by_id(account_key.to_owned()).one(db).await?;
    Ok(record.and_then(|record| record.locked_until).filter(|until| *until > now))
}

/// Forgets the account's failures (after a successful sign-in).
pub async fn clear<C: ConnectionTrait>(db: &C, account_key: &str) -> Result<()> {
    login_attempts::Entity::delete_by_id(account_key.to_owned()).exec(db).await?;
    Ok(())
}

/// Deletes records whose last failure is older than `cutoff` and whose
/// lock (if any) has ended.
pub async fn purge<C: ConnectionTrait>(
    db: &C,
    cutoff: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<u64> {
    Ok(login_attempts::Entity::delete_many()
        .filter(Column::LastFailureAt.lt(cutoff))
        .filter(Column::LockedUntil.is_null().or(Column::LockedUntil.lte(now)))
        .exec(db)
        .await?
        .rows_affected)
}
