//! Google sign-ins in progress.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

use super::entity::google_logins;
use crate::error::Result;

/// A started Google flow, waiting for Google's redirect.
#[derive(Debug, Clone)]
pub struct PendingGoogleLogin {
    pub id: Uuid,
    pub state_hash: String,
    pub nonce: String,
    pub code_verifier: String,
    pub browser_binding_hash: String,
    pub purpose: String,
    pub invite_token_hash: Option<String>,
    pub user_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert<C: ConnectionTrait>(db: &C, login: PendingGoogleLogin) -> Result<()> {
    let row = google_logins::Model {
        id: login.id,
        state_hash: login.state_hash,
        nonce: login.nonce,
        code_verifier: login.code_verifier,
        browser_binding_hash: login.browser_binding_hash,
        purpose: login.purpose,
        invite_token_hash: login.invite_token_hash,
        user_id: login.user_id,
        created_at: login.created_at,
        expires_at: login.expires_at,
        used_at: None,
    };
    google_logins::Entity::insert(google_logins::ActiveModel::from(row))
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
    let row = google_logins::Entity::find()
        .filter(google_logins::Column::StateHash.eq(state_hash))
        .one(db)
        .await?;
    Ok(row.map(|row| PendingGoogleLogin {
        id: row.id,
        state_hash: row.state_hash,
        nonce: row.nonce,
        code_verifier: row.code_verifier,
        browser_binding_hash: row.browser_binding_hash,
        purpose: row.purpose,
        invite_token_hash: row.invite_token_hash,
        user_id: row.user_id,
        created_at: row.created_at,
        expires_at: row.expires_at,
    }))
}

/// Removes pending logins that ended before `cutoff`.
pub async fn purge<C: ConnectionTrait>(db: &C, cutoff: DateTime<Utc>) -> Result<u64> {
    Ok(google_logins::Entity::delete_many()
        .filter(google_logins::Column::ExpiresAt.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes a user's pending links (account deletion).
pub async fn remove_for_user<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<()> {
    google_logins::Entity::delete_many()
        .filter(google_logins::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
