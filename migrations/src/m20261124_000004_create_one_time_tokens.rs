//! Single-use, expiring tokens: invites and password resets. Only the
//! SHA-256 digest of a token is stored.

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
                    .table(OneTimeTokens::Table)
                    .col(uuid(OneTimeTokens::Id).primary_key())
                    // "invite" or "password_reset".
                    .col(string_len(OneTimeTokens::Purpose, 32))
                    .col(string_len(OneTimeTokens::TokenHash, 64))
                    // Invites: the address it was sent to, normalised.
                    .col(string_len_null(OneTimeTokens::Email, 254))
                    // Roles an invite grants, comma-separated names.
                    .col(string_len(OneTimeTokens::Roles, 64).default(""))
                    // The account it concerns: the reset's user, or the
                    // credential-less account an admin created.
                    .col(uuid_null(OneTimeTokens::UserId))
                    // The coach an accepted athlete invite links to.
                    .col(uuid_null(OneTimeTokens::CoachId))
                    .col(uuid_null(OneTimeTokens::CreatedBy))
                    .col(timestamp_with_time_zone(OneTimeTokens::CreatedAt))
                    .col(timestamp_with_time_zone(OneTimeTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(OneTimeTokens::UsedAt))
                    .col(uuid_null(OneTimeTokens::UsedBy))
                    .col(timestamp_with_time_zone_null(OneTimeTokens::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("one_time_tokens_user_id_fkey")
                            .from(OneTimeTokens::Table, OneTimeTokens::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("one_time_tokens_coach_id_fkey")
                            .from(OneTimeTokens::Table, OneTimeTokens::CoachId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("one_time_tokens_token_hash_key")
                    .table(OneTimeTokens::Table)
                    .col(OneTimeTokens::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("one_time_tokens_created_by_idx")
                    .table(OneTimeTokens::Table)
                    .col(OneTimeTokens::CreatedBy)
                    .col(OneTimeTokens::Purpose)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(OneTimeTokens::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum OneTimeTokens {
    Table,
    Id,
    Purpose,
    TokenHash,
    Email,
    Roles,
    UserId,
    CoachId,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    UsedBy,
    RevokedAt,
}
