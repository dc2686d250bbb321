//! Table definitions (sea-orm entities). Our own query methods live in the
//! aggregate modules beside this one, not here.

pub mod audit_log;
pub mod coach_athletes;
pub mod garmin_accounts;
pub mod garmin_sign_ins;
pub mod google_logins;
pub mod idempotency_keys;
pub mod jobs;
pub mod login_attempts;
pub mod notifications;
pub mod one_time_token_roles;
pub mod one_time_tokens;
pub mod refresh_tokens;
pub mod sessions;
pub mod shares;
pub mod user_roles;
pub mod users;
pub mod workout_snapshots;
pub mod workouts;
