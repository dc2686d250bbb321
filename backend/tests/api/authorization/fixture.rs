//! The accounts, links and sessions every cell of the matrix works on, all
//! in one server, and the ways a call gets at them.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use baton::clock::ManualClock;
use baton_proto::{
    auth::v1::{self as auth, auth_service_client::AuthServiceClient},
    garmin::v1::{self as garmin, garmin_service_client::GarminServiceClient},
    sharing::v1::{self as sharing, sharing_service_client::SharingServiceClient},
    user::v1::{self as user, Role, user_service_client::UserServiceClient},
};
use baton_sandbox::{
    GarminAccount, GarminSandbox, GarminSandboxConfig, GoogleSandbox, GoogleSandboxConfig,
    Identity, garmin::seed,
};
use serde_json::Value;
use tonic::{Request, transport::Channel};

use super::table::Who;
use crate::helpers::{PASSWORD, TestApp, TestStorage, TestUser, bearer, link_token};

/// Where the sandbox provider sends the browser back (the test public URL).
const REDIRECT: &str = "http://baton.test/auth/google/callback";

/// The accounts every cell works on, in one server.
pub(super) struct Fixture {
    pub(super) app: TestApp,
    pub(super) channel: Channel,
    pub(super) athlete: TestUser,
    /// Linked to `athlete`.
    pub(super) coach: TestUser,
    pub(super) other_athlete: TestUser,
    /// Linked to `other_athlete`.
    pub(super) other_coach: TestUser,
    pub(super) admin: TestUser,
    /// Sends the invites AcceptInvite cells accept, so accepting links
    /// nobody the other cells rely on.
    pub(super) inviter: TestUser,
    /// Tokens from before an admin deactivated the account.
    pub(super) deactivated: TestUser,
    /// Tokens of a session its owner revoked.
    pub(super) revoked: TestUser,
    /// Signed in again after losing the coach role.
    pub(super) demoted: TestUser,
    /// Still linked to `demoted` in the roster.
    pub(super) demoted_athlete: TestUser,
    /// An invite `demoted` sent while a coach (revoked with the role).
    pub(super) demoted_invite_id: String,
    /// The Google provider the server signs in with.
    pub(super) google: GoogleSandbox,
    /// Garmin Connect, where each live fixture account has a Garmin
    /// account of its own (see [`Fixture::garmin_email`]) with one workout,
    /// linked and synced.
    pub(super) garmin: GarminSandbox,
    /// A Garmin sign-in `other_athlete` started that waits for its MFA code.
    pub(super) others_pending_login: String,
    /// The coach's cached workouts (three: `coach_share` uses the first).
    pub(super) coach_workouts: Vec<String>,
    /// A pending share from `coach` to `athlete`.
    pub(super) coach_share: String,
    /// A pending share from `other_coach` to `other_athlete`.
    pub(super) others_share: String,
    next_email: AtomicUsize,
}

/// Every fixture Garmin account's password.
pub(super) const GARMIN_PASSWORD: &str = "matrix garmin password";
/// The MFA code of the fixture's Garmin account with MFA.
const GARMIN_MFA_CODE: &str = "246810";

