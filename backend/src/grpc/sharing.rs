//! `baton.sharing.v1.SharingService`.

use std::{collections::HashSet, pin::Pin};

use baton_proto::sharing::v1::{self as pb, sharing_service_server::SharingService as SharingRpc};
use futures::{Stream, StreamExt};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use super::{
    authentication::{caller, client_info},
    convert::{sharing as convert, workout},
    parse::{self, Fields},
};
use crate::{
    domain::{CalendarDate, ShareFilter, ShareStatus},
    service::{AthleteSelection, ImportItem, ShareRequest, SharingService},
};

/// Most workouts one ShareWorkouts call shares.
const MAX_WORKOUTS: usize = 50;
/// Most athletes one ShareWorkouts call names.
const MAX_ATHLETES: usize = 200;
/// Most workout × athlete pairs one call makes.
const MAX_PAIRS: usize = 1000;
/// Most shares one ImportShares call imports.
const MAX_IMPORTS: usize = 100;
/// Longest note, in characters.
const MAX_NOTE_CHARS: usize = 2000;

/// The gRPC face of [`SharingService`].
pub struct SharingApi {
    sharing: SharingService,
}

impl SharingApi {
    pub fn new(sharing: SharingService) -> Self {
        Self { sharing }
    }
}

type Reply<T> = Result<Response<T>, Status>;
/// The generated trait's stream type.
type ImportStream =
    Pin<Box<dyn Stream<Item = Result<pb::ImportSharesResponse, Status>> + Send + 'static>>;

#[tonic::async_trait]
impl SharingRpc for SharingApi {
    async fn share_workouts(
        &self,
        request: Request<pb::ShareWorkoutsRequest>,
    ) -> Reply<pb::ShareWorkoutsResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let coach = self.sharing.coach(&caller)?;
        let request = request.into_inner();
        let key = parse::idempotency_key(&request.idempotency_key)?;
        let parsed = share_request(&request)?;
        let outcome = self.sharing.share_workouts(&coach, &client, parsed, key.as_ref()).await?;
        Ok(Response::new(convert::shared(outcome)))
    }

    async fn list_outgoing_shares(
        &self,
        request: Request<pb::ListOutgoingSharesRequest>,
    ) -> Reply<pb::ListOutgoingSharesResponse> {
        let caller = caller(&request)?;
        let coach = self.sharing.coach(&caller)?;
        let request = request.into_inner();
        let filter = ShareFilter {
            athlete_id: parse::optional_id("athlete_id", &request.athlete_id)?,
            coach_id: None,
            workout_id: parse::optional_id("workout_id", &request.workout_id)?,
            statuses: statuses(&request.statuses)?,
        };
        let page = parse::page(request.page_size, &request.page_token)?;
        let (shares, next_page_token) = self.sharing.list_outgoing(&coach, &filter, &page).await?;
        Ok(Response::new(pb::ListOutgoingSharesResponse {
            shares: shares.into_iter().map(convert::share).collect(),
            next_page_token,
        }))
    }

    async fn list_incoming_shares(
        &self,
        request: Request<pb::ListIncomingSharesRequest>,
    ) -> Reply<pb::ListIncomingSharesResponse> {
        let caller = caller(&request)?;
        let athlete = self.sharing.athlete(&caller)?;
        let request = request.into_inner();
        let filter = ShareFilter {
            athlete_id: None,
            coach_id: parse::optional_id("coach_id", &request.coach_id)?,
            workout_id: None,
            statuses: statuses(&request.statuses)?,
        };
        let page = parse::page(request.page_size, &request.page_token)?;
        let inbox = self.sharing.list_incoming(&athlete, &filter, &page).await?;
        Ok(Response::new(pb::ListIncomingSharesResponse {
            shares: inbox.shares.into_iter().map(convert::share).collect(),
            next_page_token: inbox.next_page_token,
            actionable_count: super::convert::count(inbox.actionable),
        }))
    }

    async fn get_share(
        &self,
        request: Request<pb::GetShareRequest>,
    ) -> Reply<pb::GetShareResponse> {
        let caller = caller(&request)?;
        let id = parse::id("share_id", &request.into_inner().share_id)?;
        let detail = self.sharing.get(&caller, id).await?;
        Ok(Response::new(pb::GetShareResponse {
            share: Some(convert::share(detail.view)),
            workout: Some(workout::workout(detail.workout, detail.steps)),
        }))
    }

    async fn import_shares(
        &self,
        request: Request<pb::ImportSharesRequest>,
    ) -> Reply<ImportStream> {
        let caller = caller(&request)?;
        let athlete = self.sharing.athlete(&caller)?;
        let items = import_items(&request.into_inner().shares)?;
        let events = self.sharing.import(&athlete, &items).await?;
        let stream = ReceiverStream::new(events).map(|event| match event {
            Ok(event) => Ok(convert::import_event(event)),
            Err(error) => Err(Status::from(error)),
        });
        Ok(Response::new(Box::pin(stream)))
    }

    async fn dismiss_share(
        &self,
        request: Request<pb::DismissShareRequest>,
    ) -> Reply<pb::DismissShareResponse> {
        let caller = caller(&request)?;
        let athlete = self.sharing.athlete(&caller)?;
        let id = parse::id("share_id", &request.into_inner().share_id)?;
        let share = self.sharing.dismiss(&athlete, id).await?;
        Ok(Response::new(pb::DismissShareResponse { share: Some(convert::share(share)) }))
    }

    async fn revoke_share(
        &self,
        request: Request<pb::RevokeShareRequest>,
    ) -> Reply<pb::RevokeShareResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let coach = self.sharing.coach(&caller)?;
        let request = request.into_inner();
        let id = parse::id("share_id", &request.share_id)?;
        let share = self.sharing.revoke(&coach, &client, id, request.delete_imported_copy).await?;
        Ok(Response::new(pb::RevokeShareResponse { share: Some(convert::share(share)) }))
    }

    async fn update_shared_copies(
        &self,
        request: Request<pb::UpdateSharedCopiesRequest>,
    ) -> Reply<pb::UpdateSharedCopiesResponse> {
        let (caller, client) = (caller(&request)?, client_info(&request));
        let coach = self.sharing.coach(&caller)?;
        let (workout_id, athlete_ids) = copies_request(&request.into_inner())?;
        let updates = self.sharing.update_copies(&coach, &client, workout_id, &athlete_ids).await?;
        Ok(Response::new(convert::copy_updates(updates)))
    }
}

