//! The coach–athlete roster: invites, links, and who sees whom.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    Caller, ClientInfo, Context,
    access::{Admin, current_admin, require_admin},
    audit::{event, from_client},
    users::OneTimeLink,
};
use crate::{
    crypto::{new_opaque_token, token_digest},
    domain::{Email, Page, Role, User},
    error::{Error, Result},
    store::{
        audit,
        one_time_tokens::{self, InviteState, NewToken, OneTimeToken, PendingScope, Purpose},
        roster, users,
    },
};

/// An invite as its inviter or an admin sees it.
#[derive(Debug, Clone)]
pub struct InviteView {
    pub invite: OneTimeToken,
    pub state: InviteState,
    pub inviter_display_name: String,
}

/// Someone on the other side of a coach–athlete link.
#[derive(Debug, Clone)]
pub struct Linked {
    pub user: User,
    pub linked_at: DateTime<Utc>,
}

/// Who a ListInvites call may see.
#[derive(Debug, Clone, Copy)]
pub enum InviteScope {
    /// The caller's own invites (a coach).
    Own,
    /// Everyone's, or one inviter's (an admin).
    Any(Option<Uuid>),
}

/// Roster use cases.
#[derive(Clone)]
pub struct RosterService {
    context: Context,
}

impl RosterService {
    pub fn new(context: Context) -> Self {
        Self { context }
    }

    /// A coach invites a person by email to become their athlete. A pending
    /// invite from the same coach to the same address is replaced.
    pub async fn invite_athlete(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        email: &Email,
    ) -> Result<(InviteView, OneTimeLink)> {
        caller.require(Role::Coach)?;
        let now = self.context.clock.now();
        let token = new_opaque_token();
        let expires_at = now + self.context.settings.invite_lifetime;
        let txn = self.context.db.begin().await?;
        let coach =
            users::find_by_id(&txn, caller.user_id).await?.ok_or(Error::Unauthenticated)?.user;
        if let Some(existing) = users::find_by_email(&txn, email).await? {
            if existing.user.id == coach.id {
                return Err(Error::invalid("email", "is your own address"));
            }
            if roster::link_time(&txn, coach.id, existing.user.id).await?.is_some() {
                return Err(Error::FailedPrecondition(
                    "this person is already your athlete".to_owned(),
                ));
            }
        }
        let scope = PendingScope::Invite { created_by: coach.id, email: email.normalized() };
        one_time_tokens::revoke_pending(&txn, Purpose::Invite, scope, now).await?;
        let invite = one_time_tokens::insert(
            &txn,
            NewToken {
                purpose: Purpose::Invite,
                token_hash: token_digest(&token),
                email: Some(email.normalized().to_owned()),
                roles: Role::Athlete.as_str().to_owned(),
                user_id: None,
                coach_id: Some(coach.id),
                created_by: Some(coach.id),
                now,
                expires_at,
            },
        )
        .await?;
        let mut created =
            event("roster.invite_created", Some(coach.id), None, "athlete invited", now);
        created.resource = format!("invite/{}", invite.id);
        audit::record(&txn, from_client(created, client)).await?;
        txn.commit().await?;
        let url = self.context.settings.link("invite", &token);
        self.context.notifier.invite_created(email.as_str(), &coach.display_name, &url);
        let view = InviteView {
            state: InviteState::of(&invite, now),
            invite,
            inviter_display_name: coach.display_name,
        };
        Ok((view, OneTimeLink { url, expires_at }))
    }

    /// Decides whose invites the caller may list: a coach their own, an
    /// admin anyone's.
    pub async fn invite_scope(
        &self,
        caller: &Caller,
        inviter: Option<Uuid>,
    ) -> Result<InviteScope> {
        if caller.roles.contains(Role::Admin) {
            require_admin(&self.context, caller).await?;
            return Ok(InviteScope::Any(inviter));
        }
        caller.require(Role::Coach)?;
        match inviter {
            Some(other) if other != caller.user_id => Err(Error::PermissionDenied),
            _ => Ok(InviteScope::Own),
        }
    }