impl Fixture {
    pub(super) async fn new() -> Self {
        baton::startup::install_crypto_provider();
        let google = GoogleSandbox::start(GoogleSandboxConfig {
            redirect_uris: vec![REDIRECT.to_owned()],
            ..GoogleSandboxConfig::default()
        })
        .expect("the Google sandbox starts");
        let (issuer, client_id, secret) = (
            google.issuer().to_owned(),
            google.client_id().to_owned(),
            google.client_secret().to_owned(),
        );
        let garmin = GarminSandbox::start(GarminSandboxConfig::default())
            .expect("the Garmin sandbox starts");
        let garmin_url: url::Url = garmin.base_url().parse().expect("a URL");
        let storage = Arc::new(TestStorage::new().await);
        let app = TestApp::start_with(storage, ManualClock::new(chrono::Utc::now()), |config| {
            config.google_issuer = Some(issuer);
            config.google_client_id = Some(client_id);
            config.google_client_secret = Some(secret.into());
            config.garmin_sso_url = garmin_url.clone();
            config.garmin_diauth_url = garmin_url.clone();
            config.garmin_api_url = garmin_url;
        })
        .await;
        let channel = app.channel().await;
        let athlete = app.create_user("athlete@example.com", "Ada Athlete", &[Role::Athlete]).await;
        let coach = app.create_user("coach@example.com", "Carla Coach", &[Role::Coach]).await;
        app.link(&coach, &athlete).await;
        let other_athlete =
            app.create_user("other.athlete@example.com", "Otto Athlete", &[Role::Athlete]).await;
        let other_coach =
            app.create_user("other.coach@example.com", "Olga Coach", &[Role::Coach]).await;
        app.link(&other_coach, &other_athlete).await;
        let admin = app.create_user("admin@example.com", "Adam Admin", &[Role::Admin]).await;
        let inviter = app.create_user("inviter@example.com", "Ines Inviter", &[Role::Coach]).await;

        let deactivated =
            app.create_user("deactivated@example.com", "Dora Deactivated", &[Role::Athlete]).await;
        app.deactivate(deactivated.id.parse().unwrap()).await;
        let revoked =
            app.create_user("revoked@example.com", "Rita Revoked", &[Role::Athlete]).await;
        let mut auth = AuthServiceClient::new(channel.clone());
        let logout = auth::LogoutRequest { refresh_token: revoked.refresh_token.clone() };
        auth.logout(logout).await.expect("Logout");
        let (demoted, demoted_athlete, demoted_invite_id) = demote(&app, &channel).await;
        for gone in [&deactivated.access_token, &revoked.access_token] {
            app.wait_until_refused(gone).await;
        }
        let template = garmin.workouts(seed::ATHLETE.email).swap_remove(0);
        for user in
            [&athlete, &coach, &admin, &demoted, &other_athlete, &demoted_athlete, &other_coach]
        {
            link_garmin(&channel, &garmin, user, &template).await;
        }
        let others_pending_login = pending_mfa_login(&channel, &garmin, &other_athlete).await;
        let coach_workouts = extra_workouts(&channel, &garmin, &coach, &template).await;
        let coach_share = share(&channel, &coach, &coach_workouts[0], &athlete.id).await;
        let others_workout = cached_workouts(&channel, &other_coach).await.swap_remove(0);
        let others_share = share(&channel, &other_coach, &others_workout, &other_athlete.id).await;

        Self {
            app,
            channel,
            athlete,
            coach,
            other_athlete,
            other_coach,
            admin,
            inviter,
            deactivated,
            revoked,
            demoted,
            demoted_athlete,
            demoted_invite_id,
            google,
            garmin,
            others_pending_login,
            coach_workouts,
            coach_share,
            others_share,
            next_email: AtomicUsize::new(1),
        }
    }

    /// Makes the provider sign in next as `user`'s own Google identity.
    pub(super) fn google_as(&self, user: &TestUser) {
        self.google.set_identity(Identity {
            sub: format!("matrix-{}", user.id),
            email: user.email.clone(),
            ..Identity::default()
        });
    }

    pub(super) fn auth(&self) -> AuthServiceClient<Channel> {
        AuthServiceClient::new(self.channel.clone())
    }

    pub(super) fn users(&self) -> UserServiceClient<Channel> {
        UserServiceClient::new(self.channel.clone())
    }

    /// `message` with the caller's access token, if they have one.
    pub(super) fn request<T>(&self, who: Who, message: T) -> Request<T> {
        match who {
            Who::Anonymous => Request::new(message),
            _ => bearer(message, &self.me(who).access_token),
        }
    }

    /// The caller's account; for an anonymous caller, the athlete whose
    /// data they try.
    pub(super) fn me(&self, who: Who) -> &TestUser {
        match who {
            Who::Anonymous | Who::Athlete => &self.athlete,
            Who::Coach => &self.coach,
            Who::Admin => &self.admin,
            Who::Deactivated => &self.deactivated,
            Who::Revoked => &self.revoked,
            Who::Demoted => &self.demoted,
        }
    }

    /// The other side of the caller's link (see [`Data::Linked`]).
    pub(super) fn linked(&self, who: Who) -> &TestUser {
        match who {
            Who::Athlete => &self.coach,
            Who::Demoted => &self.demoted_athlete,
            _ => &self.athlete,
        }
    }

    /// Whether the caller's tokens are dead (deactivated or revoked).
    pub(super) fn is_refused(who: Who) -> bool {
        matches!(who, Who::Deactivated | Who::Revoked)
    }

    /// The Garmin account of `user` (its password is [`GARMIN_PASSWORD`]).
    pub(super) fn garmin_email(user: &TestUser) -> String {
        format!("garmin.{}", user.email)
    }

