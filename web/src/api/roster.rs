//! The coach–athlete roster: a coach's invites and athletes, an athlete's
//! coaches, and accepting an invite (public, or as the signed-in account).

use baton_proto::{
    auth::v1::{
        AcceptInviteRequest, ExistingAccount, GetInviteRequest, NewAccountPassword,
        accept_invite_request,
    },
    user::v1::{
        GetMyCoachesRequest, InviteAthleteRequest, InviteStatus as PbInviteStatus,
        ListInvitesRequest, ListMyAthletesRequest, RevokeInviteRequest, UnlinkAthleteRequest,
    },
};

use super::{
    Api, ApiError, Athlete, Coach, Invite, InvitePreview, MAX_PAGES, Me, NewInvite, idempotency,
    rpc::{auth, users},
};

impl Api {
    /// Invites `email` to become the signed-in coach's athlete.
    pub async fn invite_athlete(&self, email: String) -> Result<NewInvite, ApiError> {
        let response = idempotency::retry_if_lost(idempotency::new_key(), |idempotency_key| {
            let request = InviteAthleteRequest { email: email.clone(), idempotency_key };
            self.authed(users::INVITE_ATHLETE, request)
        })
        .await?;
        let invite =
            response.invite.ok_or_else(|| ApiError::Unexpected("no invite in the reply".into()))?;
        Ok(NewInvite { invite: invite.into(), url: response.invite_url })
    }

    /// The signed-in coach's invites still waiting to be accepted.
    pub async fn pending_invites(&self) -> Result<Vec<Invite>, ApiError> {
        let mut invites = Vec::new();
        let mut page_token = String::new();
        for _ in 0..MAX_PAGES {
            let request = ListInvitesRequest {
                page_size: 200,
                page_token,
                status: PbInviteStatus::Pending as i32,
                inviter_id: String::new(),
            };
            let response = self.authed(users::LIST_INVITES, request).await?;
            invites.extend(response.invites.into_iter().map(Invite::from));
            if response.next_page_token.is_empty() {
                break;
            }
            page_token = response.next_page_token;
        }
        Ok(invites)
    }

    /// Revokes one of the coach's pending invites.
    pub async fn revoke_invite(&self, invite_id: String) -> Result<(), ApiError> {
        self.authed(users::REVOKE_INVITE, RevokeInviteRequest { invite_id }).await.map(|_| ())
    }

    /// The signed-in coach's athletes, by name.
    pub async fn my_athletes(&self) -> Result<Vec<Athlete>, ApiError> {
        let mut athletes = Vec::new();
        let mut page_token = String::new();
        for _ in 0..MAX_PAGES {
            let request =
                ListMyAthletesRequest { page_size: 200, page_token, query: String::new() };
            let response = self.authed(users::LIST_MY_ATHLETES, request).await?;
            athletes.extend(response.athletes.into_iter().map(Athlete::from));
            if response.next_page_token.is_empty() {
                break;
            }
            page_token = response.next_page_token;
        }
        Ok(athletes)
    }

    /// The signed-in coach stops coaching `athlete_id`.
    pub async fn unlink_athlete(&self, athlete_id: String) -> Result<(), ApiError> {
        let request = UnlinkAthleteRequest { athlete_id, coach_id: String::new() };
        self.authed(users::UNLINK_ATHLETE, request).await.map(|_| ())
    }

    /// The signed-in athlete's coaches.
    pub async fn my_coaches(&self) -> Result<Vec<Coach>, ApiError> {
        let response = self.authed(users::GET_MY_COACHES, GetMyCoachesRequest {}).await?;
        Ok(response.coaches.into_iter().map(Coach::from).collect())
    }

    /// Describes an invite (public).
    pub async fn invite_preview(&self, invite_token: String) -> Result<InvitePreview, ApiError> {
        self.public(auth::GET_INVITE, GetInviteRequest { invite_token })
            .await
            .map(InvitePreview::from)
            .map_err(|status| ApiError::from_status(&status))
    }

    /// Accepts an invite by creating the account with a password, and signs
    /// it in.
    pub async fn accept_invite_with_password(
        &self,
        invite_token: String,
        display_name: String,
        password: String,
        timezone: String,
    ) -> Result<Me, ApiError> {
        let request = AcceptInviteRequest {
            invite_token,
            method: Some(accept_invite_request::Method::NewPassword(NewAccountPassword {
                password,
            })),
            display_name,
            timezone,
        };
        let response = self
            .public(auth::ACCEPT_INVITE, request)
            .await
            .map_err(|status| ApiError::from_status(&status))?;
        let pair = response
            .tokens
            .ok_or_else(|| ApiError::Unexpected("the server sent no tokens".into()))?;
        self.adopt_locked(pair).await;
        self.me().await
    }

    /// Accepts an invite with the signed-in account, then refreshes the
    /// session so the access token carries the new role.
    pub async fn accept_invite_as_me(&self, invite_token: String) -> Result<Me, ApiError> {
        let request = AcceptInviteRequest {
            invite_token,
            method: Some(accept_invite_request::Method::ExistingAccount(ExistingAccount {})),
            display_name: String::new(),
            timezone: String::new(),
        };
        self.authed(auth::ACCEPT_INVITE, request).await?;
        let current = self.inner.credentials.current_access();
        self.refresh(current).await?;
        self.me().await
    }
}