    /// Invites, newest first.
    pub async fn list_invites(
        &self,
        caller: &Caller,
        scope: InviteScope,
        state: Option<InviteState>,
        page: &Page,
    ) -> Result<(Vec<InviteView>, String)> {
        let inviter = match scope {
            InviteScope::Own => Some(caller.user_id),
            InviteScope::Any(inviter) => inviter,
        };
        let now = self.context.clock.now();
        let db = self.context.db.reader();
        let rows = one_time_tokens::list_invites(db, inviter, state, now, page).await?;
        let (rows, next) = page.finish(rows);
        let inviter_ids: Vec<Uuid> = rows.iter().filter_map(|row| row.created_by).collect();
        let inviters = users::find_many(db, &inviter_ids).await?;
        let views = rows
            .into_iter()
            .map(|invite| {
                let inviter_display_name = invite
                    .created_by
                    .and_then(|id| inviters.iter().find(|user| user.id == id))
                    .map(|user| user.display_name.clone())
                    .unwrap_or_default();
                InviteView { state: InviteState::of(&invite, now), invite, inviter_display_name }
            })
            .collect();
        Ok((views, next))
    }

    /// PERMISSION_DENIED unless the caller may manage invites at all (a
    /// coach, or someone whose token says admin; admin rights are then
    /// re-checked in the database).
    pub fn may_manage_invites(&self, caller: &Caller) -> Result<()> {
        if caller.roles.contains(Role::Admin) || caller.roles.contains(Role::Coach) {
            Ok(())
        } else {
            Err(Error::PermissionDenied)
        }
    }

    /// A coach revokes one of their own invites; an admin any. Revoking a
    /// revoked or expired invite is OK; an accepted one cannot be revoked.
    pub async fn revoke_invite(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        invite_id: Uuid,
    ) -> Result<InviteView> {
        let admin = current_admin(&self.context, caller).await?;
        if admin.is_none() {
            caller.require(Role::Coach)?;
        }
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let invite = one_time_tokens::find_by_id(&txn, invite_id)
            .await?
            .filter(|invite| invite.purpose == "invite")
            .filter(|invite| admin.is_some() || invite.created_by == Some(caller.user_id));
        let Some(invite) = invite else {
            return Err(if admin.is_some() {
                Error::NotFound("invite")
            } else {
                Error::PermissionDenied
            });
        };
        match InviteState::of(&invite, now) {
            InviteState::Accepted => {
                return Err(Error::FailedPrecondition(
                    "the invite was already accepted".to_owned(),
                ));
            }
            InviteState::Pending => {
                one_time_tokens::revoke(&txn, invite.id, now).await?;
                let mut revoked = event(
                    "roster.invite_revoked",
                    Some(caller.user_id),
                    None,
                    "invite revoked",
                    now,
                );
                revoked.resource = format!("invite/{}", invite.id);
                audit::record(&txn, from_client(revoked, client)).await?;
            }
            InviteState::Revoked | InviteState::Expired => {}
        }
        let invite =
            one_time_tokens::find_by_id(&txn, invite_id).await?.ok_or(Error::NotFound("invite"))?;
        let inviter_display_name = match invite.created_by {
            Some(id) => users::find_by_id(&txn, id).await?.map(|record| record.user.display_name),
            None => None,
        };
        txn.commit().await?;
        Ok(InviteView {
            state: InviteState::of(&invite, now),
            invite,
            inviter_display_name: inviter_display_name.unwrap_or_default(),
        })
    }

