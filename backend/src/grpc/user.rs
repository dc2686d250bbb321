//! `baton.user.v1.UserService`.

use std::pin::Pin;

use baton_proto::user::v1::{self as pb, user_service_server::UserService as UserRpc};
use futures::{Stream, StreamExt};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use super::{
    authentication::{caller, client_info},
    convert,
    parse::{self, Fields},
};
use crate::{
    domain::{AuditFilter, UserFilter},
    error::Error,
    service::{
        AccountChanges, AuditService, NewAccount, NotificationService, ProfileChanges,
        RosterService, UserService,
    },
};

/// The gRPC face of the profile, administration, roster and audit use cases.
pub struct UserApi {
    users: UserService,
    roster: RosterService,
    audit: AuditService,
    notifications: NotificationService,
}

impl UserApi {
    pub fn new(
        users: UserService,
        roster: RosterService,
        audit: AuditService,
        notifications: NotificationService,
    ) -> Self {
        Self { users, roster, audit, notifications }
    }
}

type Reply<T> = Result<Response<T>, Status>;
/// The generated trait's stream type (with default stubs it is fixed).
type WatchStream =
    Pin<Box<dyn Stream<Item = Result<pb::WatchNotificationsResponse, Status>> + Send + 'static>>;

/// Most notifications one MarkNotificationsRead call names.
const MAX_MARKED: usize = 200;

#[tonic::async_trait]
impl UserRpc for UserApi {
    async fn list_notifications(
        &self,
        request: Request<pb::ListNotificationsRequest>,
    ) -> Reply<pb::ListNotificationsResponse> {
        let caller = caller(&request)?;
        let request = request.into_inner();
        let page = parse::page(request.page_size, &request.page_token)?;
        let (notifications, next_page_token, unread) =
            self.notifications.list(&caller, request.unread_only, &page).await?;
        Ok(Response::new(pb::ListNotificationsResponse {
            notifications: notifications.into_iter().map(convert::notification).collect(),
            next_page_token,
            unread_count: convert::count(unread),
        }))
    }

    async fn mark_notifications_read(
        &self,
        request: Request<pb::MarkNotificationsReadRequest>,
    ) -> Reply<pb::MarkNotificationsReadResponse> {
        let caller = caller(&request)?;
        let request = request.into_inner();
        let mut fields = Fields::default();
        if request.notification_ids.len() > MAX_MARKED {
            fields.check::<()>("notification_ids", Err("at most 200 per call"));
        }
        if request.notification_ids.is_empty() && request.up_to_time.is_none() {
            fields.check::<()>("notification_ids", Err("name notifications or up_to_time"));
        }
        let ids: Vec<uuid::Uuid> = request
            .notification_ids
            .iter()
            .enumerate()
            .filter_map(|(n, id)| {
                fields.check(
                    &format!("notification_ids[{n}]"),
                    uuid::Uuid::parse_str(id.trim()).map_err(|_| "is not a valid id"),
                )
            })
            .collect();
        let up_to = parse::optional_time("up_to_time", request.up_to_time)?;
        let ids = fields.finish(ids)?;
        let unread = self.notifications.mark_read(&caller, &ids, up_to).await?;
        Ok(Response::new(pb::MarkNotificationsReadResponse {
            unread_count: convert::count(unread),
        }))
    }

    async fn watch_notifications(
        &self,
        request: Request<pb::WatchNotificationsRequest>,
    ) -> Reply<WatchStream> {
        let caller = caller(&request)?;
        let watched = self.notifications.watch(&caller).await?;
        let stream = ReceiverStream::new(watched).map(|message| match message {
            Ok(message) => Ok(pb::WatchNotificationsResponse {
                notification: message.notification.map(convert::notification),
                unread_count: convert::count(message.unread),
                heartbeat: message.heartbeat,
            }),
            Err(error) => Err(Status::from(error)),
        });
        Ok(Response::new(Box::pin(stream)))
    }

    async fn get_me(&self, request: Request<pb::GetMeRequest>) -> Reply<pb::GetMeResponse> {
        let caller = caller(&request)?;
        let user = self.users.get_me(&caller).await?;
        Ok(Response::new(pb::GetMeResponse { user: Some(convert::user(user)) }))
    }

    async fn update_me(
        &self,
        request: Request<pb::UpdateMeRequest>,
    ) -> Reply<pb::UpdateMeResponse> {
        let caller = caller(&request)?;
        let changes = profile_changes(request.into_inner())?;
        let user = self.users.update_me(&caller, changes).await?;
        Ok(Response::new(pb::UpdateMeResponse { user: Some(convert::user(user)) }))
    }

    async fn list_users(
        &self,
        request: Request<pb::ListUsersRequest>,
    ) -> Reply<pb::ListUsersResponse> {
        let admin = self.users.admin(&caller(&request)?).await?;
        let request = request.into_inner();
        let filter = UserFilter {
            query: parse::search("query", &request.query)?.map(|query| query.to_lowercase()),
            role: parse::role_filter(request.role)?,
            active: request.active,
        };
        let page = parse::page(request.page_size, &request.page_token)?;
        let (users, next_page_token, total) = self.users.list_users(&admin, &filter, &page).await?;
        Ok(Response::new(pb::ListUsersResponse {
            users: users.into_iter().map(convert::user).collect(),
            next_page_token,
            total_size: convert::count(total),
        }))
    }

