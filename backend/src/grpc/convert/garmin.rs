//! Garmin links and sync events → `baton.garmin.v1` messages.

use baton_proto::garmin::v1 as pb;

use super::{optional_timestamp, timestamp, workout::summary};
use crate::{
    domain::{ConnectMethod, GarminLink, LinkStatus},
    service::{ConnectionState, PendingMfa, SyncEvent, SyncOutcome},
};

pub fn connection(state: ConnectionState) -> pb::Connection {
    match state {
        ConnectionState::NotConnected => pb::Connection {
            status: pb::ConnectionStatus::NotConnected as i32,
            ..Default::default()
        },
        ConnectionState::MfaPending => {
            pb::Connection { status: pb::ConnectionStatus::MfaPending as i32, ..Default::default() }
        }
        ConnectionState::Linked(link) => linked(link),
    }
}

pub fn linked(link: GarminLink) -> pb::Connection {
    pb::Connection {
        status: status(link.status) as i32,
        garmin_display_name: link.display_name.unwrap_or_default(),
        garmin_full_name: link.full_name.unwrap_or_default(),
        connect_time: Some(timestamp(link.connected_at)),
        last_verify_time: optional_timestamp(link.last_verified_at),
        last_error: link.last_error.unwrap_or_default(),
        last_error_time: optional_timestamp(link.last_error_at),
        last_sync_time: optional_timestamp(link.last_sync_at),
        method: method(link.method) as i32,
        rate_limited_until: optional_timestamp(
            link.rate_limited_until.filter(|_| link.status == LinkStatus::RateLimited),
        ),
    }
}

pub fn status(status: LinkStatus) -> pb::ConnectionStatus {
    match status {
        LinkStatus::Connected => pb::ConnectionStatus::Connected,
        LinkStatus::NeedsRelogin => pb::ConnectionStatus::NeedsRelogin,
        LinkStatus::Error => pb::ConnectionStatus::Error,
        LinkStatus::RateLimited => pb::ConnectionStatus::RateLimited,
    }
}

fn method(method: ConnectMethod) -> pb::ConnectMethod {
    match method {
        ConnectMethod::Browser => pb::ConnectMethod::Browser,
        ConnectMethod::Ticket => pb::ConnectMethod::Ticket,
        ConnectMethod::Password => pb::ConnectMethod::Password,
        ConnectMethod::TokenFile => pb::ConnectMethod::TokenFile,
    }
}

pub fn mfa_required(pending: PendingMfa) -> pb::MfaRequired {
    pb::MfaRequired {
        pending_login_id: pending.id.to_string(),
        delivery_method: pending.delivery_method,
        expire_time: Some(timestamp(pending.expires_at)),
    }
}

pub fn sync_event(event: SyncEvent) -> pb::SyncWorkoutsResponse {
    let event = match event {
        SyncEvent::Workout { workout, outcome, error, done, total } => {
            pb::sync_workouts_response::Event::Workout(pb::WorkoutSynced {
                workout: Some(summary(workout)),
                action: action(outcome) as i32,
                error: error.unwrap_or_default(),
                done: count(done),
                total: count(total),
            })
        }
        SyncEvent::Summary(summary) => {
            pb::sync_workouts_response::Event::Summary(pb::SyncSummary {
                added: count(summary.added),
                updated: count(summary.updated),
                unchanged: count(summary.unchanged),
                removed: count(summary.removed),
                failed: count(summary.failed),
                finish_time: optional_timestamp(summary.finished_at),
            })
        }
    };
    pb::SyncWorkoutsResponse { event: Some(event) }
}

fn action(outcome: SyncOutcome) -> pb::SyncAction {
    match outcome {
        SyncOutcome::Added => pb::SyncAction::Added,
        SyncOutcome::Updated => pb::SyncAction::Updated,
        SyncOutcome::Unchanged => pb::SyncAction::Unchanged,
        SyncOutcome::Removed => pb::SyncAction::Removed,
        SyncOutcome::Failed => pb::SyncAction::Failed,
    }
}

fn count(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}
