//! Google sign-in: starting a flow (PKCE, `state`, `nonce`, bound to the
//! browser that started it) and finishing it as a sign-in, an invite
//! acceptance, a link to the signed-in account or a re-authentication; and
//! removing a Google sign-in. A Google identity is never attached to an
//! existing account by matching email, and linking needs a recent sign-in.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use super::{
    AuthService, Caller, IssuedTokens,
    access::require_admin,
    invites::{NewAccountDetails, NewCredential, usable_invite},
};
use crate::{
    crypto::{new_opaque_token, token_digest},
    domain::{AuditEvent, ClientInfo, Email, Role, Roles, SignInMethod, Timezone, User},
    error::{Error, Reason, Result},
    google::{GoogleError, GoogleIdentity, pkce_challenge},
    store::{
        audit,
        google_logins::{self, PendingGoogleLogin},
        users::{self, NewUser, UserChanges},
    },
};

/// How long a started Google flow stays usable.
const FLOW_LIFETIME: Duration = Duration::minutes(10);

/// What a Google flow is for; only the matching RPC may finish it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GooglePurpose {
    SignIn,
    AcceptInvite,
    Link,
    Reauthenticate,
}

impl GooglePurpose {
    fn as_str(self) -> &'static str {
        match self {
            GooglePurpose::SignIn => "sign_in",
            GooglePurpose::AcceptInvite => "accept_invite",
            GooglePurpose::Link => "link",
            GooglePurpose::Reauthenticate => "reauthenticate",
        }
    }
}

/// What Google's redirect delivered, plus the browser's secret.
#[derive(Debug, Clone)]
pub struct GoogleAuthorization {
    pub code: String,
    pub state: String,
    pub browser_binding_secret: String,
}

impl AuthService {
    /// Begins a flow; returns the URL to send the browser to and when the
    /// flow expires. Anyone may start one, so it is limited per client
    /// address like every credential check.
    pub async fn start_google(
        &self,
        caller: Option<&Caller>,
        client: &ClientInfo,
        purpose: GooglePurpose,
        browser_binding_hash: &str,
        invite_token: Option<&str>,
    ) -> Result<(String, DateTime<Utc>)> {
        let user_id = match purpose {
            GooglePurpose::Link | GooglePurpose::Reauthenticate => {
                Some(caller.ok_or(Error::Unauthenticated)?.user_id)
            }
            GooglePurpose::SignIn | GooglePurpose::AcceptInvite => None,
        };
        let google = self.google()?;
        self.context.throttle.check_address(client.address)?;
        if let Some(caller) = caller.filter(|_| user_id.is_some()) {
            // Fail before the trip to Google, not after it.
            let linked = self.active_caller(caller).await?.user.google_linked;
            match purpose {
                GooglePurpose::Link if linked => {
                    return Err(Error::refused(Reason::GoogleAlreadyLinked));
                }
                GooglePurpose::Link => self.require_recent_sign_in(caller).await?,
                GooglePurpose::Reauthenticate if !linked => {
                    return Err(Error::refused(Reason::GoogleNotLinked));
                }
                _ => {}
            }
        }
        let now = self.context.clock.now();
        let invite_token_hash = match (purpose, invite_token) {
            (GooglePurpose::AcceptInvite, Some(token)) => {
                usable_invite(self.context.db.reader(), token, now).await?;
                Some(token_digest(token))
            }
            (GooglePurpose::AcceptInvite, None) => {
                return Err(Error::invalid("invite_token", "is required to accept an invite"));
            }
            (_, Some(_)) => {
                return Err(Error::invalid("invite_token", "must be empty for this purpose"));
            }
            (_, None) => None,
        };
        let (state, nonce, verifier) = (new_opaque_token(), new_opaque_token(), new_opaque_token());
        let url = google
            .authorization_url(&state, &nonce, &pkce_challenge(&verifier))
            .await
            .map_err(unavailable)?;
        let expires_at = now + FLOW_LIFETIME;
        let txn = self.context.db.begin().await?;
        google_logins::insert(
            &txn,
            PendingGoogleLogin {
                id: uuid::Uuid::new_v4(),
                state_hash: token_digest(&state),
                nonce,
                code_verifier: verifier,
                browser_binding_hash: browser_binding_hash.to_owned(),
                purpose: purpose.as_str().to_owned(),
                invite_token_hash,
                user_id,
                created_at: now,
                expires_at,
            },
        )
        .await?;
        txn.commit().await?;
        Ok((url, expires_at))
    }

