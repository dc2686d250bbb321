//! The signed-in user's Garmin link and library: the connection and where
//! to sign in at Garmin, the four ways to connect (a ticket from Garmin's
//! widget or pasted, the password with its MFA code, a token file),
//! disconnecting, the library's pages, one workout, and a sync whose
//! progress arrives event by event.

use baton_proto::garmin::v1::{
    ConnectRequest, ConnectWithTicketRequest, DisconnectRequest, GetConnectionRequest,
    GetWorkoutRequest, ImportTokensRequest, ListWorkoutsRequest, SubmitMfaCodeRequest,
    SyncWorkoutsRequest, connect_response,
};

use super::{
    Api, ApiError, GarminConnection, GarminSignIn, MfaChallenge, PasswordConnect, SyncEvent,
    SyncSummary, TicketSource, Workout, WorkoutFilter, WorkoutPage, WorkoutSummary, rpc::garmin,
};

/// Workouts per page of the library.
const PAGE_SIZE: i32 = 50;

impl Api {
    /// The user's Garmin link, and where to sign in at Garmin.
    pub async fn garmin_connection(&self) -> Result<(GarminConnection, GarminSignIn), ApiError> {
        let response = self.authed(garmin::GET_CONNECTION, GetConnectionRequest {}).await?;
        let sign_in = GarminSignIn {
            widget_url: response.widget_url,
            widget_origin: response.widget_origin,
            sign_in_url: response.sign_in_url,
        };
        Ok((connection(response.connection)?, sign_in))
    }

    /// Links Garmin with a service ticket (alone, or in the address Garmin
    /// sent the browser to).
    pub async fn connect_garmin_with_ticket(
        &self,
        ticket: String,
        source: TicketSource,
    ) -> Result<GarminConnection, ApiError> {
        let request = ConnectWithTicketRequest { ticket, source: source.to_pb() };
        let response = self.authed(garmin::CONNECT_WITH_TICKET, request).await?;
        connection(response.connection)
    }

    /// Signs in at Garmin with its email and password (used once); Garmin
    /// may ask for a code first.
    pub async fn connect_garmin_with_password(
        &self,
        email: String,
        password: String,
    ) -> Result<PasswordConnect, ApiError> {
        let response = self.authed(garmin::CONNECT, ConnectRequest { email, password }).await?;
        match response.result {
            Some(connect_response::Result::Connection(linked)) => {
                Ok(PasswordConnect::Connected(linked.into()))
            }
            Some(connect_response::Result::MfaRequired(mfa)) => {
                Ok(PasswordConnect::MfaRequired(MfaChallenge::from(mfa)))
            }
            None => Err(ApiError::Unexpected("the server sent an empty Garmin answer".into())),
        }
    }

    /// Finishes a password sign-in with the code Garmin sent.
    pub async fn submit_garmin_code(
        &self,
        pending_login_id: String,
        code: String,
    ) -> Result<GarminConnection, ApiError> {
        let request = SubmitMfaCodeRequest { pending_login_id, code };
        let response = self.authed(garmin::SUBMIT_MFA_CODE, request).await?;
        connection(response.connection)
    }

    /// Links Garmin with the content of a `garmin_tokens.json`.
    pub async fn import_garmin_tokens(
        &self,
        tokens_json: String,
    ) -> Result<GarminConnection, ApiError> {
        let request = ImportTokensRequest { tokens_json };
        let response = self.authed(garmin::IMPORT_TOKENS, request).await?;
        connection(response.connection)
    }

    /// Forgets the user's Garmin tokens and cached library.
    pub async fn disconnect_garmin(&self) -> Result<(), ApiError> {
        self.authed(garmin::DISCONNECT, DisconnectRequest {}).await.map(|_| ())
    }

    /// One page of the user's library; `page_token` empty for the first.
    pub async fn workouts(
        &self,
        filter: &WorkoutFilter,
        page_token: String,
    ) -> Result<WorkoutPage, ApiError> {
        let request = ListWorkoutsRequest {
            page_size: PAGE_SIZE,
            page_token,
            query: filter.query.trim().to_owned(),
            sport: filter.sport.map_or(0, |sport| sport.to_pb()),
            sort: filter.sort.to_pb(),
        };
        let response = self.authed(garmin::LIST_WORKOUTS, request).await?;
        Ok(WorkoutPage {
            workouts: response.workouts.into_iter().map(WorkoutSummary::from).collect(),
            next_page_token: response.next_page_token,
        })
    }

    /// One of the user's workouts with all its steps.
    pub async fn workout(&self, workout_id: String) -> Result<Workout, ApiError> {
        let response = self.authed(garmin::GET_WORKOUT, GetWorkoutRequest { workout_id }).await?;
        response
            .workout
            .map(Workout::from)
            .ok_or_else(|| ApiError::Unexpected("the server sent no workout".into()))
    }

    /// Syncs the library from Garmin, handing each event to `on_event` as
    /// it arrives; returns the summary. A sync that fails part way keeps
    /// what it synced.
    pub async fn sync_workouts(
        &self,
        on_event: &mut dyn FnMut(SyncEvent),
    ) -> Result<SyncSummary, ApiError> {
        let mut summary = None;
        let mut on_reply = |reply| match SyncEvent::from_pb(reply) {
            Some(SyncEvent::Summary(last)) => summary = Some(last),
            Some(event) => on_event(event),
            None => {}
        };
        self.authed_stream(
            garmin::SYNC_WORKOUTS,
            SyncWorkoutsRequest { force: false },
            &mut on_reply,
        )
        .await?;
        summary.ok_or_else(|| ApiError::Unexpected("the sync ended without a summary".into()))
    }
}

fn connection(
    connection: Option<baton_proto::garmin::v1::Connection>,
) -> Result<GarminConnection, ApiError> {
    connection
        .map(GarminConnection::from)
        .ok_or_else(|| ApiError::Unexpected("the server sent no Garmin connection".into()))
}
