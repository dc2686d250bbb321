//! The one way a call reaches the backend. Each RPC is an [`Rpc`]: its
//! method path tied to its request and reply types. Messages are encoded
//! and decoded here with prost; `grpc_web` carries only bytes, so its code
//! is compiled into the wasm module once rather than once per RPC. A
//! server-streaming RPC is a [`Stream`], so it cannot be called as a unary
//! one. A test holds every path, its types and its kind to the contracts.

use std::marker::PhantomData;

use std::time::Duration;

use baton_proto::{
    auth::v1 as auth_pb, garmin::v1 as garmin_pb, sharing::v1 as sharing_pb, user::v1 as user_pb,
};
use prost::Message;

use super::{
    CALL_TIMEOUT,
    grpc_web::{self, Code, Status},
};

/// A unary RPC: `path` takes an `M` and answers an `R`.
pub(super) struct Rpc<M, R> {
    path: &'static str,
    types: PhantomData<fn(M) -> R>,
}

impl<M, R> Clone for Rpc<M, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, R> Copy for Rpc<M, R> {}

impl<M: Message, R: Message + Default> Rpc<M, R> {
    const fn new(path: &'static str) -> Self {
        Self { path, types: PhantomData }
    }

    /// Sends `message` to the backend at `base_url`, with the bearer token
    /// if given.
    pub(super) async fn call(
        self,
        base_url: &str,
        message: &M,
        bearer: Option<&str>,
    ) -> Result<R, Status> {
        let reply = send(base_url, self.path, &message.encode_to_vec(), bearer).await?;
        R::decode(reply.as_slice())
            .map_err(|_| Status::new(Code::Internal, "the server's answer could not be read"))
    }
}

/// A server-streaming RPC: `path` takes an `M` and answers `R`s.
pub(super) struct Stream<M, R> {
    path: &'static str,
    types: PhantomData<fn(M) -> R>,
}

impl<M, R> Clone for Stream<M, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, R> Copy for Stream<M, R> {}

/// A stream gives up when nothing arrives for this long; each message
/// restarts the clock, so a long stream that keeps talking is never cut.
const STREAM_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

impl<M: Message, R: Message + Default> Stream<M, R> {
    const fn new(path: &'static str) -> Self {
        Self { path, types: PhantomData }
    }

    /// Sends `message` to the backend at `base_url`, with the bearer token
    /// if given, and hands each reply to `on_reply` as it arrives.
    pub(super) async fn call(
        self,
        base_url: &str,
        message: &M,
        bearer: Option<&str>,
        on_reply: &mut dyn FnMut(R),
    ) -> Result<(), Status> {
        let mut on_message = |bytes: &[u8]| {
            let reply = R::decode(bytes).map_err(|_| {
                Status::new(Code::Internal, "the server's answer could not be read")
            })?;
            on_reply(reply);
            Ok(())
        };
        grpc_web::server_stream(
            &format!("{base_url}{}", self.path),
            &message.encode_to_vec(),
            bearer,
            STREAM_IDLE_TIMEOUT,
            &mut on_message,
        )
        .await
    }
}

/// The part of every call that does not depend on its types.
async fn send(
    base_url: &str,
    path: &str,
    message: &[u8],
    bearer: Option<&str>,
) -> Result<Vec<u8>, Status> {
    grpc_web::unary(&format!("{base_url}{path}"), message, bearer, CALL_TIMEOUT).await
}

/// Declares the RPCs of one service: `NAME: Method(Request) -> Reply`,
/// then after `streams` the server-streaming ones; and for the tests, each
/// as (path, request type, reply type, whether it streams).
macro_rules! rpcs {
    ($package:ident, $service:literal, { $($name:ident: $method:ident($request:ident) -> $reply:ident;)* }
        $(streams { $($s_name:ident: $s_method:ident($s_request:ident) -> $s_reply:ident;)* })?) => {
        $(
            pub(in crate::api) const $name: Rpc<$package::$request, $package::$reply> =
                Rpc::new(concat!("/", $service, "/", stringify!($method)));
        )*
        $($(
            pub(in crate::api) const $s_name: super::Stream<$package::$s_request, $package::$s_reply> =
                super::Stream::new(concat!("/", $service, "/", stringify!($s_method)));
        )*)?
        #[cfg(test)]
        pub(in crate::api) const ALL: &[(&str, &str, &str, bool)] = &[
            $((
                concat!("/", $service, "/", stringify!($method)),
                stringify!($request),
                stringify!($reply),
                false,
            ),)*
            $($((
                concat!("/", $service, "/", stringify!($s_method)),
                stringify!($s_request),
                stringify!($s_reply),
                true,
            ),)*)?
        ];
    };
}

