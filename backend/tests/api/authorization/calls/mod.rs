//! One call per row of the matrix: each builds its request for the cell's
//! data (making throwaway accounts, invites or sessions where a call would
//! use up what it touches), sends it as the cell's caller, and keeps only
//! the status.

mod auth_service;
mod garmin_service;
mod sharing_service;
mod user_service;

use baton_proto::user::v1 as user;
use tonic::{Response, Status};

use super::{
    fixture::Fixture,
    table::{Cell, Who},
};
pub(super) use auth_service::sign_up_request;
use auth_service::{
    accept_invite, accept_invite_with_password, change_password, finish_google_sign_in, get_invite,
    get_sign_in_options, link_google, list_sessions, login, logout, reauthenticate,
    reauthenticate_with_google, refresh, reset_password, revoke_session, sign_up,
    start_google_sign_in, unlink_google,
};
use garmin_service::{
    connect, connect_with_ticket, disconnect, get_connection, get_workout, import_tokens,
    list_workouts, submit_mfa_code, sync_workouts,
};
use sharing_service::{
    dismiss_share, get_share, import_shares, list_incoming_shares, list_outgoing_shares,
    revoke_share, share_workouts, update_shared_copies,
};
use user_service::{
    create_user, delete_user, get_me, get_my_coaches, get_overview, invite_athlete,
    issue_password_reset, link_athlete, list_audit_events, list_invites, list_my_athletes,
    list_notifications, list_users, mark_notifications_read, revoke_invite, revoke_user_sessions,
    unlink_athlete, unlink_strangers, update_me, update_user, watch_notifications,
};

pub(super) type Answer = Result<(), Status>;

fn answer<T>(reply: Result<Response<T>, Status>) -> Answer {
    reply.map(drop)
}

fn random_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

const NOT_AN_ID: &str = "not-an-id";
const NOT_AN_EMAIL: &str = "not an email";
const NEW_PASSWORD: &str = "a different horse battery staple";
/// base64url SHA-256 of the empty string: shaped like a browser binding.
const BINDING_HASH: &str = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";

pub(super) async fn call(f: &Fixture, cell: Cell) -> Answer {
    let Cell { rpc, who, data, .. } = cell;
    match rpc {
        "GetSignInOptions" => get_sign_in_options(f, who).await,
        "Login" => login(f, who, data).await,
        "SignUp" => sign_up(f, who, data).await,
        "StartGoogleSignIn" => start_google_sign_in(f, who, data).await,
        "FinishGoogleSignIn" => finish_google_sign_in(f, who).await,
        "LinkGoogle" => link_google(f, who, data).await,
        "Reauthenticate" => reauthenticate(f, who, data).await,
        "Reauthenticate/google" => reauthenticate_with_google(f, who).await,
        "UnlinkGoogle" => unlink_google(f, who, data).await,
        "Refresh" => refresh(f, who, data).await,
        "Logout" => logout(f, who, data).await,
        "GetInvite" => get_invite(f, who, data).await,
        "AcceptInvite" => accept_invite(f, who, data).await,
        "AcceptInvite/new_password" => accept_invite_with_password(f, who).await,
        "ResetPassword" => reset_password(f, who, data).await,
        "ChangePassword" => change_password(f, who).await,
        "ListSessions" => list_sessions(f, who).await,
        "RevokeSession" => revoke_session(f, who, data).await,
        "GetMe" => get_me(f, who).await,
        "UpdateMe" => update_me(f, who, "Renamed Myself", None).await,
        "UpdateMe/payment_link" => {
            update_me(f, who, "Paid Coach", Some("https://pay.example.com")).await
        }
        "ListUsers" => list_users(f, who, data).await,
        "CreateUser" => create_user(f, who, data).await,
        "UpdateUser" => update_user(f, who, data).await,
        "DeleteUser" => delete_user(f, who, data).await,
        "IssuePasswordReset" => issue_password_reset(f, who, data).await,
        "InviteAthlete" => invite_athlete(f, who, data).await,
        "ListInvites" => list_invites(f, who, data).await,
        "RevokeInvite" => revoke_invite(f, who, data).await,
        "ListMyAthletes" => list_my_athletes(f, who, data).await,
        "GetMyCoaches" => get_my_coaches(f, who).await,
        "UnlinkAthlete" => unlink_athlete(f, who, data).await,
        "UnlinkAthlete/both ids" => unlink_strangers(f, who).await,
        "LinkAthlete" => link_athlete(f, who, data).await,
        "GetOverview" => get_overview(f, who).await,
        "ListAuditEvents" => list_audit_events(f, who, data).await,
        "RevokeUserSessions" => revoke_user_sessions(f, who, data).await,
        "Connect" => connect(f, who, data).await,
        "SubmitMfaCode" => submit_mfa_code(f, who, data).await,
        "ConnectWithTicket" => connect_with_ticket(f, who, data).await,
        "ImportTokens" => import_tokens(f, who, data).await,
        "GetConnection" => get_connection(f, who).await,
        "Disconnect" => disconnect(f, who).await,
        "ListWorkouts" => list_workouts(f, who, data).await,
        "GetWorkout" => get_workout(f, who, data).await,
        "SyncWorkouts" => sync_workouts(f, who).await,
        "ShareWorkouts" => share_workouts(f, who, data, false).await,
        "ShareWorkouts/others workout" => share_workouts(f, who, data, true).await,
        "ListOutgoingShares" => list_outgoing_shares(f, who, data).await,
        "ListIncomingShares" => list_incoming_shares(f, who, data).await,
        "GetShare" => get_share(f, who, data).await,
        "ImportShares" => import_shares(f, who, data).await,
        "DismissShare" => dismiss_share(f, who, data).await,
        "RevokeShare" => revoke_share(f, who, data).await,
        "UpdateSharedCopies" => update_shared_copies(f, who, data, false).await,
        "UpdateSharedCopies/unlinked athlete" => update_shared_copies(f, who, data, true).await,
        "ListNotifications" => list_notifications(f, who).await,
        "MarkNotificationsRead" => mark_notifications_read(f, who, data).await,
        "WatchNotifications" => watch_notifications(f, who).await,
        other => not_built_yet(f, who, other).await,
    }
}

async fn not_built_yet(f: &Fixture, who: Who, rpc: &str) -> Answer {
    let mut users = f.users();
    match rpc {
        "ExportData" => {
            answer(users.export_data(f.request(who, user::ExportDataRequest::default())).await)
        }
        "ImportData" => {
            answer(users.import_data(f.request(who, user::ImportDataRequest::default())).await)
        }
        other => panic!("the matrix names {other}, which has no call here"),
    }
}