    async fn create_user(
        &self,
        request: Request<pb::CreateUserRequest>,
    ) -> Reply<pb::CreateUserResponse> {
        let client = client_info(&request);
        let admin = self.users.admin(&caller(&request)?).await?;
        let request = request.into_inner();
        let key = parse::idempotency_key(&request.idempotency_key)?;
        let account = new_account(&request)?;
        let (user, link) = self.users.create_user(&admin, &client, account, key.as_ref()).await?;
        Ok(Response::new(pb::CreateUserResponse {
            user: Some(convert::user(user)),
            setup_url: link.url,
            setup_expire_time: Some(convert::timestamp(link.expires_at)),
        }))
    }

    async fn update_user(
        &self,
        request: Request<pb::UpdateUserRequest>,
    ) -> Reply<pb::UpdateUserResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let admin = self.users.admin(&caller).await?;
        let request = request.into_inner();
        let user_id = parse::id("user_id", &request.user_id)?;
        let changes = account_changes(request)?;
        let user = self.users.update_user(&admin, &client, user_id, changes).await?;
        Ok(Response::new(pb::UpdateUserResponse { user: Some(convert::user(user)) }))
    }

    async fn delete_user(
        &self,
        request: Request<pb::DeleteUserRequest>,
    ) -> Reply<pb::DeleteUserResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let admin = self.users.admin(&caller).await?;
        let user_id = parse::id("user_id", &request.into_inner().user_id)?;
        self.users.delete_user(&admin, &client, user_id).await?;
        Ok(Response::new(pb::DeleteUserResponse {}))
    }

    async fn issue_password_reset(
        &self,
        request: Request<pb::IssuePasswordResetRequest>,
    ) -> Reply<pb::IssuePasswordResetResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let admin = self.users.admin(&caller).await?;
        let user_id = parse::id("user_id", &request.into_inner().user_id)?;
        let link = self.users.issue_password_reset(&admin, &client, user_id).await?;
        Ok(Response::new(pb::IssuePasswordResetResponse {
            reset_url: link.url,
            expire_time: Some(convert::timestamp(link.expires_at)),
        }))
    }

    async fn invite_athlete(
        &self,
        request: Request<pb::InviteAthleteRequest>,
    ) -> Reply<pb::InviteAthleteResponse> {
        let client = client_info(&request);
        let coach = self.roster.coach(&caller(&request)?)?;
        let request = request.into_inner();
        let key = parse::idempotency_key(&request.idempotency_key)?;
        let email = parse::email(&request.email)?;
        let (invite, link) =
            self.roster.invite_athlete(&coach, &client, &email, key.as_ref()).await?;
        Ok(Response::new(pb::InviteAthleteResponse {
            invite: Some(convert::invite(invite)),
            invite_url: link.url,
        }))
    }

    async fn list_invites(
        &self,
        request: Request<pb::ListInvitesRequest>,
    ) -> Reply<pb::ListInvitesResponse> {
        let manager = self.roster.invite_manager(&caller(&request)?).await?;
        let request = request.into_inner();
        let inviter = parse::optional_id("inviter_id", &request.inviter_id)?;
        let state = parse::invite_state(request.status)?;
        let page = parse::page(request.page_size, &request.page_token)?;
        let (invites, next_page_token) =
            self.roster.list_invites(&manager, inviter, state, &page).await?;
        let invites = invites.into_iter().map(convert::invite).collect();
        Ok(Response::new(pb::ListInvitesResponse { invites, next_page_token }))
    }

    async fn revoke_invite(
        &self,
        request: Request<pb::RevokeInviteRequest>,
    ) -> Reply<pb::RevokeInviteResponse> {
        let client = client_info(&request);
        let manager = self.roster.invite_manager(&caller(&request)?).await?;
        let invite_id = parse::id("invite_id", &request.into_inner().invite_id)?;
        let invite = self.roster.revoke_invite(&manager, &client, invite_id).await?;
        Ok(Response::new(pb::RevokeInviteResponse { invite: Some(convert::invite(invite)) }))
    }

    async fn list_my_athletes(
        &self,
        request: Request<pb::ListMyAthletesRequest>,
    ) -> Reply<pb::ListMyAthletesResponse> {
        let coach = self.roster.coach(&caller(&request)?)?;
        let request = request.into_inner();
        let query = parse::search("query", &request.query)?.unwrap_or_default();
        let page = parse::page(request.page_size, &request.page_token)?;
        let (athletes, next_page_token) = self.roster.my_athletes(&coach, &query, &page).await?;
        let athletes = athletes.into_iter().map(convert::athlete).collect();
        Ok(Response::new(pb::ListMyAthletesResponse { athletes, next_page_token }))
    }

    async fn get_my_coaches(
        &self,
        request: Request<pb::GetMyCoachesRequest>,
    ) -> Reply<pb::GetMyCoachesResponse> {
        let caller = caller(&request)?;
        let coaches = self.roster.my_coaches(&caller).await?;
        Ok(Response::new(pb::GetMyCoachesResponse {
            coaches: coaches.into_iter().map(convert::coach).collect(),
        }))
    }

    async fn unlink_athlete(
        &self,
        request: Request<pb::UnlinkAthleteRequest>,
    ) -> Reply<pb::UnlinkAthleteResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let request = request.into_inner();
        let coach_id = parse::optional_id("coach_id", &request.coach_id)?;
        let athlete_id = parse::optional_id("athlete_id", &request.athlete_id)?;
        self.roster.unlink(&caller, &client, coach_id, athlete_id).await?;
        Ok(Response::new(pb::UnlinkAthleteResponse {}))
    }

    async fn link_athlete(
        &self,
        request: Request<pb::LinkAthleteRequest>,
    ) -> Reply<pb::LinkAthleteResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let admin = self.users.admin(&caller).await?;
        let request = request.into_inner();
        let coach_id = parse::id("coach_id", &request.coach_id)?;
        let athlete_id = parse::id("athlete_id", &request.athlete_id)?;
        self.roster.link(&admin, &client, coach_id, athlete_id).await?;
        Ok(Response::new(pb::LinkAthleteResponse {}))
    }

    async fn get_overview(
        &self,
        request: Request<pb::GetOverviewRequest>,
    ) -> Reply<pb::GetOverviewResponse> {
        let admin = self.users.admin(&caller(&request)?).await?;
        Ok(Response::new(convert::overview(self.users.overview(&admin).await?)))
    }

    async fn list_audit_events(
        &self,
        request: Request<pb::ListAuditEventsRequest>,
    ) -> Reply<pb::ListAuditEventsResponse> {
        let caller = caller(&request)?;
        let request = request.into_inner();
        let filter = AuditFilter {
            user_id: parse::optional_id("user_id", &request.user_id)?,
            action_prefix: parse::search("action_prefix", &request.action_prefix)?,
            from: parse::optional_time("start_time", request.start_time)?,
            until: parse::optional_time("end_time", request.end_time)?,
        };
        let page = parse::page(request.page_size, &request.page_token)?;
        let (events, next_page_token) = self.audit.list(&caller, filter, &page).await?;
        let events = events.into_iter().map(convert::audit_event).collect();
        Ok(Response::new(pb::ListAuditEventsResponse { events, next_page_token }))
    }

    async fn revoke_user_sessions(
        &self,
        request: Request<pb::RevokeUserSessionsRequest>,
    ) -> Reply<pb::RevokeUserSessionsResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let admin = self.users.admin(&caller).await?;
        let user_id = parse::id("user_id", &request.into_inner().user_id)?;
        let (revoked, methods) = self.users.revoke_user_sessions(&admin, &client, user_id).await?;
        Ok(Response::new(pb::RevokeUserSessionsResponse {
            revoked_session_count: convert::count(revoked),
            sign_in_methods: convert::sign_in_methods(&methods),
        }))
    }
}

