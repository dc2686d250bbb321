//! Protobuf ↔ domain conversions, in one place (Garmin's in the files
//! beside this one).

pub mod garmin;
pub mod sharing;
pub mod workout;

use baton_proto::{auth::v1 as auth_pb, garmin::v1 as garmin_pb, user::v1 as user_pb};
use chrono::{DateTime, Utc};
use prost_types::Timestamp;

use crate::{
    domain::{InviteState, Notification, NotificationKind, Role, Roles, SignInMethod, Units, User},
    service::{AuditEntry, InviteView, IssuedTokens, Linked, Overview, SessionView},
};

pub fn timestamp(time: DateTime<Utc>) -> Timestamp {
    Timestamp {
        seconds: time.timestamp(),
        nanos: i32::try_from(time.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

pub fn role(role: Role) -> user_pb::Role {
    match role {
        Role::Athlete => user_pb::Role::Athlete,
        Role::Coach => user_pb::Role::Coach,
        Role::Admin => user_pb::Role::Admin,
    }
}

pub fn units(units: Units) -> user_pb::Units {
    match units {
        Units::Metric => user_pb::Units::Metric,
        Units::Imperial => user_pb::Units::Imperial,
    }
}

pub fn user(user: User) -> user_pb::User {
    user_pb::User {
        id: user.id.to_string(),
        email: user.email.unwrap_or_default(),
        display_name: user.display_name,
        roles: roles(&user.roles),
        active: user.active,
        timezone: user.timezone,
        units: units(user.units) as i32,
        avatar_url: user.avatar_url.unwrap_or_default(),
        payment_link: user.payment_link.unwrap_or_default(),
        has_password: user.has_password,
        google_linked: user.google_linked,
        create_time: Some(timestamp(user.created_at)),
        update_time: Some(timestamp(user.updated_at)),
        last_sign_in_time: optional_timestamp(user.last_sign_in_at),
    }
}

pub fn token_pair(tokens: IssuedTokens) -> auth_pb::TokenPair {
    auth_pb::TokenPair {
        access_token: tokens.access_token,
        access_token_expire_time: Some(timestamp(tokens.access_token_expires_at)),
        refresh_token: tokens.refresh_token,
        refresh_token_expire_time: Some(timestamp(tokens.refresh_token_expires_at)),
    }
}

pub fn optional_timestamp(time: Option<DateTime<Utc>>) -> Option<Timestamp> {
    time.map(timestamp)
}

pub fn invite_status(state: InviteState) -> user_pb::InviteStatus {
    match state {
        InviteState::Pending => user_pb::InviteStatus::Pending,
        InviteState::Accepted => user_pb::InviteStatus::Accepted,
        InviteState::Revoked => user_pb::InviteStatus::Revoked,
        InviteState::Expired => user_pb::InviteStatus::Expired,
    }
}

pub fn invite(view: InviteView) -> user_pb::Invite {
    let roles = roles(&view.invite.roles);
    user_pb::Invite {
        id: view.invite.id.to_string(),
        email: view.invite.email.unwrap_or_default(),
        roles,
        inviter_id: view.invite.created_by.map(|id| id.to_string()).unwrap_or_default(),
        inviter_display_name: view.inviter_display_name,
        status: invite_status(view.state) as i32,
        create_time: Some(timestamp(view.invite.created_at)),
        expire_time: Some(timestamp(view.invite.expires_at)),
        accept_time: optional_timestamp(view.invite.used_at),
        accepted_user_id: view.invite.used_by.map(|id| id.to_string()).unwrap_or_default(),
    }
}

pub fn roles(roles: &Roles) -> Vec<i32> {
    roles.iter().map(|r| role(r) as i32).collect()
}

pub fn athlete(linked: Linked) -> user_pb::Athlete {
    user_pb::Athlete {
        user_id: linked.user.id.to_string(),
        display_name: linked.user.display_name,
        email: linked.user.email.unwrap_or_default(),
        avatar_url: linked.user.avatar_url.unwrap_or_default(),
        timezone: linked.user.timezone,
        garmin_status: linked
            .garmin
            .map_or(garmin_pb::ConnectionStatus::NotConnected, garmin::status)
            as i32,
        link_time: Some(timestamp(linked.linked_at)),
        pending_share_count: count(linked.open_shares),
    }
}

pub fn coach(linked: Linked) -> user_pb::Coach {
    user_pb::Coach {
        user_id: linked.user.id.to_string(),
        display_name: linked.user.display_name,
        email: linked.user.email.unwrap_or_default(),
        avatar_url: linked.user.avatar_url.unwrap_or_default(),
        payment_link: linked.user.payment_link.unwrap_or_default(),
        link_time: Some(timestamp(linked.linked_at)),
    }
}

pub fn audit_event(entry: AuditEntry) -> user_pb::AuditEvent {
    let row = entry.record;
    user_pb::AuditEvent {
        id: row.id.to_string(),
        time: Some(timestamp(row.occurred_at)),
        action: row.action,
        actor_id: row.actor_id.map(|id| id.to_string()).unwrap_or_default(),
        actor_display_name: entry.actor_display_name.unwrap_or_default(),
        subject_user_id: row.subject_user_id.map(|id| id.to_string()).unwrap_or_default(),
        resource: row.resource,
        client_address: row.client_address.unwrap_or_default(),
        user_agent: row.user_agent.unwrap_or_default(),
        summary: row.summary,
    }
}

pub fn session(view: SessionView) -> auth_pb::Session {
    auth_pb::Session {
        id: view.session.id.to_string(),
        user_agent: view.session.user_agent.unwrap_or_default(),
        client_address: view.session.address.unwrap_or_default(),
        create_time: Some(timestamp(view.session.created_at)),
        last_use_time: Some(timestamp(view.session.last_used_at)),
        expire_time: Some(timestamp(view.session.expires_at)),
        current: view.current,
        sign_in_time: Some(timestamp(view.session.signed_in_at)),
    }
}

pub fn sign_in_methods(methods: &[SignInMethod]) -> Vec<i32> {
    methods
        .iter()
        .map(|method| match method {
            SignInMethod::Password => user_pb::SignInMethod::Password as i32,
            SignInMethod::Google => user_pb::SignInMethod::Google as i32,
        })
        .collect()
}

pub fn overview(overview: Overview) -> user_pb::GetOverviewResponse {
    let count = |n: u64| i32::try_from(n).unwrap_or(i32::MAX);
    user_pb::GetOverviewResponse {
        user_count: count(overview.total_users),
        active_user_count: count(overview.total_users.saturating_sub(overview.inactive_users)),
        athlete_count: count(overview.athletes),
        coach_count: count(overview.coaches),
        admin_count: count(overview.admins),
        pending_invite_count: count(overview.pending_invites),
        active_session_count: count(overview.active_sessions),
        active_coach_count: count(overview.active_coaches),
        garmin_connected_count: count(overview.garmin_connected),
        garmin_attention_count: count(overview.garmin_attention),
        pending_share_count: count(overview.waiting_shares),
        imported_share_count: count(overview.imported_shares),
        failed_share_count: count(overview.failed_shares),
        queued_job_count: count(overview.unfinished_jobs),
    }
}

pub fn notification(notification: Notification) -> user_pb::Notification {
    let kind = match notification.kind {
        NotificationKind::ShareReceived => user_pb::NotificationKind::ShareReceived,
        NotificationKind::ShareImported => user_pb::NotificationKind::ShareImported,
        NotificationKind::ShareFailed => user_pb::NotificationKind::ShareFailed,
        NotificationKind::ShareRevoked => user_pb::NotificationKind::ShareRevoked,
        NotificationKind::ShareUpdated => user_pb::NotificationKind::ShareUpdated,
        NotificationKind::GarminAttention => user_pb::NotificationKind::GarminAttention,
    };
    user_pb::Notification {
        id: notification.id.to_string(),
        kind: kind as i32,
        title: notification.title,
        body: notification.body,
        create_time: Some(timestamp(notification.created_at)),
        read_time: optional_timestamp(notification.read_at),
        share_id: notification.share_id.map(|id| id.to_string()).unwrap_or_default(),
        user_id: notification.other_user_id.map(|id| id.to_string()).unwrap_or_default(),
    }
}

pub fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}
