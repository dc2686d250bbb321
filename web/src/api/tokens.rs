//! The session's credentials: the access token lives in memory only, the
//! refresh token in localStorage. Refreshing is single-flight across tabs:
//! it runs under the Web Lock `baton-refresh` and presents whatever refresh
//! token localStorage holds *inside* the lock, so a token another tab has
//! already rotated is never presented twice (which the backend would treat
//! as reuse and answer by revoking the session). Other tabs learn of a new
//! refresh token, or of a sign-out, through `storage` events (see
//! `session.rs`).

use std::{
    cell::RefCell,
    rc::{Rc, Weak},
};

use baton_proto::auth::v1::{RefreshRequest, TokenPair};
use gloo_timers::callback::Timeout;
use web_sys::Storage;

use super::{Api, ApiError, Inner, locks, rpc::auth};

/// localStorage key of the refresh token; other tabs watch it.
pub const REFRESH_TOKEN_KEY: &str = "baton.refresh_token";
/// Web Lock under which the refresh token is read, presented and replaced.
const LOCK_NAME: &str = "baton-refresh";
/// Refresh this long before the access token expires.
const REFRESH_MARGIN_MS: f64 = 60_000.0;
/// Never schedule refreshes closer together than this.
const MIN_DELAY_MS: f64 = 5_000.0;
/// Assumed lifetime when the server sends no expiry.
const FALLBACK_LIFETIME_MS: f64 = 5.0 * 60_000.0;

/// The in-memory half of the credentials.
#[derive(Default)]
pub(super) struct Credentials {
    access: RefCell<Option<AccessToken>>,
    timer: RefCell<Option<Timeout>>,
}

#[derive(Clone)]
struct AccessToken {
    token: String,
    expires_at_ms: f64,
}

impl Credentials {
    /// The access token, if it stays valid for at least `margin_ms` more.
    fn valid_access(&self, margin_ms: f64) -> Option<String> {
        self.access
            .borrow()
            .as_ref()
            .filter(|a| a.expires_at_ms - now_ms() > margin_ms)
            .map(|a| a.token.clone())
    }

    pub(super) fn has_access(&self) -> bool {
        self.access.borrow().is_some()
    }

    pub(super) fn current_access(&self) -> Option<String> {
        self.access.borrow().as_ref().map(|a| a.token.clone())
    }

    /// Drops the access token and any scheduled refresh.
    pub(super) fn forget(&self) {
        self.access.borrow_mut().take();
        self.timer.borrow_mut().take();
    }
}

impl Api {
    /// An access token that is good for a while, refreshing first if needed.
    pub(super) async fn access_token(&self) -> Result<String, ApiError> {
        match self.inner.credentials.valid_access(MIN_DELAY_MS) {
            Some(token) => Ok(token),
            None => self.refresh(self.inner.credentials.current_access()).await,
        }
    }

    /// Gets a new access token, single-flight across tabs. `stale` is the
    /// access token the caller found wanting; if another task replaced it
    /// while this one waited for the lock, the replacement is used as is.
    pub(super) async fn refresh(&self, stale: Option<String>) -> Result<String, ApiError> {
        let api = self.clone();
        locks::exclusive(LOCK_NAME, async move { api.refresh_in_lock(stale).await })
            .await
            .unwrap_or_else(|| Err(ApiError::Unexpected("token refresh was interrupted".into())))
    }

    async fn refresh_in_lock(&self, stale: Option<String>) -> Result<String, ApiError> {
        if let Some(current) = self.inner.credentials.valid_access(REFRESH_MARGIN_MS)
            && stale.as_ref() != Some(&current)
        {
            return Ok(current);
        }
        // Read inside the lock: another tab may have rotated the token since
        // this tab last looked, and only the newest one may be presented.
        let Some(presented) = stored_refresh_token() else {
            self.end_session();
            return Err(ApiError::SessionExpired);
        };
        let request = RefreshRequest { refresh_token: presented.clone() };
        match self.public(auth::REFRESH, request).await {
            Ok(response) => match response.tokens {
                Some(pair) => Ok(self.adopt(pair)),
                None => Err(ApiError::Unexpected("the server sent no tokens".into())),
            },
            Err(status) => {
                let err = ApiError::from_status(&status);
                if err == ApiError::SessionExpired {
                    if stored_refresh_token().as_deref() == Some(presented.as_str()) {
                        clear_refresh_token();
                    }
                    self.end_session();
                }
                Err(err)
            }
        }
    }

