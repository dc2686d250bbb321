//! Joining Baton: self sign-up (when enabled) and accepting an invite —
//! as a new person with a password (or Google, see `google.rs`), or with
//! an existing account the invitee is signed in to. An invite never sets
//! the password of an account that already has a credential, and only
//! works while its account and its coach are still active.

use super::{
    AuthService, Caller, IssuedTokens, passwords::MAX_ONE_TIME_TOKEN_LEN, passwords::unusable,
};
use crate::{
    crypto::token_digest,
    domain::{
        AuditEvent, ClientInfo, DisplayName, Email, InviteState, OneTimeToken, Password, Purpose,
        Role, Roles, Timezone, User,
    },
    error::{Error, Reason, Result},
    store::{
        Connection, Transaction, audit, one_time_tokens, roster,
        users::{self, NewUser, UserChanges},
    },
};

/// Profile details a new account starts with.
#[derive(Debug, Clone)]
pub struct NewAccountDetails {
    /// None: the name from Google, or the email's local part.
    pub display_name: Option<DisplayName>,
    /// None: UTC (or, for an account an admin prepared, the admin's choice).
    pub timezone: Option<Timezone>,
}

/// How a new account will sign in.
#[derive(Debug, Clone)]
pub(super) enum NewCredential {
    PasswordHash(String),
    Google { subject: String, name: Option<String> },
}

/// What an invite link shows before it is accepted.
#[derive(Debug, Clone)]
pub struct InvitePreview {
    pub email: String,
    pub inviter_display_name: String,
    pub roles: Roles,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

impl AuthService {
    /// FAILED_PRECONDITION unless self-registration is on; checked before
    /// the request's fields, so the answer does not depend on them.
    pub fn require_self_signup(&self) -> Result<()> {
        if self.context.settings.self_signup {
            Ok(())
        } else {
            Err(Error::refused(Reason::SelfSignupDisabled))
        }
    }

    /// Creates an athlete account and signs it in, when self-registration is on.
    pub async fn sign_up(
        &self,
        client: &ClientInfo,
        email: &Email,
        password: Password,
        name: &DisplayName,
        timezone: &Timezone,
    ) -> Result<(User, IssuedTokens)> {
        self.require_self_signup()?;
        self.context.throttle.check_address(client.address)?;
        let password_hash = self.context.hasher.hash(password.into_secret()).await?;
        let roles: Roles = [Role::Athlete].into_iter().collect();
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let record = users::insert(
            &txn,
            NewUser {
                email,
                display_name: name.as_str(),
                password_hash: Some(password_hash),
                google_subject: None,
                timezone: timezone.as_str(),
                roles: &roles,
                now,
            },
        )
        .await?;
        let created = AuditEvent::new("auth.signed_up", now)
            .by_self(record.user.id)
            .summary("signed up")
            .client(client);
        audit::record(&txn, created).await?;
        txn.commit().await?;
        let tokens = self.start_session(client, &record.user, "auth.login.succeeded").await?;
        Ok((record.user, tokens))
    }

    /// Describes a usable invite.
    pub async fn get_invite(&self, invite_token: &str) -> Result<InvitePreview> {
        let db = self.context.db.reader();
        let token = usable_invite(db, invite_token, self.context.clock.now()).await?;
        let inviter = match token.created_by {
            Some(id) => users::find_by_id(db, id).await?.map(|record| record.user.display_name),
            None => None,
        };
        Ok(InvitePreview {
            email: token.email.clone().unwrap_or_default(),
            inviter_display_name: inviter.unwrap_or_else(|| "Baton".to_owned()),
            roles: token.roles.clone(),
            expires_at: token.expires_at,
        })
    }

    /// A person without an account accepts by choosing a password; signs them in.
    pub async fn accept_invite_with_password(
        &self,
        client: &ClientInfo,
        invite_token: &str,
        password: Password,
        details: NewAccountDetails,
    ) -> Result<(User, IssuedTokens)> {
        self.context.throttle.check_address(client.address)?;
        let password_hash = self.context.hasher.hash(password.into_secret()).await?;
        let user = self
            .accept_as_new_account(
                client,
                invite_token,
                NewCredential::PasswordHash(password_hash),
                details,
            )
            .await?;
        let tokens = self.start_session(client, &user, "auth.login.succeeded").await?;
        Ok((user, tokens))
    }

    /// The signed-in caller accepts with their own account: they gain the
    /// invite's roles and its coach. Only the account the invite is
    /// addressed to may do this.
    pub async fn accept_invite_as(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        invite_token: &str,
    ) -> Result<User> {
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let token = usable_invite(&txn, invite_token, now).await?;
        let record = users::find_by_id(&txn, caller.user_id)
            .await?
            .filter(|record| record.user.active)
            .ok_or(Error::Unauthenticated)?;
        let addressed_to_caller = token.user_id.is_none_or(|id| id == caller.user_id)
            && record.user.email.as_deref().map(str::to_lowercase) == token.email;
        if !addressed_to_caller {
            return Err(Error::refused(Reason::InviteAddressedElsewhere));
        }
        let user = self.grant(&txn, &token, record.user, client).await?;
        txn.commit().await?;
        Ok(user)
    }

