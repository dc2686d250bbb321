//! SharingService against the Garmin stand-in: a coach (linked to the demo
//! Garmin coach with 130 workouts, synced) shares with two athletes (linked
//! to the demo Garmin athletes), who import into their own Garmin accounts.
//! Outcomes are read where they land: the stand-in's accounts and the
//! database.

mod get_share;
mod import;
mod import_faults;
mod lifecycle;
mod lists;
mod notifications;
mod reliability;
mod share_workouts;
mod stand_in;
mod update_copies;

pub use stand_in::{
    copies, delete_in_garmin, edit_in_garmin, garmin_workout, link_own_garmin, scheduled_days,
    step_ids, step_shape,
};

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use baton_proto::{
    garmin::v1::{ListWorkoutsRequest, SportType, WorkoutSummary},
    sharing::v1::{
        self as pb, ImportSharesRequest, ShareImport, ShareStatus, import_shares_response::Event,
        sharing_service_client::SharingServiceClient,
    },
    user::v1::Role,
};
use baton_sandbox::garmin::seed;
use tonic::{Status, transport::Channel};

use crate::{
    garmin::GarminApp,
    helpers::{PASSWORD, TestUser, bearer},
};

/// The coach's display name, which athletes' copies carry.
pub const COACH_NAME: &str = "Carla Coach";

/// A server and stand-in with a coach and two athletes, linked both in
/// Baton and to their demo Garmin accounts, the coach's library synced.
pub struct Sharing {
    pub garmin: GarminApp,
    pub coach: TestUser,
    /// Linked to [`seed::ATHLETE`].
    pub ada: TestUser,
    /// Linked to [`seed::MFA_ATHLETE`].
    pub mia: TestUser,
    /// The coach's cached library, newest first.
    pub library: Vec<WorkoutSummary>,
}

impl Sharing {
    pub async fn spawn() -> Self {
        Self::on(GarminApp::spawn().await).await
    }

    pub async fn on(garmin: GarminApp) -> Self {
        let app = &garmin.app;
        let coach = app.create_user("coach@baton.test", COACH_NAME, &[Role::Coach]).await;
        let ada = app.create_user("ada@baton.test", "Ada Athlete", &[Role::Athlete]).await;
        let mia = app.create_user("mia@baton.test", "Mia Athlete", &[Role::Athlete]).await;
        app.link(&coach, &ada).await;
        app.link(&coach, &mia).await;
        garmin.link(&coach, seed::COACH).await;
        garmin.link(&ada, seed::ATHLETE).await;
        garmin.link(&mia, seed::MFA_ATHLETE).await;
        garmin.sync(&coach, false).await.expect("the coach's library syncs");
        let library = library(&garmin, &coach).await;
        assert_eq!(library.len(), seed::COACH_WORKOUTS);
        Self { garmin, coach, ada, mia, library }
    }

    pub async fn client(&self) -> SharingServiceClient<Channel> {
        SharingServiceClient::new(self.garmin.app.channel().await)
    }

