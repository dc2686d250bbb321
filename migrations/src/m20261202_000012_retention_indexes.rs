//! Indexes for the periodic purge of expired rows and for the revocation
//! list every replica polls (sessions revoked in the last minutes).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (index name, table, column).
const INDEXES: [(&str, &str, &str); 6] = [
    ("sessions_revoked_at_idx", "sessions", "revoked_at"),
    ("sessions_expires_at_idx", "sessions", "expires_at"),
    ("google_logins_expires_at_idx", "google_logins", "expires_at"),
    ("login_attempts_last_failure_at_idx", "login_attempts", "last_failure_at"),
    ("one_time_tokens_expires_at_idx", "one_time_tokens", "expires_at"),
    ("one_time_tokens_user_id_idx", "one_time_tokens", "user_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, column) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Alias::new(table))
                        .col(Alias::new(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
