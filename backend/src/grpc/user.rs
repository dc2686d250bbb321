//! `baton.user.v1.UserService`.

use baton_proto::user::v1::{self as pb, user_service_server::UserService as UserRpc};
use tonic::{Request, Response, Status};

use super::{authentication::caller, convert};
use crate::service::UserService;

/// The gRPC face of [`UserService`].
pub struct UserApi {
    users: UserService,
}

impl UserApi {
    pub fn new(users: UserService) -> Self {
        Self { users }
    }
}

#[tonic::async_trait]
impl UserRpc for UserApi {
    async fn get_me(
        &self,
        request: Request<pb::GetMeRequest>,
    ) -> Result<Response<pb::GetMeResponse>, Status> {
        let caller = caller(&request)?;
        let user = self.users.get_me(&caller).await?;
        Ok(Response::new(pb::GetMeResponse { user: Some(convert::user(user)) }))
    }
}
