//! Shares and the workout snapshots they are made from. Status changes are
//! conditional updates (`... WHERE status IN (...)`), so two requests or
//! replicas racing on one share cannot both win.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, IdenStatic, Iterable,
    QueryFilter, QueryOrder, QuerySelect, Select, SelectTwo,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use super::entity::{
    shares::{self, Column},
    workout_snapshots,
};
use crate::{
    domain::{
        CachedWorkout, CalendarDate, Page, Share, ShareFailure, ShareFilter, ShareSide,
        ShareStatus, SharedWorkout,
    },
    error::{Error, Reason, Result},
};

/// A share to insert.
#[derive(Debug, Clone)]
pub struct NewShare {
    pub id: Uuid,
    pub coach_id: Uuid,
    pub athlete_id: Uuid,
    pub workout_id: Uuid,
    pub snapshot_id: Uuid,
    pub note: String,
    pub scheduled_date: Option<CalendarDate>,
    pub now: DateTime<Utc>,
}

/// Stores a snapshot of `workout` as it is cached now; returns its id.
pub async fn insert_snapshot<C: ConnectionTrait>(
    db: &C,
    workout: &CachedWorkout,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let id = Uuid::new_v4();
    workout_snapshots::Entity::insert(workout_snapshots::ActiveModel {
        id: Set(id),
        owner_id: Set(workout.owner_id),
        workout_id: Set(workout.id),
        garmin_workout_id: Set(workout.garmin_workout_id),
        name: Set(workout.name.chars().take(255).collect()),
        sport_key: Set(workout.sport_key.chars().take(64).collect()),
        sport_id: Set(workout.sport_id),
        estimated_duration_seconds: Set(workout.estimated_duration_seconds),
        estimated_distance_meters: Set(workout.estimated_distance_meters),
        step_count: Set(workout.step_count),
        garmin_updated_at: Set(workout.garmin_updated_at),
        raw_json: Set(workout.raw_json.clone()),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// Garmin's JSON of a snapshot.
pub async fn snapshot_json<C: ConnectionTrait>(db: &C, snapshot_id: Uuid) -> Result<String> {
    workout_snapshots::Entity::find_by_id(snapshot_id)
        .select_only()
        .column(workout_snapshots::Column::RawJson)
        .into_tuple::<String>()
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal(format!("snapshot {snapshot_id} is missing")))
}

/// Inserts shares, all or none; a pair that already has an active share
/// fails the whole insert (the caller checked inside the same transaction).
pub async fn insert_many<C: ConnectionTrait>(db: &C, new: &[NewShare]) -> Result<()> {
    // Bounded batches keep each statement under SQLite's bind limit.
    for chunk in new.chunks(500) {
        let rows = chunk.iter().map(|share| shares::ActiveModel {
            id: Set(share.id),
            coach_id: Set(share.coach_id),
            athlete_id: Set(share.athlete_id),
            workout_id: Set(share.workout_id),
            snapshot_id: Set(share.snapshot_id),
            note: Set(share.note.clone()),
            scheduled_date: Set(share.scheduled_date.map(|date| date.to_string())),
            status: Set(ShareStatus::Pending.as_str().to_owned()),
            active_workout_id: Set(Some(share.workout_id)),
            athlete_garmin_workout_id: Set(None),
            athlete_schedule_id: Set(None),
            athlete_scheduled_date: Set(None),
            attempt_count: Set(0),
            last_error: Set(None),
            last_error_reason: Set(None),
            created_at: Set(share.now),
            updated_at: Set(share.now),
            imported_at: Set(None),
        });
        shares::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await
            .map_err(super::on_unique_violation(Reason::ShareImporting))?;
    }
    Ok(())
}

/// The active shares among these athletes × workouts:
/// (athlete, workout) → share id.
pub async fn active_pairs<C: ConnectionTrait>(
    db: &C,
    athlete_ids: &[Uuid],
    workout_ids: &[Uuid],
) -> Result<HashMap<(Uuid, Uuid), Uuid>> {
    let rows: Vec<(Uuid, Uuid, Uuid)> = shares::Entity::find()
        .select_only()
        .columns([Column::AthleteId, Column::WorkoutId, Column::Id])
        .filter(Column::AthleteId.is_in(athlete_ids.iter().copied()))
        .filter(Column::ActiveWorkoutId.is_in(workout_ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(athlete, workout, id)| ((athlete, workout), id)).collect())
}

/// One page of one side's shares, newest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    side: ShareSide,
    filter: &ShareFilter,
    page: &Page,
) -> Result<Vec<Share>> {
    rows(db, page_query(side, filter, page)).await
}

/// [`list`]'s query, apart so the SQL the benchmark runs can be checked
/// against it.
pub(super) fn page_query(
    side: ShareSide,
    filter: &ShareFilter,
    page: &Page,
) -> SelectTwo<shares::Entity, workout_snapshots::Entity> {
    let mut condition = Condition::all();
    condition = match side {
        ShareSide::Coach(coach_id) => condition.add(Column::CoachId.eq(coach_id)),
        ShareSide::Athlete(athlete_id) => condition.add(Column::AthleteId.eq(athlete_id)),
    };
    if let Some(athlete_id) = filter.athlete_id {
        condition = condition.add(Column::AthleteId.eq(athlete_id));
    }
    if let Some(coach_id) = filter.coach_id {
        condition = condition.add(Column::CoachId.eq(coach_id));
    }
    if let Some(workout_id) = filter.workout_id {
        condition = condition.add(Column::WorkoutId.eq(workout_id));
    }
    if !filter.statuses.is_empty() {
        condition = condition.add(Column::Status.is_in(filter.statuses.iter().map(|s| s.as_str())));
    }
    with_snapshot(shares::Entity::find().filter(condition))
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .offset(page.offset)
        .limit(page.fetch_limit())
}

/// The snapshot columns a share is read with: all but Garmin's JSON, which
/// is most of a row's bytes and which only the preview and the import read
/// ([`snapshot_json`]).
#[derive(Debug, FromQueryResult)]
struct SnapshotSummary {
    id: Uuid,
    workout_id: Uuid,
    garmin_workout_id: i64,
    name: String,
    sport_key: String,
    sport_id: i32,
    estimated_duration_seconds: Option<i32>,
    estimated_distance_meters: Option<f64>,
    step_count: i32,
    garmin_updated_at: Option<DateTime<Utc>>,
}

/// `select` joined with its snapshot: every share column, and the
/// snapshot's columns [`SnapshotSummary`] reads, prefixed as `SelectTwo`
/// reads them back.
fn with_snapshot(
    select: Select<shares::Entity>,
) -> SelectTwo<shares::Entity, workout_snapshots::Entity> {
    let mut joined = select.find_also_related(workout_snapshots::Entity).select_only();
    for column in Column::iter() {
        joined = joined.column_as(column, format!("A_{}", column.as_str()));
    }
    use workout_snapshots::Column as Snapshot;
    for column in [
        Snapshot::Id,
        Snapshot::WorkoutId,
        Snapshot::GarminWorkoutId,
        Snapshot::Name,
        Snapshot::SportKey,
        Snapshot::SportId,
        Snapshot::EstimatedDurationSeconds,
        Snapshot::EstimatedDistanceMeters,
        Snapshot::StepCount,
        Snapshot::GarminUpdatedAt,
    ] {
        joined = joined.column_as(column, format!("B_{}", column.as_str()));
    }
    joined
}

async fn rows<C: ConnectionTrait>(
    db: &C,
    joined: SelectTwo<shares::Entity, workout_snapshots::Entity>,
) -> Result<Vec<Share>> {
    let rows = joined.into_model::<shares::Model, SnapshotSummary>().all(db).await?;
    rows.into_iter().map(share).collect()
}

/// Shares by id, in no particular order.
pub async fn find_many<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> Result<Vec<Share>> {
    rows(db, with_snapshot(shares::Entity::find().filter(Column::Id.is_in(ids.iter().copied()))))
        .await
}

pub async fn find<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<Share>> {
    Ok(find_many(db, &[id]).await?.pop())
}

/// The athlete's shares that wait for them: pending and failed.
pub async fn count_actionable<C: ConnectionTrait>(db: &C, athlete_id: Uuid) -> Result<u64> {
    // An aggregate without GROUP BY: exactly one row.
    let counts: Vec<i64> = actionable_query(athlete_id).into_tuple().all(db).await?;
    Ok(counts.first().map_or(0, |n| u64::try_from(*n).unwrap_or(0)))
}

pub(super) fn actionable_query(athlete_id: Uuid) -> Select<shares::Entity> {
    shares::Entity::find()
        .select_only()
        .column_as(Column::Id.count(), "n")
        .filter(Column::AthleteId.eq(athlete_id))
        .filter(Column::Status.is_in([ShareStatus::Pending.as_str(), ShareStatus::Failed.as_str()]))
}

/// Per athlete of `athlete_ids`: shares from `coach_id` not yet imported
/// or dismissed (pending, importing, failed).
pub async fn open_counts<C: ConnectionTrait>(
    db: &C,
    coach_id: Uuid,
    athlete_ids: &[Uuid],
) -> Result<HashMap<Uuid, u64>> {
    let open = [ShareStatus::Pending, ShareStatus::Importing, ShareStatus::Failed];
    let rows: Vec<(Uuid, i64)> = shares::Entity::find()
        .select_only()
        .column(Column::AthleteId)
        .column_as(Column::Id.count(), "n")
        .filter(Column::CoachId.eq(coach_id))
        .filter(Column::AthleteId.is_in(athlete_ids.iter().copied()))
        .filter(Column::Status.is_in(open.map(ShareStatus::as_str)))
        .group_by(Column::AthleteId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, n)| (id, u64::try_from(n).unwrap_or(0))).collect())
}

