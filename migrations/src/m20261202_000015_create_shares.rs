//! Sharing: the snapshots of coaches' workouts taken when they are shared,
//! the shares (one workout offered to one athlete), and the durable jobs
//! that import shares into athletes' Garmin accounts.
//!
//! A snapshot is immutable and shared by every share made from it in one
//! call, so sharing ten workouts with a hundred athletes stores ten copies
//! of Garmin's JSON, not a thousand.
//!
//! Two partial unique indexes carry promises the code relies on, on both
//! databases: a share has at most one unfinished job, and a Garmin account
//! has at most one running job (imports into one account run one at a
//! time, whichever replica runs them). "At most one active share per
//! (workout, athlete)" is a unique index over a column that is NULL once
//! the share is no longer active.

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
                    .table(WorkoutSnapshots::Table)
                    .col(uuid(WorkoutSnapshots::Id).primary_key())
                    .col(uuid(WorkoutSnapshots::OwnerId))
                    // The coach's Baton workout id (the cache row may be gone).
                    .col(uuid(WorkoutSnapshots::WorkoutId))
                    .col(big_integer(WorkoutSnapshots::GarminWorkoutId))
                    .col(string_len(WorkoutSnapshots::Name, 255))
                    .col(string_len(WorkoutSnapshots::SportKey, 64))
                    .col(integer(WorkoutSnapshots::SportId))
                    .col(integer_null(WorkoutSnapshots::EstimatedDurationSeconds))
                    .col(double_null(WorkoutSnapshots::EstimatedDistanceMeters))
                    .col(integer(WorkoutSnapshots::StepCount))
                    .col(timestamp_with_time_zone_null(WorkoutSnapshots::GarminUpdatedAt))
                    .col(text(WorkoutSnapshots::RawJson))
                    .col(timestamp_with_time_zone(WorkoutSnapshots::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("workout_snapshots_owner_id_fkey")
                            .from(WorkoutSnapshots::Table, WorkoutSnapshots::OwnerId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Shares::Table)
                    .col(uuid(Shares::Id).primary_key())
                    .col(uuid(Shares::CoachId))
                    .col(uuid(Shares::AthleteId))
                    .col(uuid(Shares::WorkoutId))
                    .col(uuid(Shares::SnapshotId))
                    .col(text(Shares::Note))
                    .col(string_len_null(Shares::ScheduledDate, 10))
                    .col(string_len(Shares::Status, 16))
                    // The workout id while the share is active, else NULL.
                    .col(uuid_null(Shares::ActiveWorkoutId))
                    .col(big_integer_null(Shares::AthleteGarminWorkoutId))
                    .col(big_integer_null(Shares::AthleteScheduleId))
                    .col(string_len_null(Shares::AthleteScheduledDate, 10))
                    .col(integer(Shares::AttemptCount).default(0))
                    .col(text_null(Shares::LastError))
                    .col(string_len_null(Shares::LastErrorReason, 64))
                    .col(timestamp_with_time_zone(Shares::CreatedAt))
                    .col(timestamp_with_time_zone(Shares::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Shares::ImportedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("shares_coach_id_fkey")
                            .from(Shares::Table, Shares::CoachId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("shares_athlete_id_fkey")
                            .from(Shares::Table, Shares::AthleteId)
                            .to(Users::Table, Users::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("shares_snapshot_id_fkey")
                            .from(Shares::Table, Shares::SnapshotId)
                            .to(WorkoutSnapshots::Table, WorkoutSnapshots::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("shares_coach_created_idx", vec![Shares::CoachId, Shares::CreatedAt]),
            ("shares_athlete_created_idx", vec![Shares::AthleteId, Shares::CreatedAt]),
            ("shares_workout_idx", vec![Shares::WorkoutId]),
            ("shares_snapshot_idx", vec![Shares::SnapshotId]),
        ] {
            let mut index = Index::create().name(name).table(Shares::Table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("shares_active_pair_key")
                    .table(Shares::Table)
                    .col(Shares::AthleteId)
                    .col(Shares::ActiveWorkoutId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(uuid(Jobs::Id).primary_key())
                    .col(string_len(Jobs::Kind, 32))
                    .col(uuid(Jobs::ShareId))
                    // Whose Garmin account the job writes to.
                    .col(uuid(Jobs::AccountId))
                    .col(string_len(Jobs::Status, 16))
                    .col(string_len_null(Jobs::ScheduleOn, 10))
                    .col(integer(Jobs::Attempts).default(0))
                    .col(timestamp_with_time_zone(Jobs::RunAfter))
                    .col(uuid_null(Jobs::LeaseOwner))
                    .col(timestamp_with_time_zone_null(Jobs::LeaseUntil))
                    // A create was sent and may have happened unseen.
                    .col(timestamp_with_time_zone_null(Jobs::CreateSentAt))
                    .col(timestamp_with_time_zone_null(Jobs::ScheduleSentAt))
                    .col(timestamp_with_time_zone(Jobs::CreatedAt))
                    .col(timestamp_with_time_zone(Jobs::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("jobs_share_id_fkey")
                            .from(Jobs::Table, Jobs::ShareId)
                            .to(Shares::Table, Shares::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("jobs_status_run_after_idx")
                    .table(Jobs::Table)
                    .col(Jobs::Status)
                    .col(Jobs::RunAfter)
                    .to_owned(),
            )
            .await?;
        // Partial indexes: the same SQL on PostgreSQL and SQLite.
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX jobs_one_unfinished_per_share_key ON jobs (share_id) \
             WHERE status <> 'done'",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX jobs_one_running_per_account_key ON jobs (account_id) \
             WHERE status = 'running'",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Jobs::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Shares::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(WorkoutSnapshots::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum WorkoutSnapshots {
    Table,
    Id,
    OwnerId,
    WorkoutId,
    GarminWorkoutId,
    Name,
    SportKey,
    SportId,
    EstimatedDurationSeconds,
    EstimatedDistanceMeters,
    StepCount,
    GarminUpdatedAt,
    RawJson,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Shares {
    Table,
    Id,
    CoachId,
    AthleteId,
    WorkoutId,
    SnapshotId,
    Note,
    ScheduledDate,
    Status,
    ActiveWorkoutId,
    AthleteGarminWorkoutId,
    AthleteScheduleId,
    AthleteScheduledDate,
    AttemptCount,
    LastError,
    LastErrorReason,
    CreatedAt,
    UpdatedAt,
    ImportedAt,
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Kind,
    ShareId,
    AccountId,
    Status,
    ScheduleOn,
    Attempts,
    RunAfter,
    LeaseOwner,
    LeaseUntil,
    CreateSentAt,
    ScheduleSentAt,
    CreatedAt,
    UpdatedAt,
}
