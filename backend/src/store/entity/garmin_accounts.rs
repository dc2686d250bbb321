use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "garmin_accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub sealed_tokens: Vec<u8>,
    pub key_id: String,
    pub method: String,
    pub garmin_profile_id: Option<i64>,
    pub display_name: Option<String>,
    pub full_name: Option<String>,
    pub status: String,
    pub connected_at: DateTimeUtc,
    pub last_verified_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTimeUtc>,
    pub rate_limited_until: Option<DateTimeUtc>,
    pub rate_limit_strikes: i32,
    pub last_sync_at: Option<DateTimeUtc>,
    pub sync_lease_until: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
