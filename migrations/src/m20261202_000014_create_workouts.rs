//! Baton's cache of each user's own Garmin workouts: Garmin's JSON verbatim
//! (the source of truth) and the columns lists filter and sort by.

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
                    .table(Workouts::Table)
                    .col(uuid(Workouts::Id).primary_key())
                    .col(uuid(Workouts::OwnerId))
                    .col(big_integer(Workouts::GarminWorkoutId))
                    .col(string_len(Workouts::Name, 255))
                    // Lower-cased, for case-insensitive search on both databases.
                    .col(string_len(Workouts::NameNormalized, 255))
                    .col(string_len(Workouts::SportKey, 64))
                    .col(integer(Workouts::SportId))
                    .col(integer_null(Workouts::EstimatedDurationSeconds))
                    .col(double_null(Workouts::EstimatedDistanceMeters))
                    .col(integer(Workouts::StepCount))
                    .col(timestamp_with_time_zone_null(Workouts::GarminUpdatedAt))
                    .col(timestamp_with_time_zone_null(Workouts::GarminCreatedAt))
                    // Garmin's workout JSON, exactly as Garmin sent it.
                    .col(text(Workouts::RawJson))
                    .col(timestamp_with_time_zone(Workouts::SyncedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("workouts_owner_id_fkey")
                            .from(Workouts::Table, Workouts::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("workouts_owner_garmin_id_key")
                    .table(Workouts::Table)
                    .col(Workouts::OwnerId)
                    .col(Workouts::GarminWorkoutId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("workouts_owner_updated_idx")
                    .table(Workouts::Table)
                    .col(Workouts::OwnerId)
                    .col(Workouts::GarminUpdatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Workouts::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Workouts {
    Table,
    Id,
    OwnerId,
    GarminWorkoutId,
    Name,
    NameNormalized,
    SportKey,
    SportId,
    EstimatedDurationSeconds,
    EstimatedDistanceMeters,
    StepCount,
    GarminUpdatedAt,
    GarminCreatedAt,
    RawJson,
    SyncedAt,
}