    /// Creates (or, for an account an admin prepared, completes) the
    /// invitee's account with `credential`, in one transaction with using
    /// up the invite.
    pub(super) async fn accept_as_new_account(
        &self,
        client: &ClientInfo,
        invite_token: &str,
        credential: NewCredential,
        details: NewAccountDetails,
    ) -> Result<User> {
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let token = usable_invite(&txn, invite_token, now).await?;
        let email =
            token.email.as_deref().map(Email::parse).and_then(Result::ok).ok_or_else(unusable)?;
        // An account an admin prepared is the invite's own account, found
        // by id (its email may have been corrected since); otherwise the
        // address must not belong to anyone yet.
        let existing = match token.user_id {
            Some(id) => Some(users::find_by_id(&txn, id).await?.ok_or_else(unusable)?),
            None => users::find_by_email(&txn, &email).await?,
        };
        let google_name = match &credential {
            NewCredential::Google { name, .. } => {
                name.as_deref().and_then(|n| DisplayName::parse(n).ok())
            }
            NewCredential::PasswordHash(_) => None,
        };
        // A name the person typed wins; an account an admin prepared keeps
        // the admin's name otherwise; a new account falls back to Google's
        // name, then the email's local part.
        let chosen_name = details.display_name.or(google_name);

        let user = match existing {
            Some(record) if record.password_hash.is_some() || record.user.google_linked => {
                return Err(Error::refused(Reason::AccountExists));
            }
            // An account an admin created, waiting for its first credential.
            Some(record) if token.user_id == Some(record.user.id) => {
                let (password_hash, google_subject) = credential.into_parts();
                if let Some(hash) = password_hash {
                    users::set_password_hash(&txn, record.user.id, hash, now).await?;
                }
                let changes = UserChanges {
                    display_name: chosen_name.as_ref().map(DisplayName::as_str),
                    timezone: details.timezone.as_ref().map(Timezone::as_str),
                    google_subject: google_subject.as_deref().map(Some),
                    ..UserChanges::default()
                };
                users::update(&txn, record.user.id, changes, now).await?;
                record.user
            }
            Some(_) => return Err(unusable()),
            None => {
                let name = chosen_name
                    .or_else(|| DisplayName::parse(email.local_part()).ok())
                    .ok_or_else(|| Error::invalid("display_name", "is required"))?;
                let (password_hash, google_subject) = credential.into_parts();
                users::insert(
                    &txn,
                    NewUser {
                        email: &email,
                        display_name: name.as_str(),
                        password_hash,
                        google_subject,
                        timezone: details.timezone.as_ref().map_or("UTC", Timezone::as_str),
                        roles: &Roles::default(),
                        now,
                    },
                )
                .await?
                .user
            }
        };
        let user = self.grant(&txn, &token, user, client).await?;
        txn.commit().await?;
        Ok(user)
    }

    /// Gives `user` what the invite grants and uses the invite up.
    async fn grant(
        &self,
        txn: &Transaction,
        token: &OneTimeToken,
        user: User,
        client: &ClientInfo,
    ) -> Result<User> {
        let now = self.context.clock.now();
        if token.coach_id == Some(user.id) {
            return Err(Error::refused(Reason::OwnInvite));
        }
        if !one_time_tokens::consume(txn, token.id, user.id, now).await? {
            return Err(unusable());
        }
        let roles: Roles = user.roles.iter().chain(token.roles.iter()).collect();
        users::set_roles(txn, user.id, &roles).await?;
        if let Some(coach_id) = token.coach_id {
            roster::link(txn, coach_id, user.id, now).await?;
        }
        let accepted = AuditEvent::new("roster.invite_accepted", now)
            .by_self(user.id)
            .resource("invite", token.id)
            .summary("invite accepted")
            .client(client);
        audit::record(txn, accepted).await?;
        users::find_by_id(txn, user.id)
            .await?
            .map(|record| record.user)
            .ok_or_else(|| Error::Internal("accepting user vanished".to_owned()))
    }
}

impl NewCredential {
    fn into_parts(self) -> (Option<String>, Option<String>) {
        match self {
            NewCredential::PasswordHash(hash) => (Some(hash), None),
            NewCredential::Google { subject, .. } => (None, Some(subject)),
        }
    }
}

/// The invite behind a token, if it can still be accepted: pending, its
/// prepared account (if any) active, and its coach (if any) still an
/// active coach. One answer for every reason it cannot.
pub(super) async fn usable_invite<C: Connection>(
    db: &C,
    invite_token: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<OneTimeToken> {
    if invite_token.is_empty() || invite_token.len() > MAX_ONE_TIME_TOKEN_LEN {
        return Err(unusable());
    }
    let token = one_time_tokens::find_by_hash(db, Purpose::Invite, &token_digest(invite_token))
        .await?
        .ok_or_else(unusable)?;
    if InviteState::of(&token, now) != InviteState::Pending {
        return Err(unusable());
    }
    if let Some(user_id) = token.user_id {
        let active = users::find_by_id(db, user_id).await?.is_some_and(|r| r.user.active);
        if !active {
            return Err(unusable());
        }
    }
    if let Some(coach_id) = token.coach_id {
        let coach = users::find_by_id(db, coach_id).await?;
        if !coach.is_some_and(|r| r.user.active && r.user.roles.contains(Role::Coach)) {
            return Err(unusable());
        }
    }
    Ok(token)
}
