//! Sign-in, token refresh and sign-out. The other account flows are
//! `impl AuthService` blocks beside this file: sessions, passwords, invites,
//! Google and re-authentication.

use chrono::{DateTime, Duration, Utc};
use secrecy::{ExposeSecret, SecretString};

use super::{Caller, Context, throttle::Failure};
use crate::{
    crypto::{new_opaque_token, token_digest},
    domain::{AuditEvent, ClientInfo, Email, Roles, User},
    error::{Error, Result},
    store::{
        audit,
        sessions::{self, NewSession, Rotation},
        users,
    },
};

/// A session's absolute lifetime: refreshing never extends it.
pub const SESSION_LIFETIME: Duration = Duration::days(7);

/// Longest password accepted at sign-in. Longer input cannot be a valid
/// password, and hashing it would be wasted work.
const MAX_SIGN_IN_PASSWORD_BYTES: usize = 1024;

/// Longest refresh token worth looking up (ours are 43 characters).
const MAX_REFRESH_TOKEN_LEN: usize = 256;

/// The tokens a successful sign-in or refresh hands out.
#[derive(Debug)]
pub struct IssuedTokens {
    pub access_token: String,
    pub access_token_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_token_expires_at: DateTime<Utc>,
}

/// What the sign-in page may offer.
#[derive(Debug, Clone, Copy)]
pub struct SignInOptions {
    pub self_signup: bool,
    pub google: bool,
}

/// Account use cases: signing in and out, sessions, passwords, invites,
/// Google.
#[derive(Clone)]
pub struct AuthService {
    pub(super) context: Context,
}

impl AuthService {
    pub fn new(context: Context) -> Self {
        Self { context }
    }

    /// Which sign-in options the sign-in page should offer.
    pub fn sign_in_options(&self) -> SignInOptions {
        SignInOptions {
            self_signup: self.context.settings.self_signup,
            google: self.context.google.is_some(),
        }
    }

    /// Turns a bearer token into the caller it speaks for: the signature and
    /// claims must hold, and the session must not be on the revocation list.
    pub fn authenticate(&self, bearer: &str) -> Result<Caller> {
        let claims = self
            .context
            .access_tokens
            .verify(bearer, self.context.clock.now())
            .map_err(|_| Error::Unauthenticated)?;
        if self.context.revocations.is_revoked(claims.sid) {
            return Err(Error::Unauthenticated);
        }
        Ok(Caller {
            user_id: claims.sub,
            session_id: claims.sid,
            roles: Roles::from_names(&claims.roles),
        })
    }

    /// Email and password sign-in. Every failure — unknown email, wrong
    /// password, deactivated or locked account — is the same UNAUTHENTICATED
    /// after the same work and the same queries: a password hash is checked
    /// even when there is no user, and failures are counted for unknown
    /// addresses too. The lock is judged after the hash, on the fresh count,
    /// so a burst of concurrent guesses cannot slip past it.
    pub async fn login(
        &self,
        client: &ClientInfo,
        email: &str,
        password: SecretString,
    ) -> Result<IssuedTokens> {
        self.context.throttle.check_address(client.address)?;
        let email = Email::parse(email).map_err(|why| Error::invalid("email", why))?;
        check_sign_in_password(&password)?;

        let account_key = email.normalized();
        let credentials = users::find_credentials(self.context.db.reader(), &email).await?;
        let subject = credentials.as_ref().map(|found| found.user_id);
        let hash = credentials
            .as_ref()
            .filter(|found| found.active)
            .and_then(|found| found.password_hash.clone());
        let matches = self.context.hasher.verify(password, hash).await?;
        if !matches {
            self.sign_in_failed(client, account_key, subject).await?;
            return Err(Error::Unauthenticated);
        }
        if self.context.throttle.locked_until(account_key).await?.is_some() {
            self.attempt_while_locked(client, subject).await?;
            return Err(Error::Unauthenticated);
        }
        let user = match subject {
            Some(id) => users::find_by_id(self.context.db.reader(), id).await?,
            None => None,
        };
        let user = user.ok_or(Error::Unauthenticated)?.user;
        self.context.throttle.record_success(account_key).await?;
        self.start_session(client, &user, "auth.login.succeeded").await
    }

