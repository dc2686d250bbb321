//! Admin calls: the user list and its actions, and the overview counts.

use baton_proto::user::v1::{
    CreateUserRequest, DeleteUserRequest, GetOverviewRequest, IssuePasswordResetRequest,
    ListUsersRequest, RevokeUserSessionsRequest, RoleSet, UpdateUserRequest,
};

use super::{
    Api, ApiError, CreatedUser, OneTimeLink, Overview, Role, User, UserChanges, UserFilter,
    UserPage, convert::millis, new_idempotency_key, retry_if_lost, with_bearer,
};

/// Users per page of the admin list.
const PAGE_SIZE: i32 = 20;

impl Api {
    /// One page of users matching `filter`; `page_token` empty for the first.
    pub async fn list_users(
        &self,
        filter: &UserFilter,
        page_token: String,
    ) -> Result<UserPage, ApiError> {
        let request = ListUsersRequest {
            page_size: PAGE_SIZE,
            page_token,
            query: filter.query.trim().to_owned(),
            role: filter.role.map_or(0, Role::to_pb),
            active: filter.active,
        };
        let response = self
            .authed(|bearer| {
                let mut client = self.user_client();
                let request = request.clone();
                async move { client.list_users(with_bearer(request, &bearer)?).await }
            })
            .await?;
        Ok(UserPage {
            users: response.users.into_iter().map(User::from).collect(),
            next_page_token: response.next_page_token,
            total: response.total_size,
        })
    }

    /// Creates an account without a credential; the reply carries the
    /// one-time setup link for its owner.
    pub async fn create_user(
        &self,
        email: String,
        display_name: String,
        roles: Vec<Role>,
        timezone: String,
    ) -> Result<CreatedUser, ApiError> {
        let request = CreateUserRequest {
            email,
            display_name,
            roles: roles.into_iter().map(Role::to_pb).collect(),
            timezone,
            idempotency_key: new_idempotency_key(),
        };
        let response = retry_if_lost(|| {
            self.authed(|bearer| {
                let mut client = self.user_client();
                let request = request.clone();
                async move { client.create_user(with_bearer(request, &bearer)?).await }
            })
        })
        .await?;
        let user =
            response.user.ok_or_else(|| ApiError::Unexpected("no user in the reply".into()))?;
        Ok(CreatedUser {
            user: user.into(),
            setup_url: response.setup_url,
            expires: millis(response.setup_expire_time),
        })
    }

    /// Changes another user; returns them as saved.
    pub async fn update_user(
        &self,
        user_id: String,
        changes: UserChanges,
    ) -> Result<User, ApiError> {
        let request = UpdateUserRequest {
            user_id,
            display_name: changes.display_name,
            email: changes.email,
            roles: changes
                .roles
                .map(|roles| RoleSet { roles: roles.into_iter().map(Role::to_pb).collect() }),
            active: changes.active,
        };
        let response = self
            .authed(|bearer| {
                let mut client = self.user_client();
                let request = request.clone();
                async move { client.update_user(with_bearer(request, &bearer)?).await }
            })
            .await?;
        response
            .user
            .map(User::from)
            .ok_or_else(|| ApiError::Unexpected("no user in the reply".into()))
    }

    /// Deletes a user for good (their personal data is scrubbed).
    pub async fn delete_user(&self, user_id: String) -> Result<(), ApiError> {
        let request = DeleteUserRequest { user_id };
        self.authed(|bearer| {
            let mut client = self.user_client();
            let request = request.clone();
            async move { client.delete_user(with_bearer(request, &bearer)?).await }
        })
        .await
        .map(|_| ())
    }

    /// Issues a one-time password reset link for a user.
    pub async fn issue_password_reset(&self, user_id: String) -> Result<OneTimeLink, ApiError> {
        let request = IssuePasswordResetRequest { user_id };
        let response = self
            .authed(|bearer| {
                let mut client = self.user_client();
                let request = request.clone();
                async move { client.issue_password_reset(with_bearer(request, &bearer)?).await }
            })
            .await?;
        Ok(OneTimeLink { url: response.reset_url, expires: millis(response.expire_time) })
    }

    /// Signs a user out everywhere; returns how many sessions ended.
    pub async fn revoke_user_sessions(&self, user_id: String) -> Result<i32, ApiError> {
        let request = RevokeUserSessionsRequest { user_id };
        let response = self
            .authed(|bearer| {
                let mut client = self.user_client();
                let request = request.clone();
                async move { client.revoke_user_sessions(with_bearer(request, &bearer)?).await }
            })
            .await?;
        Ok(response.revoked_session_count)
    }

    /// Counts for the admin dashboard.
    pub async fn overview(&self) -> Result<Overview, ApiError> {
        self.authed(|bearer| {
            let mut client = self.user_client();
            async move { client.get_overview(with_bearer(GetOverviewRequest {}, &bearer)?).await }
        })
        .await
        .map(Overview::from)
    }
}