fn profile_changes(request: pb::UpdateMeRequest) -> Result<ProfileChanges, Error> {
    let mut fields = Fields::default();
    let mut changes = ProfileChanges::default();
    if let Some(name) = request.display_name {
        changes.display_name = fields.check("display_name", parse::display_name(&name));
    }
    if let Some(timezone) = request.timezone {
        changes.timezone = fields.check("timezone", parse::timezone(&timezone));
    }
    if let Some(units) = request.units {
        changes.units = fields.check("units", parse::units(units));
    }
    if let Some(url) = request.avatar_url {
        changes.avatar_url = fields.check("avatar_url", parse::clearable_url(&url));
    }
    if let Some(url) = request.payment_link {
        changes.payment_link = fields.check("payment_link", parse::clearable_url(&url));
    }
    fields.finish(changes)
}

fn new_account(request: &pb::CreateUserRequest) -> Result<NewAccount, Error> {
    let mut fields = Fields::default();
    let email = fields.check("email", crate::domain::Email::parse(&request.email));
    let display_name = fields.check("display_name", parse::display_name(&request.display_name));
    let roles = fields.check("roles", parse::roles(&request.roles));
    let timezone = fields.check("timezone", parse::timezone(&request.timezone));
    match (email, display_name, roles, timezone) {
        (Some(email), Some(display_name), Some(roles), Some(timezone)) => {
            Ok(NewAccount { email, display_name, roles, timezone })
        }
        _ => Err(fields.error()),
    }
}

fn account_changes(request: pb::UpdateUserRequest) -> Result<AccountChanges, Error> {
    let mut fields = Fields::default();
    let mut changes = AccountChanges { active: request.active, ..AccountChanges::default() };
    if let Some(name) = request.display_name {
        changes.display_name = fields.check("display_name", parse::display_name(&name));
    }
    if let Some(email) = request.email {
        changes.email = fields.check("email", crate::domain::Email::parse(&email));
    }
    if let Some(roles) = request.roles {
        changes.roles = fields.check("roles", parse::roles(&roles.roles));
    }
    fields.finish(changes)
}
