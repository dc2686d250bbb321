//! Profiles and user administration.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    Caller, Context,
    access::{Admin, require_admin},
    idempotency::{Claim, CreatedWithLink, Once},
    paging,
};
use crate::{
    crypto::new_opaque_token,
    domain::{
        AuditEvent, ClientInfo, DisplayName, Email, HttpsUrl, IdempotencyKey, PageRequest,
        PageScope, Purpose, Role, Roles, ShareStatus, SignInMethod, Timezone, Units, User,
        UserFilter,
    },
    error::{Error, Reason, Result},
    store::{
        audit, garmin_accounts, garmin_sign_ins, google_logins, jobs,
        one_time_tokens::{self, NewToken, PendingScope},
        roster, sessions, shares,
        users::{self, NewUser, UserChanges},
        workouts,
    },
};

/// A change to one's own profile; `None` leaves a field alone.
#[derive(Debug, Default)]
pub struct ProfileChanges {
    pub display_name: Option<DisplayName>,
    pub timezone: Option<Timezone>,
    pub units: Option<Units>,
    /// `Some(None)` clears it.
    pub avatar_url: Option<Option<HttpsUrl>>,
    pub payment_link: Option<Option<HttpsUrl>>,
}

/// An account an admin creates.
#[derive(Debug)]
pub struct NewAccount {
    pub email: Email,
    pub display_name: DisplayName,
    pub roles: Roles,
    pub timezone: Timezone,
}

/// An admin's change to a user; `None` leaves a field alone.
#[derive(Debug, Default)]
pub struct AccountChanges {
    pub display_name: Option<DisplayName>,
    pub email: Option<Email>,
    pub roles: Option<Roles>,
    pub active: Option<bool>,
}

/// A one-time link and when it stops working.
#[derive(Debug, Clone)]
pub struct OneTimeLink {
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// Counts for the admin dashboard.
#[derive(Debug, Clone, Default)]
pub struct Overview {
    pub total_users: u64,
    pub athletes: u64,
    pub coaches: u64,
    pub admins: u64,
    pub active_coaches: u64,
    pub inactive_users: u64,
    pub pending_invites: u64,
    pub active_sessions: u64,
    /// Garmin links that work, and those needing attention.
    pub garmin_connected: u64,
    pub garmin_attention: u64,
    /// Shares waiting for their athlete (pending or importing), imported,
    /// failed; import jobs waiting or running.
    pub waiting_shares: u64,
    pub imported_shares: u64,
    pub failed_shares: u64,
    pub unfinished_jobs: u64,
}

/// Profile and administration use cases.
#[derive(Clone)]
pub struct UserService {
    context: Context,
}

impl UserService {
    pub fn new(context: Context) -> Self {
        Self { context }
    }

    /// Proof that the caller may use admin RPCs now (roles read from the database).
    pub async fn admin(&self, caller: &Caller) -> Result<Admin> {
        require_admin(&self.context, caller).await
    }

    /// The signed-in user. A user deleted since their token was issued is
    /// no longer anybody.
    pub async fn get_me(&self, caller: &Caller) -> Result<User> {
        users::find_by_id(self.context.db.reader(), caller.user_id)
            .await?
            .map(|record| record.user)
            .ok_or(Error::Unauthenticated)
    }

    /// Changes the caller's own profile. Only coaches have a payment link.
    pub async fn update_me(&self, caller: &Caller, changes: ProfileChanges) -> Result<User> {
        if changes.payment_link.is_some() {
            caller.require(Role::Coach)?;
        }
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        users::update(
            &txn,
            caller.user_id,
            UserChanges {
                display_name: changes.display_name.as_ref().map(DisplayName::as_str),
                timezone: changes.timezone.as_ref().map(Timezone::as_str),
                units: changes.units,
                avatar_url: changes
                    .avatar_url
                    .as_ref()
                    .map(|url| url.as_ref().map(HttpsUrl::as_str)),
                payment_link: changes
                    .payment_link
                    .as_ref()
                    .map(|url| url.as_ref().map(HttpsUrl::as_str)),
                ..UserChanges::default()
            },
            now,
        )
        .await?;
        let user =
            users::find_by_id(&txn, caller.user_id).await?.ok_or(Error::Unauthenticated)?.user;
        txn.commit().await?;
        Ok(user)
    }

