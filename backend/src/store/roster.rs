//! Queries on the coach–athlete roster.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::OnConflict,
};
use uuid::Uuid;

use super::entity::coach_athletes;
use crate::error::Result;

/// Links an athlete to a coach; linking an existing pair changes nothing.
pub async fn link<C: ConnectionTrait>(
    db: &C,
    coach_id: Uuid,
    athlete_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    coach_athletes::Entity::insert(coach_athletes::ActiveModel {
        coach_id: Set(coach_id),
        athlete_id: Set(athlete_id),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([coach_athletes::Column::CoachId, coach_athletes::Column::AthleteId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Removes a link; reports whether there was one.
pub async fn unlink<C: ConnectionTrait>(db: &C, coach_id: Uuid, athlete_id: Uuid) -> Result<bool> {
    let removed = coach_athletes::Entity::delete_many()
        .filter(coach_athletes::Column::CoachId.eq(coach_id))
        .filter(coach_athletes::Column::AthleteId.eq(athlete_id))
        .exec(db)
        .await?
        .rows_affected;
    Ok(removed > 0)
}

/// When the pair was linked, if it is.
pub async fn link_time<C: ConnectionTrait>(
    db: &C,
    coach_id: Uuid,
    athlete_id: Uuid,
) -> Result<Option<DateTime<Utc>>> {
    Ok(coach_athletes::Entity::find_by_id((coach_id, athlete_id))
        .one(db)
        .await?
        .map(|link| link.created_at))
}

/// A coach's athletes: (athlete id, linked at), oldest link first.
pub async fn athletes_of<C: ConnectionTrait>(
    db: &C,
    coach_id: Uuid,
) -> Result<Vec<(Uuid, DateTime<Utc>)>> {
    let links = links_where(db, coach_athletes::Column::CoachId, coach_id).await?;
    Ok(links.into_iter().map(|link| (link.athlete_id, link.created_at)).collect())
}

/// An athlete's coaches: (coach id, linked at), oldest link first.
pub async fn coaches_of<C: ConnectionTrait>(
    db: &C,
    athlete_id: Uuid,
) -> Result<Vec<(Uuid, DateTime<Utc>)>> {
    let links = links_where(db, coach_athletes::Column::AthleteId, athlete_id).await?;
    Ok(links.into_iter().map(|link| (link.coach_id, link.created_at)).collect())
}

async fn links_where<C: ConnectionTrait>(
    db: &C,
    side: coach_athletes::Column,
    user_id: Uuid,
) -> Result<Vec<coach_athletes::Model>> {
    Ok(coach_athletes::Entity::find()
        .filter(side.eq(user_id))
        .order_by_asc(coach_athletes::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Removes every link a user is part of, on either side (account deletion).
pub async fn remove_user<C: ConnectionTrait>(db: &C, user_id: Uuid) -> Result<()> {
    coach_athletes::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(coach_athletes::Column::CoachId.eq(user_id))
                .add(coach_athletes::Column::AthleteId.eq(user_id)),
        )
        .exec(db)
        .await?;
    Ok(())
}