/// Everyone's shares by status, for the admin dashboard.
pub async fn status_counts<C: ConnectionTrait>(db: &C) -> Result<HashMap<ShareStatus, u64>> {
    let rows: Vec<(String, i64)> = shares::Entity::find()
        .select_only()
        .column(Column::Status)
        .column_as(Column::Id.count(), "n")
        .group_by(Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(status, n)| {
            Some((ShareStatus::from_name(&status)?, u64::try_from(n).unwrap_or(0)))
        })
        .collect())
}

/// Moves a share to `to` if it is in one of `from`; reports whether it did.
pub async fn transition<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    from: &[ShareStatus],
    to: ShareStatus,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = shares::Entity::update_many()
        .col_expr(Column::Status, Expr::value(to.as_str()))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .col_expr(Column::ActiveWorkoutId, active_expr(to))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.is_in(from.iter().map(|s| s.as_str())))
        .exec(db)
        .await
        .map_err(super::on_unique_violation(Reason::ShareImporting))?
        .rows_affected;
    Ok(changed > 0)
}

/// `active_workout_id` for a share entering `status`.
fn active_expr(status: ShareStatus) -> sea_orm::sea_query::SimpleExpr {
    if status.is_active() {
        Expr::col(Column::WorkoutId)
    } else {
        Expr::value(Option::<Uuid>::None)
    }
}