/// `baton.auth.v1.AuthService`.
pub(super) mod auth {
    use super::{Rpc, auth_pb};

    rpcs!(auth_pb, "baton.auth.v1.AuthService", {
        LOGIN: Login(LoginRequest) -> LoginResponse;
        LOGOUT: Logout(LogoutRequest) -> LogoutResponse;
        REFRESH: Refresh(RefreshRequest) -> RefreshResponse;
        GET_SIGN_IN_OPTIONS: GetSignInOptions(GetSignInOptionsRequest) -> GetSignInOptionsResponse;
        GET_INVITE: GetInvite(GetInviteRequest) -> GetInviteResponse;
        ACCEPT_INVITE: AcceptInvite(AcceptInviteRequest) -> AcceptInviteResponse;
        RESET_PASSWORD: ResetPassword(ResetPasswordRequest) -> ResetPasswordResponse;
        CHANGE_PASSWORD: ChangePassword(ChangePasswordRequest) -> ChangePasswordResponse;
        REAUTHENTICATE: Reauthenticate(ReauthenticateRequest) -> ReauthenticateResponse;
        LIST_SESSIONS: ListSessions(ListSessionsRequest) -> ListSessionsResponse;
        REVOKE_SESSION: RevokeSession(RevokeSessionRequest) -> RevokeSessionResponse;
        START_GOOGLE_SIGN_IN: StartGoogleSignIn(StartGoogleSignInRequest) -> StartGoogleSignInResponse;
        FINISH_GOOGLE_SIGN_IN: FinishGoogleSignIn(FinishGoogleSignInRequest) -> FinishGoogleSignInResponse;
        LINK_GOOGLE: LinkGoogle(LinkGoogleRequest) -> LinkGoogleResponse;
        UNLINK_GOOGLE: UnlinkGoogle(UnlinkGoogleRequest) -> UnlinkGoogleResponse;
    });
}

/// `baton.user.v1.UserService`.
pub(super) mod users {
    use super::{Rpc, user_pb};

    rpcs!(user_pb, "baton.user.v1.UserService", {
        GET_ME: GetMe(GetMeRequest) -> GetMeResponse;
        UPDATE_ME: UpdateMe(UpdateMeRequest) -> UpdateMeResponse;
        LIST_USERS: ListUsers(ListUsersRequest) -> ListUsersResponse;
        CREATE_USER: CreateUser(CreateUserRequest) -> CreateUserResponse;
        UPDATE_USER: UpdateUser(UpdateUserRequest) -> UpdateUserResponse;
        DELETE_USER: DeleteUser(DeleteUserRequest) -> DeleteUserResponse;
        ISSUE_PASSWORD_RESET: IssuePasswordReset(IssuePasswordResetRequest) -> IssuePasswordResetResponse;
        REVOKE_USER_SESSIONS: RevokeUserSessions(RevokeUserSessionsRequest) -> RevokeUserSessionsResponse;
        GET_OVERVIEW: GetOverview(GetOverviewRequest) -> GetOverviewResponse;
        INVITE_ATHLETE: InviteAthlete(InviteAthleteRequest) -> InviteAthleteResponse;
        LIST_INVITES: ListInvites(ListInvitesRequest) -> ListInvitesResponse;
        REVOKE_INVITE: RevokeInvite(RevokeInviteRequest) -> RevokeInviteResponse;
        LIST_MY_ATHLETES: ListMyAthletes(ListMyAthletesRequest) -> ListMyAthletesResponse;
        UNLINK_ATHLETE: UnlinkAthlete(UnlinkAthleteRequest) -> UnlinkAthleteResponse;
        GET_MY_COACHES: GetMyCoaches(GetMyCoachesRequest) -> GetMyCoachesResponse;
        LIST_NOTIFICATIONS: ListNotifications(ListNotificationsRequest) -> ListNotificationsResponse;
        MARK_NOTIFICATIONS_READ: MarkNotificationsRead(MarkNotificationsReadRequest) -> MarkNotificationsReadResponse;
    } streams {
        WATCH_NOTIFICATIONS: WatchNotifications(WatchNotificationsRequest) -> WatchNotificationsResponse;
    });
}

