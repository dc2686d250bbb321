//! The coach–athlete roster: invites, links, and who sees whom.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    Caller, Context,
    access::{Admin, Coach, InviteManager, require_admin, require_coach, require_invite_manager},
    idempotency::{Claim, CreatedWithLink, Once},
    paging,
    users::OneTimeLink,
};
use crate::{
    crypto::{new_opaque_token, token_digest},
    domain::{
        AuditEvent, ClientInfo, Email, IdempotencyKey, InviteState, LinkStatus, OneTimeToken,
        PageRequest, PageScope, Purpose, Role, User,
    },
    error::{Error, Reason, Result},
    store::{
        Connection, audit, garmin_accounts,
        one_time_tokens::{self, NewToken, PendingScope},
        roster, shares, users,
    },
};

/// An invite as its inviter or an admin sees it.
#[derive(Debug, Clone)]
pub struct InviteView {
    pub invite: OneTimeToken,
    pub state: InviteState,
    pub inviter_display_name: String,
}

/// The state filter name for page-token scopes.
fn state_name(state: Option<InviteState>) -> &'static str {
    match state {
        None => "",
        Some(InviteState::Pending) => "pending",
        Some(InviteState::Accepted) => "accepted",
        Some(InviteState::Revoked) => "revoked",
        Some(InviteState::Expired) => "expired",
    }
}

/// Someone on the other side of a coach–athlete link.
#[derive(Debug, Clone)]
pub struct Linked {
    pub user: User,
    pub linked_at: DateTime<Utc>,
    /// Their Garmin link's health as last recorded (None: not connected).
    /// Filled for a coach's athletes only; never calls Garmin.
    pub garmin: Option<LinkStatus>,
    /// Shares from the coach not yet imported or dismissed; filled for a
    /// coach's athletes only.
    pub open_shares: u64,
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

    /// Proof that the caller may use the coach's roster RPCs.
    pub fn coach(&self, caller: &Caller) -> Result<Coach> {
        require_coach(caller)
    }

    /// Proof that the caller may list and revoke invites: a coach their
    /// own, an admin (checked in the database) anyone's.
    pub async fn invite_manager(&self, caller: &Caller) -> Result<InviteManager> {
        require_invite_manager(&self.context, caller).await
    }

    /// A coach invites a person by email to become their athlete. A pending
    /// invite from the same coach to the same address is replaced. With an
    /// idempotency key, a retry gets the first reply back.
    pub async fn invite_athlete(
        &self,
        coach: &Coach,
        client: &ClientInfo,
        email: &Email,
        key: Option<&IdempotencyKey>,
    ) -> Result<(InviteView, OneTimeLink)> {
        let now = self.context.clock.now();
        let token = new_opaque_token();
        let expires_at = now + self.context.settings.invite_lifetime;
        let once = Once::new(&self.context, coach.id(), "InviteAthlete", key);
        let txn = self.context.db.begin().await?;
        if let Claim::Replay(first) = once.claim::<CreatedWithLink>(&txn).await? {
            let invite = one_time_tokens::find_by_id(&txn, first.id)
                .await?
                .ok_or(Error::NotFound("invite"))?;
            let view = self.view(&txn, invite, now).await?;
            txn.rollback().await?;
            return Ok((view, OneTimeLink { url: first.url, expires_at: first.expires_at }));
        }
        let me = users::find_by_id(&txn, coach.id())
            .await?
            .filter(|record| record.user.active)
            .ok_or(Error::Unauthenticated)?
            .user;
        if let Some(existing) = users::find_by_email(&txn, email).await? {
            if existing.user.id == me.id {
                return Err(Error::invalid("email", "is your own address"));
            }
            if roster::link_time(&txn, me.id, existing.user.id).await?.is_some() {
                return Err(Error::refused(Reason::AlreadyYourAthlete));
            }
        }
        let scope = PendingScope::InvitesTo { created_by: me.id, email: email.normalized() };
        one_time_tokens::revoke_pending(&txn, scope, now).await?;
        let invite = one_time_tokens::insert(
            &txn,
            NewToken {
                purpose: Purpose::Invite,
                token_hash: token_digest(&token),
                email: Some(email.normalized().to_owned()),
                roles: [Role::Athlete].into_iter().collect(),
                user_id: None,
                coach_id: Some(me.id),
                created_by: Some(me.id),
                now,
                expires_at,
            },
        )
        .await?;
        let created = AuditEvent::new("roster.invite_created", now)
            .actor(me.id)
            .resource("invite", invite.id)
            .summary("athlete invited")
            .client(client);
        audit::record(&txn, created).await?;
        let url = self.context.settings.link("invite", &token);
        once.record(&txn, &CreatedWithLink { id: invite.id, url: url.clone(), expires_at }).await?;
        txn.commit().await?;
        self.context.notifier.invite_created(email.as_str(), &me.display_name, &url);
        let view = InviteView {
            state: InviteState::of(&invite, now),
            invite,
            inviter_display_name: me.display_name,
        };
        Ok((view, OneTimeLink { url, expires_at }))
    }

