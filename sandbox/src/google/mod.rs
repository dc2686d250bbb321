//! A stand-in for Google's OpenID Connect provider: discovery, the
//! authorization endpoint, the token endpoint, JWKS and userinfo, behaving as
//! OIDC Core and Google do for the authorization-code flow with PKCE.
//!
//! It approves whichever test [`Identity`] is current without a login page,
//! signs ID tokens (RS256) with fixed TEST keys, and lets tests inject faults
//! ([`Fault`]) into the next token response. It serves plain HTTP on
//! 127.0.0.1 and must never be pointed at by a production configuration.
//! Codes, tokens and secrets are never logged.

mod authorize;
mod discovery;
mod id_token;
mod keys;
mod provider;
mod token;
mod userinfo;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use keys::{FIRST_KID, SECOND_KID};
use provider::Provider;

/// What the sandbox provider is registered with: one OAuth client.
#[derive(Debug, Clone)]
pub struct GoogleSandboxConfig {
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// The registered client id (the `aud` of every ID token).
    pub client_id: String,
    /// The registered client secret.
    pub client_secret: String,
    /// Registered redirect URIs; `/authorize` accepts only exact matches.
    pub redirect_uris: Vec<String>,
}

impl Default for GoogleSandboxConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            client_id: "baton-sandbox.apps.googleusercontent.com".to_owned(),
            client_secret: "baton-sandbox-client-secret".to_owned(),
            redirect_uris: vec!["http://127.0.0.1:8080/auth/google/callback".to_owned()],
        }
    }
}

/// The Google account the sandbox signs in as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Google's stable account id (`sub`).
    pub sub: String,
    pub email: String,
    pub email_verified: bool,
    pub name: Option<String>,
    pub picture: Option<String>,
}

impl Default for Identity {
    fn default() -> Self {
        Self {
            sub: "110248495921238986420".to_owned(),
            email: "ada.lovelace@example.com".to_owned(),
            email_verified: true,
            name: Some("Ada Lovelace".to_owned()),
            picture: None,
        }
    }
}

/// A fault for the next token response. Several may be injected at once;
/// the next request to `/token` takes them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The ID token carries a different `nonce` than the one authorized.
    WrongNonce,
    /// The ID token's `aud` and `azp` name another client.
    WrongAudience,
    /// `aud` lists our client and another one, and `azp` names the other.
    ForeignAuthorizedParty,
    /// The ID token's `iss` is not the sandbox's issuer.
    WrongIssuer,
    /// The ID token expired an hour ago.
    Expired,
    /// The ID token is signed by another RSA key under the published `kid`.
    BadSignature,
    /// The ID token is HS256-signed with the client secret (algorithm confusion).
    SymmetricAlgorithm,
    /// The token endpoint answers 500 without looking at the request.
    ServerError,
    /// The token endpoint waits this long before answering.
    Latency(Duration),
}

/// How often each endpoint was called.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestCounts {
    pub discovery: usize,
    pub authorize: usize,
    pub token: usize,
    pub jwks: usize,
    pub userinfo: usize,
}

/// What a client sent to `/authorize` (for a known client and redirect URI),
/// so tests can check what the relying party asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRecord {
    pub response_type: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge_method: Option<String>,
    pub prompt: Option<String>,
}

/// A running sandbox provider. Dropping it stops the server.
pub struct GoogleSandbox {
    provider: Arc<Provider>,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl GoogleSandbox {
    /// Binds `config.addr` and serves on a task of the current Tokio runtime.
    ///
    /// # Errors
    /// Binding fails, the test keys cannot be loaded, or there is no Tokio
    /// runtime to run on.
    pub fn start(config: GoogleSandboxConfig) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Handle::try_current().map_err(std::io::Error::other)?;
        let listener = std::net::TcpListener::bind(config.addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let keys = keys::SigningKeys::load()?;
        let issuer = format!("http://{addr}");
        let provider = Arc::new(Provider::new(issuer, config, keys));
        let app = router(provider.clone());
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = runtime.spawn(async move {
            let serve = async move {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await
            };
            if let Err(error) = serve.await {
                tracing::error!(%error, "Google sandbox stopped");
            }
        });
        Ok(Self { provider, addr, shutdown: Some(shutdown), task: Some(task) })
    }

    /// The issuer: `http://127.0.0.1:PORT`, exactly the `iss` of its ID tokens.
    pub fn issuer(&self) -> &str {
        &self.provider.issuer
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The registered client id.
    pub fn client_id(&self) -> &str {
        &self.provider.config.client_id
    }

    /// The registered client secret.
    pub fn client_secret(&self) -> &str {
        &self.provider.config.client_secret
    }

    /// Sign in as `identity` from the next authorization on.
    pub fn set_identity(&self, identity: Identity) {
        self.provider.lock().identity = identity;
    }

    /// The next authorization is refused (`error=access_denied`), as when
    /// the user presses Cancel on Google's consent screen.
    pub fn deny_next(&self) {
        self.provider.lock().deny_next = true;
    }

    /// Adds a fault to the next token response.
    pub fn inject(&self, fault: Fault) {
        self.provider.lock().faults.push(fault);
    }

    /// Starts signing with the second test key; the JWKS then lists both.
    pub fn rotate_key(&self) {
        self.provider.lock().rotated = true;
    }

    /// The key id that signs ID tokens now.
    pub fn active_kid(&self) -> &'static str {
        let rotated = self.provider.lock().rotated;
        self.provider.keys.active(rotated).kid
    }

    /// Moves the provider's clock forward: codes expire, and new tokens are
    /// stamped with the later time.
    pub fn advance_clock(&self, by: Duration) {
        self.provider.lock().clock_offset += by;
    }

    /// How often each endpoint has been called.
    pub fn requests(&self) -> RequestCounts {
        self.provider.lock().counts
    }

    /// What each `/authorize` request for a known client asked for, oldest first.
    pub fn authorizations(&self) -> Vec<AuthorizationRecord> {
        self.provider.lock().authorizations.clone()
    }

    /// Stops the server and waits for it to finish.
    pub async fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for GoogleSandbox {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

impl std::fmt::Debug for GoogleSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleSandbox").field("issuer", &self.provider.issuer).finish()
    }
}

fn router(provider: Arc<Provider>) -> Router {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery::configuration))
        .route("/jwks", get(discovery::jwks))
        .route("/authorize", get(authorize::authorize))
        .route("/token", post(token::token))
        .route("/userinfo", get(userinfo::userinfo))
        .with_state(provider)
}
