//! The SPA's only door to the backend. It alone creates gRPC clients
//! (grpc-web over `fetch`, via `tonic-web-wasm-client`), attaches the bearer
//! token, refreshes once and retries when an authenticated call comes back
//! UNAUTHENTICATED, and turns every failure into an [`ApiError`]. Pages get
//! plain data ([`Me`]) or an `ApiError`, never protobuf types or a `Status`.
//!
//! The calls are grouped by what they serve: `account` (the signed-in
//! user's profile, password and sessions; public password reset),
//! `admin` (users and the overview), `roster` (invites, athletes, coaches)
//! and `google` (the browser half of Google sign-in).

mod account;
mod admin;
mod convert;
mod error;
mod google;
mod locks;
mod roster;
mod tokens;

use std::{cell::RefCell, future::Future, rc::Rc, time::Duration};

use baton_proto::{
    auth::v1::{
        LoginRequest, LogoutRequest, auth_service_client::AuthServiceClient, login_response,
    },
    user::v1::{GetMeRequest, user_service_client::UserServiceClient},
};
use tonic::{Code, Request, Response, Status, metadata::MetadataValue};
use tonic_web_wasm_client::{Client, options::FetchOptions};
use yew::Callback;

pub use convert::{
    Athlete, Coach, CreatedUser, Invite, InvitePreview, Me, NewInvite, OneTimeLink, Overview,
    ProfileChanges, Role, SessionInfo, SignInOptions, Units, User, UserChanges, UserFilter,
    UserPage,
};
pub use error::ApiError;
pub use google::{GoogleFlow, GoogleOutcome};
pub use tokens::{REFRESH_TOKEN_KEY, stored_refresh_token};

/// List calls that fetch every page stop after this many pages.
const MAX_PAGES: usize = 20;

/// Every call gives up after this long, so a hung request cannot hold the
/// refresh lock (and with it every tab) forever.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// A handle to the backend; cheap to clone, one per app.
#[derive(Clone)]
pub struct Api {
    inner: Rc<Inner>,
}

struct Inner {
    base_url: String,
    credentials: tokens::Credentials,
    on_session_end: RefCell<Option<Callback<()>>>,
}

impl PartialEq for Api {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Api {
    /// A handle talking grpc-web to `base_url` (the page's origin).
    pub fn new(base_url: String) -> Self {
        Self {
            inner: Rc::new(Inner {
                base_url,
                credentials: tokens::Credentials::default(),
                on_session_end: RefCell::new(None),
            }),
        }
    }

    /// Called whenever the session ends without the user asking (refresh
    /// token expired, revoked, or removed by another tab).
    pub fn on_session_end(&self, listener: Callback<()>) {
        *self.inner.on_session_end.borrow_mut() = Some(listener);
    }

    /// Signs in with email and password and loads the user.
    pub async fn sign_in(&self, email: String, password: String) -> Result<Me, ApiError> {
        let response = self
            .auth_client()
            .login(LoginRequest { email, password })
            .await
            .map_err(|status| ApiError::from_login_status(&status))?
            .into_inner();
        match response.result {
            Some(login_response::Result::Tokens(pair)) => {
                self.adopt_locked(pair).await;
                self.me().await
            }
            Some(login_response::Result::SecondFactor(_)) => Err(ApiError::SecondFactorRequired),
            None => Err(ApiError::Unexpected("the server sent an empty sign-in answer".into())),
        }
    }

    /// Resumes the session this browser holds a refresh token for, if any.
    pub async fn restore(&self) -> Result<Option<Me>, ApiError> {
        if stored_refresh_token().is_none() {
            return Ok(None);
        }
        self.refresh(None).await?;
        self.me().await.map(Some)
    }

    /// Ends the session here and on the server. Local credentials are gone
    /// even when the server cannot be told.
    pub async fn sign_out(&self) -> Result<(), ApiError> {
        let Some(refresh_token) = self.take_refresh_token_locked().await else {
            return Ok(());
        };
        self.auth_client()
            .logout(LogoutRequest { refresh_token })
            .await
            .map(|_| ())
            .map_err(|status| ApiError::from_status(&status))
    }

    /// Whether this tab holds an access token (signed in here).
    pub fn is_signed_in(&self) -> bool {
        self.inner.credentials.has_access()
    }

    /// Forgets the in-memory credentials after another tab signed out.
    pub fn forget(&self) {
        self.inner.credentials.forget();
    }

    /// The signed-in user.
    pub async fn me(&self) -> Result<Me, ApiError> {
        let response = self
            .authed(|bearer| {
                let mut client = self.user_client();
                async move { client.get_me(with_bearer(GetMeRequest {}, &bearer)?).await }
            })
            .await?;
        response
            .user
            .map(Me::from)
            .ok_or_else(|| ApiError::Unexpected("the server sent no user".into()))
    }

    /// Runs an authenticated call; on UNAUTHENTICATED refreshes once and
    /// retries with the new access token.
    async fn authed<T, F, Fut>(&self, call: F) -> Result<T, ApiError>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<Response<T>, Status>>,
    {
        let token = self.access_token().await?;
        match call(token.clone()).await {
            Ok(response) => Ok(response.into_inner()),
            Err(status) if status.code() == Code::Unauthenticated => {
                let fresh = self.refresh(Some(token)).await?;
                call(fresh)
                    .await
                    .map(Response::into_inner)
                    .map_err(|status| ApiError::from_status(&status))
            }
            Err(status) => Err(ApiError::from_status(&status)),
        }
    }

    fn transport(&self) -> Client {
        Client::new_with_options(
            self.inner.base_url.clone(),
            FetchOptions::new().timeout(CALL_TIMEOUT),
        )
    }

    fn auth_client(&self) -> AuthServiceClient<Client> {
        AuthServiceClient::new(self.transport())
    }

    fn user_client(&self) -> UserServiceClient<Client> {
        UserServiceClient::new(self.transport())
    }
}

/// A fresh key for a create the client may retry (`idempotency_key`).
fn new_idempotency_key() -> String {
    web_sys::window()
        .and_then(|window| window.crypto().ok())
        .map(|crypto| crypto.random_uuid())
        .unwrap_or_default()
}

/// Runs a create twice at most: again, with the same idempotency key, when
/// the first answer was lost on the way. The server replays the first
/// response for a repeated key, so nothing is created twice.
async fn retry_if_lost<T, F, Fut>(call: F) -> Result<T, ApiError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    match call().await {
        Err(ApiError::Unreachable | ApiError::TimedOut | ApiError::Unavailable) => call().await,
        other => other,
    }
}

/// Wraps a message with `authorization: Bearer <token>` metadata.
fn with_bearer<M>(message: M, token: &str) -> Result<Request<M>, Status> {
    let value = MetadataValue::try_from(format!("Bearer {token}"))
        .map_err(|_| Status::internal("the access token is not a valid header value"))?;
    let mut request = Request::new(message);
    request.metadata_mut().insert("authorization", value);
    Ok(request)
}
