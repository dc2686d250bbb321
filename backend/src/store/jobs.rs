//! Durable background jobs (today: importing a share into the athlete's
//! Garmin account). A job is claimed with a lease: the worker that holds
//! the lease owns the job until it finishes it or the lease runs out, after
//! which any worker on any replica takes it over. On PostgreSQL claims skip
//! rows another replica has locked (`FOR UPDATE SKIP LOCKED`); SQLite's
//! single writer serializes them. The partial unique index on running jobs
//! per account makes "one job at a time per Garmin account" hold across
//! replicas: a second claim for a busy account fails and is retried later.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, SqlErr,
    Statement, sea_query::Expr,
};
use uuid::Uuid;

use super::entity::jobs::{self, Column};
use crate::{domain::CalendarDate, error::Result};

/// What a job does.
pub const IMPORT_SHARE: &str = "import_share";

const QUEUED: &str = "queued";
const RUNNING: &str = "running";
const DONE: &str = "done";

/// A claimed job.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: Uuid,
    pub share_id: Uuid,
    pub account_id: Uuid,
    pub schedule_on: Option<CalendarDate>,
    /// Tries so far, this one included.
    pub attempts: u32,
    /// A create was sent earlier and may have happened unseen.
    pub create_sent: bool,
    /// A schedule was sent earlier and may have happened unseen.
    pub schedule_sent: bool,
}

/// Queues an import of `share_id` into `account_id`'s Garmin account.
/// Reports false when the share already has an unfinished job.
pub async fn enqueue_import<C: ConnectionTrait>(
    db: &C,
    share_id: Uuid,
    account_id: Uuid,
    schedule_on: Option<CalendarDate>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let inserted = jobs::Entity::insert(jobs::ActiveModel {
        id: Set(Uuid::new_v4()),
        kind: Set(IMPORT_SHARE.to_owned()),
        share_id: Set(share_id),
        account_id: Set(account_id),
        status: Set(QUEUED.to_owned()),
        schedule_on: Set(schedule_on.map(|date| date.to_string())),
        attempts: Set(0),
        run_after: Set(now),
        lease_owner: Set(None),
        lease_until: Set(None),
        create_sent_at: Set(None),
        schedule_sent_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Ok(false)
        }
        Err(error) => Err(error.into()),
    }
}

/// What a claim found.
#[derive(Debug)]
pub enum Claimed {
    Job(Job),
    /// Nothing is due.
    Nothing,
    /// Another worker took the same account in the same instant: there may
    /// well be other work, so look again at once.
    Contended,
}

/// Claims the next due job for `owner` until `lease_until`: a queued job
/// whose account has nothing running, or a running job whose lease ran out
/// (its worker died).
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    owner: Uuid,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Claimed> {
    let backend = db.get_database_backend();
    let (sql, values): (&str, Vec<sea_orm::Value>) = match backend {
        DbBackend::Postgres => (
            "UPDATE jobs SET status = 'running', lease_owner = $1, lease_until = $2, \
             attempts = attempts + 1, updated_at = $3 \
             WHERE id = (SELECT j.id FROM jobs j \
               WHERE (j.status = 'queued' AND j.run_after <= $3 AND NOT EXISTS \
                 (SELECT 1 FROM jobs r WHERE r.account_id = j.account_id AND r.status = 'running')) \
               OR (j.status = 'running' AND j.lease_until < $3) \
               ORDER BY j.run_after LIMIT 1 FOR UPDATE SKIP LOCKED) \
             RETURNING *",
            vec![owner.into(), lease_until.into(), now.into()],
        ),
        _ => (
            "UPDATE jobs SET status = 'running', lease_owner = ?, lease_until = ?, \
             attempts = attempts + 1, updated_at = ? \
             WHERE id = (SELECT j.id FROM jobs j \
               WHERE (j.status = 'queued' AND j.run_after <= ? AND NOT EXISTS \
                 (SELECT 1 FROM jobs r WHERE r.account_id = j.account_id AND r.status = 'running')) \
               OR (j.status = 'running' AND j.lease_until < ?) \
               ORDER BY j.run_after LIMIT 1) \
             RETURNING *",
            vec![owner.into(), lease_until.into(), now.into(), now.into(), now.into()],
        ),
    };
    let statement = Statement::from_sql_and_values(backend, sql, values);
    let row = match jobs::Entity::find().from_raw_sql(statement).one(db).await {
        Ok(row) => row,
        // Another worker claimed a job of the same account first.
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            return Ok(Claimed::Contended);
        }
        Err(error) => return Err(error.into()),
    };
    Ok(row.map_or(Claimed::Nothing, |row| {
        Claimed::Job(Job {
            id: row.id,
            share_id: row.share_id,
            account_id: row.account_id,
            schedule_on: row.schedule_on.as_deref().and_then(|day| CalendarDate::parse(day).ok()),
            attempts: u32::try_from(row.attempts).unwrap_or(u32::MAX),
            create_sent: row.create_sent_at.is_some(),
            schedule_sent: row.schedule_sent_at.is_some(),
        })
    }))
}