/// A ShareWorkouts request, every field checked; ids listed twice count
/// once.
fn share_request(request: &pb::ShareWorkoutsRequest) -> Result<ShareRequest, crate::error::Error> {
    let mut fields = Fields::default();
    let workout_ids = ids(&mut fields, "workout_ids", &request.workout_ids);
    if workout_ids.is_empty() && request.workout_ids.is_empty() {
        fields.check::<()>("workout_ids", Err("name at least one workout"));
    } else if workout_ids.len() > MAX_WORKOUTS {
        fields.check::<()>("workout_ids", Err("at most 50 workouts per call"));
    }
    let athletes = match (request.all_my_athletes, request.athlete_ids.is_empty()) {
        (true, true) => AthleteSelection::AllMine,
        (true, false) => {
            fields.check::<()>("all_my_athletes", Err("name athletes or all of them, not both"));
            AthleteSelection::AllMine
        }
        (false, true) => {
            fields.check::<()>("athlete_ids", Err("name at least one athlete, or all of them"));
            AthleteSelection::Listed(Vec::new())
        }
        (false, false) => {
            let athlete_ids = ids(&mut fields, "athlete_ids", &request.athlete_ids);
            if athlete_ids.len() > MAX_ATHLETES {
                fields.check::<()>("athlete_ids", Err("at most 200 athletes per call"));
            } else if athlete_ids.len() * workout_ids.len() > MAX_PAIRS {
                fields.check::<()>(
                    "athlete_ids",
                    Err("at most 1000 workout × athlete pairs per call"),
                );
            }
            AthleteSelection::Listed(athlete_ids)
        }
    };
    let note = request.note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        fields.check::<()>("note", Err("at most 2000 characters"));
    }
    let scheduled_date = fields.check("scheduled_date", optional_day(&request.scheduled_date));
    fields.finish(ShareRequest {
        workout_ids,
        athletes,
        note: note.to_owned(),
        scheduled_date: scheduled_date.flatten(),
    })
}

