//! Sign-in, token refresh and sign-out; operator password tasks.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use secrecy::SecretString;

use super::{Caller, ClientInfo};
use crate::{
    clock::Clock,
    crypto::{AccessTokens, PasswordHasher, new_opaque_token, token_digest},
    domain::{Email, Password, Role, Roles, User},
    error::{Error, Result},
    store::{
        Db,
        sessions::{self, NewSession, Rotation},
        users::{self, NewUser},
    },
};

/// A session's absolute lifetime: refreshing never extends it.
pub const SESSION_LIFETIME: Duration = Duration::days(7);

/// Longest password accepted at sign-in. Longer input cannot be a valid
/// password, and hashing it would be wasted work.
const MAX_SIGN_IN_PASSWORD_BYTES: usize = 1024;

/// The tokens a successful sign-in or refresh hands out.
#[derive(Debug)]
pub struct IssuedTokens {
    pub access_token: String,
    pub access_token_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_token_expires_at: DateTime<Utc>,
}

/// Sign-in and session use cases.
#[derive(Clone)]
pub struct AuthService {
    db: Db,
    clock: Arc<dyn Clock>,
    hasher: PasswordHasher,
    access_tokens: Arc<AccessTokens>,
}

impl AuthService {
    pub fn new(
        db: Db,
        clock: Arc<dyn Clock>,
        hasher: PasswordHasher,
        access_tokens: Arc<AccessTokens>,
    ) -> Self {
        Self { db, clock, hasher, access_tokens }
    }

    /// Turns a bearer token into the caller it speaks for.
    pub fn authenticate(&self, bearer: &str) -> Result<Caller> {
        let claims = self
            .access_tokens
            .verify(bearer, self.clock.now())
            .map_err(|_| Error::Unauthenticated)?;
        Ok(Caller {
            user_id: claims.sub,
            session_id: claims.sid,
            roles: Roles::from_names(&claims.roles),
        })
    }

    /// Email and password sign-in. Every failure — unknown email, wrong
    /// password, deactivated account — is the same UNAUTHENTICATED after the
    /// same work: a password hash is checked even when there is no user.
    pub async fn login(
        &self,
        client: &ClientInfo,
        email: &str,
        password: SecretString,
    ) -> Result<IssuedTokens> {
        let email = Email::parse(email).map_err(|why| Error::invalid("email", why))?;
        check_sign_in_password(&password)?;

        let record = users::find_by_email(self.db.reader(), &email).await?;
        let usable = record.as_ref().filter(|record| record.user.active);
        let hash = usable.and_then(|record| record.password_hash.clone());
        let matches = self.hasher.verify(password, hash).await?;
        let Some(record) = usable.filter(|_| matches) else {
            tracing::info!(
                user_id = record.as_ref().map(|r| r.user.id.to_string()),
                address = ?client.address,
                "sign-in failed"
            );
            return Err(Error::Unauthenticated);
        };

        let tokens = self.start_session(client, &record.user).await?;
        tracing::info!(user_id = %record.user.id, address = ?client.address, "signed in");
        Ok(tokens)
    }

    /// Exchanges a refresh token for a new pair. The presented token is used
    /// up; presenting it again revokes its whole session (RFC 9700 §4.14).
    pub async fn refresh(&self, refresh_token: &str) -> Result<IssuedTokens> {
        if refresh_token.is_empty() || refresh_token.len() > 256 {
            return Err(Error::Unauthenticated);
        }
        let now = self.clock.now();
        let child = new_opaque_token();
        let txn = self.db.begin().await?;
        match sessions::rotate(&txn, &token_digest(refresh_token), token_digest(&child), now)
            .await?
        {
            Rotation::Unknown => Err(Error::Unauthenticated),
            Rotation::Reused(session) => {
                sessions::revoke(&txn, session.id, "refresh_token_reuse", now).await?;
                txn.commit().await?;
                tracing::warn!(
                    security_event = "refresh_token_reuse",
                    user_id = %session.user_id,
                    session_id = %session.id,
                    "a used refresh token was presented again; the session is revoked"
                );
                Err(Error::Unauthenticated)
            }
            Rotation::Rotated(session) => {
                if session.revoked_at.is_some() || session.expires_at <= now {
                    return Err(Error::Unauthenticated);
                }
                let user = users::find_by_id(&txn, session.user_id)
                    .await?
                    .filter(|record| record.user.active)
                    .ok_or(Error::Unauthenticated)?;
                txn.commit().await?;
                let (access_token, access_token_expires_at) =
                    self.access_token(&user.user, session.id, now)?;
                Ok(IssuedTokens {
                    access_token,
                    access_token_expires_at,
                    refresh_token: child,
                    refresh_token_expires_at: session.expires_at,
                })
            }
        }
    }

