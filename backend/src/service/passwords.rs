//! Setting and changing passwords: the operator's commands, reset links
//! issued by admins, and a signed-in user's own change.

use secrecy::{ExposeSecret, SecretString};

use super::{AuthService, Caller, reauthentication::account_key};
use crate::{
    crypto::token_digest,
    domain::{
        AuditEvent, ClientInfo, DisplayName, Email, Password, Purpose, Role, Roles, SignInMethod,
        User,
    },
    error::{Error, Reason, Result},
    store::{
        audit, one_time_tokens, sessions,
        users::{self, NewUser},
    },
};

/// Longest one-time token worth looking up (ours are 43 characters).
pub(super) const MAX_ONE_TIME_TOKEN_LEN: usize = 256;

/// The one answer for a reset or invite link that cannot be used, so the
/// reply does not tell unknown from used, revoked, expired or inactive.
pub(super) fn unusable() -> Error {
    Error::refused(Reason::LinkUnusable)
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
        let created = AuditEvent::new("user.created", now)
            .subject(record.user.id)
            .summary("administrator created by an operator");
        audit::record(&txn, created).await?;
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
        let reset = AuditEvent::new("auth.password_reset", now)
            .subject(record.user.id)
            .summary("password reset by an operator; signed out everywhere");
        audit::record(&txn, reset).await?;
        txn.commit().await?;
        self.context.throttle.record_success(email.normalized()).await?;
        Ok(record.user)
    }

    /// Sets a new password with a reset token an admin issued and signs the
    /// user out everywhere; returns how the account can sign in now. The
    /// token works once, and only for an active account.
    pub async fn reset_password(
        &self,
        client: &ClientInfo,
        reset_token: &str,
        password: Password,
    ) -> Result<Vec<SignInMethod>> {
        self.context.throttle.check_address(client.address)?;
        if reset_token.is_empty() || reset_token.len() > MAX_ONE_TIME_TOKEN_LEN {
            return Err(unusable());
        }
        let password_hash = self.context.hasher.hash(password.into_secret()).await?;
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let token =
            one_time_tokens::find_by_hash(&txn, Purpose::PasswordReset, &token_digest(reset_token))
                .await?
                .ok_or_else(unusable)?;
        let user_id = token.user_id.ok_or_else(unusable)?;
        let record = users::find_by_id(&txn, user_id)
            .await?
            .filter(|record| record.user.active)
            .ok_or_else(unusable)?;
        if !one_time_tokens::consume(&txn, token.id, user_id, now).await? {
            return Err(unusable());
        }
        users::set_password_hash(&txn, user_id, password_hash, now).await?;
        sessions::revoke_all_for_user(&txn, user_id, "password_reset", now).await?;
        let methods = User { has_password: true, ..record.user.clone() }.sign_in_methods();
        let reset = AuditEvent::new("auth.password_reset", now)
            .by_self(user_id)
            .summary(format!(
                "password reset with a link; signed out everywhere; sign in with {}",
                SignInMethod::describe(&methods)
            ))
            .client(client);
        audit::record(&txn, reset).await?;
        txn.commit().await?;
        self.context.throttle.record_success(&account_key(&record.user)).await?;
        Ok(methods)
    }

    /// Changes (or, for a Google-only account, sets) the caller's password.
    /// The current password is proof enough; a first password needs a
    /// recent sign-in instead. Returns how many other sessions were revoked.
    pub async fn change_password(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        current: SecretString,
        new: Password,
        revoke_other_sessions: bool,
    ) -> Result<u64> {
        let record = self.active_caller(caller).await?;
        match record.password_hash.is_some() {
            true if current.expose_secret().is_empty() => {
                return Err(Error::invalid("current_password", "is required"));
            }
            true => self.verify_own_password(client, &record, current, "current_password").await?,
            false if !current.expose_secret().is_empty() => {
                return Err(Error::invalid(
                    "current_password",
                    "must be empty: this account has no password yet",
                ));
            }
            false => self.require_recent_sign_in(caller).await?,
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
        let changed = AuditEvent::new("auth.password_changed", now)
            .by_self(caller.user_id)
            .summary(format!("password changed; {revoked} other session(s) signed out"))
            .client(client);
        audit::record(&txn, changed).await?;
        txn.commit().await?;
        Ok(revoked)
    }
}