    /// A coach's athletes ordered by name, optionally matching `query`.
    pub async fn my_athletes(
        &self,
        caller: &Caller,
        query: &str,
        page: &Page,
    ) -> Result<(Vec<Linked>, String)> {
        caller.require(Role::Coach)?;
        let db = self.context.db.reader();
        let links = roster::athletes_of(db, caller.user_id).await?;
        let mut linked = self.resolve(db, links).await?;
        let query = query.trim().to_lowercase();
        if !query.is_empty() {
            linked.retain(|entry| {
                entry.user.display_name.to_lowercase().contains(&query)
                    || entry
                        .user
                        .email
                        .as_deref()
                        .is_some_and(|email| email.to_lowercase().contains(&query))
            });
        }
        linked.sort_by(|a, b| {
            a.user
                .display_name
                .to_lowercase()
                .cmp(&b.user.display_name.to_lowercase())
                .then(a.user.id.cmp(&b.user.id))
        });
        let rows: Vec<Linked> = linked
            .into_iter()
            .skip(usize::try_from(page.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(page.fetch_limit()).unwrap_or(usize::MAX))
            .collect();
        Ok(page.finish(rows))
    }

    /// An athlete's coaches.
    pub async fn my_coaches(&self, caller: &Caller) -> Result<Vec<Linked>> {
        caller.require(Role::Athlete)?;
        let db = self.context.db.reader();
        let links = roster::coaches_of(db, caller.user_id).await?;
        self.resolve(db, links).await
    }

    /// Ends a link. The caller acts as the coach when `coach_id` is empty or
    /// theirs, as the athlete when `athlete_id` is empty or theirs, and as
    /// an admin otherwise.
    pub async fn unlink(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        coach_id: Option<Uuid>,
        athlete_id: Option<Uuid>,
    ) -> Result<()> {
        let me = caller.user_id;
        // Naming oneself is the same as leaving the field empty.
        let others = (coach_id.filter(|id| *id != me), athlete_id.filter(|id| *id != me));
        let (coach, athlete, as_admin) = match others {
            (None, Some(athlete)) => {
                caller.require(Role::Coach)?;
                (me, athlete, false)
            }
            (Some(coach), None) => {
                caller.require(Role::Athlete)?;
                (coach, me, false)
            }
            (Some(coach), Some(athlete)) => {
                require_admin(&self.context, caller).await?;
                (coach, athlete, true)
            }
            (None, None) => {
                return Err(Error::invalid(
                    "athlete_id",
                    "name the athlete or the coach to unlink",
                ));
            }
        };
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let was_linked = roster::unlink(&txn, coach, athlete).await?;
        if !was_linked && !as_admin {
            // Someone who is not your athlete (or coach): whether or not they
            // exist, this is not yours to touch.
            return Err(Error::PermissionDenied);
        }
        if was_linked {
            let mut unlinked = event(
                "roster.unlinked",
                Some(me),
                Some(athlete),
                "coach and athlete unlinked",
                now,
            );
            unlinked.resource = format!("coach/{coach}");
            audit::record(&txn, from_client(unlinked, client)).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// An admin links an athlete to a coach directly.
    pub async fn link(
        &self,
        admin: &Admin,
        client: &ClientInfo,
        coach_id: Uuid,
        athlete_id: Uuid,
    ) -> Result<()> {
        if coach_id == athlete_id {
            return Err(Error::invalid("athlete_id", "must differ from coach_id"));
        }
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let coach = users::find_by_id(&txn, coach_id).await?.ok_or(Error::NotFound("coach"))?.user;
        let athlete =
            users::find_by_id(&txn, athlete_id).await?.ok_or(Error::NotFound("athlete"))?.user;
        if !coach.roles.contains(Role::Coach) || !coach.active {
            return Err(Error::FailedPrecondition("coach_id is not an active coach".to_owned()));
        }
        if !athlete.roles.contains(Role::Athlete) || !athlete.active {
            return Err(Error::FailedPrecondition(
                "athlete_id is not an active athlete".to_owned(),
            ));
        }
        if roster::link_time(&txn, coach_id, athlete_id).await?.is_none() {
            roster::link(&txn, coach_id, athlete_id, now).await?;
            let mut linked = event(
                "roster.linked",
                Some(admin.id()),
                Some(athlete_id),
                "linked by an admin",
                now,
            );
            linked.resource = format!("coach/{coach_id}");
            audit::record(&txn, from_client(linked, client)).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    async fn resolve<C: sea_orm::ConnectionTrait>(
        &self,
        db: &C,
        links: Vec<(Uuid, DateTime<Utc>)>,
    ) -> Result<Vec<Linked>> {
        let ids: Vec<Uuid> = links.iter().map(|(id, _)| *id).collect();
        let people = users::find_many(db, &ids).await?;
        Ok(links
            .into_iter()
            .filter_map(|(id, linked_at)| {
                let user = people.iter().find(|user| user.id == id && user.active)?.clone();
                Some(Linked { user, linked_at })
            })
            .collect())
    }
}
