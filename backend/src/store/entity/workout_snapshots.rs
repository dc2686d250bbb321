use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "workout_snapshots")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_id: Uuid,
    pub workout_id: Uuid,
    pub garmin_workout_id: i64,
    pub name: String,
    pub sport_key: String,
    pub sport_id: i32,
    pub estimated_duration_seconds: Option<i32>,
    pub estimated_distance_meters: Option<f64>,
    pub step_count: i32,
    pub garmin_updated_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub raw_json: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
