//! The roster: which athletes each coach coaches (many-to-many).

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
                    .table(CoachAthletes::Table)
                    .col(uuid(CoachAthletes::CoachId))
                    .col(uuid(CoachAthletes::AthleteId))
                    .col(timestamp_with_time_zone(CoachAthletes::CreatedAt))
                    .primary_key(
                        Index::create().col(CoachAthletes::CoachId).col(CoachAthletes::AthleteId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("coach_athletes_coach_id_fkey")
                            .from(CoachAthletes::Table, CoachAthletes::CoachId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("coach_athletes_athlete_id_fkey")
                            .from(CoachAthletes::Table, CoachAthletes::AthleteId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("coach_athletes_athlete_id_idx")
                    .table(CoachAthletes::Table)
                    .col(CoachAthletes::AthleteId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(CoachAthletes::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum CoachAthletes {
    Table,
    CoachId,
    AthleteId,
    CreatedAt,
}
