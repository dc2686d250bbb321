//! `baton.garmin.v1.GarminService`.

use std::pin::Pin;

use baton_proto::garmin::v1::{
    self as pb, connect_response, garmin_service_server::GarminService as GarminRpc,
};
use futures::{Stream, StreamExt};
use secrecy::SecretString;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use super::{
    authentication::{caller, client_info},
    convert::{garmin as convert, workout},
    parse::{self, Fields},
};
use crate::{
    domain::{WorkoutFilter, WorkoutSort},
    error::Error,
    garmin::{MAX_TOKEN_FILE_BYTES, TokenSet},
    service::{GarminService, PasswordConnect, TicketOrigin},
};

/// The gRPC face of [`GarminService`].
pub struct GarminApi {
    garmin: GarminService,
}

impl GarminApi {
    pub fn new(garmin: GarminService) -> Self {
        Self { garmin }
    }
}

type Reply<T> = Result<Response<T>, Status>;
/// The generated trait's stream type (with default stubs it is fixed).
type SyncStream =
    Pin<Box<dyn Stream<Item = Result<pb::SyncWorkoutsResponse, Status>> + Send + 'static>>;

/// Longest Garmin email or password passed on.
const MAX_CREDENTIAL_LEN: usize = 1024;

#[tonic::async_trait]
impl GarminRpc for GarminApi {
    async fn connect(&self, request: Request<pb::ConnectRequest>) -> Reply<pb::ConnectResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let request = request.into_inner();
        let mut fields = Fields::default();
        let email = fields.check("email", parse::bounded(request.email.trim(), MAX_CREDENTIAL_LEN));
        let password =
            fields.check("password", parse::bounded(&request.password, MAX_CREDENTIAL_LEN));
        let (Some(email), Some(password)) = (email, password) else {
            return Err(fields.error().into());
        };
        let password = SecretString::from(password);
        let result =
            match self.garmin.connect_with_password(&caller, &client, &email, password).await? {
                PasswordConnect::Linked(link) => {
                    connect_response::Result::Connection(convert::linked(link))
                }
                PasswordConnect::MfaRequired(pending) => {
                    connect_response::Result::MfaRequired(convert::mfa_required(pending))
                }
            };
        Ok(Response::new(pb::ConnectResponse { result: Some(result) }))
    }

    async fn submit_mfa_code(
        &self,
        request: Request<pb::SubmitMfaCodeRequest>,
    ) -> Reply<pb::SubmitMfaCodeResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let request = request.into_inner();
        let mut fields = Fields::default();
        let pending = fields.check(
            "pending_login_id",
            uuid::Uuid::parse_str(request.pending_login_id.trim())
                .map_err(|_| "is not a pending login id"),
        );
        let code = fields.check("code", mfa_code(&request.code));
        let (Some(pending), Some(code)) = (pending, code) else {
            return Err(fields.error().into());
        };
        let link = self.garmin.submit_mfa_code(&caller, &client, pending, &code).await?;
        Ok(Response::new(pb::SubmitMfaCodeResponse { connection: Some(convert::linked(link)) }))
    }

    async fn connect_with_ticket(
        &self,
        request: Request<pb::ConnectWithTicketRequest>,
    ) -> Reply<pb::ConnectWithTicketResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let request = request.into_inner();
        let mut fields = Fields::default();
        let ticket = fields.check("ticket", self.garmin.read_ticket(&request.ticket));
        let origin = fields.check("source", ticket_origin(request.source));
        let (Some(ticket), Some(origin)) = (ticket, origin) else {
            return Err(fields.error().into());
        };
        let link = self.garmin.connect_with_ticket(&caller, &client, ticket, origin).await?;
        Ok(Response::new(pb::ConnectWithTicketResponse { connection: Some(convert::linked(link)) }))
    }

    async fn import_tokens(
        &self,
        request: Request<pb::ImportTokensRequest>,
    ) -> Reply<pb::ImportTokensResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let text = request.into_inner().tokens_json;
        if text.len() > MAX_TOKEN_FILE_BYTES {
            return Err(Error::invalid("tokens_json", "is larger than 16 KiB").into());
        }
        let tokens =
            TokenSet::from_token_file(&text).map_err(|why| Error::invalid("tokens_json", why))?;
        let link = self.garmin.import_tokens(&caller, &client, tokens).await?;
        Ok(Response::new(pb::ImportTokensResponse { connection: Some(convert::linked(link)) }))
    }

    async fn get_connection(
        &self,
        request: Request<pb::GetConnectionRequest>,
    ) -> Reply<pb::GetConnectionResponse> {
        let caller = caller(&request)?;
        let state = self.garmin.connection(&caller).await?;
        let (widget_url, widget_origin, sign_in_url) = self.garmin.sign_in_places();
        Ok(Response::new(pb::GetConnectionResponse {
            connection: Some(convert::connection(state)),
            widget_url,
            widget_origin,
            sign_in_url,
        }))
    }

    async fn disconnect(
        &self,
        request: Request<pb::DisconnectRequest>,
    ) -> Reply<pb::DisconnectResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        self.garmin.disconnect(&caller, &client).await?;
        Ok(Response::new(pb::DisconnectResponse {}))
    }

    async fn list_workouts(
        &self,
        request: Request<pb::ListWorkoutsRequest>,
    ) -> Reply<pb::ListWorkoutsResponse> {
        let caller = caller(&request)?;
        let request = request.into_inner();
        let filter = WorkoutFilter {
            query: parse::search("query", &request.query)?.map(|query| query.to_lowercase()),
            sport_id: sport_filter(request.sport)?,
            sort: workout_sort(request.sort)?,
        };
        let page = parse::page(request.page_size, &request.page_token)?;
        let (workouts, next_page_token) =
            self.garmin.list_workouts(&caller, &filter, &page).await?;
        Ok(Response::new(pb::ListWorkoutsResponse {
            workouts: workouts.into_iter().map(workout::summary).collect(),
            next_page_token,
        }))
    }

    async fn get_workout(
        &self,
        request: Request<pb::GetWorkoutRequest>,
    ) -> Reply<pb::GetWorkoutResponse> {
        let caller = caller(&request)?;
        let id = parse::id("workout_id", &request.into_inner().workout_id)?;
        let detail = self.garmin.workout(&caller, id).await?;
        Ok(Response::new(pb::GetWorkoutResponse {
            workout: Some(workout::workout(detail.cached, detail.view)),
        }))
    }

    async fn sync_workouts(&self, request: Request<pb::SyncWorkoutsRequest>) -> Reply<SyncStream> {
        let caller = caller(&request)?;
        let events = self.garmin.sync(&caller, request.into_inner().force).await?;
        let stream = ReceiverStream::new(events).map(|event| match event {
            Ok(event) => Ok(convert::sync_event(event)),
            Err(error) => Err(Status::from(error)),
        });
        Ok(Response::new(Box::pin(stream)))
    }
}

