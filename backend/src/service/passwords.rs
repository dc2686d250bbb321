//! Setting and changing passwords: the operator's commands, reset links
//! issued by admins, and a signed-in user's own change.

use secrecy::SecretString;

use super::{
    AuthService, Caller, ClientInfo,
    audit::{event, from_client},
    throttle::AccountState,
};
use crate::{
    crypto::token_digest,
    domain::{DisplayName, Email, Password, Role, Roles, User},
    error::{Error, Result},
    store::{
        audit,
        one_time_tokens::{self, Purpose},
        sessions,
        users::{self, NewUser},
    },
};

/// Longest one-time token worth looking up (ours are 43 characters).
pub(super) const MAX_ONE_TIME_TOKEN_LEN: usize = 256;

/// The one answer for a reset or invite token that cannot be used, so the
/// reply does not tell unknown from used, revoked or expired.
pub(super) fn unusable(what: &str) -> Error {
    Error::FailedPrecondition(format!("this {what} link is invalid, used or expired"))
}

/// Throttle key for password checks of a signed-in user.
fn user_key(user_id: uuid::Uuid) -> String {
    format!("user:{user_id}")
}

impl AuthService {
    /// Operator task: creates an administrator with a password.
    pub async fn create_admin(
        &self,
        email: &Email,
        name: &DisplayName,
        password: Password,
    ) -> Result<User> {
        let password_hash = self.context.hasher.hash(password.into_secret()).await?;
        let roles: Roles = [Role::Admin].into_iter().collect();
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let record = users::insert(
            &txn,
            NewUser {
                email,
                display_name: name.as_str(),
                password_hash: Some(password_hash),
                google_subject: None,
                timezone: "UTC",
                roles: &roles,
                now,
            },
        )
        .await?;
        let summary = "administrator created by an operator";
        audit::record(&txn, event("user.created", None, Some(record.user.id), summary, now))
            .await?;
        txn.commit().await?;
        tracing::info!(user_id = %record.user.id, "administrator created");
        Ok(record.user)
    }

    /// Operator task: sets a user's password and signs them out everywhere.
    pub async fn reset_password_by_operator(
        &self,
        email: &Email,
        password: Password,
    ) -> Result<User> {
        let password_hash = self.context.hasher.hash(password.into_secret()).await?;
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let record = users::find_by_email(&txn, email).await?.ok_or(Error::NotFound("user"))?;
        users::set_password_hash(&txn, record.user.id, password_hash, now).await?;
        sessions::revoke_all_for_user(&txn, record.user.id, "password_reset", now).await?;
        let summary = "password reset by an operator";
        audit::record(&txn, event("auth.password_reset", None, Some(record.user.id), summary, now))
            .await?;
        txn.commit().await?;
        self.context.throttle.record_success(email.normalized()).await?;
        Ok(record.user)
    }

    /// Sets a new password with a reset token an admin issued, signing the
    /// user out everywhere. The token works once.
    pub async fn reset_password(
        &self,
        client: &ClientInfo,
        reset_token: &str,
        password: Password,
    ) -> Result<()> {
        self.context.throttle.check_address(client.address)?;
        if reset_token.is_empty() || reset_token.len() > MAX_ONE_TIME_TOKEN_LEN {
            return Err(unusable("reset"));
        }
        let password_hash = self.context.hasher.hash(password.into_secret()).await?;
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let token =
            one_time_tokens::find_by_hash(&txn, Purpose::PasswordReset, &token_digest(reset_token))
                .await?
                .ok_or_else(|| unusable("reset"))?;
        let user_id = token.user_id.ok_or_else(|| unusable("reset"))?;
        let record = users::find_by_id(&txn, user_id).await?.ok_or_else(|| unusable("reset"))?;
        if !one_time_tokens::consume(&txn, token.id, user_id, now).await? {
            return Err(unusable("reset"));
        }
        users::set_password_hash(&txn, user_id, password_hash, now).await?;
        sessions::revoke_all_for_user(&txn, user_id, "password_reset", now).await?;
        let reset = event(
            "auth.password_reset",
            Some(user_id),
            Some(user_id),
            "password reset with a link",
            now,
        );
        audit::record(&txn, from_client(reset, client)).await?;
        txn.commit().await?;
        if let Some(email) = record.user.email.as_deref().and_then(|email| Email::parse(email).ok())
        {
            self.context.throttle.record_success(email.normalized()).await?;
        }
        Ok(())
    }

    /// Changes (or, for a Google-only account, sets) the caller's password.
    /// Returns how many other sessions were revoked.
    pub async fn change_password(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        current: SecretString,
        new: Password,
        revoke_other_sessions: bool,
    ) -> Result<u64> {
        use secrecy::ExposeSecret;
        let record = users::find_by_id(self.context.db.reader(), caller.user_id)
            .await?
            .filter(|record| record.user.active)
            .ok_or(Error::Unauthenticated)?;
        match record.password_hash.clone() {
            Some(hash) => {
                let key = user_key(caller.user_id);
                if self.context.throttle.account_state(&key).await? == AccountState::Locked {
                    return Err(Error::ResourceExhausted(
                        "too many wrong passwords; try again later".to_owned(),
                    ));
                }
                if current.expose_secret().is_empty() {
                    return Err(Error::invalid("current_password", "is required"));
                }
                if !self.context.hasher.verify(current, Some(hash)).await? {
                    self.context.throttle.record_failure(&key).await?;
                    return Err(Error::invalid("current_password", "is not your current password"));
                }
                self.context.throttle.record_success(&key).await?;
            }
            None if !current.expose_secret().is_empty() => {
                return Err(Error::invalid(
                    "current_password",
                    "must be empty: this account has no password yet",
                ));
            }
            None => {}
        }
        let password_hash = self.context.hasher.hash(new.into_secret()).await?;
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        users::set_password_hash(&txn, caller.user_id, password_hash, now).await?;
        let revoked = if revoke_other_sessions {
            sessions::revoke_others(
                &txn,
                caller.user_id,
                Some(caller.session_id),
                "password_changed",
                now,
            )
            .await?
        } else {
            0
        };
        let summary = format!("password changed; {revoked} other session(s) signed out");
        let changed = event(
            "auth.password_changed",
            Some(caller.user_id),
            Some(caller.user_id),
            summary,
            now,
        );
        audit::record(&txn, from_client(changed, client)).await?;
        txn.commit().await?;
        Ok(revoked)
    }
}
