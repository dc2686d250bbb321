//! GarminService against the Garmin stand-in (`baton_sandbox::garmin`),
//! which follows GARMIN.md: connecting three ways, tokens sealed and kept
//! fresh, failures in words a person can act on, and the workout library.

mod connect;
mod library;
mod tokens;

use std::sync::Arc;

use base64::{Engine, engine::general_purpose::STANDARD};
use baton::clock::ManualClock;
use baton_proto::garmin::v1::{
    self as pb, ConnectWithTicketRequest, TicketSource, garmin_service_client::GarminServiceClient,
};
use baton_sandbox::garmin::{GarminSandbox, GarminSandboxConfig, Seed, seed};
use tonic::transport::Channel;

use crate::helpers::{TestApp, TestStorage, TestUser, bearer};

/// A Baton server pointed at a fresh Garmin stand-in with the demo
/// accounts (a coach with 130 workouts, two athletes, one with MFA).
pub struct GarminApp {
    pub app: TestApp,
    pub garmin: GarminSandbox,
}

impl GarminApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(Seed::Demo).await
    }

    pub async fn spawn_with(seed: Seed) -> Self {
        let garmin =
            GarminSandbox::start(GarminSandboxConfig { seed, ..GarminSandboxConfig::default() })
                .expect("the Garmin stand-in starts");
        let base: url::Url = garmin.base_url().parse().unwrap();
        let storage = Arc::new(TestStorage::new().await);
        let app = TestApp::start_with(storage, ManualClock::new(chrono::Utc::now()), |config| {
            config.garmin_sso_url = base.clone();
            config.garmin_diauth_url = base.clone();
            config.garmin_api_url = base;
        })
        .await;
        Self { app, garmin }
    }

    pub async fn client(&self) -> GarminServiceClient<Channel> {
        GarminServiceClient::new(self.app.channel().await)
    }

    /// Links `user` to the demo Garmin account `login` through a widget
    /// ticket, as the browser path does.
    pub async fn link(&self, user: &TestUser, login: seed::DemoLogin) -> pb::Connection {
        let ticket = self.garmin.issue_widget_ticket(login.email).expect("a demo account");
        let request = ConnectWithTicketRequest { ticket, source: TicketSource::Browser as i32 };
        self.client()
            .await
            .connect_with_ticket(bearer(request, &user.access_token))
            .await
            .expect("ConnectWithTicket")
            .into_inner()
            .connection
            .expect("a connection")
    }

    /// Runs a sync to the end and returns its events.
    pub async fn sync(
        &self,
        user: &TestUser,
        force: bool,
    ) -> Result<Vec<pb::SyncWorkoutsResponse>, tonic::Status> {
        self.sync_with_token(&user.access_token, force).await
    }

    pub async fn sync_with_token(
        &self,
        access_token: &str,
        force: bool,
    ) -> Result<Vec<pb::SyncWorkoutsResponse>, tonic::Status> {
        let request = pb::SyncWorkoutsRequest { force };
        let mut stream =
            self.client().await.sync_workouts(bearer(request, access_token)).await?.into_inner();
        let mut events = Vec::new();
        while let Some(event) = stream.message().await? {
            events.push(event);
        }
        Ok(events)
    }

    pub async fn connection(&self, user: &TestUser) -> pb::Connection {
        self.client()
            .await
            .get_connection(bearer(pb::GetConnectionRequest {}, &user.access_token))
            .await
            .unwrap()
            .into_inner()
            .connection
            .unwrap()
    }
}

/// The sync's summary event.
pub fn summary(events: &[pb::SyncWorkoutsResponse]) -> pb::SyncSummary {
    match events.last().and_then(|event| event.event.clone()) {
        Some(pb::sync_workouts_response::Event::Summary(summary)) => summary,
        other => panic!("the sync did not end with its summary: {other:?}"),
    }
}

/// A python-garminconnect `garmin_tokens.json` for `email`, made the way
/// that library makes one: a ticket exchanged at the DI token endpoint.
pub async fn token_file(garmin: &GarminSandbox, email: &str) -> String {
    let ticket = garmin.issue_widget_ticket(email).unwrap();
    let client_id = baton::garmin::DI_CLIENT_ID;
    let answer: serde_json::Value = reqwest::Client::new()
        .post(garmin.token_url())
        .header("authorization", format!("Basic {}", STANDARD.encode(format!("{client_id}:"))))
        .form(&[
            ("client_id", client_id),
            ("service_ticket", ticket.as_str()),
            (
                "grant_type",
                "https://connectapi.garmin.com/di-oauth2-service/oauth/grant/service_ticket",
            ),
            ("service_url", garmin.embed_service_url().as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    serde_json::json!({
        "di_token": answer["access_token"],
        "di_refresh_token": answer["refresh_token"],
        "di_client_id": client_id,
    })
    .to_string()
}
