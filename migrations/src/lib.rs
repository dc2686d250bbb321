//! Baton's schema, one migration per file. The same files run on PostgreSQL
//! and SQLite. A migration is never edited once it has landed: change the
//! schema with a new file.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_create_users;
mod m20261124_000002_create_sessions;
mod m20261124_000003_create_coach_athletes;
mod m20261124_000004_create_one_time_tokens;
mod m20261124_000005_create_audit_log;
mod m20261124_000006_create_login_throttle;
mod m20261124_000007_create_google_logins;
mod m20261124_000008_create_idempotency_keys;
mod m20261202_000009_sign_in_recency;
mod m20261202_000010_invite_roles;
mod m20261202_000011_seal_idempotency_replies;
mod m20261202_000012_retention_indexes;
mod m20261202_000013_create_garmin_accounts;
mod m20261202_000014_create_workouts;
mod m20261202_000015_create_shares;
mod m20261203_000016_create_notifications;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_create_users::Migration),
            Box::new(m20261124_000002_create_sessions::Migration),
            Box::new(m20261124_000003_create_coach_athletes::Migration),
            Box::new(m20261124_000004_create_one_time_tokens::Migration),
            Box::new(m20261124_000005_create_audit_log::Migration),
            Box::new(m20261124_000006_create_login_throttle::Migration),
            Box::new(m20261124_000007_create_google_logins::Migration),
            Box::new(m20261124_000008_create_idempotency_keys::Migration),
            Box::new(m20261202_000009_sign_in_recency::Migration),
            Box::new(m20261202_000010_invite_roles::Migration),
            Box::new(m20261202_000011_seal_idempotency_replies::Migration),
            Box::new(m20261202_000012_retention_indexes::Migration),
            Box::new(m20261202_000013_create_garmin_accounts::Migration),
            Box::new(m20261202_000014_create_workouts::Migration),
            Box::new(m20261202_000015_create_shares::Migration),
            Box::new(m20261203_000016_create_notifications::Migration),
        ]
    }
}
