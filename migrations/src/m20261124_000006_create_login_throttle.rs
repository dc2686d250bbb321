//! Sign-in throttling per account: consecutive failures and the soft lock
//! they earn. Keyed by the normalised email, so unknown addresses are
//! throttled exactly like known ones.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginAttempts::Table)
                    .col(string_len(LoginAttempts::AccountKey, 254).primary_key())
                    .col(integer(LoginAttempts::Failures).default(0))
                    .col(timestamp_with_time_zone(LoginAttempts::LastFailureAt))
                    .col(timestamp_with_time_zone_null(LoginAttempts::LockedUntil))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(LoginAttempts::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    AccountKey,
    Failures,
    LastFailureAt,
    LockedUntil,
}
