use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "shares")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub coach_id: Uuid,
    pub athlete_id: Uuid,
    pub workout_id: Uuid,
    pub snapshot_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub scheduled_date: Option<String>,
    pub status: String,
    pub active_workout_id: Option<Uuid>,
    pub athlete_garmin_workout_id: Option<i64>,
    pub athlete_schedule_id: Option<i64>,
    pub athlete_scheduled_date: Option<String>,
    pub attempt_count: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub last_error_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub imported_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::workout_snapshots::Entity",
        from = "Column::SnapshotId",
        to = "super::workout_snapshots::Column::Id"
    )]
    Snapshot,
}

impl Related<super::workout_snapshots::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Snapshot.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
