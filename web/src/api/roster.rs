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
    Api, ApiError, Athlete, Coach, Invite, InvitePreview, MAX_PAGES, Me, NewInvite,
    new_idempotency_key, retry_if_lost, with_bearer,
};

impl Api {
    /// Invites `email` to become the signed-in coach's athlete.
    pub async fn invite_athlete(&self, email: String) -> Result<NewInvite, ApiError> {
        let request = InviteAthleteRequest { email, idempotency_key: new_idempotency_key() };
        let response = retry_if_lost(|| {
            self.authed(|bearer| {
                let mut client = self.user_client();
                let request = request.clone();
                async move { client.invite_athlete(with_bearer(request, &bearer)?).await }
            })
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
                page_token: page_token.clone(),
                status: PbInviteStatus::Pending as i32,
                inviter_id: String::new(),
            };
            let response = self
                .authed(|bearer| {
                    let mut client = self.user_client();
                    let request = request.clone();
                    async move { client.list_invites(with_bearer(request, &bearer)?).await }
                })
                .await?;
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
        let request = RevokeInviteRequest { invite_id };
        self.authed(|bearer| {
            let mut client = self.user_client();
            let request = request.clone();
            async move { client.revoke_invite(with_bearer(request, &bearer)?).await }
        })
        .await
        .map(|_| ())
    }

    /// The signed-in coach's athletes, by name.
    pub async fn my_athletes(&self) -> Result<Vec<Athlete>, ApiError> {
        let mut athletes = Vec::new();
        let mut page_token = String::new();
        for _ in 0..MAX_PAGES {
            let request = ListMyAthletesRequest {
                page_size: 200,
                page_token: page_token.clone(),
                query: String::new(),
            };
            let response = self
                .authed(|bearer| {
                    let mut client = self.user_client();
                    let request = request.clone();
                    async move { client.list_my_athletes(with_bearer(request, &bearer)?).await }
                })
                .await?;
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
        self.authed(|bearer| {
            let mut client = self.user_client();
            let request = request.clone();
            async move { client.unlink_athlete(with_bearer(request, &bearer)?).await }
        })
        .await
        .map(|_| ())
    }

    /// The signed-in athlete's coaches.
    pub async fn my_coaches(&self) -> Result<Vec<Coach>, ApiError> {
        let response = self
            .authed(|bearer| {
                let mut client = self.user_client();
                async move {
                    client.get_my_coaches(with_bearer(GetMyCoachesRequest {}, &bearer)?).await
                }
            })
            .await?;
        Ok(response.coaches.into_iter().map(Coach::from).collect())
    }

    /// Describes an invite (public).
    pub async fn invite_preview(&self, invite_token: String) -> Result<InvitePreview, ApiError> {
        self.auth_client()
            .get_invite(GetInviteRequest { invite_token })
            .await
            .map(|response| response.into_inner().into())
            .map_err(|status| ApiError::from_invite_status(&status))
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
            .auth_client()
            .accept_invite(request)
            .await
            .map_err(|status| ApiError::from_invite_status(&status))?
            .into_inner();
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
        let token = self.access_token().await?;
        let call = |bearer: String| {
            let mut client = self.auth_client();
            let request = request.clone();
            async move { client.accept_invite(with_bearer(request, &bearer)?).await }
        };
        // Like `authed`, but with the invite's own words for its failures.
        match call(token.clone()).await {
            Ok(_) => {}
            Err(status) if status.code() == tonic::Code::Unauthenticated => {
                let fresh = self.refresh(Some(token)).await?;
                call(fresh).await.map_err(|status| ApiError::from_invite_status(&status))?;
            }
            Err(status) => return Err(ApiError::from_invite_status(&status)),
        }
        let current = self.inner.credentials.current_access();
        self.refresh(current).await?;
        self.me().await
    }
}
