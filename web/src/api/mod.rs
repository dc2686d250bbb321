//! The SPA's only door to the backend. It alone calls it (grpc-web over
//! `fetch`, in `grpc_web`; each RPC is declared in `rpc`),
//! attaches the bearer token, refreshes once and retries when an
//! authenticated call comes back UNAUTHENTICATED, and turns every failure
//! into an [`ApiError`]. Pages get plain data ([`Me`]) or an `ApiError`,
//! never protobuf types or a `Status`.
//!
//! The calls are grouped by what they serve: `account` (the signed-in
//! user's profile, password, sessions and sign-in methods; public password
//! reset), `admin` (users and the overview), `roster` (invites, athletes,
//! coaches), `garmin` (the user's Garmin link, library and syncs),
//! `sharing` (shares, imports and the live notifications) and `google`
//! (the browser half of Google sign-in). `error` says
//! what went wrong, `tokens` and `locks` keep the session's credentials,
//! `idempotency` makes creates safe to retry.

mod account;
mod admin;
mod convert;
mod error;
mod garmin;
mod google;
mod grpc_web;
mod idempotency;
mod locks;
mod random;
mod roster;
mod rpc;
mod sharing;
mod tokens;

use std::{cell::RefCell, rc::Rc, time::Duration};

use baton_proto::{
    auth::v1::{LoginRequest, LogoutRequest, login_response},
    user::v1::GetMeRequest,
};
use prost::Message;
use yew::Callback;

use grpc_web::{Code, Status};
use rpc::{Rpc, Stream, auth, users};

#[cfg(test)]
pub use convert::Repeat;
pub use convert::{
    Athlete, Coach, Compare, CopiesUpdated, CreatedUser, DistanceUnit, Drill, End, Equipment,
    Exercise, GarminConnection, GarminSignIn, GarminStatus, ImportEvent, ImportItem, ImportSummary,
    Inbox, Invite, InvitePreview, Me, MfaChallenge, NewInvite, OneTimeLink, OutgoingFilter,
    Overview, PasswordConnect, ProfileChanges, Recipients, Role, SessionInfo, SessionsEnded, Share,
    ShareOutcome, SharePreview, ShareRequest, ShareStatus, SignInMethod, SignInOptions, SingleStep,
    Sport, Step, StepKind, Stroke, SyncAction, SyncEvent, SyncSummary, Target, TargetKind,
    TargetUnit, TicketSource, Units, User, UserChanges, UserFilter, UserPage, WeightUnit, Workout,
    WorkoutFilter, WorkoutPage, WorkoutSort, WorkoutSummary,
};
pub use error::ApiError;
pub use google::{GoogleFlow, GoogleOutcome, SignInChange};
pub use grpc_web::abort_all as end_all_calls;
pub use sharing::NotificationNews;
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
            .public(auth::LOGIN, LoginRequest { email, password })
            .await
            .map_err(|status| ApiError::from_login_status(&status))?;
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
        self.public(auth::LOGOUT, LogoutRequest { refresh_token })
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
        let response = self.authed(users::GET_ME, GetMeRequest {}).await?;
        response
            .user
            .map(Me::from)
            .ok_or_else(|| ApiError::Unexpected("the server sent no user".into()))
    }

    /// A call without the bearer token; what its failure means depends on
    /// the RPC, so the caller maps the status.
    async fn public<M: Message, R: Message + Default>(
        &self,
        rpc: Rpc<M, R>,
        message: M,
    ) -> Result<R, Status> {
        rpc.call(&self.inner.base_url, &message, None).await
    }

    /// A call with the bearer token; on UNAUTHENTICATED refreshes the token
    /// once and calls again with the new one.
    async fn authed<M: Message, R: Message + Default>(
        &self,
        rpc: Rpc<M, R>,
        message: M,
    ) -> Result<R, ApiError> {
        let token = self.access_token().await?;
        match rpc.call(&self.inner.base_url, &message, Some(&token)).await {
            Err(status) if status.code() == Code::Unauthenticated => {
                let fresh = self.refresh(Some(token)).await?;
                let retried = rpc.call(&self.inner.base_url, &message, Some(&fresh)).await;
                retried.map_err(|status| ApiError::from_status(&status))
            }
            other => other.map_err(|status| ApiError::from_status(&status)),
        }
    }

    /// A server-streaming call with the bearer token, each reply handed to
    /// `on_reply` as it arrives. Refreshes and calls again on
    /// UNAUTHENTICATED only when no reply had arrived yet, so nothing is
    /// reported twice.
    async fn authed_stream<M: Message, R: Message + Default>(
        &self,
        rpc: Stream<M, R>,
        message: M,
        on_reply: &mut dyn FnMut(R),
    ) -> Result<(), ApiError> {
        let token = self.access_token().await?;
        let mut replied = false;
        let first = {
            let mut counted = |reply: R| {
                replied = true;
                on_reply(reply);
            };
            rpc.call(&self.inner.base_url, &message, Some(&token), &mut counted).await
        };
        match first {
            Err(status) if status.code() == Code::Unauthenticated && !replied => {
                let fresh = self.refresh(Some(token)).await?;
                let retried =
                    rpc.call(&self.inner.base_url, &message, Some(&fresh), on_reply).await;
                retried.map_err(|status| ApiError::from_status(&status))
            }
            other => other.map_err(|status| ApiError::from_status(&status)),
        }
    }

    /// One call with the bearer token, without the retry: for calls that
    /// spend a one-time Google answer, where UNAUTHENTICATED is Google's
    /// verdict and a second try could only fail. The caller maps the status.
    async fn authed_once<M: Message, R: Message + Default>(
        &self,
        rpc: Rpc<M, R>,
        message: M,
    ) -> Result<Result<R, Status>, ApiError> {
        let token = self.access_token().await?;
        Ok(rpc.call(&self.inner.base_url, &message, Some(&token)).await)
    }
}
