//! Google sign-ins in progress: the `state`, `nonce` and PKCE verifier of
//! each authorization request, bound to the browser that started it.

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
                    .table(GoogleLogins::Table)
                    .col(uuid(GoogleLogins::Id).primary_key())
                    .col(string_len(GoogleLogins::StateHash, 64))
                    .col(string_len(GoogleLogins::Nonce, 64))
                    .col(string_len(GoogleLogins::CodeVerifier, 128))
                    // SHA-256 of the secret the starting browser keeps.
                    .col(string_len(GoogleLogins::BrowserBindingHash, 64))
                    // "sign_in", "accept_invite" or "link".
                    .col(string_len(GoogleLogins::Purpose, 32))
                    .col(string_len_null(GoogleLogins::InviteTokenHash, 64))
                    // Linking: the signed-in user who asked.
                    .col(uuid_null(GoogleLogins::UserId))
                    .col(timestamp_with_time_zone(GoogleLogins::CreatedAt))
                    .col(timestamp_with_time_zone(GoogleLogins::ExpiresAt))
                    .col(timestamp_with_time_zone_null(GoogleLogins::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("google_logins_user_id_fkey")
                            .from(GoogleLogins::Table, GoogleLogins::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("google_logins_state_hash_key")
                    .table(GoogleLogins::Table)
                    .col(GoogleLogins::StateHash)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(GoogleLogins::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum GoogleLogins {
    Table,
    Id,
    StateHash,
    Nonce,
    CodeVerifier,
    BrowserBindingHash,
    Purpose,
    InviteTokenHash,
    UserId,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}
