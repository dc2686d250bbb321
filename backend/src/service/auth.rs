//! Sign-in, token refresh and sign-out. The other account flows are
//! `impl AuthService` blocks beside this file: sessions, passwords, invites
//! and Google.

use chrono::{DateTime, Duration, Utc};
use secrecy::{ExposeSecret, SecretString};

use super::{
    Caller, ClientInfo, Context,
    audit::{event, from_client},
    throttle::AccountState,
};
use crate::{
    crypto::{new_opaque_token, token_digest},
    domain::{Email, Roles, User},
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

    /// Turns a bearer token into the caller it speaks for.
    pub fn authenticate(&self, bearer: &str) -> Result<Caller> {
        let claims = self
            .context
            .access_tokens
            .verify(bearer, self.context.clock.now())
            .map_err(|_| Error::Unauthenticated)?;
        Ok(Caller {
            user_id: claims.sub,
            session_id: claims.sid,
            roles: Roles::from_names(&claims.roles),
        })
    }

    /// Email and password sign-in. Every failure — unknown email, wrong
    /// password, deactivated or locked account — is the same UNAUTHENTICATED
    /// after the same work: a password hash is checked even when there is no
    /// user, and failures are counted for unknown addresses too.
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
        let state = self.context.throttle.account_state(account_key).await?;
        let record = users::find_by_email(self.context.db.reader(), &email).await?;
        let usable = record.as_ref().filter(|record| record.user.active);
        let hash = usable.and_then(|record| record.password_hash.clone());
        let matches = self.context.hasher.verify(password, hash).await?;
        let subject = record.as_ref().map(|record| record.user.id);

        let signed_in = usable.filter(|_| matches && state == AccountState::Open);
        let Some(record) = signed_in else {
            self.sign_in_failed(client, account_key, subject, state).await?;
            return Err(Error::Unauthenticated);
        };
        self.context.throttle.record_success(account_key).await?;
        let tokens = self.start_session(client, &record.user, "auth.login.succeeded").await?;
        Ok(tokens)
    }

    /// Counts and records a failed sign-in; a failure while locked only
    /// records (it neither extends the lock nor counts towards the next).
    pub(super) async fn sign_in_failed(
        &self,
        client: &ClientInfo,
        account_key: &str,
        subject: Option<uuid::Uuid>,
        state: AccountState,
    ) -> Result<()> {
        let now = self.context.clock.now();
        let locked_until = match state {
            AccountState::Open => self.context.throttle.record_failure(account_key).await?,
            AccountState::Locked => None,
        };
        let txn = self.context.db.begin().await?;
        let summary = match state {
            AccountState::Open => "wrong email or password",
            AccountState::Locked => "attempt while the account was locked",
        };
        audit::record(
            &txn,
            from_client(event("auth.login.failed", None, subject, summary, now), client),
        )
        .await?;
        if let Some(until) = locked_until {
            tracing::warn!(user_id = ?subject, address = ?client.address, %until, "sign-in locked after repeated failures");
            let summary = format!("locked until {}", until.to_rfc3339());
            audit::record(
                &txn,
                from_client(event("auth.lockout", None, subject, summary, now), client),
            )
            .await?;
        }
        txn.commit().await?;
        tracing::info!(user_id = ?subject, address = ?client.address, "sign-in failed");
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
                let summary = "a used refresh token was presented again; the session was revoked";
                let mut reuse =
                    event("auth.refresh_reuse", None, Some(session.user_id), summary, now);
                reuse.resource = format!("session/{}", session.id);
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
        if refresh_token.is_empty() || refresh_token.len() > MAX_REFRESH_TOKEN_LEN {
            return Ok(());
        }
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let session = sessions::find_by_token(&txn, &token_digest(refresh_token)).await?;
        if let Some(session) = session.filter(|session| session.revoked_at.is_none()) {
            sessions::revoke(&txn, session.id, "logout", now).await?;
            let summary = "signed out";
            audit::record(
                &txn,
                event("auth.logout", Some(session.user_id), Some(session.user_id), summary, now),
            )
            .await?;
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
        let mut signed_in = event(action, Some(user.id), Some(user.id), "signed in", now);
        signed_in.resource = format!("session/{}", session.id);
        audit::record(&txn, from_client(signed_in, client)).await?;
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

/// Sign-in checks only that a password is present and not absurdly long;
/// the policy applies when a password is set.
fn check_sign_in_password(password: &SecretString) -> Result<()> {
    let length = password.expose_secret().len();
    if length == 0 {
        return Err(Error::invalid("password", "is required"));
    }
    if length > MAX_SIGN_IN_PASSWORD_BYTES {
        return Err(Error::invalid("password", "is too long"));
    }
    Ok(())
}