    pub(super) fn sharing_client(&self) -> SharingServiceClient<Channel> {
        SharingServiceClient::new(self.channel.clone())
    }

    /// `coach` shares `workout_id` with `athlete_id` now: the share's id.
    pub(super) async fn share(
        &self,
        coach: &TestUser,
        workout_id: &str,
        athlete_id: &str,
    ) -> String {
        share(&self.channel, coach, workout_id, athlete_id).await
    }

    pub(super) fn garmin_client(&self) -> GarminServiceClient<Channel> {
        GarminServiceClient::new(self.channel.clone())
    }

    /// The id of `user`'s one cached workout.
    pub(super) async fn workout_of(&self, user: &TestUser) -> String {
        let request = bearer(garmin::ListWorkoutsRequest::default(), &user.access_token);
        let listed = self.garmin_client().list_workouts(request).await.expect("ListWorkouts");
        listed.into_inner().workouts.swap_remove(0).id
    }

    /// An address nobody has used yet.
    pub(super) fn email(&self) -> String {
        format!("person{}@example.com", self.next_email.fetch_add(1, Ordering::Relaxed))
    }

    /// A new account with `role`, for a cell that changes or deletes it.
    pub(super) async fn throwaway(&self, role: Role) -> TestUser {
        self.app.create_user(&self.email(), "Tess Throwaway", &[role]).await
    }

    /// A new account newly linked to the caller's side (see
    /// [`Data::Linked`]): for an athlete a coach of theirs, for everyone
    /// else an athlete of `coach`.
    pub(super) async fn throwaway_link(&self, who: Who) -> TestUser {
        if who == Who::Athlete {
            let coach = self.throwaway(Role::Coach).await;
            self.app.link(&coach, &self.athlete).await;
            coach
        } else {
            let athlete = self.throwaway(Role::Athlete).await;
            self.app.link(&self.coach, &athlete).await;
            athlete
        }
    }

    /// A fresh pending invite from `coach` to `email`: its id and token.
    pub(super) async fn invite(&self, coach: &TestUser, email: &str) -> (String, String) {
        let request = user::InviteAthleteRequest { email: email.to_owned(), ..Default::default() };
        let reply = self
            .users()
            .invite_athlete(bearer(request, &coach.access_token))
            .await
            .expect("InviteAthlete")
            .into_inner();
        (reply.invite.expect("invite").id, link_token(&reply.invite_url))
    }

    /// A new session of `user`.
    pub(super) async fn sign_in(&self, user: &TestUser) -> auth::TokenPair {
        self.app.login(&user.email, PASSWORD).await.expect("signs in")
    }

    /// The id of the session `access_token` belongs to.
    pub(super) async fn session_of(&self, access_token: &str) -> String {
        let request = bearer(auth::ListSessionsRequest::default(), access_token);
        let sessions = self.auth().list_sessions(request).await.expect("ListSessions");
        let sessions = sessions.into_inner().sessions;
        sessions.into_iter().find(|session| session.current).expect("a current session").id
    }
}

/// Gives `user` a Garmin account holding `workout`, links it through a
/// browser ticket and syncs it.
async fn link_garmin(channel: &Channel, sandbox: &GarminSandbox, user: &TestUser, workout: &Value) {
    let email = Fixture::garmin_email(user);
    sandbox.add_account(GarminAccount::new(&email, GARMIN_PASSWORD, "Matrix Garmin"));
    sandbox.add_workout(&email, workout).expect("a workout Garmin takes");
    let mut client = GarminServiceClient::new(channel.clone());
    let ticket = sandbox.issue_widget_ticket(&email).expect("the account");
    let request =
        garmin::ConnectWithTicketRequest { ticket, source: garmin::TicketSource::Browser as i32 };
    client.connect_with_ticket(bearer(request, &user.access_token)).await.expect("linked");
    let request = bearer(garmin::SyncWorkoutsRequest { force: false }, &user.access_token);
    let mut events = client.sync_workouts(request).await.expect("a sync").into_inner();
    while events.message().await.expect("sync events").is_some() {}
}

