//! The workout cache: each user's own Garmin workouts, Garmin's JSON kept
//! verbatim beside the columns lists filter and sort by.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{LikeExpr, NullOrdering, OnConflict, Order},
};
use uuid::Uuid;

use super::{
    entity::workouts::{self, Column},
    users::escape_like,
};
use crate::{
    domain::{CachedWorkout, Page, WorkoutFilter, WorkoutSort},
    error::Result,
};

impl From<workouts::Model> for CachedWorkout {
    fn from(row: workouts::Model) -> Self {
        Self {
            id: row.id,
            owner_id: row.owner_id,
            garmin_workout_id: row.garmin_workout_id,
            name: row.name,
            sport_key: row.sport_key,
            sport_id: row.sport_id,
            estimated_duration_seconds: row.estimated_duration_seconds,
            estimated_distance_meters: row.estimated_distance_meters,
            step_count: row.step_count,
            garmin_updated_at: row.garmin_updated_at,
            garmin_created_at: row.garmin_created_at,
            raw_json: row.raw_json,
            synced_at: row.synced_at,
        }
    }
}

/// One page of a user's cached workouts, in the filter's order.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    owner_id: Uuid,
    filter: &WorkoutFilter,
    page: &Page,
) -> Result<Vec<CachedWorkout>> {
    let mut condition = Condition::all().add(Column::OwnerId.eq(owner_id));
    if let Some(query) = filter.query.as_deref().filter(|query| !query.is_empty()) {
        let pattern = format!("%{}%", escape_like(query));
        condition = condition.add(Column::NameNormalized.like(LikeExpr::new(pattern).escape('\\')));
    }
    if let Some(sport) = filter.sport_id {
        condition = condition.add(Column::SportId.eq(sport));
    }
    let query = workouts::Entity::find().filter(condition);
    let query = match filter.sort {
        WorkoutSort::RecentlyUpdated => query.order_by_desc(Column::GarminUpdatedAt),
        WorkoutSort::Name => query.order_by_asc(Column::NameNormalized),
        WorkoutSort::Duration => query.order_by_with_nulls(
            Column::EstimatedDurationSeconds,
            Order::Asc,
            NullOrdering::Last,
        ),
    };
    // Garmin's id last, so pages never overlap when the first key ties.
    let rows = query
        .order_by_desc(Column::GarminWorkoutId)
        .offset(page.offset)
        .limit(page.fetch_limit())
        .all(db)
        .await?;
    Ok(rows.into_iter().map(CachedWorkout::from).collect())
}

/// One of the user's cached workouts.
pub async fn find<C: ConnectionTrait>(
    db: &C,
    owner_id: Uuid,
    id: Uuid,
) -> Result<Option<CachedWorkout>> {
    let row = workouts::Entity::find_by_id(id).filter(Column::OwnerId.eq(owner_id)).one(db).await?;
    Ok(row.map(CachedWorkout::from))
}

/// What the cache knows of each of the user's workouts: (Garmin id, Baton
/// id, Garmin's last update), to tell a sync what changed.
pub async fn versions<C: ConnectionTrait>(
    db: &C,
    owner_id: Uuid,
) -> Result<Vec<(i64, Uuid, Option<DateTime<Utc>>)>> {
    Ok(workouts::Entity::find()
        .select_only()
        .columns([Column::GarminWorkoutId, Column::Id, Column::GarminUpdatedAt])
        .filter(Column::OwnerId.eq(owner_id))
        .into_tuple()
        .all(db)
        .await?)
}

/// Stores a workout, replacing the cached copy of the same Garmin workout
/// (its Baton id stays, so shares pointing at it keep pointing).
pub async fn upsert<C: ConnectionTrait>(db: &C, workout: &CachedWorkout) -> Result<()> {
    workouts::Entity::insert(workouts::ActiveModel {
        id: Set(workout.id),
        owner_id: Set(workout.owner_id),
        garmin_workout_id: Set(workout.garmin_workout_id),
        name: Set(workout.name.chars().take(255).collect()),
        name_normalized: Set(workout.name.to_lowercase().chars().take(255).collect()),
        sport_key: Set(workout.sport_key.chars().take(64).collect()),
        sport_id: Set(workout.sport_id),
        estimated_duration_seconds: Set(workout.estimated_duration_seconds),
        estimated_distance_meters: Set(workout.estimated_distance_meters),
        step_count: Set(workout.step_count),
        garmin_updated_at: Set(workout.garmin_updated_at),
        garmin_created_at: Set(workout.garmin_created_at),
        raw_json: Set(workout.raw_json.clone()),
        synced_at: Set(workout.synced_at),
    })
    .on_conflict(
        OnConflict::columns([Column::OwnerId, Column::GarminWorkoutId])
            .update_columns([
                Column::Name,
                Column::NameNormalized,
                Column::SportKey,
                Column::SportId,
                Column::EstimatedDurationSeconds,
                Column::EstimatedDistanceMeters,
                Column::StepCount,
                Column::GarminUpdatedAt,
                Column::GarminCreatedAt,
                Column::RawJson,
                Column::SyncedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Removes cached workouts by Baton id (deleted in Garmin).
pub async fn remove<C: ConnectionTrait>(db: &C, owner_id: Uuid, ids: &[Uuid]) -> Result<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    Ok(workouts::Entity::delete_many()
        .filter(Column::OwnerId.eq(owner_id))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .exec(db)
        .await?
        .rows_affected)
}

/// Forgets the user's whole cache (Disconnect, account deletion).
pub async fn remove_all<C: ConnectionTrait>(db: &C, owner_id: Uuid) -> Result<()> {
    workouts::Entity::delete_many().filter(Column::OwnerId.eq(owner_id)).exec(db).await?;
    Ok(())
}

/// Several of the user's cached workouts by Baton id, in no particular
/// order; ids that are not the user's are left out.
pub async fn find_many<C: ConnectionTrait>(
    db: &C,
    owner_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<CachedWorkout>> {
    let rows = workouts::Entity::find()
        .filter(Column::OwnerId.eq(owner_id))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(CachedWorkout::from).collect())
}

/// Garmin's last change of each of these cached workouts (any owner).
pub async fn garmin_updated_at<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Option<DateTime<Utc>>>> {
    let rows: Vec<(Uuid, Option<DateTime<Utc>>)> = workouts::Entity::find()
        .select_only()
        .columns([Column::Id, Column::GarminUpdatedAt])
        .filter(Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}