/// Digits as typed, 4 to 12 of them.
fn mfa_code(value: &str) -> Result<String, &'static str> {
    let code = value.trim();
    if (4..=12).contains(&code.len()) && code.bytes().all(|byte| byte.is_ascii_digit()) {
        Ok(code.to_owned())
    } else {
        Err("must be the digits Garmin sent")
    }
}

fn ticket_origin(value: i32) -> Result<TicketOrigin, &'static str> {
    match pb::TicketSource::try_from(value) {
        Ok(pb::TicketSource::Browser) => Ok(TicketOrigin::Browser),
        Ok(pb::TicketSource::Pasted) => Ok(TicketOrigin::Pasted),
        Ok(pb::TicketSource::Unspecified) | Err(_) => Err("must be BROWSER or PASTED"),
    }
}

/// A sport filter: UNSPECIFIED means any.
fn workout_sort(value: i32) -> Result<WorkoutSort, Error> {
    match pb::WorkoutSort::try_from(value) {
        Ok(pb::WorkoutSort::Unspecified | pb::WorkoutSort::RecentlyUpdated) => {
            Ok(WorkoutSort::RecentlyUpdated)
        }
        Ok(pb::WorkoutSort::Name) => Ok(WorkoutSort::Name),
        Ok(pb::WorkoutSort::Duration) => Ok(WorkoutSort::Duration),
        Err(_) => Err(Error::invalid("sort", "is not a known order")),
    }
}

fn sport_filter(value: i32) -> Result<Option<i32>, Error> {
    match pb::SportType::try_from(value) {
        Ok(pb::SportType::Unspecified) => Ok(None),
        Ok(sport) => Ok(Some(sport as i32)),
        Err(_) => Err(Error::invalid("sport", "is not a known sport")),
    }
}