    /// Finishes a SIGN_IN flow: signs in the account keyed on the Google
    /// subject, or — only with self-registration on — creates an athlete.
    pub async fn finish_google_sign_in(
        &self,
        client: &ClientInfo,
        authorization: &GoogleAuthorization,
    ) -> Result<IssuedTokens> {
        self.context.throttle.check_address(client.address)?;
        let (_, identity) = self.complete_google(GooglePurpose::SignIn, authorization).await?;
        let db = self.context.db.reader();
        let user = match users::find_by_google_subject(db, &identity.subject).await? {
            Some(record) if record.user.active => record.user,
            Some(_) => return Err(Error::Unauthenticated),
            None if self.context.settings.self_signup => {
                self.sign_up_with_google(client, &identity).await?
            }
            None => {
                tracing::info!(address = ?client.address, "Google sign-in by an unknown identity refused");
                return Err(Error::Unauthenticated);
            }
        };
        self.start_session(client, &user, "auth.login.succeeded").await
    }

    /// Finishes an ACCEPT_INVITE flow: creates the invitee's account with
    /// this Google identity and signs it in.
    pub async fn accept_invite_with_google(
        &self,
        client: &ClientInfo,
        invite_token: &str,
        authorization: &GoogleAuthorization,
        details: NewAccountDetails,
    ) -> Result<(User, IssuedTokens)> {
        self.context.throttle.check_address(client.address)?;
        let (pending, identity) =
            self.complete_google(GooglePurpose::AcceptInvite, authorization).await?;
        if pending.invite_token_hash.as_deref() != Some(token_digest(invite_token).as_str()) {
            return Err(Error::Unauthenticated);
        }
        if users::find_by_google_subject(self.context.db.reader(), &identity.subject)
            .await?
            .is_some()
        {
            return Err(Error::refused(Reason::GoogleAccountTaken));
        }
        let credential = NewCredential::Google { subject: identity.subject, name: identity.name };
        let user = self.accept_as_new_account(client, invite_token, credential, details).await?;
        let tokens = self.start_session(client, &user, "auth.login.succeeded").await?;
        Ok((user, tokens))
    }

    /// Finishes a LINK flow started by the same signed-in user, whose
    /// session signed in recently.
    pub async fn link_google(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        authorization: &GoogleAuthorization,
    ) -> Result<User> {
        self.google()?;
        self.require_recent_sign_in(caller).await?;
        let (pending, identity) = self.complete_google(GooglePurpose::Link, authorization).await?;
        if pending.user_id != Some(caller.user_id) {
            return Err(Error::Unauthenticated);
        }
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let record = users::find_by_id(&txn, caller.user_id)
            .await?
            .filter(|record| record.user.active)
            .ok_or(Error::Unauthenticated)?;
        if record.user.google_linked {
            return Err(Error::refused(Reason::GoogleAlreadyLinked));
        }
        if users::find_by_google_subject(&txn, &identity.subject).await?.is_some() {
            return Err(Error::refused(Reason::GoogleAccountTaken));
        }
        let changes =
            UserChanges { google_subject: Some(Some(&identity.subject)), ..UserChanges::default() };
        users::update(&txn, caller.user_id, changes, now).await?;
        let linked = AuditEvent::new("auth.google_linked", now)
            .by_self(caller.user_id)
            .summary("Google sign-in added")
            .client(client);
        audit::record(&txn, linked).await?;
        let user =
            users::find_by_id(&txn, caller.user_id).await?.ok_or(Error::Unauthenticated)?.user;
        txn.commit().await?;
        Ok(user)
    }

    /// Finishes a REAUTHENTICATE flow: the Google identity must be the one
    /// linked to the caller's account. Returns until when the session
    /// counts as recently signed in.
    pub async fn reauthenticate_with_google(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        authorization: &GoogleAuthorization,
    ) -> Result<DateTime<Utc>> {
        self.context.throttle.check_address(client.address)?;
        let (pending, identity) =
            self.complete_google(GooglePurpose::Reauthenticate, authorization).await?;
        if pending.user_id != Some(caller.user_id) {
            return Err(Error::Unauthenticated);
        }
        let owner = users::find_by_google_subject(self.context.db.reader(), &identity.subject)
            .await?
            .filter(|record| record.user.active);
        if owner.is_none_or(|record| record.user.id != caller.user_id) {
            return Err(Error::refused(Reason::GoogleAccountMismatch));
        }
        self.mark_signed_in(caller, client, "Google").await
    }

