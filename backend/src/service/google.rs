//! Google sign-in: starting a flow (PKCE, `state`, `nonce`, bound to the
//! browser that started it) and finishing it as a sign-in, an invite
//! acceptance or a link to the signed-in account. A Google identity is
//! never attached to an existing account by matching email.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use super::{
    AuthService, Caller, ClientInfo, IssuedTokens,
    audit::{event, from_client},
    invites::{NewAccountDetails, NewCredential, usable_invite},
};
use crate::{
    crypto::{new_opaque_token, token_digest},
    domain::{Email, Role, Roles, Timezone, User},
    error::{Error, Result},
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
}

impl GooglePurpose {
    fn as_str(self) -> &'static str {
        match self {
            GooglePurpose::SignIn => "sign_in",
            GooglePurpose::AcceptInvite => "accept_invite",
            GooglePurpose::Link => "link",
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
    /// flow expires.
    pub async fn start_google(
        &self,
        caller: Option<&Caller>,
        purpose: GooglePurpose,
        browser_binding_hash: &str,
        invite_token: Option<&str>,
    ) -> Result<(String, DateTime<Utc>)> {
        let user_id = match purpose {
            GooglePurpose::Link => Some(caller.ok_or(Error::Unauthenticated)?.user_id),
            GooglePurpose::SignIn | GooglePurpose::AcceptInvite => None,
        };
        let google = self.google()?;
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
        google_logins::purge(&txn, now - Duration::days(1)).await?;
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
                used_at: None,
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
            return Err(Error::AlreadyExists(
                "this Google account already belongs to a Baton account".to_owned(),
            ));
        }
        let credential = NewCredential::Google { subject: identity.subject, name: identity.name };
        let user = self.accept_as_new_account(client, invite_token, credential, details).await?;
        let tokens = self.start_session(client, &user, "auth.login.succeeded").await?;
        Ok((user, tokens))
    }

    /// Finishes a LINK flow started by the same signed-in user.
    pub async fn link_google(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        authorization: &GoogleAuthorization,
    ) -> Result<User> {
        let (pending, identity) = self.complete_google(GooglePurpose::Link, authorization).await?;
        if pending.user_id != Some(caller.user_id) {
            return Err(Error::Unauthenticated);
        }
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let record =
            users::find_by_id(&txn, caller.user_id).await?.ok_or(Error::Unauthenticated)?;
        if record.user.google_linked {
            return Err(Error::FailedPrecondition(
                "this account already has a Google sign-in".to_owned(),
            ));
        }
        if users::find_by_google_subject(&txn, &identity.subject).await?.is_some() {
            return Err(Error::AlreadyExists(
                "this Google account already belongs to a Baton account".to_owned(),
            ));
        }
        let changes =
            UserChanges { google_subject: Some(&identity.subject), ..UserChanges::default() };
        users::update(&txn, caller.user_id, changes, now).await?;
        let linked = event(
            "auth.google_linked",
            Some(caller.user_id),
            Some(caller.user_id),
            "Google sign-in added",
            now,
        );
        audit::record(&txn, from_client(linked, client)).await?;
        let user =
            users::find_by_id(&txn, caller.user_id).await?.ok_or(Error::Unauthenticated)?.user;
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
                    Error::Unavailable(format!("Google is unavailable: {why}"))
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
        let created = event(
            "auth.signed_up",
            Some(record.user.id),
            Some(record.user.id),
            "signed up with Google",
            now,
        );
        audit::record(&txn, from_client(created, client)).await?;
        txn.commit().await?;
        Ok(record.user)
    }

    fn google(&self) -> Result<&crate::google::GoogleClient> {
        self.context
            .google
            .as_ref()
            .ok_or_else(|| Error::FailedPrecondition("Google sign-in is not configured".to_owned()))
    }
}

fn unavailable(error: GoogleError) -> Error {
    match error {
        GoogleError::Unavailable(why) | GoogleError::Rejected(why) => {
            Error::Unavailable(format!("Google is unavailable: {why}"))
        }
    }
}