    /// Ends the session the refresh token belongs to. Unknown or already
    /// revoked tokens succeed too: signing out is idempotent.
    pub async fn logout(&self, refresh_token: &str) -> Result<()> {
        if refresh_token.is_empty() || refresh_token.len() > 256 {
            return Ok(());
        }
        let txn = self.db.begin().await?;
        if let Some(session) = sessions::find_by_token(&txn, &token_digest(refresh_token)).await? {
            sessions::revoke(&txn, session.id, "logout", self.clock.now()).await?;
            tracing::info!(user_id = %session.user_id, session_id = %session.id, "signed out");
        }
        txn.commit().await?;
        Ok(())
    }

    /// Operator task: creates an administrator with a password.
    pub async fn create_admin(
        &self,
        email: &Email,
        name: &str,
        password: Password,
    ) -> Result<User> {
        let password_hash = self.hasher.hash(password.into_secret()).await?;
        let roles: Roles = [Role::Admin].into_iter().collect();
        let txn = self.db.begin().await?;
        let record = users::insert(
            &txn,
            NewUser {
                email,
                display_name: name,
                password_hash: Some(password_hash),
                roles: &roles,
                now: self.clock.now(),
            },
        )
        .await?;
        txn.commit().await?;
        tracing::info!(user_id = %record.user.id, "administrator created");
        Ok(record.user)
    }

    /// Operator task: sets a user's password and signs them out everywhere.
    pub async fn reset_password(&self, email: &Email, password: Password) -> Result<User> {
        let password_hash = self.hasher.hash(password.into_secret()).await?;
        let now = self.clock.now();
        let txn = self.db.begin().await?;
        let record = users::find_by_email(&txn, email).await?.ok_or(Error::NotFound("user"))?;
        users::set_password_hash(&txn, record.user.id, password_hash, now).await?;
        sessions::revoke_all_for_user(&txn, record.user.id, "password_reset", now).await?;
        txn.commit().await?;
        tracing::info!(user_id = %record.user.id, "password reset by an operator");
        Ok(record.user)
    }

    async fn start_session(&self, client: &ClientInfo, user: &User) -> Result<IssuedTokens> {
        let now = self.clock.now();
        let refresh_token = new_opaque_token();
        let txn = self.db.begin().await?;
        let session = sessions::create(
            &txn,
            NewSession {
                user_id: user.id,
                user_agent: client.user_agent.clone(),
                address: client.address.map(|address| address.to_string()),
                token_hash: token_digest(&refresh_token),
                now,
                expires_at: now + SESSION_LIFETIME,
            },
        )
        .await?;
        txn.commit().await?;
        let (access_token, access_token_expires_at) = self.access_token(user, session.id, now)?;
        Ok(IssuedTokens {
            access_token,
            access_token_expires_at,
            refresh_token,
            refresh_token_expires_at: session.expires_at,
        })
    }

    fn access_token(
        &self,
        user: &User,
        session_id: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>)> {
        Ok(self.access_tokens.issue(user.id, session_id, user.roles.names(), now)?)
    }
}

/// Sign-in checks only that a password is present and not absurdly long;
/// the policy applies when a password is set.
fn check_sign_in_password(password: &SecretString) -> Result<()> {
    use secrecy::ExposeSecret;
    let length = password.expose_secret().len();
    if length == 0 {
        return Err(Error::invalid("password", "is required"));
    }
    if length > MAX_SIGN_IN_PASSWORD_BYTES {
        return Err(Error::invalid("password", "is too long"));
    }
    Ok(())
}
