//! Proving again who one is, inside a session: the password (here) or
//! Google (`google.rs`). Credential changes accept a session whose last
//! proof is recent, so a stolen access token alone cannot add a Google
//! sign-in or set a password and become a permanent login.

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use super::{
    AuthService, Caller, auth::check_sign_in_password, sessions::RECENT_SIGN_IN, throttle::Failure,
};
use crate::{
    domain::{AuditEvent, ClientInfo, Email, User},
    error::{Error, Reason, Result},
    store::{
        audit, sessions,
        users::{self, UserRecord},
    },
};

impl AuthService {
    /// Re-authenticates the caller's session with their password; returns
    /// until when it counts as recent.
    pub async fn reauthenticate_with_password(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        password: SecretString,
    ) -> Result<DateTime<Utc>> {
        self.context.throttle.check_address(client.address)?;
        check_sign_in_password(&password)?;
        let record = self.active_caller(caller).await?;
        self.verify_own_password(client, &record, password, "password").await?;
        self.mark_signed_in(caller, client, "password").await
    }

    /// Records on the caller's session that its user just proved who they
    /// are (`how`: "password" or "Google").
    pub(super) async fn mark_signed_in(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        how: &str,
    ) -> Result<DateTime<Utc>> {
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        sessions::mark_signed_in(&txn, caller.session_id, now).await?;
        let confirmed = AuditEvent::new("auth.reauthenticated", now)
            .by_self(caller.user_id)
            .resource("session", caller.session_id)
            .summary(format!("confirmed with {how}"))
            .client(client);
        audit::record(&txn, confirmed).await?;
        txn.commit().await?;
        Ok(now + RECENT_SIGN_IN)
    }

    /// The caller's account, if it is still active.
    pub(super) async fn active_caller(&self, caller: &Caller) -> Result<UserRecord> {
        users::find_by_id(self.context.db.reader(), caller.user_id)
            .await?
            .filter(|record| record.user.active)
            .ok_or(Error::Unauthenticated)
    }

    /// Checks a signed-in user's own password, counting a wrong one against
    /// the same per-account lock as sign-in (judged after the hash). A
    /// wrong password is INVALID_ARGUMENT on `field`; a locked account is
    /// RESOURCE_EXHAUSTED.
    pub(super) async fn verify_own_password(
        &self,
        client: &ClientInfo,
        record: &UserRecord,
        password: SecretString,
        field: &str,
    ) -> Result<()> {
        let key = account_key(&record.user);
        let matches = self.context.hasher.verify(password, record.password_hash.clone()).await?;
        if self.context.throttle.locked_until(&key).await?.is_some() {
            self.attempt_while_locked(client, Some(record.user.id)).await?;
            return Err(Error::refused(Reason::TooManyAttempts));
        }
        if !matches {
            return match self.sign_in_failed(client, &key, Some(record.user.id)).await? {
                // Judged and wrong (even if this failure locks the account).
                Failure::Counted | Failure::Locked { .. } => {
                    Err(Error::invalid(field, "is not your password"))
                }
                Failure::WhileLocked => Err(Error::refused(Reason::TooManyAttempts)),
            };
        }
        self.context.throttle.record_success(&key).await
    }
}

/// The sign-in throttle's key for an account: its normalised email, as
/// Login counts it (or the id for an account without one).
pub(super) fn account_key(user: &User) -> String {
    user.email
        .as_deref()
        .and_then(|email| Email::parse(email).ok())
        .map_or_else(|| format!("user:{}", user.id), |email| email.normalized().to_owned())
}
