//! The one way a call reaches the backend. Each RPC is an [`Rpc`]: its
//! method path tied to its request and reply types. Messages are encoded
//! and decoded here with prost, and tonic carries only bytes (a
//! pass-through codec), so tonic's client machinery is compiled into the
//! wasm module once rather than once per RPC, as the generated clients
//! would (it made up a tenth of the module). A test holds every path and
//! its types to the contracts.

use std::marker::PhantomData;

use baton_proto::{auth::v1 as auth_pb, user::v1 as user_pb};
use prost::{
    Message,
    bytes::{Buf, BufMut},
};
use tonic::{
    Request, Status,
    codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder},
    codegen::http::uri::PathAndQuery,
    metadata::MetadataValue,
};
use tonic_web_wasm_client::Client;

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

    /// Sends `message` over `transport`, with the bearer token if given.
    pub(super) async fn call(
        self,
        transport: Client,
        message: &M,
        bearer: Option<&str>,
    ) -> Result<R, Status> {
        let reply = send(transport, self.path, message.encode_to_vec(), bearer).await?;
        R::decode(reply.as_slice()).map_err(|error| {
            Status::internal(format!("the server's answer could not be read: {error}"))
        })
    }
}

/// The part of every call that does not depend on its types.
async fn send(
    transport: Client,
    path: &'static str,
    body: Vec<u8>,
    bearer: Option<&str>,
) -> Result<Vec<u8>, Status> {
    let mut grpc = tonic::client::Grpc::new(transport);
    grpc.ready().await.map_err(|error| Status::unknown(format!("not ready: {error}")))?;
    let mut request = Request::new(body);
    if let Some(token) = bearer {
        let value = MetadataValue::try_from(format!("Bearer {token}"))
            .map_err(|_| Status::internal("the access token is not a valid header value"))?;
        request.metadata_mut().insert("authorization", value);
    }
    let path = PathAndQuery::from_static(path);
    grpc.unary(request, path, Passthrough).await.map(tonic::Response::into_inner)
}

/// A codec whose messages are already encoded.
#[derive(Clone, Copy, Default)]
struct Passthrough;

impl Codec for Passthrough {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = Passthrough;
    type Decoder = Passthrough;

    fn encoder(&mut self) -> Self::Encoder {
        Passthrough
    }

    fn decoder(&mut self) -> Self::Decoder {
        Passthrough
    }
}

impl Encoder for Passthrough {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for Passthrough {
    type Item = Vec<u8>;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining()).to_vec()))
    }
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
