//! A stand-in for Garmin Connect, following `GARMIN.md` (the protocol
//! reference; §10 lists what a fake must do). One server answers for all of
//! Garmin's hosts by path, so a client points its SSO, DI-auth and
//! connectapi base URLs at [`GarminSandbox::base_url`]:
//!
//! - SSO JSON sign-in with MFA (`sso`): `/mobile/sso/{locale}/sign-in`,
//!   `/mobile/api/login`, `/portal/api/login`, `/{mobile|portal}/api/mfa/verifyCode`,
//!   `/portal/sso/embed`;
//! - the browser sign-in widget (`widget`): `/sso/signin`,
//!   `/sso/verifyMFA/loginEnterMfaCode`, `/sso/embed`, posting the ticket to
//!   the parent window;
//! - the DI token endpoint (`diauth`): `/di-oauth2-service/oauth/token`;
//! - connectapi (`api`): profile, workouts, schedules, calendar, types.
//!
//! Strict where Garmin is strict (single-use short-lived tickets bound to
//! their service, refresh tokens bound to their client id and rotating,
//! exact grant literals, Basic `client_id:` with an empty secret, bearer
//! checks), lenient where Garmin is (workouts are normalised, not rejected,
//! for missing keys and display orders). Faults are injected per [`Route`];
//! its clock can be moved forward. It serves plain HTTP on 127.0.0.1 with
//! TEST accounts and keys and must never face the internet. Passwords,
//! tickets and tokens are never logged.

mod account;
mod api;
mod catalog;
mod config;
mod connection;
mod diauth;
mod faults;
mod normalize;
mod routes;
mod services;
mod sso;
mod state;
mod tokens;
mod widget;
mod widget_page;

pub mod seed;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::EncodingKey;
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use account::GarminAccount;
pub use config::{
    ForeignAccess, GarminSandboxConfig, Lifetimes, ListDates, PagingBase, Quirks, Seed,
};
pub use faults::{Fault, Route};
pub use tokens::KID as ACCESS_TOKEN_KID;

use connection::{ConnectionHandle, CuttableListener};
use state::{Sandbox, State};

const SIGNING_KEY: &[u8] = include_bytes!("../../keys/garmin-test-rsa.pem");

/// How many tokens of an account are live.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveTokens {
    /// Unexpired access tokens (old ones stay live after a refresh, until `exp`).
    pub access: usize,
    /// Refresh tokens not yet rotated, revoked or expired.
    pub refresh: usize,
}