/// Counts one more try at Garmin for an importing share.
pub async fn count_attempt<C: ConnectionTrait>(db: &C, id: Uuid, now: DateTime<Utc>) -> Result<()> {
    shares::Entity::update_many()
        .col_expr(Column::AttemptCount, Expr::col(Column::AttemptCount).add(1))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(ShareStatus::Importing.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Records the athlete's new copy as soon as Garmin named it.
pub async fn record_copy<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    garmin_workout_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    shares::Entity::update_many()
        .col_expr(Column::AthleteGarminWorkoutId, Expr::value(garmin_workout_id))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records the calendar entry of the athlete's copy.
pub async fn record_schedule<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    schedule_id: i64,
    date: CalendarDate,
    now: DateTime<Utc>,
) -> Result<()> {
    shares::Entity::update_many()
        .col_expr(Column::AthleteScheduleId, Expr::value(schedule_id))
        .col_expr(Column::AthleteScheduledDate, Expr::value(date.to_string()))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// IMPORTING → IMPORTED.
pub async fn record_imported<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = shares::Entity::update_many()
        .col_expr(Column::Status, Expr::value(ShareStatus::Imported.as_str()))
        .col_expr(Column::LastError, Expr::value(Option::<String>::None))
        .col_expr(Column::LastErrorReason, Expr::value(Option::<String>::None))
        .col_expr(Column::ImportedAt, Expr::value(now))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(ShareStatus::Importing.as_str()))
        .exec(db)
        .await?
        .rows_affected;
    Ok(changed > 0)
}

