//! Admin calls: the user list and its actions, and the overview counts.

use baton_proto::{
    auth::v1::UnlinkGoogleRequest,
    user::v1::{
        CreateUserRequest, DeleteUserRequest, GetOverviewRequest, IssuePasswordResetRequest,
        ListUsersRequest, RevokeUserSessionsRequest, RoleSet, UpdateUserRequest,
    },
};

use super::{
    Api, ApiError, CreatedUser, OneTimeLink, Overview, Role, SessionsEnded, User, UserChanges,
    UserFilter, UserPage,
    account::no_user,
    convert::{millis, sign_in_methods_from_pb},
    idempotency,
    rpc::{auth, users},
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
        let response = self.authed(users::LIST_USERS, request).await?;
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
            idempotency_key: String::new(),
        };
        let response = idempotency::retry_if_lost(idempotency::new_key(), |idempotency_key| {
            self.authed(
                users::CREATE_USER,
                CreateUserRequest { idempotency_key, ..request.clone() },
            )
        })
        .await?;
        let user = response.user.ok_or_else(no_user)?;
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
        let response = self.authed(users::UPDATE_USER, request).await?;
        response.user.map(User::from).ok_or_else(no_user)
    }

    /// Deletes a user for good (their personal data is scrubbed).
    pub async fn delete_user(&self, user_id: String) -> Result<(), ApiError> {
        self.authed(users::DELETE_USER, DeleteUserRequest { user_id }).await.map(|_| ())
    }

    /// Issues a one-time password reset link for a user.
    pub async fn issue_password_reset(&self, user_id: String) -> Result<OneTimeLink, ApiError> {
        let request = IssuePasswordResetRequest { user_id };
        let response = self.authed(users::ISSUE_PASSWORD_RESET, request).await?;
        Ok(OneTimeLink { url: response.reset_url, expires: millis(response.expire_time) })
    }

    /// Signs a user out everywhere; says how many sessions ended and how
    /// the user can sign in again.
    pub async fn revoke_user_sessions(&self, user_id: String) -> Result<SessionsEnded, ApiError> {
        let request = RevokeUserSessionsRequest { user_id };
        let response = self.authed(users::REVOKE_USER_SESSIONS, request).await?;
        Ok(SessionsEnded {
            count: response.revoked_session_count,
            methods: sign_in_methods_from_pb(&response.sign_in_methods),
        })
    }

    /// Removes Google from another user's account (it may be left with no
    /// way to sign in; a password reset link gives one back).
    pub async fn unlink_google(&self, user_id: String) -> Result<User, ApiError> {
        let response = self.authed(auth::UNLINK_GOOGLE, UnlinkGoogleRequest { user_id }).await?;
        response.user.map(User::from).ok_or_else(no_user)
    }

    /// Counts for the admin dashboard.
    pub async fn overview(&self) -> Result<Overview, ApiError> {
        self.authed(users::GET_OVERVIEW, GetOverviewRequest {}).await.map(Overview::from)
    }
}