    /// One page of users and how many match in all.
    pub async fn list_users(
        &self,
        admin: &Admin,
        filter: &UserFilter,
        request: &PageRequest,
    ) -> Result<(Vec<User>, String, u64)> {
        let scope = PageScope::new("ListUsers", admin.id())
            .field("query", filter.query.as_deref().unwrap_or_default())
            .field("role", filter.role.map(Role::as_str).unwrap_or_default())
            .field("active", &filter.active.map(|active| active.to_string()).unwrap_or_default());
        let cursor = paging::open(&self.context.pages, request, &scope)?;
        let (rows, total) = users::list(self.context.db.reader(), filter, &cursor.page).await?;
        let (users, next) = cursor.finish(rows);
        Ok((users, next, total))
    }

    /// Creates an account without a credential and a setup link for it.
    /// With an idempotency key, a retry gets the first reply back.
    pub async fn create_user(
        &self,
        admin: &Admin,
        client: &ClientInfo,
        account: NewAccount,
        key: Option<&IdempotencyKey>,
    ) -> Result<(User, OneTimeLink)> {
        let now = self.context.clock.now();
        let token = new_opaque_token();
        let expires_at = now + self.context.settings.invite_lifetime;
        let once = Once::new(&self.context, admin.id(), "CreateUser", key);
        let txn = self.context.db.begin().await?;
        if let Claim::Replay(first) = once.claim::<CreatedWithLink>(&txn).await? {
            txn.rollback().await?;
            let user = users::find_by_id(self.context.db.reader(), first.id)
                .await?
                .ok_or(Error::NotFound("user"))?
                .user;
            return Ok((user, OneTimeLink { url: first.url, expires_at: first.expires_at }));
        }
        let user = users::insert(
            &txn,
            NewUser {
                email: &account.email,
                display_name: account.display_name.as_str(),
                password_hash: None,
                google_subject: None,
                timezone: account.timezone.as_str(),
                roles: &account.roles,
                now,
            },
        )
        .await?
        .user;
        one_time_tokens::insert(
            &txn,
            NewToken {
                purpose: Purpose::Invite,
                token_hash: crate::crypto::token_digest(&token),
                email: Some(account.email.normalized().to_owned()),
                roles: account.roles.clone(),
                user_id: Some(user.id),
                coach_id: None,
                created_by: Some(admin.id()),
                now,
                expires_at,
            },
        )
        .await?;
        let created = AuditEvent::new("user.created", now)
            .actor(admin.id())
            .subject(user.id)
            .summary(format!("account created with roles {}", account.roles.names().join(", ")))
            .client(client);
        audit::record(&txn, created).await?;
        let url = self.context.settings.link("invite", &token);
        once.record(&txn, &CreatedWithLink { id: user.id, url: url.clone(), expires_at }).await?;
        txn.commit().await?;
        self.context.notifier.invite_created(
            account.email.as_str(),
            &admin.user.display_name,
            &url,
        );
        Ok((user, OneTimeLink { url, expires_at }))
    }

