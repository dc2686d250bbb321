//! The one way a call reaches the backend. Each RPC is an [`Rpc`]: its
//! method path tied to its request and reply types. Messages are encoded
//! and decoded here with prost; `grpc_web` carries only bytes, so its code
//! is compiled into the wasm module once rather than once per RPC. A test
//! holds every path and its types to the contracts.

use std::marker::PhantomData;

use baton_proto::{auth::v1 as auth_pb, user::v1 as user_pb};
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

/// The part of every call that does not depend on its types.
async fn send(
    base_url: &str,
    path: &str,
    message: &[u8],
    bearer: Option<&str>,
) -> Result<Vec<u8>, Status> {
    grpc_web::unary(&format!("{base_url}{path}"), message, bearer, CALL_TIMEOUT).await
}

/// Declares the RPCs of one service: `NAME: Method(Request) -> Reply`, and
/// for the tests, each as (path, request type, reply type).
macro_rules! rpcs {
    ($package:ident, $service:literal, { $($name:ident: $method:ident($request:ident) -> $reply:ident;)* }) => {
        $(
            pub(in crate::api) const $name: Rpc<$package::$request, $package::$reply> =
                Rpc::new(concat!("/", $service, "/", stringify!($method)));
        )*
        #[cfg(test)]
        pub(in crate::api) const ALL: &[(&str, &str, &str)] = &[$((
            concat!("/", $service, "/", stringify!($method)),
            stringify!($request),
            stringify!($reply),
        ),)*];
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
    });
}

#[cfg(test)]
mod tests {
    use prost_types::FileDescriptorSet;

    use super::*;

    #[test]
    fn every_rpc_is_a_method_of_the_contracts_with_its_types() {
        let contracts = FileDescriptorSet::decode(baton_proto::FILE_DESCRIPTOR_SET).unwrap();
        let methods: Vec<(String, String, String)> = contracts
            .file
            .iter()
            .flat_map(|file| {
                file.service.iter().flat_map(move |service| {
                    service.method.iter().map(move |method| {
                        (
                            format!("/{}.{}/{}", file.package(), service.name(), method.name()),
                            method.input_type().to_owned(),
                            method.output_type().to_owned(),
                        )
                    })
                })
            })
            .collect();
        for (path, request, reply) in auth::ALL.iter().chain(users::ALL) {
            let (_, input, output) = methods
                .iter()
                .find(|(known, _, _)| known == path)
                .unwrap_or_else(|| panic!("{path} is not in the contracts"));
            assert!(input.ends_with(&format!(".{request}")), "{path} takes {input}");
            assert!(output.ends_with(&format!(".{reply}")), "{path} answers {output}");
        }
    }
}