/// Adds two more workouts to `coach`'s Garmin account and syncs: the ids
/// of all three cached workouts, the first one first.
async fn extra_workouts(
    channel: &Channel,
    sandbox: &GarminSandbox,
    coach: &TestUser,
    template: &Value,
) -> Vec<String> {
    let first = cached_workouts(channel, coach).await.swap_remove(0);
    let email = Fixture::garmin_email(coach);
    for n in 1..=2 {
        let mut workout = template.clone();
        workout["workoutName"] = Value::from(format!("Matrix extra {n}"));
        sandbox.add_workout(&email, &workout).expect("a workout Garmin takes");
    }
    let mut client = GarminServiceClient::new(channel.clone());
    let request = bearer(garmin::SyncWorkoutsRequest { force: false }, &coach.access_token);
    let mut events = client.sync_workouts(request).await.expect("a sync").into_inner();
    while events.message().await.expect("sync events").is_some() {}
    let mut ids = cached_workouts(channel, coach).await;
    ids.retain(|id| *id != first);
    ids.insert(0, first);
    assert_eq!(ids.len(), 3);
    ids
}

/// The ids of `user`'s cached workouts.
async fn cached_workouts(channel: &Channel, user: &TestUser) -> Vec<String> {
    let request = bearer(garmin::ListWorkoutsRequest::default(), &user.access_token);
    let mut client = GarminServiceClient::new(channel.clone());
    let listed = client.list_workouts(request).await.expect("ListWorkouts").into_inner();
    listed.workouts.into_iter().map(|workout| workout.id).collect()
}

/// `coach` shares `workout_id` with `athlete_id`: the new share's id.
pub(super) async fn share(
    channel: &Channel,
    coach: &TestUser,
    workout_id: &str,
    athlete_id: &str,
) -> String {
    let request = sharing::ShareWorkoutsRequest {
        workout_ids: vec![workout_id.to_owned()],
        athlete_ids: vec![athlete_id.to_owned()],
        ..Default::default()
    };
    let mut client = SharingServiceClient::new(channel.clone());
    let reply = client.share_workouts(bearer(request, &coach.access_token)).await;
    let mut reply = reply.expect("ShareWorkouts").into_inner();
    assert_eq!(reply.shares.len(), 1, "a new share: {reply:?}");
    reply.shares.remove(0).id
}

/// A password sign-in by `user` to a Garmin account with MFA, waiting for
/// the code: its pending-login id.
async fn pending_mfa_login(channel: &Channel, sandbox: &GarminSandbox, user: &TestUser) -> String {
    let email = format!("garmin.mfa.{}", user.email);
    sandbox.add_account(
        GarminAccount::new(&email, GARMIN_PASSWORD, "Matrix MFA").with_mfa(GARMIN_MFA_CODE),
    );
    let request = garmin::ConnectRequest { email, password: GARMIN_PASSWORD.to_owned() };
    let mut client = GarminServiceClient::new(channel.clone());
    let reply = client.connect(bearer(request, &user.access_token)).await.expect("Connect");
    match reply.into_inner().result {
        Some(garmin::connect_response::Result::MfaRequired(pending)) => pending.pending_login_id,
        other => panic!("expected an MFA challenge, got {other:?}"),
    }
}

/// A coach with an athlete and a pending invite, demoted to athlete by an
/// admin (which ends their sessions), then signed in again.
async fn demote(app: &TestApp, channel: &Channel) -> (TestUser, TestUser, String) {
    let coach = app.create_user("demoted@example.com", "Dean Demoted", &[Role::Coach]).await;
    let athlete =
        app.create_user("demoted.athlete@example.com", "Dana Athlete", &[Role::Athlete]).await;
    app.link(&coach, &athlete).await;
    let mut users = UserServiceClient::new(channel.clone());
    let invite = user::InviteAthleteRequest {
        email: "demoted.invitee@example.com".to_owned(),
        ..Default::default()
    };
    let invite = users.invite_athlete(bearer(invite, &coach.access_token)).await.expect("invite");
    let invite_id = invite.into_inner().invite.expect("invite").id;
    let root = app.root().await.clone();
    let demotion = user::UpdateUserRequest {
        user_id: coach.id.clone(),
        roles: Some(user::RoleSet { roles: vec![Role::Athlete as i32] }),
        ..Default::default()
    };
    users.update_user(bearer(demotion, &root.access_token)).await.expect("UpdateUser");
    app.wait_until_refused(&coach.access_token).await;
    let tokens = app.login(&coach.email, PASSWORD).await.expect("signs in again");
    let demoted = TestUser {
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        ..coach
    };
    (demoted, athlete, invite_id)
}