    /// Changes another user's name, email, roles or active flag. A role
    /// change or deactivation signs the user out everywhere at once; a
    /// deactivation also revokes every link of the account and every
    /// invite it sent, and losing the coach role revokes its invites.
    pub async fn update_user(
        &self,
        admin: &Admin,
        client: &ClientInfo,
        user_id: Uuid,
        changes: AccountChanges,
    ) -> Result<User> {
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let target = users::find_by_id(&txn, user_id).await?.ok_or(Error::NotFound("user"))?.user;

        let loses_admin = target.roles.contains(Role::Admin)
            && target.active
            && (changes.active == Some(false)
                || changes.roles.as_ref().is_some_and(|roles| !roles.contains(Role::Admin)));
        if loses_admin {
            if user_id == admin.id() {
                return Err(Error::refused(Reason::OwnAccount));
            }
            users::lock_admins(&txn).await?;
            if users::count_active_with_role(&txn, Role::Admin).await? <= 1 {
                return Err(Error::refused(Reason::LastAdmin));
            }
        }

        users::update(
            &txn,
            user_id,
            UserChanges {
                email: changes.email.as_ref(),
                display_name: changes.display_name.as_ref().map(DisplayName::as_str),
                active: changes.active,
                ..UserChanges::default()
            },
            now,
        )
        .await?;
        let roles_changed = changes.roles.as_ref().is_some_and(|roles| *roles != target.roles);
        let by_admin =
            |action| AuditEvent::new(action, now).actor(admin.id()).subject(user_id).client(client);
        if let Some(roles) = changes.roles.as_ref().filter(|_| roles_changed) {
            users::set_roles(&txn, user_id, roles).await?;
            let summary = format!("roles changed to {}", roles.names().join(", "));
            audit::record(&txn, by_admin("user.roles_changed").summary(summary)).await?;
            if target.roles.contains(Role::Coach) && !roles.contains(Role::Coach) {
                one_time_tokens::revoke_pending(&txn, PendingScope::IssuedBy(user_id), now).await?;
            }
        }
        let deactivated = changes.active == Some(false) && target.active;
        if changes.active.is_some_and(|active| active != target.active) {
            let (action, summary) = if deactivated {
                ("user.deactivated", "account deactivated; its links and invites revoked")
            } else {
                ("user.activated", "account activated")
            };
            audit::record(&txn, by_admin(action).summary(summary)).await?;
        }
        if deactivated {
            let email = target.email.as_deref().map(str::to_lowercase);
            let scope = PendingScope::AccountOf { user_id, email: email.as_deref() };
            one_time_tokens::revoke_pending(&txn, scope, now).await?;
        }
        if changes.email.is_some() || changes.display_name.is_some() {
            audit::record(&txn, by_admin("user.updated").summary("name or email changed")).await?;
        }
        if roles_changed || deactivated {
            sessions::revoke_all_for_user(&txn, user_id, "account_changed", now).await?;
        }
        let user = users::find_by_id(&txn, user_id).await?.ok_or(Error::NotFound("user"))?.user;
        txn.commit().await?;
        Ok(user)
    }

