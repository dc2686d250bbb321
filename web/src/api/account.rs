//! The signed-in user's own account: profile, password and sessions; plus
//! the public calls around signing in (which options the server offers,
//! resetting a password with a link).

use baton_proto::{
    auth::v1::{
        ChangePasswordRequest, GetSignInOptionsRequest, ListSessionsRequest, ResetPasswordRequest,
        RevokeSessionRequest,
    },
    user::v1::UpdateMeRequest,
};

use super::{
    Api, ApiError, MAX_PAGES, Me, ProfileChanges, SessionInfo, SignInOptions, with_bearer,
};

impl Api {
    /// Which sign-in options the server offers.
    pub async fn sign_in_options(&self) -> Result<SignInOptions, ApiError> {
        let options = self
            .auth_client()
            .get_sign_in_options(GetSignInOptionsRequest {})
            .await
            .map_err(|status| ApiError::from_status(&status))?
            .into_inner();
        Ok(SignInOptions {
            self_signup: options.self_signup_enabled,
            google: options.google_sign_in_enabled,
        })
    }

    /// Changes the signed-in user's profile; returns it as saved.
    pub async fn update_me(&self, changes: ProfileChanges) -> Result<Me, ApiError> {
        let request = UpdateMeRequest {
            display_name: changes.display_name,
            timezone: changes.timezone,
            units: changes.units.map(|units| units.to_pb()),
            avatar_url: changes.avatar_url,
            payment_link: changes.payment_link,
        };
        let response = self
            .authed(|bearer| {
                let mut client = self.user_client();
                let request = request.clone();
                async move { client.update_me(with_bearer(request, &bearer)?).await }
            })
            .await?;
        response
            .user
            .map(Me::from)
            .ok_or_else(|| ApiError::Unexpected("no user in the reply".into()))
    }

    /// Changes the password; returns how many other sessions were signed out.
    pub async fn change_password(
        &self,
        current_password: String,
        new_password: String,
        revoke_other_sessions: bool,
    ) -> Result<i32, ApiError> {
        let request =
            ChangePasswordRequest { current_password, new_password, revoke_other_sessions };
        let response = self
            .authed(|bearer| {
                let mut client = self.auth_client();
                let request = request.clone();
                async move { client.change_password(with_bearer(request, &bearer)?).await }
            })
            .await?;
        Ok(response.revoked_session_count)
    }

    /// The signed-in user's sessions, most recently used first.
    pub async fn sessions(&self) -> Result<Vec<SessionInfo>, ApiError> {
        let mut sessions = Vec::new();
        let mut page_token = String::new();
        for _ in 0..MAX_PAGES {
            let request = ListSessionsRequest { page_size: 200, page_token: page_token.clone() };
            let response = self
                .authed(|bearer| {
                    let mut client = self.auth_client();
                    let request = request.clone();
                    async move { client.list_sessions(with_bearer(request, &bearer)?).await }
                })
                .await?;
            sessions.extend(response.sessions.into_iter().map(SessionInfo::from));
            if response.next_page_token.is_empty() {
                break;
            }
            page_token = response.next_page_token;
        }
        Ok(sessions)
    }

    /// Signs out one of the user's sessions (another device).
    pub async fn revoke_session(&self, session_id: String) -> Result<(), ApiError> {
        let request = RevokeSessionRequest { session_id };
        self.authed(|bearer| {
            let mut client = self.auth_client();
            let request = request.clone();
            async move { client.revoke_session(with_bearer(request, &bearer)?).await }
        })
        .await
        .map(|_| ())
    }

    /// Sets a new password with the token from a reset link (public).
    pub async fn reset_password(
        &self,
        reset_token: String,
        new_password: String,
    ) -> Result<(), ApiError> {
        self.auth_client()
            .reset_password(ResetPasswordRequest { reset_token, new_password })
            .await
            .map(|_| ())
            .map_err(|status| ApiError::from_reset_status(&status))
    }
}
