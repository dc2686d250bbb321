//! What the parts that drive Baton through the Garmin stand-in share: the
//! stand-in and the release backend pointed at it, signing in, calls with
//! a bearer token, and linking a Garmin account with a widget ticket.

use std::path::Path;

use anyhow::{Context, bail};
use baton_proto::{
    auth::v1::{LoginRequest, auth_service_client::AuthServiceClient, login_response},
    garmin::v1::{
        ConnectWithTicketRequest, TicketSource, garmin_service_client::GarminServiceClient,
    },
};
use baton_sandbox::{GarminSandbox, GarminSandboxConfig};
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