    /// Soft-deletes a user, scrubbing personal data and credentials but
    /// keeping the id. Deleting a deleted user is OK.
    pub async fn delete_user(
        &self,
        admin: &Admin,
        client: &ClientInfo,
        user_id: Uuid,
    ) -> Result<()> {
        if user_id == admin.id() {
            return Err(Error::refused(Reason::OwnAccount));
        }
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        match users::is_deleted(&txn, user_id).await? {
            None => return Err(Error::NotFound("user")),
            Some(true) => return Ok(()),
            Some(false) => {}
        }
        let email = users::find_by_id(&txn, user_id)
            .await?
            .and_then(|record| record.user.email)
            .map(|email| email.to_lowercase());
        // Revoked, not deleted: every replica must see the sessions end.
        sessions::scrub_for_user(&txn, user_id, now).await?;
        roster::remove_user(&txn, user_id).await?;
        let scope = PendingScope::AccountOf { user_id, email: email.as_deref() };
        one_time_tokens::revoke_pending(&txn, scope, now).await?;
        one_time_tokens::remove_for_user(&txn, user_id).await?;
        google_logins::remove_for_user(&txn, user_id).await?;
        // Their Garmin tokens and cached workouts go with them.
        garmin_accounts::delete(&txn, user_id).await?;
        garmin_sign_ins::remove_for_user(&txn, user_id).await?;
        workouts::remove_all(&txn, user_id).await?;
        users::scrub(&txn, user_id, now).await?;
        let deleted = AuditEvent::new("user.deleted", now)
            .actor(admin.id())
            .subject(user_id)
            .summary("account deleted and scrubbed")
            .client(client);
        audit::record(&txn, deleted).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A one-time password reset link; earlier unused ones stop working.
    pub async fn issue_password_reset(
        &self,
        admin: &Admin,
        client: &ClientInfo,
        user_id: Uuid,
    ) -> Result<OneTimeLink> {
        let now = self.context.clock.now();
        let token = new_opaque_token();
        let expires_at = now + self.context.settings.password_reset_lifetime;
        let txn = self.context.db.begin().await?;
        let target = users::find_by_id(&txn, user_id).await?.ok_or(Error::NotFound("user"))?.user;
        if !target.active {
            return Err(Error::refused(Reason::AccountInactive));
        }
        one_time_tokens::revoke_pending(&txn, PendingScope::ResetsOf(user_id), now).await?;
        one_time_tokens::insert(
            &txn,
            NewToken {
                purpose: Purpose::PasswordReset,
                token_hash: crate::crypto::token_digest(&token),
                email: target.email.clone(),
                roles: Roles::default(),
                user_id: Some(user_id),
                coach_id: None,
                created_by: Some(admin.id()),
                now,
                expires_at,
            },
        )
        .await?;
        let issued = AuditEvent::new("user.password_reset_issued", now)
            .actor(admin.id())
            .subject(user_id)
            .summary("reset link issued")
            .client(client);
        audit::record(&txn, issued).await?;
        txn.commit().await?;
        let url = self.context.settings.link("reset-password", &token);
        if let Some(email) = target.email.as_deref() {
            self.context.notifier.password_reset_issued(email, &url);
        }
        Ok(OneTimeLink { url, expires_at })
    }

    /// Signs a user out everywhere; returns how many sessions ended and how
    /// the user can sign in again. The user's own security log says both.
    pub async fn revoke_user_sessions(
        &self,
        admin: &Admin,
        client: &ClientInfo,
        user_id: Uuid,
    ) -> Result<(u64, Vec<SignInMethod>)> {
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        if users::is_deleted(&txn, user_id).await?.is_none() {
            return Err(Error::NotFound("user"));
        }
        let methods = users::find_by_id(&txn, user_id)
            .await?
            .map(|record| record.user.sign_in_methods())
            .unwrap_or_default();
        let revoked = sessions::revoke_all_for_user(&txn, user_id, "revoked_by_admin", now).await?;
        let by_admin = AuditEvent::new("user.sessions_revoked", now)
            .actor(admin.id())
            .subject(user_id)
            .summary(format!("{revoked} session(s) signed out by an admin"))
            .client(client);
        audit::record(&txn, by_admin).await?;
        let told = AuditEvent::new("auth.signed_out_everywhere", now)
            .actor(admin.id())
            .subject(user_id)
            .summary(format!(
                "an admin signed you out everywhere; sign in again with {}",
                SignInMethod::describe(&methods)
            ));
        audit::record(&txn, told).await?;
        txn.commit().await?;
        Ok((revoked, methods))
    }

    /// Counts for the admin dashboard.
    pub async fn overview(&self, _admin: &Admin) -> Result<Overview> {
        let db = self.context.db.reader();
        let total_users = users::count(db, &UserFilter::default()).await?;
        let inactive_users =
            users::count(db, &UserFilter { active: Some(false), ..UserFilter::default() }).await?;
        let (garmin_connected, garmin_attention) = garmin_accounts::counts(db).await?;
        let by_status = shares::status_counts(db).await?;
        let count = |status: ShareStatus| by_status.get(&status).copied().unwrap_or(0);
        Ok(Overview {
            waiting_shares: count(ShareStatus::Pending) + count(ShareStatus::Importing),
            imported_shares: count(ShareStatus::Imported),
            failed_shares: count(ShareStatus::Failed),
            unfinished_jobs: jobs::unfinished_count(db).await?,
            garmin_connected,
            garmin_attention,
            total_users,
            athletes: users::count_with_role(db, Role::Athlete).await?,
            coaches: users::count_with_role(db, Role::Coach).await?,
            admins: users::count_with_role(db, Role::Admin).await?,
            active_coaches: users::count_active_with_role(db, Role::Coach).await?,
            inactive_users,
            pending_invites: one_time_tokens::count_pending_invites(db, self.context.clock.now())
                .await?,
            active_sessions: sessions::count_live(db, self.context.clock.now()).await?,
        })
    }
}