    /// Counts and records a wrong password for `account_key`; a failure
    /// while locked only records (it neither extends the lock nor counts
    /// towards the next).
    pub(super) async fn sign_in_failed(
        &self,
        client: &ClientInfo,
        account_key: &str,
        subject: Option<uuid::Uuid>,
    ) -> Result<Failure> {
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let failure = self.context.throttle.count_failure(&txn, account_key).await?;
        let summary = match failure {
            Failure::Counted | Failure::Locked { .. } => "wrong email or password",
            Failure::WhileLocked => "attempt while the account was locked",
        };
        audit::record(&txn, failed_sign_in(now, subject, client).summary(summary)).await?;
        if let Failure::Locked { until } = failure {
            tracing::warn!(user_id = ?subject, address = ?client.address, %until, "sign-in locked after repeated failures");
            let locked = AuditEvent::new("auth.lockout", now)
                .summary(format!("locked until {}", until.to_rfc3339()))
                .client(client);
            audit::record(&txn, with_subject(locked, subject)).await?;
        }
        txn.commit().await?;
        tracing::info!(user_id = ?subject, address = ?client.address, "sign-in failed");
        Ok(failure)
    }

    /// Records a right password refused because the account is locked.
    pub(super) async fn attempt_while_locked(
        &self,
        client: &ClientInfo,
        subject: Option<uuid::Uuid>,
    ) -> Result<()> {
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let event =
            failed_sign_in(now, subject, client).summary("attempt while the account was locked");
        audit::record(&txn, event).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Exchanges a refresh token for a new pair. The presented token is used
    /// up; presenting it again revokes its whole session (RFC 9700 §4.14).
    pub async fn refresh(&self, refresh_token: &str) -> Result<IssuedTokens> {
        if refresh_token.is_empty() || refresh_token.len() > MAX_REFRESH_TOKEN_LEN {
            return Err(Error::Unauthenticated);
        }
        let now = self.context.clock.now();
        let child = new_opaque_token();
        let txn = self.context.db.begin().await?;
        let presented = token_digest(refresh_token);
        match sessions::rotate(&txn, &presented, token_digest(&child), now).await? {
            Rotation::Unknown => Err(Error::Unauthenticated),
            Rotation::Reused(session) => {
                sessions::revoke(&txn, session.id, "refresh_token_reuse", now).await?;
                let reuse = AuditEvent::new("auth.refresh_reuse", now)
                    .subject(session.user_id)
                    .resource("session", session.id)
                    .summary("a used refresh token was presented again; the session was revoked");
                audit::record(&txn, reuse).await?;
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
                if !session.is_live(now) {
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
        if refresh_token.is_empty() || refresh_token.len() > MAX_REFRESH_TOKEN_LEN {
            return Ok(());
        }
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let session = sessions::find_by_token(&txn, &token_digest(refresh_token)).await?;
        if let Some(session) = session.filter(|session| session.revoked_at.is_none()) {
            sessions::revoke(&txn, session.id, "logout", now).await?;
            let signed_out = AuditEvent::new("auth.logout", now)
                .by_self(session.user_id)
                .resource("session", session.id)
                .summary("signed out");
            audit::record(&txn, signed_out).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Opens a session for a user who has just proved who they are.
    pub(super) async fn start_session(
        &self,
        client: &ClientInfo,
        user: &User,
        action: &'static str,
    ) -> Result<IssuedTokens> {
        let now = self.context.clock.now();
        let refresh_token = new_opaque_token();
        let txn = self.context.db.begin().await?;
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
        let signed_in = AuditEvent::new(action, now)
            .by_self(user.id)
            .resource("session", session.id)
            .summary("signed in")
            .client(client);
        audit::record(&txn, signed_in).await?;
        txn.commit().await?;
        tracing::info!(user_id = %user.id, address = ?client.address, "signed in");
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
        Ok(self.context.access_tokens.issue(user.id, session_id, user.roles.names(), now)?)
    }
}

/// A failed sign-in, for the audit log.
fn failed_sign_in(
    now: DateTime<Utc>,
    subject: Option<uuid::Uuid>,
    client: &ClientInfo,
) -> AuditEvent {
    with_subject(AuditEvent::new("auth.login.failed", now).client(client), subject)
}

fn with_subject(event: AuditEvent, subject: Option<uuid::Uuid>) -> AuditEvent {
    match subject {
        Some(id) => event.subject(id),
        None => event,
    }
}

/// Sign-in checks only that a password is present and not absurdly long;
/// the policy applies when a password is set.
pub(super) fn check_sign_in_password(password: &SecretString) -> Result<()> {
    let length = password.expose_secret().len();
    if length == 0 {
        return Err(Error::invalid("password", "is required"));
    }
    if length > MAX_SIGN_IN_PASSWORD_BYTES {
        return Err(Error::invalid("password", "is too long"));
    }
    Ok(())
}
