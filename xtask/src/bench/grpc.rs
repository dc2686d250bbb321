//! Real gRPC calls (tonic) the request-path bench makes around the load:
//! h2load counts an HTTP 200 as success whatever the grpc-status, so every
//! target is first called once here and must answer OK; and the
//! start-to-SERVING time is a tight poll of the health Check.

use std::{
    net::SocketAddr,
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use baton_proto::{
    auth::v1::{LoginRequest, auth_service_client::AuthServiceClient, login_response},
    user::v1::{GetMeRequest, GetMeResponse, user_service_client::UserServiceClient},
};
use tokio::runtime::Runtime;
use tonic::{Request, transport::Channel};
use tonic_health::pb::{
    HealthCheckRequest, HealthCheckResponse, health_check_response::ServingStatus,
    health_client::HealthClient,
};

/// Calls block the bench's (synchronous) thread on a small runtime of their own.
pub struct Client {
    runtime: Runtime,
}

impl Client {
    pub fn new() -> anyhow::Result<Self> {
        Ok(Self { runtime: tokio::runtime::Builder::new_current_thread().enable_all().build()? })
    }

    /// One health Check of the server as a whole ("").
    pub fn health(&self, addr: SocketAddr) -> anyhow::Result<HealthCheckResponse> {
        self.runtime.block_on(async {
            let mut health = HealthClient::new(connect(addr).await?);
            let reply = health.check(HealthCheckRequest { service: String::new() }).await?;
            Ok(reply.into_inner())
        })
    }

    /// Polls the health Check as fast as it answers until it says SERVING;
    /// returns the time since `spawned`. A refused connection costs well
    /// under a millisecond on loopback, so the poll adds about that much.
    pub fn until_serving(
        &self,
        addr: SocketAddr,
        spawned: Instant,
        timeout: Duration,
    ) -> anyhow::Result<Duration> {
        loop {
            if let Ok(reply) = self.health(addr)
                && reply.status() == ServingStatus::Serving
            {
                return Ok(spawned.elapsed());
            }
            if spawned.elapsed() > timeout {
                bail!("{addr} did not report SERVING within {}s", timeout.as_secs());
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Signs in; the access token.
    pub fn login(&self, addr: SocketAddr, email: &str, password: &str) -> anyhow::Result<String> {
        self.runtime.block_on(async {
            let mut auth = AuthServiceClient::new(connect(addr).await?);
            let request = LoginRequest { email: email.to_owned(), password: password.to_owned() };
            let reply = auth.login(request).await.context("Login")?.into_inner();
            match reply.result {
                Some(login_response::Result::Tokens(tokens)) => Ok(tokens.access_token),
                other => bail!("Login did not return tokens: {other:?}"),
            }
        })
    }

    /// GetMe with the given access token.
    pub fn get_me(&self, addr: SocketAddr, token: &str) -> anyhow::Result<GetMeResponse> {
        self.runtime.block_on(async {
            let mut users = UserServiceClient::new(connect(addr).await?);
            let mut request = Request::new(GetMeRequest::default());
            request.metadata_mut().insert("authorization", format!("Bearer {token}").parse()?);
            Ok(users.get_me(request).await.context("GetMe")?.into_inner())
        })
    }
}

async fn connect(addr: SocketAddr) -> anyhow::Result<Channel> {
    Ok(Channel::from_shared(format!("http://{addr}"))?.connect().await?)
}