    /// Adopts a pair from Login under the refresh lock, so a refresh running
    /// in another tab cannot overwrite it half-way.
    pub(super) async fn adopt_locked(&self, pair: TokenPair) {
        let api = self.clone();
        let _ = locks::exclusive(LOCK_NAME, async move { api.adopt(pair) }).await;
    }

    /// Stores a new pair: refresh token to localStorage, access token to
    /// memory, and schedules the next refresh. Returns the access token.
    fn adopt(&self, pair: TokenPair) -> String {
        store_refresh_token(&pair.refresh_token);
        let expires_at_ms = pair
            .access_token_expire_time
            .map(|t| t.seconds as f64 * 1000.0 + f64::from(t.nanos) / 1_000_000.0)
            .unwrap_or_else(|| now_ms() + FALLBACK_LIFETIME_MS);
        let token = pair.access_token;
        *self.inner.credentials.access.borrow_mut() =
            Some(AccessToken { token: token.clone(), expires_at_ms });
        self.schedule_refresh(expires_at_ms);
        token
    }

    /// Signs out and removes the stored refresh token under the lock;
    /// returns the token that was stored, for the Logout call.
    pub(super) async fn take_refresh_token_locked(&self) -> Option<String> {
        let api = self.clone();
        locks::exclusive(LOCK_NAME, async move {
            let token = stored_refresh_token();
            clear_refresh_token();
            api.inner.credentials.forget();
            token
        })
        .await
        .flatten()
    }

    fn schedule_refresh(&self, expires_at_ms: f64) {
        let delay = (expires_at_ms - now_ms() - REFRESH_MARGIN_MS).max(MIN_DELAY_MS);
        let weak: Weak<Inner> = Rc::downgrade(&self.inner);
        let timeout = Timeout::new(delay.min(f64::from(u32::MAX)) as u32, move || {
            let Some(inner) = weak.upgrade() else { return };
            let api = Api { inner };
            wasm_bindgen_futures::spawn_local(async move {
                let stale = api.inner.credentials.current_access();
                if let Err(err) = api.refresh(stale).await {
                    // The next call refreshes on demand; a dead session has
                    // already been reported through `end_session`.
                    web_sys::console::warn_1(&format!("scheduled refresh failed: {err}").into());
                }
            });
        });
        *self.inner.credentials.timer.borrow_mut() = Some(timeout);
    }

    /// Forgets the in-memory tokens and tells the session it has ended.
    fn end_session(&self) {
        self.inner.credentials.forget();
        let listener = self.inner.on_session_end.borrow().clone();
        if let Some(listener) = listener {
            listener.emit(());
        }
    }
}

/// The refresh token this browser holds, if any.
pub fn stored_refresh_token() -> Option<String> {
    local_storage()?.get_item(REFRESH_TOKEN_KEY).ok().flatten().filter(|token| !token.is_empty())
}

fn store_refresh_token(token: &str) {
    if let Some(storage) = local_storage()
        && let Err(err) = storage.set_item(REFRESH_TOKEN_KEY, token)
    {
        web_sys::console::warn_2(&"could not store the refresh token".into(), &err);
    }
}

fn clear_refresh_token() {
    if let Some(storage) = local_storage()
        && let Err(err) = storage.remove_item(REFRESH_TOKEN_KEY)
    {
        web_sys::console::warn_2(&"could not remove the refresh token".into(), &err);
    }
}

fn local_storage() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}