/// A running Garmin stand-in. Dropping it stops the server.
pub struct GarminSandbox {
    sandbox: Arc<Sandbox>,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl GarminSandbox {
    /// Binds `config.addr`, loads the seed, and serves on a task of the
    /// current Tokio runtime.
    ///
    /// # Errors
    /// Binding fails, the TEST key or the seed cannot be loaded, or there is
    /// no Tokio runtime to run on.
    pub fn start(config: GarminSandboxConfig) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Handle::try_current().map_err(std::io::Error::other)?;
        let listener = std::net::TcpListener::bind(config.addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let signer = EncodingKey::from_rsa_pem(SIGNING_KEY).map_err(std::io::Error::other)?;
        let mut state = State::new(config.lifetimes, config.quirks);
        if config.seed == Seed::Demo {
            seed::load(&mut state).map_err(std::io::Error::other)?;
        }
        let sandbox = Arc::new(Sandbox::new(format!("http://{addr}"), signer, state));
        let app =
            routes::router(&sandbox).into_make_service_with_connect_info::<ConnectionHandle>();
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = runtime.spawn(async move {
            let serve = async move {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                axum::serve(CuttableListener(listener), app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await
            };
            if let Err(error) = serve.await {
                tracing::error!(%error, "Garmin sandbox stopped");
            }
        });
        Ok(Self { sandbox, addr, shutdown: Some(shutdown), task: Some(task) })
    }

    /// `http://127.0.0.1:PORT`: the SSO, DI-auth and connectapi base at once.
    pub fn base_url(&self) -> &str {
        &self.sandbox.base_url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The widget's service URL, `{base}/sso/embed`: what widget tickets are
    /// issued for and must be redeemed with.
    pub fn embed_service_url(&self) -> String {
        self.sandbox.embed_service()
    }

    /// The sign-in widget for an iframe or popup on `source_origin`
    /// (e.g. `http://127.0.0.1:8080`), as GARMIN.md §0.1 builds it.
    pub fn widget_url(&self, source_origin: &str) -> String {
        let base = self.base_url();
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("id", "gauth-widget")
            .append_pair("embedWidget", "true")
            .append_pair("gauthHost", &format!("{base}/sso"))
            .append_pair("service", &self.embed_service_url())
            .append_pair("source", source_origin)
            .append_pair("consumeServiceTicket", "false")
            .finish();
        format!("{base}/sso/signin?{query}")
    }

    /// The DI token endpoint.
    pub fn token_url(&self) -> String {
        format!("{}/di-oauth2-service/oauth/token", self.base_url())
    }

    /// Adds an account (assigning a profile id if it has none); returns its profile id.
    pub fn add_account(&self, mut account: GarminAccount) -> i64 {
        let mut state = self.sandbox.lock();
        let id = match account.profile_id {
            Some(id) => id,
            None => state.ids.profile(),
        };
        account.profile_id = Some(id);
        state.accounts.retain(|existing| !existing.email.eq_ignore_ascii_case(&account.email));
        state.accounts.push(account);
        id
    }

    /// The account signing in with `email`.
    pub fn account(&self, email: &str) -> Option<GarminAccount> {
        self.sandbox.lock().account_by_email(email).cloned()
    }

    /// Stores `workout` (a create request) for `email` as POST would; returns its id.
    ///
    /// # Errors
    /// Unknown account, or a workout the API would refuse (with its message).
    pub fn add_workout(&self, email: &str, workout: &Value) -> Result<i64, String> {
        let mut state = self.sandbox.lock();
        let owner = state.account_by_email(email).ok_or("unknown account")?.profile_id();
        let now = state.now_ms();
        let created = state.create_workout(owner, workout, (now, now)).map_err(|e| e.0)?;
        created["workoutId"].as_i64().ok_or_else(|| "no workoutId".to_owned())
    }

    /// Replaces `email`'s workout `id` with `workout` as PUT would, as an
    /// edit in Garmin Connect makes it (the last-update time moves on).
    ///
    /// # Errors
    /// Unknown account, a workout not theirs, or one the API would refuse.
    pub fn edit_workout(&self, email: &str, id: i64, workout: &Value) -> Result<(), String> {
        let mut state = self.sandbox.lock();
        let owner = state.account_by_email(email).ok_or("unknown account")?.profile_id();
        if state.workouts.get(&id).is_none_or(|record| record.owner != owner) {
            return Err("not this account's workout".to_owned());
        }
        state.replace_workout(id, workout).map_err(|e| e.0)
    }

    /// A service ticket for `email` at `service_url`, as if the user had
    /// just signed in there. `None` for an unknown account.
    pub fn issue_ticket(&self, email: &str, service_url: &str) -> Option<String> {
        let mut state = self.sandbox.lock();
        let owner = state.account_by_email(email)?.profile_id();
        Some(state.issue_ticket(owner, service_url))
    }

    /// A ticket as the widget hands over: for [`Self::embed_service_url`].
    pub fn issue_widget_ticket(&self, email: &str) -> Option<String> {
        self.issue_ticket(email, &self.embed_service_url())
    }

    /// Every access token stops working now (their JWT `exp` still says later).
    pub fn expire_access_tokens(&self) {
        let mut state = self.sandbox.lock();
        let now = state.now_ms();
        state.access_tokens.values_mut().for_each(|grant| grant.expires_ms = now);
    }

    /// Every refresh token is revoked: refreshing fails with `invalid_grant`.
    pub fn revoke_refresh_tokens(&self) {
        self.sandbox.lock().refresh_tokens.clear();
    }

    /// Whether connectapi would accept this access token now.
    pub fn is_access_token_live(&self, token: &str) -> bool {
        let state = self.sandbox.lock();
        let now = state.now_ms();
        state.access_tokens.get(token).is_some_and(|grant| grant.expires_ms > now)
    }

    /// Whether the token endpoint would refresh with this token now.
    pub fn is_refresh_token_live(&self, token: &str) -> bool {
        let state = self.sandbox.lock();
        let now = state.now_ms();
        state.refresh_tokens.get(token).is_some_and(|grant| grant.expires_ms > now)
    }

    /// How many of `email`'s tokens are live.
    pub fn live_tokens(&self, email: &str) -> LiveTokens {
        let state = self.sandbox.lock();
        let Some(owner) = state.account_by_email(email).map(GarminAccount::profile_id) else {
            return LiveTokens::default();
        };
        let now = state.now_ms();
        let live = |grants: &HashMap<String, state::Grant>| {
            grants.values().filter(|g| g.owner == owner && g.expires_ms > now).count()
        };
        LiveTokens { access: live(&state.access_tokens), refresh: live(&state.refresh_tokens) }
    }

    /// Every access and refresh token ever issued to `email`'s account,
    /// expired and revoked ones included.
    pub fn issued_tokens(&self, email: &str) -> Vec<String> {
        let state = self.sandbox.lock();
        let Some(owner) = state.account_by_email(email).map(GarminAccount::profile_id) else {
            return Vec::new();
        };
        state.issued.iter().filter(|(o, _)| *o == owner).map(|(_, token)| token.clone()).collect()
    }

    /// How many JSON-SSO logins are waiting for their MFA code (and not expired).
    pub fn pending_mfa_logins(&self) -> usize {
        let state = self.sandbox.lock();
        let now = state.now_ms();
        let pending = state.sessions.values().filter_map(|session| session.pending.as_ref());
        pending.filter(|pending| pending.expires_ms > now).count()
    }

    /// Moves the stand-in's clock forward: tickets, pending logins and
    /// tokens expire, and new tokens are stamped with the later time.
    pub fn advance_clock(&self, by: Duration) {
        self.sandbox.lock().clock_offset += by;
    }

    /// Lifetimes for what is issued from now on.
    pub fn set_lifetimes(&self, lifetimes: Lifetimes) {
        self.sandbox.lock().lifetimes = lifetimes;
    }

    /// Switches the open-question behaviours.
    pub fn set_quirks(&self, quirks: Quirks) {
        self.sandbox.lock().quirks = quirks;
    }

    /// `fault` on the next request to `route`.
    pub fn inject(&self, route: Route, fault: Fault) {
        self.inject_times(route, fault, 1);
    }

    /// `fault` on the next `times` requests to `route`.
    pub fn inject_times(&self, route: Route, fault: Fault, times: usize) {
        self.sandbox.lock().faults.add(route, fault, Some(times));
    }

    /// `fault` on every request to `route` until [`Self::clear_faults`].
    pub fn inject_always(&self, route: Route, fault: Fault) {
        self.sandbox.lock().faults.add(route, fault, None);
    }

    /// Every request on every route waits this long first (a slow network).
    pub fn set_latency(&self, per_request: Duration) {
        self.sandbox.lock().faults.global_latency = per_request;
    }

    /// Removes every injected fault and the global latency.
    pub fn clear_faults(&self) {
        self.sandbox.lock().faults.clear();
    }

    /// How many requests `route` has had (faulted ones included).
    pub fn requests(&self, route: Route) -> usize {
        self.sandbox.lock().counts.get(&route).copied().unwrap_or_default()
    }

    /// Request counts of every route called so far.
    pub fn request_counts(&self) -> HashMap<Route, usize> {
        self.sandbox.lock().counts.clone()
    }

    /// `email`'s workouts as `GET /workout/{id}` returns them, by id.
    pub fn workouts(&self, email: &str) -> Vec<Value> {
        let state = self.sandbox.lock();
        let Some(owner) = state.account_by_email(email).map(GarminAccount::profile_id) else {
            return Vec::new();
        };
        state.workouts.values().filter(|w| w.owner == owner).map(|w| w.json.clone()).collect()
    }

    /// `email`'s calendar entries: `workoutScheduleId`, `workoutId`,
    /// `calendarDate`, `ownerId`, `createdDate`; by id.
    pub fn schedules(&self, email: &str) -> Vec<Value> {
        let state = self.sandbox.lock();
        let Some(owner) = state.account_by_email(email).map(GarminAccount::profile_id) else {
            return Vec::new();
        };
        state
            .schedules
            .values()
            .filter(|schedule| schedule.owner == owner)
            .map(|schedule| {
                json!({
                    "workoutScheduleId": schedule.id,
                    "workoutId": schedule.workout_id,
                    "calendarDate": schedule.date.format("%Y-%m-%d").to_string(),
                    "ownerId": schedule.owner,
                    "createdDate": state::garmin_time(schedule.created_ms),
                })
            })
            .collect()
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

impl Drop for GarminSandbox {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

impl std::fmt::Debug for GarminSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GarminSandbox").field("base_url", &self.sandbox.base_url).finish()
    }
}
