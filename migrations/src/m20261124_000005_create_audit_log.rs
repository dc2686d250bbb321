//! The audit log: security events and administrative changes. Rows keep
//! user ids only, so deleting (scrubbing) a user leaves history intact.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(uuid(AuditLog::Id).primary_key())
                    .col(timestamp_with_time_zone(AuditLog::OccurredAt))
                    .col(string_len(AuditLog::Action, 64))
                    .col(uuid_null(AuditLog::ActorId))
                    .col(uuid_null(AuditLog::SubjectUserId))
                    .col(string_len(AuditLog::Resource, 128).default(""))
                    .col(string_len_null(AuditLog::ClientAddress, 64))
                    .col(string_len_null(AuditLog::UserAgent, 512))
                    .col(string_len(AuditLog::Summary, 512).default(""))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("audit_log_occurred_at_idx", AuditLog::OccurredAt),
            ("audit_log_actor_id_idx", AuditLog::ActorId),
            ("audit_log_subject_user_id_idx", AuditLog::SubjectUserId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AuditLog::Table)
                        .col(column)
                        .col(AuditLog::Id)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AuditLog::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    OccurredAt,
    Action,
    ActorId,
    SubjectUserId,
    Resource,
    ClientAddress,
    UserAgent,
    Summary,
}