    /// Removes the Google sign-in of the caller's own account (with a
    /// recent sign-in, keeping a password) or, for an admin, of `user_id`'s.
    pub async fn unlink_google(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        user_id: Option<uuid::Uuid>,
    ) -> Result<User> {
        let target = user_id.unwrap_or(caller.user_id);
        let by_admin = if target == caller.user_id {
            self.require_recent_sign_in(caller).await?;
            false
        } else {
            require_admin(&self.context, caller).await?;
            true
        };
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let record = users::find_by_id(&txn, target).await?.ok_or(if by_admin {
            Error::NotFound("user")
        } else {
            Error::Unauthenticated
        })?;
        if !record.user.google_linked {
            return Err(Error::refused(Reason::GoogleNotLinked));
        }
        if !by_admin && !record.user.has_password {
            return Err(Error::refused(Reason::LastSignInMethod));
        }
        users::update(
            &txn,
            target,
            UserChanges { google_subject: Some(None), ..UserChanges::default() },
            now,
        )
        .await?;
        let remaining = User { google_linked: false, ..record.user.clone() }.sign_in_methods();
        let by = if by_admin { "by an admin" } else { "by you" };
        let removed = AuditEvent::new("auth.google_unlinked", now)
            .actor(caller.user_id)
            .subject(target)
            .summary(format!(
                "Google sign-in removed {by}; sign in with {}",
                SignInMethod::describe(&remaining)
            ))
            .client(client);
        audit::record(&txn, removed).await?;
        let user = users::find_by_id(&txn, target).await?.ok_or(Error::NotFound("user"))?.user;
        txn.commit().await?;
        Ok(user)
    }

    /// Takes the pending flow (once), checks it was started for `purpose`
    /// in this browser, and exchanges the code. Every failure is the same
    /// UNAUTHENTICATED, except Google being unreachable.
    async fn complete_google(
        &self,
        purpose: GooglePurpose,
        authorization: &GoogleAuthorization,
    ) -> Result<(PendingGoogleLogin, GoogleIdentity)> {
        let google = self.google()?;
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let pending = google_logins::take(&txn, &token_digest(&authorization.state), now).await?;
        txn.commit().await?;
        let pending = pending.ok_or(Error::Unauthenticated)?;
        let binding =
            URL_SAFE_NO_PAD.encode(Sha256::digest(authorization.browser_binding_secret.as_bytes()));
        if pending.purpose != purpose.as_str() || pending.browser_binding_hash != binding {
            return Err(Error::Unauthenticated);
        }
        let identity = google
            .exchange(&authorization.code, &pending.code_verifier, &pending.nonce, now)
            .await
            .map_err(|error| match error {
                GoogleError::Unavailable(why) => {
                    tracing::warn!(reason = %why, "Google is unavailable");
                    Error::refused(Reason::GoogleUnavailable)
                }
                GoogleError::Rejected(why) => {
                    tracing::info!(reason = %why, "Google sign-in rejected");
                    Error::Unauthenticated
                }
            })?;
        Ok((pending, identity))
    }

    async fn sign_up_with_google(
        &self,
        client: &ClientInfo,
        identity: &GoogleIdentity,
    ) -> Result<User> {
        let email = identity
            .email
            .as_deref()
            .filter(|_| identity.email_verified)
            .and_then(|email| Email::parse(email).ok())
            .ok_or(Error::Unauthenticated)?;
        let name = identity.name.clone().unwrap_or_else(|| email.local_part().to_owned());
        let roles: Roles = [Role::Athlete].into_iter().collect();
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let timezone = Timezone::parse("").map_err(|why| Error::Internal(why.to_owned()))?;
        let record = users::insert(
            &txn,
            NewUser {
                email: &email,
                display_name: name.chars().take(100).collect::<String>().trim(),
                password_hash: None,
                google_subject: Some(identity.subject.clone()),
                timezone: timezone.as_str(),
                roles: &roles,
                now,
            },
        )
        .await
        // An existing account with this email is never taken over.
        .map_err(|_| Error::Unauthenticated)?;
        let created = AuditEvent::new("auth.signed_up", now)
            .by_self(record.user.id)
            .summary("signed up with Google")
            .client(client);
        audit::record(&txn, created).await?;
        txn.commit().await?;
        Ok(record.user)
    }

    fn google(&self) -> Result<&crate::google::GoogleClient> {
        self.context.google.as_ref().ok_or(Error::refused(Reason::GoogleNotConfigured))
    }
}

fn unavailable(error: GoogleError) -> Error {
    let (GoogleError::Unavailable(why) | GoogleError::Rejected(why)) = error;
    tracing::warn!(reason = %why, "Google is unavailable");
    Error::refused(Reason::GoogleUnavailable)
}
