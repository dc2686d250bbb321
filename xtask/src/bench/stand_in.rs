//! What the parts that drive Baton through the Garmin stand-in share: the
//! stand-in and the release backend pointed at it, signing in, calls with
//! a bearer token, linking a Garmin account with a widget ticket, and a
//! coach with a synced library and linked athletes.

use std::path::Path;

use anyhow::{Context, bail};
use baton_proto::{
    auth::v1::{
        AcceptInviteRequest, LoginRequest, NewAccountPassword, accept_invite_request::Method,
        auth_service_client::AuthServiceClient, login_response,
    },
    garmin::v1::{
        ConnectWithTicketRequest, ListWorkoutsRequest, SyncWorkoutsRequest, TicketSource,
        garmin_service_client::GarminServiceClient,
    },
    user::v1::{
        CreateUserRequest, GetMeRequest, LinkAthleteRequest, Role, RoleSet, UpdateUserRequest,
        user_service_client::UserServiceClient,
    },
};
use baton_sandbox::{
    GarminSandbox, GarminSandboxConfig,
    garmin::{GarminAccount, seed},
};
use tonic::{Request, transport::Channel};

use super::Scratch;
use crate::server::{self, Baton};

/// The stand-in on `runtime` (two workers: on one, the stand-in answering
/// several calls at once is what a bench would measure, while Garmin
/// answers them in parallel).
pub fn start(runtime: &tokio::runtime::Runtime) -> anyhow::Result<GarminSandbox> {
    Ok(runtime.block_on(async { GarminSandbox::start(GarminSandboxConfig::default()) })?)
}

/// A two-worker runtime for the stand-in and the bench's clients.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?)
}

/// The release backend with its data in `scratch`, every Garmin URL at the
/// stand-in, quiet logs, and `env` on top.
pub fn baton(
    root: &Path,
    garmin: &GarminSandbox,
    scratch: &Scratch,
    env: Vec<(String, String)>,
) -> anyhow::Result<Baton> {
    let binary = server::build_backend(root, true)?;
    let url = garmin.base_url().to_owned();
    let mut all: Vec<(String, String)> = vec![
        ("BATON_GARMIN_SSO_URL".into(), url.clone()),
        ("BATON_GARMIN_DIAUTH_URL".into(), url.clone()),
        ("BATON_GARMIN_API_URL".into(), url),
        ("BATON_LOG_FORMAT".into(), "json".into()),
        ("RUST_LOG".into(), "warn".into()),
    ];
    all.extend(env);
    Ok(Baton {
        binary,
        data_dir: scratch.path().to_path_buf(),
        web_dir: root.join("web").join("dist"),
        env: all,
    })
}

/// Signs in with a password; returns the access token.
pub async fn login(channel: &Channel, email: &str, password: &str) -> anyhow::Result<String> {
    let login = LoginRequest { email: email.to_owned(), password: password.to_owned() };
    let reply = AuthServiceClient::new(channel.clone()).login(login).await.context("Login")?;
    match reply.into_inner().result {
        Some(login_response::Result::Tokens(tokens)) => Ok(tokens.access_token),
        other => bail!("Login did not return tokens: {other:?}"),
    }
}

/// Links the caller (`token`) to the stand-in's `garmin_email` account, as
/// the browser sign-in would.
pub async fn connect_garmin(
    garmin: &GarminSandbox,
    channel: &Channel,
    token: &str,
    garmin_email: &str,
) -> anyhow::Result<()> {
    let ticket = garmin.issue_widget_ticket(garmin_email).context("a Garmin account")?;
    let link = ConnectWithTicketRequest { ticket, source: TicketSource::Browser as i32 };
    GarminServiceClient::new(channel.clone())
        .connect_with_ticket(bearer(link, token)?)
        .await
        .context("ConnectWithTicket")?;
    Ok(())
}

pub fn bearer<T>(message: T, token: &str) -> anyhow::Result<Request<T>> {
    let mut request = Request::new(message);
    request.metadata_mut().insert("authorization", format!("Bearer {token}").parse()?);
    Ok(request)
}

/// Someone signed in; `email` is their Garmin account's.
pub struct Person {
    pub id: String,
    pub token: String,
    pub email: String,
}

