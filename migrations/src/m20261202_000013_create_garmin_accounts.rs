//! Garmin Connect links: one per user, with the token set sealed (key id
//! beside it, AAD binding it to the user), who the Garmin account is, and
//! how the link is faring (status, last error, rate-limit cool-down, sync
//! lease). And password sign-ins waiting for their MFA code, their Garmin
//! session sealed likewise.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(GarminAccounts::Table)
                    .col(uuid(GarminAccounts::UserId).primary_key())
                    // The token set, sealed; the sealing key's id.
                    .col(blob(GarminAccounts::SealedTokens))
                    .col(string_len(GarminAccounts::KeyId, 64))
                    .col(string_len(GarminAccounts::Method, 16))
                    .col(big_integer_null(GarminAccounts::GarminProfileId))
                    .col(string_len_null(GarminAccounts::DisplayName, 255))
                    .col(string_len_null(GarminAccounts::FullName, 255))
                    .col(string_len(GarminAccounts::Status, 16))
                    .col(timestamp_with_time_zone(GarminAccounts::ConnectedAt))
                    .col(timestamp_with_time_zone_null(GarminAccounts::LastVerifiedAt))
                    .col(string_len_null(GarminAccounts::LastError, 512))
                    .col(timestamp_with_time_zone_null(GarminAccounts::LastErrorAt))
                    .col(timestamp_with_time_zone_null(GarminAccounts::RateLimitedUntil))
                    // Consecutive rate limits, for the growing cool-down.
                    .col(integer(GarminAccounts::RateLimitStrikes).default(0))
                    .col(timestamp_with_time_zone_null(GarminAccounts::LastSyncAt))
                    // A running sync holds the account until then.
                    .col(timestamp_with_time_zone_null(GarminAccounts::SyncLeaseUntil))
                    .col(timestamp_with_time_zone(GarminAccounts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("garmin_accounts_user_id_fkey")
                            .from(GarminAccounts::Table, GarminAccounts::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(GarminSignIns::Table)
                    .col(uuid(GarminSignIns::Id).primary_key())
                    .col(uuid(GarminSignIns::UserId))
                    // The pending Garmin session (cookies), sealed.
                    .col(blob(GarminSignIns::SealedState))
                    .col(string_len(GarminSignIns::KeyId, 64))
                    .col(string_len(GarminSignIns::MfaMethod, 32))
                    .col(timestamp_with_time_zone(GarminSignIns::CreatedAt))
                    .col(timestamp_with_time_zone(GarminSignIns::ExpiresAt))
                    .col(timestamp_with_time_zone_null(GarminSignIns::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("garmin_sign_ins_user_id_fkey")
                            .from(GarminSignIns::Table, GarminSignIns::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("garmin_sign_ins_expires_at_idx")
                    .table(GarminSignIns::Table)
                    .col(GarminSignIns::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(GarminSignIns::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(GarminAccounts::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum GarminAccounts {
    Table,
    UserId,
    SealedTokens,
    KeyId,
    Method,
    GarminProfileId,
    DisplayName,
    FullName,
    Status,
    ConnectedAt,
    LastVerifiedAt,
    LastError,
    LastErrorAt,
    RateLimitedUntil,
    RateLimitStrikes,
    LastSyncAt,
    SyncLeaseUntil,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum GarminSignIns {
    Table,
    Id,
    UserId,
    SealedState,
    KeyId,
    MfaMethod,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}
