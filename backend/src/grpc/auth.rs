//! `baton.auth.v1.AuthService`.

use baton_proto::auth::v1::{
    self as pb, auth_service_server::AuthService as AuthRpc, login_response,
};
use secrecy::SecretString;
use tonic::{Request, Response, Status};

use super::{authentication::client_info, convert};
use crate::service::AuthService;

/// The gRPC face of [`AuthService`].
pub struct AuthApi {
    auth: AuthService,
    self_signup: bool,
}

impl AuthApi {
    pub fn new(auth: AuthService, self_signup: bool) -> Self {
        Self { auth, self_signup }
    }
}

#[tonic::async_trait]
impl AuthRpc for AuthApi {
    async fn get_sign_in_options(
        &self,
        _request: Request<pb::GetSignInOptionsRequest>,
    ) -> Result<Response<pb::GetSignInOptionsResponse>, Status> {
        Ok(Response::new(pb::GetSignInOptionsResponse {
            self_signup_enabled: self.self_signup,
            google_sign_in_enabled: false,
        }))
    }

    async fn login(
        &self,
        request: Request<pb::LoginRequest>,
    ) -> Result<Response<pb::LoginResponse>, Status> {
        let client = client_info(&request);
        let pb::LoginRequest { email, password } = request.into_inner();
        let tokens = self.auth.login(&client, &email, SecretString::from(password)).await?;
        Ok(Response::new(pb::LoginResponse {
            result: Some(login_response::Result::Tokens(convert::token_pair(tokens))),
        }))
    }

    async fn refresh(
        &self,
        request: Request<pb::RefreshRequest>,
    ) -> Result<Response<pb::RefreshResponse>, Status> {
        let tokens = self.auth.refresh(&request.into_inner().refresh_token).await?;
        Ok(Response::new(pb::RefreshResponse { tokens: Some(convert::token_pair(tokens)) }))
    }

    async fn logout(
        &self,
        request: Request<pb::LogoutRequest>,
    ) -> Result<Response<pb::LogoutResponse>, Status> {
        self.auth.logout(&request.into_inner().refresh_token).await?;
        Ok(Response::new(pb::LogoutResponse {}))
    }
}