    /// Invites, newest first: a coach sees their own (naming another
    /// inviter is PERMISSION_DENIED), an admin anyone's or one inviter's.
    pub async fn list_invites(
        &self,
        manager: &InviteManager,
        inviter: Option<Uuid>,
        state: Option<InviteState>,
        request: &PageRequest,
    ) -> Result<(Vec<InviteView>, String)> {
        let me = manager.caller().user_id;
        let inviter = match manager {
            InviteManager::Admin(_) => inviter,
            InviteManager::Coach(_) if inviter.is_none_or(|id| id == me) => Some(me),
            InviteManager::Coach(_) => return Err(Error::PermissionDenied),
        };
        let scope = PageScope::new("ListInvites", me)
            .field("inviter_id", &inviter.map(|id| id.to_string()).unwrap_or_default())
            .field("status", state_name(state));
        let cursor = paging::open(&self.context.pages, request, &scope)?;
        let now = self.context.clock.now();
        let db = self.context.db.reader();
        let rows = one_time_tokens::list_invites(db, inviter, state, now, &cursor.page).await?;
        let (rows, next) = cursor.finish(rows);
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

    /// A coach revokes one of their own invites; an admin any. Revoking a
    /// revoked or expired invite is OK; an accepted one cannot be revoked.
    pub async fn revoke_invite(
        &self,
        manager: &InviteManager,
        client: &ClientInfo,
        invite_id: Uuid,
    ) -> Result<InviteView> {
        let me = manager.caller().user_id;
        let is_admin = matches!(manager, InviteManager::Admin(_));
        let now = self.context.clock.now();
        let txn = self.context.db.begin().await?;
        let invite = one_time_tokens::find_by_id(&txn, invite_id)
            .await?
            .filter(|invite| invite.purpose == Purpose::Invite)
            .filter(|invite| is_admin || invite.created_by == Some(me));
        let Some(invite) = invite else {
            return Err(if is_admin { Error::NotFound("invite") } else { Error::PermissionDenied });
        };
        match InviteState::of(&invite, now) {
            InviteState::Accepted => return Err(Error::refused(Reason::InviteAlreadyAccepted)),
            InviteState::Pending => {
                one_time_tokens::revoke(&txn, invite.id, now).await?;
                let revoked = AuditEvent::new("roster.invite_revoked", now)
                    .actor(me)
                    .resource("invite", invite.id)
                    .summary("invite revoked")
                    .client(client);
                audit::record(&txn, revoked).await?;
            }
            InviteState::Revoked | InviteState::Expired => {}
        }
        let invite =
            one_time_tokens::find_by_id(&txn, invite_id).await?.ok_or(Error::NotFound("invite"))?;
        let view = self.view(&txn, invite, now).await?;
        txn.commit().await?;
        Ok(view)
    }

    /// An invite with its state and its inviter's name.
    async fn view<C: Connection>(
        &self,
        db: &C,
        invite: OneTimeToken,
        now: DateTime<Utc>,
    ) -> Result<InviteView> {
        let inviter_display_name = match invite.created_by {
            Some(id) => users::find_by_id(db, id).await?.map(|record| record.user.display_name),
            None => None,
        };
        Ok(InviteView {
            state: InviteState::of(&invite, now),
            invite,
            inviter_display_name: inviter_display_name.unwrap_or_default(),
        })
    }

    /// A coach's athletes ordered by name, optionally matching `query`.
    pub async fn my_athletes(
        &self,
        coach: &Coach,
        query: &str,
        request: &PageRequest,
    ) -> Result<(Vec<Linked>, String)> {
        let scope = PageScope::new("ListMyAthletes", coach.id()).field("query", query);
        let cursor = paging::open(&self.context.pages, request, &scope)?;
        let db = self.context.db.reader();
        let links = roster::athletes_of(db, coach.id()).await?;
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
        let page = cursor.page;
        let mut rows: Vec<Linked> = linked
            .into_iter()
            .skip(usize::try_from(page.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(page.fetch_limit()).unwrap_or(usize::MAX))
            .collect();
        let ids: Vec<Uuid> = rows.iter().map(|row| row.user.id).collect();
        let links = garmin_accounts::find_many(db, &ids).await?;
        let open = shares::open_counts(db, coach.id(), &ids).await?;
        for row in &mut rows {
            row.garmin =
                links.iter().find(|link| link.user_id == row.user.id).map(|link| link.status);
            row.open_shares = open.get(&row.user.id).copied().unwrap_or(0);
        }
        Ok(cursor.finish(rows))
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
            let unlinked = AuditEvent::new("roster.unlinked", now)
                .actor(me)
                .subject(athlete)
                .resource("coach", coach)
                .summary("coach and athlete unlinked")
                .client(client);
            audit::record(&txn, unlinked).await?;
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
            return Err(Error::refused(Reason::NotAnActiveCoach));
        }
        if !athlete.roles.contains(Role::Athlete) || !athlete.active {
            return Err(Error::refused(Reason::NotAnActiveAthlete));
        }
        if roster::link_time(&txn, coach_id, athlete_id).await?.is_none() {
            roster::link(&txn, coach_id, athlete_id, now).await?;
            let linked = AuditEvent::new("roster.linked", now)
                .actor(admin.id())
                .subject(athlete_id)
                .resource("coach", coach_id)
                .summary("linked by an admin")
                .client(client);
            audit::record(&txn, linked).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    async fn resolve<C: Connection>(
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
                Some(Linked { user, linked_at, garmin: None, open_shares: 0 })
            })
            .collect())
    }
}