/// Which write a job is about to send.
#[derive(Debug, Clone, Copy)]
pub enum Sending {
    Create,
    Schedule,
}

/// Notes, before sending it, that a write may happen: should the answer be
/// lost, the next try looks before writing again. False when the lease is
/// no longer `owner`'s (another worker took the job over: stop).
pub async fn mark_sending<C: ConnectionTrait>(
    db: &C,
    job: &Job,
    owner: Uuid,
    sending: Sending,
    now: DateTime<Utc>,
) -> Result<bool> {
    let column = match sending {
        Sending::Create => Column::CreateSentAt,
        Sending::Schedule => Column::ScheduleSentAt,
    };
    let changed = jobs::Entity::update_many()
        .col_expr(column, Expr::value(now))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(job.id))
        .filter(Column::Status.eq(RUNNING))
        .filter(Column::LeaseOwner.eq(owner))
        .exec(db)
        .await?
        .rows_affected;
    Ok(changed > 0)
}

/// Ends the job (done, whatever the outcome: the share records it).
pub async fn finish<C: ConnectionTrait>(
    db: &C,
    job_id: Uuid,
    owner: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = jobs::Entity::update_many()
        .col_expr(Column::Status, Expr::value(DONE))
        .col_expr(Column::LeaseOwner, Expr::value(Option::<Uuid>::None))
        .col_expr(Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(job_id))
        .filter(Column::LeaseOwner.eq(owner))
        .exec(db)
        .await?
        .rows_affected;
    Ok(changed > 0)
}

/// Puts the job back in the queue, due at `run_after`.
pub async fn retry_at<C: ConnectionTrait>(
    db: &C,
    job_id: Uuid,
    owner: Uuid,
    run_after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = jobs::Entity::update_many()
        .col_expr(Column::Status, Expr::value(QUEUED))
        .col_expr(Column::RunAfter, Expr::value(run_after))
        .col_expr(Column::LeaseOwner, Expr::value(Option::<Uuid>::None))
        .col_expr(Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Id.eq(job_id))
        .filter(Column::LeaseOwner.eq(owner))
        .exec(db)
        .await?
        .rows_affected;
    Ok(changed > 0)
}

/// Puts the running jobs of `owners` (this replica's workers, stopping)
/// back in the queue, due at once; what they had sent stays noted.
pub async fn release<C: ConnectionTrait>(
    db: &C,
    owners: &[Uuid],
    now: DateTime<Utc>,
) -> Result<u64> {
    Ok(jobs::Entity::update_many()
        .col_expr(Column::Status, Expr::value(QUEUED))
        .col_expr(Column::RunAfter, Expr::value(now))
        .col_expr(Column::LeaseOwner, Expr::value(Option::<Uuid>::None))
        .col_expr(Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::Status.eq(RUNNING))
        .filter(Column::LeaseOwner.is_in(owners.iter().copied()))
        .exec(db)
        .await?
        .rows_affected)
}

/// Jobs waiting or running, for the admin dashboard.
pub async fn unfinished_count<C: ConnectionTrait>(db: &C) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(jobs::Entity::find().filter(Column::Status.ne(DONE)).count(db).await?)
}
