//! Users and their roles (a set: one row per role).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(uuid(Users::Id).primary_key())
                    // Null once a deleted user's personal data is scrubbed.
                    .col(string_len_null(Users::Email, 254))
                    .col(string_len_null(Users::EmailNormalized, 254))
                    .col(string_len(Users::DisplayName, 100))
                    // Null for users who sign in only with Google.
                    .col(string_null(Users::PasswordHash))
                    .col(string_len_null(Users::GoogleSubject, 255))
                    .col(boolean(Users::Active).default(true))
                    .col(timestamp_with_time_zone_null(Users::DeletedAt))
                    .col(string_len(Users::Timezone, 64).default("UTC"))
                    .col(string_len(Users::Units, 16).default("metric"))
                    .col(string_len_null(Users::AvatarUrl, 2048))
                    .col(string_len_null(Users::PaymentLink, 2048))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // Unique indexes allow many NULLs on both databases, so scrubbed
        // users and Google-only users do not collide.
        manager
            .create_index(
                Index::create()
                    .name("users_email_normalized_key")
                    .table(Users::Table)
                    .col(Users::EmailNormalized)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("users_google_subject_key")
                    .table(Users::Table)
                    .col(Users::GoogleSubject)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UserRoles::Table)
                    .col(uuid(UserRoles::UserId))
                    .col(string_len(UserRoles::Role, 16))
                    .primary_key(Index::create().col(UserRoles::UserId).col(UserRoles::Role))
                    .foreign_key(
                        ForeignKey::create()
                            .name("user_roles_user_id_fkey")
                            .from(UserRoles::Table, UserRoles::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("user_roles_role_idx")
                    .table(UserRoles::Table)
                    .col(UserRoles::Role)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(UserRoles::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Users::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
pub(crate) enum Users {
    Table,
    Id,
    Email,
    EmailNormalized,
    DisplayName,
    PasswordHash,
    GoogleSubject,
    Active,
    DeletedAt,
    Timezone,
    Units,
    AvatarUrl,
    PaymentLink,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum UserRoles {
    Table,
    UserId,
    Role,
}
