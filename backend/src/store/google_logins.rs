//! Google sign-ins in progress.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use super::entity::google_logins;
use crate::error::Result;

pub use google_logins::Model as PendingGoogleLogin;

pub async fn insert<C: ConnectionTrait>(db: &C, login: PendingGoogleLogin) -> Result<()> {
    google_logins::Entity::insert(google_logins::ActiveModel::from(login))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Takes the pending login with this state: marks it used (so a state works
/// once) and returns it, unless it was used before or has expired.
pub async fn take<C: ConnectionTrait>(
    db: &C,
    state_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<PendingGoogleLogin>> {
    let claimed = google_logins::Entity::update_many()
        .col_expr(google_logins::Column::UsedAt, Expr::value(now))
        .filter(google_logins::Column::StateHash.eq(state_hash))
        .filter(google_logins::Column::UsedAt.is_null())
        .filter(google_logins::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?
        .rows_affected;
    if claimed == 0 {
        return Ok(None);
    }
    Ok(google_logins::Entity::find()
        .filter(google_logins::Column::StateHash.eq(state_hash))
        .one(db)
        .await?)
}

/// Removes pending logins that ended before `cutoff`.
pub async fn purge<C: ConnectionTrait>(db: &C, cutoff: DateTime<Utc>) -> Result<()> {
    google_logins::Entity::delete_many()
        .filter(google_logins::Column::ExpiresAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes a user's pending links (account deletion).
pub async fn remove_for_user<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<()> {
    google_logins::Entity::delete_many()
        .filter(google_logins::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