/// Notes why the last try failed; with `fail`, IMPORTING → FAILED too.
pub async fn record_failure<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    failure: &ShareFailure,
    fail: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut update = shares::Entity::update_many()
        .col_expr(Column::LastError, Expr::value(failure.message.clone()))
        .col_expr(Column::LastErrorReason, Expr::value(failure.reason.name()))
        .col_expr(Column::UpdatedAt, Expr::value(now));
    if fail {
        update = update.col_expr(Column::Status, Expr::value(ShareStatus::Failed.as_str()));
    }
    update
        .filter(Column::Id.eq(id))
        .filter(Column::Status.eq(ShareStatus::Importing.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the athlete's copy (deleted from their Garmin account).
pub async fn clear_copy<C: ConnectionTrait>(db: &C, id: Uuid, now: DateTime<Utc>) -> Result<()> {
    shares::Entity::update_many()
        .col_expr(Column::AthleteGarminWorkoutId, Expr::value(Option::<i64>::None))
        .col_expr(Column::AthleteScheduleId, Expr::value(Option::<i64>::None))
        .col_expr(Column::AthleteScheduledDate, Expr::value(Option::<String>::None))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

fn share((row, snapshot): (shares::Model, Option<SnapshotSummary>)) -> Result<Share> {
    let corrupt = |what: &str| Error::Internal(format!("share {} has {what}", row.id));
    let snapshot = snapshot.ok_or_else(|| corrupt("no snapshot"))?;
    let status = ShareStatus::from_name(&row.status).ok_or_else(|| corrupt("an unknown status"))?;
    let date = |value: &Option<String>| -> Result<Option<CalendarDate>> {
        value
            .as_deref()
            .map(|text| CalendarDate::parse(text).map_err(|_| corrupt("an unreadable day")))
            .transpose()
    };
    let last_error = match (row.last_error.clone(), row.last_error_reason.as_deref()) {
        (Some(message), reason) => Some(ShareFailure {
            reason: reason.and_then(Reason::from_name).unwrap_or(Reason::GarminUnavailable),
            message,
        }),
        (None, _) => None,
    };
    Ok(Share {
        id: row.id,
        coach_id: row.coach_id,
        athlete_id: row.athlete_id,
        workout: SharedWorkout {
            snapshot_id: snapshot.id,
            workout_id: snapshot.workout_id,
            garmin_workout_id: snapshot.garmin_workout_id,
            name: snapshot.name,
            sport_key: snapshot.sport_key,
            sport_id: snapshot.sport_id,
            estimated_duration_seconds: snapshot.estimated_duration_seconds,
            estimated_distance_meters: snapshot.estimated_distance_meters,
            step_count: snapshot.step_count,
            garmin_updated_at: snapshot.garmin_updated_at,
        },
        note: row.note,
        scheduled_date: date(&row.scheduled_date)?,
        status,
        athlete_garmin_workout_id: row.athlete_garmin_workout_id,
        athlete_schedule_id: row.athlete_schedule_id,
        athlete_scheduled_date: date(&row.athlete_scheduled_date)?,
        attempt_count: u32::try_from(row.attempt_count).unwrap_or(0),
        last_error,
        created_at: row.created_at,
        updated_at: row.updated_at,
        imported_at: row.imported_at,
    })
}

/// The coach's shares of one workout that are not revoked, to the listed
/// athletes (every athlete when none are listed), oldest first.
pub async fn of_workout<C: ConnectionTrait>(
    db: &C,
    coach_id: Uuid,
    workout_id: Uuid,
    athlete_ids: &[Uuid],
) -> Result<Vec<Share>> {
    let mut query = shares::Entity::find()
        .filter(Column::CoachId.eq(coach_id))
        .filter(Column::WorkoutId.eq(workout_id))
        .filter(Column::Status.ne(ShareStatus::Revoked.as_str()));
    if !athlete_ids.is_empty() {
        query = query.filter(Column::AthleteId.is_in(athlete_ids.iter().copied()));
    }
    rows(db, with_snapshot(query).order_by_asc(Column::CreatedAt).order_by_asc(Column::Id)).await
}

/// Points a share at a newer snapshot if it is in one of `from`; reports
/// whether it did.
pub async fn replace_snapshot<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    snapshot_id: Uuid,
    from: &[ShareStatus],
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = shares::Entity::update_many()
        .col_expr(Column::SnapshotId, Expr::value(snapshot_id))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(id))
        .filter(Column::Status.is_in(from.iter().map(|s| s.as_str())))
        .exec(db)
        .await?
        .rows_affected;
    Ok(changed > 0)
}