/// An UpdateSharedCopies request: the workout and the athletes, checked.
fn copies_request(
    request: &pb::UpdateSharedCopiesRequest,
) -> Result<(Uuid, Vec<Uuid>), crate::error::Error> {
    let mut fields = Fields::default();
    let workout_id = fields.check(
        "workout_id",
        Uuid::parse_str(request.workout_id.trim()).map_err(|_| "is not a valid id"),
    );
    let athlete_ids = ids(&mut fields, "athlete_ids", &request.athlete_ids);
    if athlete_ids.len() > MAX_ATHLETES {
        fields.check::<()>("athlete_ids", Err("at most 200 athletes per call"));
    }
    match workout_id {
        Some(id) => fields.finish((id, athlete_ids)),
        None => Err(fields.error()),
    }
}

/// Ids of a repeated field, each checked, in order, without repeats.
fn ids(fields: &mut Fields, field: &str, values: &[String]) -> Vec<Uuid> {
    let mut seen = HashSet::new();
    let mut ids = Vec::with_capacity(values.len());
    for (n, value) in values.iter().enumerate() {
        let parsed = Uuid::parse_str(value.trim()).map_err(|_| "is not a valid id");
        if let Some(id) = fields.check(&format!("{field}[{n}]"), parsed)
            && seen.insert(id)
        {
            ids.push(id);
        }
    }
    ids
}

fn optional_day(value: &str) -> Result<Option<CalendarDate>, &'static str> {
    if value.is_empty() { Ok(None) } else { CalendarDate::parse(value).map(Some) }
}

/// A status filter: every value a known status.
fn statuses(values: &[i32]) -> Result<Vec<ShareStatus>, crate::error::Error> {
    let mut statuses = Vec::with_capacity(values.len());
    for value in values {
        let status = match pb::ShareStatus::try_from(*value) {
            Ok(pb::ShareStatus::Pending) => ShareStatus::Pending,
            Ok(pb::ShareStatus::Importing) => ShareStatus::Importing,
            Ok(pb::ShareStatus::Imported) => ShareStatus::Imported,
            Ok(pb::ShareStatus::Failed) => ShareStatus::Failed,
            Ok(pb::ShareStatus::Dismissed) => ShareStatus::Dismissed,
            Ok(pb::ShareStatus::Revoked) => ShareStatus::Revoked,
            Ok(pb::ShareStatus::Unspecified) | Err(_) => {
                return Err(crate::error::Error::invalid("statuses", "is not a share status"));
            }
        };
        if !statuses.contains(&status) {
            statuses.push(status);
        }
    }
    Ok(statuses)
}

/// ImportShares' items: 1 to 100 shares, each once.
fn import_items(shares: &[pb::ShareImport]) -> Result<Vec<ImportItem>, crate::error::Error> {
    let mut fields = Fields::default();
    if shares.is_empty() {
        fields.check::<()>("shares", Err("name at least one share"));
    } else if shares.len() > MAX_IMPORTS {
        fields.check::<()>("shares", Err("at most 100 shares per call"));
    }
    let mut seen = HashSet::new();
    let mut items = Vec::with_capacity(shares.len());
    for (n, share) in shares.iter().enumerate() {
        let id = fields.check(
            &format!("shares[{n}].share_id"),
            Uuid::parse_str(share.share_id.trim()).map_err(|_| "is not a valid id"),
        );
        let day = match share.scheduled_date.as_deref() {
            None => Some(None),
            Some(day) => {
                fields.check(&format!("shares[{n}].scheduled_date"), optional_day(day)).map(Some)
            }
        };
        if let Some(id) = id {
            if !seen.insert(id) {
                fields.check::<()>(&format!("shares[{n}].share_id"), Err("is listed twice"));
            }
            if let Some(scheduled_date) = day {
                items.push(ImportItem { share_id: id, scheduled_date });
            }
        }
    }
    fields.finish(items)
}
