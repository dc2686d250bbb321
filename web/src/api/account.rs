//! The signed-in user's own account: profile, password, sessions and how
//! they sign in (confirming who they are, removing Google); plus the public
//! calls around signing in (which options the server offers, resetting a
//! password with a link).

use baton_proto::{
    auth::v1::{
        ChangePasswordRequest, GetSignInOptionsRequest, ListSessionsRequest, ReauthenticateRequest,
        ResetPasswordRequest, RevokeSessionRequest, UnlinkGoogleRequest, reauthenticate_request,
    },
    user::v1::UpdateMeRequest,
};

use super::{
    Api, ApiError, MAX_PAGES, Me, ProfileChanges, SessionInfo, SignInMethod, SignInOptions,
    convert::sign_in_methods_from_pb,
    rpc::{auth, users},
};

impl Api {
    /// Which sign-in options the server offers.
    pub async fn sign_in_options(&self) -> Result<SignInOptions, ApiError> {
        let options = self
            .public(auth::GET_SIGN_IN_OPTIONS, GetSignInOptionsRequest {})
            .await
            .map_err(|status| ApiError::from_status(&status))?;
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
        let response = self.authed(users::UPDATE_ME, request).await?;
        response.user.map(Me::from).ok_or_else(no_user)
    }

    /// Changes (or, without a current one, sets) the password; returns how
    /// many other sessions were signed out. Setting a first password needs
    /// a recent sign-in ([`ApiError::RecentSignInRequired`]).
    pub async fn change_password(
        &self,
        current_password: String,
        new_password: String,
        revoke_other_sessions: bool,
    ) -> Result<i32, ApiError> {
        let request =
            ChangePasswordRequest { current_password, new_password, revoke_other_sessions };
        let response = self.authed(auth::CHANGE_PASSWORD, request).await?;
        Ok(response.revoked_session_count)
    }

    /// Confirms who the signed-in user is with their password, so that for
    /// the next few minutes changes to how they sign in are accepted.
    pub async fn reauthenticate(&self, password: String) -> Result<(), ApiError> {
        let method = Some(reauthenticate_request::Method::Password(password));
        self.authed(auth::REAUTHENTICATE, ReauthenticateRequest { method }).await.map(|_| ())
    }

    /// Removes Google from the signed-in user's account (which must keep a
    /// password); returns the account as it is now.
    pub async fn unlink_my_google(&self) -> Result<Me, ApiError> {
        let request = UnlinkGoogleRequest { user_id: String::new() };
        let response = self.authed(auth::UNLINK_GOOGLE, request).await?;
        response.user.map(Me::from).ok_or_else(no_user)
    }

    /// The signed-in user's sessions, most recently used first.
    pub async fn sessions(&self) -> Result<Vec<SessionInfo>, ApiError> {
        let mut sessions = Vec::new();
        let mut page_token = String::new();
        for _ in 0..MAX_PAGES {
            let request = ListSessionsRequest { page_size: 200, page_token };
            let response = self.authed(auth::LIST_SESSIONS, request).await?;
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
        self.authed(auth::REVOKE_SESSION, RevokeSessionRequest { session_id }).await.map(|_| ())
    }

    /// Sets a new password with the token from a reset link (public); every
    /// session of the account ends. Returns how the account can sign in now.
    pub async fn reset_password(
        &self,
        reset_token: String,
        new_password: String,
    ) -> Result<Vec<SignInMethod>, ApiError> {
        let response = self
            .public(auth::RESET_PASSWORD, ResetPasswordRequest { reset_token, new_password })
            .await
            .map_err(|status| ApiError::from_status(&status))?;
        Ok(sign_in_methods_from_pb(&response.sign_in_methods))
    }
}

pub(super) fn no_user() -> ApiError {
    ApiError::Unexpected("the server sent no user".into())
}