/// `baton.garmin.v1.GarminService`.
pub(super) mod garmin {
    use super::{Rpc, garmin_pb};

    rpcs!(garmin_pb, "baton.garmin.v1.GarminService", {
        CONNECT: Connect(ConnectRequest) -> ConnectResponse;
        SUBMIT_MFA_CODE: SubmitMfaCode(SubmitMfaCodeRequest) -> SubmitMfaCodeResponse;
        CONNECT_WITH_TICKET: ConnectWithTicket(ConnectWithTicketRequest) -> ConnectWithTicketResponse;
        IMPORT_TOKENS: ImportTokens(ImportTokensRequest) -> ImportTokensResponse;
        GET_CONNECTION: GetConnection(GetConnectionRequest) -> GetConnectionResponse;
        DISCONNECT: Disconnect(DisconnectRequest) -> DisconnectResponse;
        LIST_WORKOUTS: ListWorkouts(ListWorkoutsRequest) -> ListWorkoutsResponse;
        GET_WORKOUT: GetWorkout(GetWorkoutRequest) -> GetWorkoutResponse;
    } streams {
        SYNC_WORKOUTS: SyncWorkouts(SyncWorkoutsRequest) -> SyncWorkoutsResponse;
    });
}

/// `baton.sharing.v1.SharingService`.
pub(super) mod sharing {
    use super::{Rpc, sharing_pb};

    rpcs!(sharing_pb, "baton.sharing.v1.SharingService", {
        SHARE_WORKOUTS: ShareWorkouts(ShareWorkoutsRequest) -> ShareWorkoutsResponse;
        LIST_OUTGOING_SHARES: ListOutgoingShares(ListOutgoingSharesRequest) -> ListOutgoingSharesResponse;
        LIST_INCOMING_SHARES: ListIncomingShares(ListIncomingSharesRequest) -> ListIncomingSharesResponse;
        GET_SHARE: GetShare(GetShareRequest) -> GetShareResponse;
        DISMISS_SHARE: DismissShare(DismissShareRequest) -> DismissShareResponse;
        REVOKE_SHARE: RevokeShare(RevokeShareRequest) -> RevokeShareResponse;
        UPDATE_SHARED_COPIES: UpdateSharedCopies(UpdateSharedCopiesRequest) -> UpdateSharedCopiesResponse;
    } streams {
        IMPORT_SHARES: ImportShares(ImportSharesRequest) -> ImportSharesResponse;
    });
}

#[cfg(test)]
mod tests {
    use prost_types::FileDescriptorSet;

    use super::*;

    #[test]
    fn every_rpc_is_a_method_of_the_contracts_with_its_types() {
        let contracts = FileDescriptorSet::decode(baton_proto::FILE_DESCRIPTOR_SET).unwrap();
        let methods: Vec<(String, String, String, bool)> = contracts
            .file
            .iter()
            .flat_map(|file| {
                file.service.iter().flat_map(move |service| {
                    service.method.iter().map(move |method| {
                        (
                            format!("/{}.{}/{}", file.package(), service.name(), method.name()),
                            method.input_type().to_owned(),
                            method.output_type().to_owned(),
                            method.server_streaming(),
                        )
                    })
                })
            })
            .collect();
        for (path, request, reply, streams) in
            auth::ALL.iter().chain(users::ALL).chain(garmin::ALL).chain(sharing::ALL)
        {
            let (_, input, output, server_streaming) = methods
                .iter()
                .find(|(known, _, _, _)| known == path)
                .unwrap_or_else(|| panic!("{path} is not in the contracts"));
            assert!(input.ends_with(&format!(".{request}")), "{path} takes {input}");
            assert!(output.ends_with(&format!(".{reply}")), "{path} answers {output}");
            assert_eq!(streams, server_streaming, "{path} streams: {server_streaming}");
        }
    }
}