    /// The stand-in email of a fixture athlete.
    pub fn email_of(&self, athlete: &TestUser) -> &'static str {
        if athlete.id == self.ada.id { seed::ATHLETE.email } else { seed::MFA_ATHLETE.email }
    }

    /// A workout of the library by position, not multi-sport (its steps are
    /// top-level).
    pub fn single_sport(&self, nth: usize) -> &WorkoutSummary {
        self.library
            .iter()
            .filter(|w| w.sport() != SportType::MultiSport)
            .nth(nth)
            .expect("enough single-sport workouts")
    }

    pub async fn share_as(
        &self,
        who: &TestUser,
        request: pb::ShareWorkoutsRequest,
    ) -> Result<pb::ShareWorkoutsResponse, Status> {
        let reply = self.client().await.share_workouts(bearer(request, &who.access_token)).await?;
        Ok(reply.into_inner())
    }

    /// The coach shares `workouts` with `athletes` (no note, no date).
    pub async fn share(
        &self,
        workouts: &[&WorkoutSummary],
        athletes: &[&TestUser],
    ) -> pb::ShareWorkoutsResponse {
        self.share_as(&self.coach, request(workouts, athletes)).await.expect("ShareWorkouts")
    }

    /// The one share of sharing `workout` with `athlete`, on `date`.
    pub async fn share_one(
        &self,
        workout: &WorkoutSummary,
        athlete: &TestUser,
        date: &str,
    ) -> pb::Share {
        let request = pb::ShareWorkoutsRequest {
            scheduled_date: date.to_owned(),
            ..request(&[workout], &[athlete])
        };
        let mut reply = self.share_as(&self.coach, request).await.expect("ShareWorkouts");
        assert_eq!(reply.shares.len(), 1, "{reply:?}");
        reply.shares.remove(0)
    }

    pub async fn get(
        &self,
        who: &TestUser,
        share_id: &str,
    ) -> Result<pb::GetShareResponse, Status> {
        let request = pb::GetShareRequest { share_id: share_id.to_owned() };
        Ok(self.client().await.get_share(bearer(request, &who.access_token)).await?.into_inner())
    }

    /// The share as `who` sees it now.
    pub async fn share_now(&self, who: &TestUser, share_id: &str) -> pb::Share {
        self.get(who, share_id).await.expect("GetShare").share.expect("a share")
    }

    pub async fn incoming(
        &self,
        who: &TestUser,
        request: pb::ListIncomingSharesRequest,
    ) -> Result<pb::ListIncomingSharesResponse, Status> {
        let reply =
            self.client().await.list_incoming_shares(bearer(request, &who.access_token)).await?;
        Ok(reply.into_inner())
    }

    pub async fn outgoing(
        &self,
        who: &TestUser,
        request: pb::ListOutgoingSharesRequest,
    ) -> Result<pb::ListOutgoingSharesResponse, Status> {
        let reply =
            self.client().await.list_outgoing_shares(bearer(request, &who.access_token)).await?;
        Ok(reply.into_inner())
    }

    /// Every page of `who`'s inbox under `request`'s filter.
    pub async fn incoming_all(
        &self,
        who: &TestUser,
        mut request: pb::ListIncomingSharesRequest,
    ) -> Vec<pb::Share> {
        request.page_size = 200;
        let mut all = Vec::new();
        loop {
            let page = self.incoming(who, request.clone()).await.expect("ListIncomingShares");
            all.extend(page.shares);
            if page.next_page_token.is_empty() {
                return all;
            }
            request.page_token = page.next_page_token;
        }
    }

    /// Every page of `who`'s outgoing shares under `request`'s filter.
    pub async fn outgoing_all(
        &self,
        who: &TestUser,
        mut request: pb::ListOutgoingSharesRequest,
    ) -> Vec<pb::Share> {
        let mut all = Vec::new();
        loop {
            let page = self.outgoing(who, request.clone()).await.expect("ListOutgoingShares");
            all.extend(page.shares);
            if page.next_page_token.is_empty() {
                return all;
            }
            request.page_token = page.next_page_token;
        }
    }

    /// Runs an import to its end: every event, or the first error.
    pub async fn import(
        &self,
        who: &TestUser,
        shares: Vec<ShareImport>,
    ) -> Result<Vec<pb::ImportSharesResponse>, Status> {
        let request = bearer(ImportSharesRequest { shares }, &who.access_token);
        let mut stream = self.client().await.import_shares(request).await?.into_inner();
        let mut events = Vec::new();
        while let Some(event) = stream.message().await? {
            events.push(event);
        }
        Ok(events)
    }

    /// An import that must be refused before any event: its status.
    pub async fn import_refused(&self, who: &TestUser, shares: Vec<ShareImport>) -> Status {
        let request = bearer(ImportSharesRequest { shares }, &who.access_token);
        let mut stream = match self.client().await.import_shares(request).await {
            Err(status) => return status,
            Ok(reply) => reply.into_inner(),
        };
        match stream.message().await {
            Err(status) => status,
            Ok(event) => panic!("the import was not refused before its events: {event:?}"),
        }
    }

    /// An import run while the clock is moved on whenever it makes no
    /// progress, so Garmin cool-downs end: every event, or the first error.
    /// The clock moves by more than an access token lives, so callers sign
    /// in again (see [`Sharing::sign_in_again`]) before their next call.
    pub async fn import_over_cool_downs(
        &self,
        who: &TestUser,
        shares: Vec<ShareImport>,
    ) -> Result<Vec<pb::ImportSharesResponse>, Status> {
        let request = bearer(ImportSharesRequest { shares }, &who.access_token);
        let client = self.client().await;
        let task = tokio::spawn(async move {
            let mut client = client;
            let mut stream = client.import_shares(request).await?.into_inner();
            let mut events = Vec::new();
            while let Some(event) = stream.message().await? {
                events.push(event);
            }
            Ok::<_, Status>(events)
        });
        self.advance_while(|| !task.is_finished(), Duration::from_secs(90)).await;
        task.await.expect("the import task")
    }

    /// While `busy()` holds (at most `limit`), moves the server's clock on
    /// by a minute whenever the Garmin stand-in has seen no write for a
    /// while: imports waiting out a cool-down go on.
    pub async fn advance_while(&self, busy: impl Fn() -> bool, limit: Duration) {
        let deadline = Instant::now() + limit;
        let mut last = self.garmin_writes();
        let mut still = Instant::now();
        while busy() {
            assert!(Instant::now() < deadline, "the imports did not end within {limit:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
            let now = self.garmin_writes();
            if now != last {
                (last, still) = (now, Instant::now());
            } else if still.elapsed() > Duration::from_millis(600) {
                self.garmin.app.clock.advance(chrono::Duration::seconds(61));
                still = Instant::now();
            }
        }
    }

    /// Requests to the stand-in's write routes so far.
    pub fn garmin_writes(&self) -> usize {
        use baton_sandbox::garmin::Route;
        let counts = self.garmin.garmin.request_counts();
        [Route::CreateWorkout, Route::Schedule, Route::ListWorkouts, Route::Token]
            .iter()
            .map(|route| counts.get(route).copied().unwrap_or_default())
            .sum()
    }

    /// Fresh tokens for `user` (after the clock moved past their lifetime).
    pub async fn sign_in_again(&self, user: &mut TestUser) {
        let tokens = self.garmin.app.login(&user.email, PASSWORD).await.expect("signs in");
        user.access_token = tokens.access_token;
        user.refresh_token = tokens.refresh_token;
    }

    /// Fresh tokens for the coach and both athletes.
    pub async fn sign_in_everyone(&mut self) {
        let (mut coach, mut ada, mut mia) =
            (self.coach.clone(), self.ada.clone(), self.mia.clone());
        for user in [&mut coach, &mut ada, &mut mia] {
            self.sign_in_again(user).await;
        }
        (self.coach, self.ada, self.mia) = (coach, ada, mia);
    }

    /// The coach's workout as it is in Garmin now.
    pub fn in_garmin(&self, workout: &WorkoutSummary) -> serde_json::Value {
        let id: i64 = workout.garmin_workout_id.parse().expect("a Garmin id");
        garmin_workout(&self.garmin, seed::COACH.email, &id.to_string())
            .expect("the coach's workout in Garmin")
    }

    /// The coach edits `workout` in Garmin Connect a minute later, and
    /// Baton's next sync sees it.
    pub async fn change_in_garmin(
        &self,
        workout: &WorkoutSummary,
        edit: impl FnOnce(&mut serde_json::Value),
    ) {
        let current = self.in_garmin(workout);
        self.garmin.garmin.advance_clock(Duration::from_secs(60));
        edit_in_garmin(&self.garmin, seed::COACH.email, &current, edit).await;
        self.garmin.app.clock.advance(chrono::Duration::seconds(5));
        self.garmin.sync(&self.coach, true).await.expect("a sync");
    }

    /// Polls `who`'s share until it is no longer importing.
    pub async fn wait_until_done(&self, who: &TestUser, share_id: &str) -> pb::Share {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let share = self.share_now(who, share_id).await;
            if share.status() != ShareStatus::Importing {
                return share;
            }
            assert!(Instant::now() < deadline, "still importing after 30 s: {share:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The coach's whole cached library.
pub async fn library(garmin: &GarminApp, coach: &TestUser) -> Vec<WorkoutSummary> {
    let mut request = ListWorkoutsRequest { page_size: 200, ..Default::default() };
    let mut all = Vec::new();
    loop {
        let page = garmin
            .client()
            .await
            .list_workouts(bearer(request.clone(), &coach.access_token))
            .await
            .expect("ListWorkouts")
            .into_inner();
        all.extend(page.workouts);
        if page.next_page_token.is_empty() {
            return all;
        }
        request.page_token = page.next_page_token;
    }
}

/// A ShareWorkouts request for these workouts and athletes.
pub fn request(workouts: &[&WorkoutSummary], athletes: &[&TestUser]) -> pb::ShareWorkoutsRequest {
    pb::ShareWorkoutsRequest {
        workout_ids: workouts.iter().map(|w| w.id.clone()).collect(),
        athlete_ids: athletes.iter().map(|a| a.id.clone()).collect(),
        ..Default::default()
    }
}

/// Import items keeping each share's own day.
pub fn items<'a>(share_ids: impl IntoIterator<Item = &'a String>) -> Vec<ShareImport> {
    share_ids
        .into_iter()
        .map(|id| ShareImport { share_id: id.clone(), scheduled_date: None })
        .collect()
}

/// The progress events of an import: each share with `already_imported`.
pub fn progress(events: &[pb::ImportSharesResponse]) -> Vec<(pb::Share, bool)> {
    events
        .iter()
        .filter_map(|event| match &event.event {
            Some(Event::Progress(p)) => {
                Some((p.share.clone().expect("a share"), p.already_imported))
            }
            _ => None,
        })
        .collect()
}

/// The import's summary, which must come once and last.
pub fn summary(events: &[pb::ImportSharesResponse]) -> pb::ImportSummary {
    let summaries =
        events.iter().filter(|event| matches!(event.event, Some(Event::Summary(_)))).count();
    assert_eq!(summaries, 1, "one summary: {events:?}");
    match events.last().and_then(|event| event.event.clone()) {
        Some(Event::Summary(summary)) => summary,
        other => panic!("the import did not end with its summary: {other:?}"),
    }
}

/// The end event of each share (the last event naming it).
pub fn ends(events: &[pb::ImportSharesResponse]) -> HashMap<String, (pb::Share, bool)> {
    progress(events)
        .into_iter()
        .map(|(share, already)| (share.id.clone(), (share, already)))
        .collect()
}

/// The name an athlete's copy must carry.
pub fn copy_name(original: &str) -> String {
    format!("{original} (from {COACH_NAME})")
}

/// A calendar day `days` after the server's today.
pub fn day(garmin: &GarminApp, days: u64) -> String {
    use baton::clock::Clock;
    let today = garmin.app.clock.now().date_naive();
    (today + chrono::Days::new(days)).format("%Y-%m-%d").to_string()
}

/// The fields a refusal's BadRequest names.
pub fn bad_fields(status: &Status) -> Vec<String> {
    use tonic_types::StatusExt;
    status
        .get_details_bad_request()
        .map(|bad| bad.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default()
}

/// How many shares the database holds.
pub async fn share_rows(garmin: &GarminApp) -> i64 {
    garmin.app.sql_count("SELECT COUNT(*) AS n FROM shares").await
}