/// Signs in and learns the user's id.
pub async fn sign_in(channel: &Channel, email: &str, password: &str) -> anyhow::Result<Person> {
    let token = login(channel, email, password).await?;
    let me = UserServiceClient::new(channel.clone())
        .get_me(bearer(GetMeRequest {}, &token)?)
        .await
        .context("GetMe")?
        .into_inner();
    let id = me.user.context("GetMe returned no user")?.id;
    Ok(Person { id, token, email: email.to_owned() })
}

/// The admin `email` made a coach too, linked to the stand-in's demo coach
/// and synced: a library of the seeded workouts.
pub async fn synced_coach(
    garmin: &GarminSandbox,
    channel: &Channel,
    email: &str,
    password: &str,
) -> anyhow::Result<Person> {
    let admin = sign_in(channel, email, password).await?;
    let roles = RoleSet { roles: vec![Role::Admin as i32, Role::Coach as i32] };
    let update =
        UpdateUserRequest { user_id: admin.id.clone(), roles: Some(roles), ..Default::default() };
    UserServiceClient::new(channel.clone())
        .update_user(bearer(update, &admin.token)?)
        .await
        .context("UpdateUser")?;
    // A role change ends the sessions: sign in again for the new roles.
    let coach = sign_in(channel, email, password).await?;
    connect_garmin(garmin, channel, &coach.token, seed::COACH.email).await?;
    let mut client = GarminServiceClient::new(channel.clone());
    let request = bearer(SyncWorkoutsRequest { force: false }, &coach.token)?;
    let mut events = client.sync_workouts(request).await.context("SyncWorkouts")?.into_inner();
    while events.message().await.context("the sync's events")?.is_some() {}
    Ok(coach)
}

/// `count` athletes, each linked to the coach and to a Garmin account of
/// their own, with `password`.
pub async fn athletes(
    garmin: &GarminSandbox,
    channel: &Channel,
    coach: &Person,
    count: usize,
    password: &str,
) -> anyhow::Result<Vec<Person>> {
    let mut users = UserServiceClient::new(channel.clone());
    let mut auth = AuthServiceClient::new(channel.clone());
    let mut athletes = Vec::with_capacity(count);
    for n in 0..count {
        let email = format!("athlete{n:03}@baton.local");
        let create = CreateUserRequest {
            email: email.clone(),
            display_name: format!("Athlete {n:03}"),
            roles: vec![Role::Athlete as i32],
            ..Default::default()
        };
        let created =
            users.create_user(bearer(create, &coach.token)?).await.context("CreateUser")?;
        let created = created.into_inner();
        let id = created.user.context("CreateUser returned no user")?.id;
        let token = created.setup_url.rsplit_once('#').context("a setup link")?.1.to_owned();
        let accept = AcceptInviteRequest {
            invite_token: token,
            method: Some(Method::NewPassword(NewAccountPassword { password: password.into() })),
            ..Default::default()
        };
        let accepted = auth.accept_invite(accept).await.context("AcceptInvite")?.into_inner();
        let token = accepted.tokens.context("AcceptInvite signed nobody in")?.access_token;
        let link = LinkAthleteRequest { coach_id: coach.id.clone(), athlete_id: id.clone() };
        users.link_athlete(bearer(link, &coach.token)?).await.context("LinkAthlete")?;
        let garmin_email = format!("garmin-{email}");
        garmin.add_account(GarminAccount::new(&garmin_email, password, &format!("Athlete {n}")));
        let athlete = Person { id, token, email: garmin_email };
        connect_garmin(garmin, channel, &athlete.token, &athlete.email).await?;
        athletes.push(athlete);
    }
    Ok(athletes)
}

/// The coach's cached workout ids, newest first.
pub async fn library(channel: &Channel, coach: &Person) -> anyhow::Result<Vec<String>> {
    let request = ListWorkoutsRequest { page_size: 200, ..Default::default() };
    let page = GarminServiceClient::new(channel.clone())
        .list_workouts(bearer(request, &coach.token)?)
        .await
        .context("ListWorkouts")?
        .into_inner();
    Ok(page.workouts.into_iter().map(|w| w.id).collect())
}
