//! Calling Garmin for one linked account (GARMIN.md §2.8): wait out a
//! cool-down instead of calling, refresh the tokens ahead of their expiry
//! and once after a 401 (then retry once), store every rotated refresh
//! token, and record on the link how Garmin answered.
//!
//! Refreshes are single-flight on this replica and, on PostgreSQL, run
//! while holding the account's row lock, so two replicas never present the
//! same refresh token: the second finds the first's fresh tokens instead.

use std::future::Future;

use chrono::{DateTime, Utc};
use tokio::sync::Mutex;
use uuid::Uuid;

use super::{GarminService, failures, open_tokens, seal_tokens};
use crate::{
    domain::{GarminLink, LinkStatus, NewNotification, NotificationKind},
    error::{Error, Reason, Result},
    garmin::{GarminClient, GarminError, GarminResult, TokenSet},
    store::garmin_accounts,
};

/// Which slot a call takes (see `locks.rs`).
#[derive(Debug, Clone, Copy)]
pub(super) enum CallKind {
    Read,
    /// Creating, changing, scheduling or deleting: nothing else runs beside it.
    Write,
}

/// A linked account, ready to call.
pub(super) struct Account {
    service: GarminService,
    pub(super) link: GarminLink,
    tokens: Mutex<TokenSet>,
}

impl GarminService {
    /// The user's link, usable now: FAILED_PRECONDITION without one or when
    /// Garmin asked to sign in again, UNAVAILABLE during a cool-down.
    pub(super) async fn account(&self, user_id: Uuid) -> Result<Account> {
        let stored = garmin_accounts::find(self.context.db.reader(), user_id)
            .await?
            .ok_or(Error::refused(Reason::GarminNotConnected))?;
        let link = stored.link;
        if link.status == LinkStatus::NeedsRelogin {
            return Err(Error::refused(Reason::GarminNeedsRelogin));
        }
        let now = self.context.clock.now();
        if let Some(until) = link.rate_limited_until.filter(|until| *until > now) {
            return Err(cooling_down(until, now));
        }
        let tokens = open_tokens(self.sealer(), user_id, &stored.key_id, &stored.sealed_tokens)?;
        Ok(Account { service: self.clone(), link, tokens: Mutex::new(tokens) })
    }
}

impl Account {
    pub(super) fn client(&self) -> &GarminClient {
        &self.service.context.garmin
    }

    pub(super) fn user_id(&self) -> Uuid {
        self.link.user_id
    }

    /// Runs `call` with a fresh access token; on a 401, refreshes once and
    /// runs it once more. Failures are recorded on the link and come back as
    /// refusals with reasons.
    pub(super) async fn call<T, F, Fut>(&self, kind: CallKind, call: F) -> Result<T>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = GarminResult<T>>,
    {
        let locks = &self.service.locks;
        let _slot = match kind {
            CallKind::Read => locks.read(self.user_id()).await?,
            CallKind::Write => locks.write(self.user_id()).await?,
        };
        let token = self.access_token(false).await?;
        let outcome = match call(token).await {
            Err(GarminError::TokenNotActive) => {
                let token = self.access_token(true).await?;
                call(token).await
            }
            other => other,
        };
        match outcome {
            Ok(value) => Ok(value),
            Err(error) => Err(self.failed(error).await?),
        }
    }

    /// Garmin's JSON of the workout `garmin_id` now; None once Garmin no
    /// longer has it.
    pub(super) async fn workout(&self, garmin_id: i64) -> Result<Option<Vec<u8>>> {
        let client = self.client();
        self.call(CallKind::Read, |token| async move {
            match client.workout(&token, garmin_id).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(GarminError::NotFound) => Ok(None),
                Err(other) => Err(other),
            }
        })
        .await
    }

    /// Marks the link healthy after an operation that called Garmin
    /// successfully (one write per operation, not per call).
    pub(super) async fn succeeded(&self) -> Result<()> {
        let now = self.service.context.clock.now();
        let txn = self.service.context.db.begin().await?;
        garmin_accounts::record_success(&txn, self.user_id(), now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The current access token, refreshed first when it is about to
    /// expire or (`force`) Garmin just refused it.
    async fn access_token(&self, force: bool) -> Result<String> {
        let now = self.service.context.clock.now();
        let mut tokens = self.tokens.lock().await;
        if !force && !tokens.needs_refresh(now) {
            return Ok(tokens.access_token.clone());
        }
        let refresh = self.service.locks.refresh(self.user_id());
        let _single = refresh.lock().await;
        match self.refresh(&tokens, now).await? {
            Ok(fresh) => {
                *tokens = fresh;
                Ok(tokens.access_token.clone())
            }
            Err(error) => Err(self.failed(error).await?),
        }
    }

    /// Gets a fresh token set, unless another request or replica already
    /// stored a newer one than `ours`. The inner error is Garmin's, to be
    /// recorded on the link.
    async fn refresh(
        &self,
        ours: &TokenSet,
        now: DateTime<Utc>,
    ) -> Result<Result<TokenSet, GarminError>> {
        let context = &self.service.context;
        let user_id = self.user_id();
        let txn = context.db.begin().await?;
        let stored = garmin_accounts::find_for_update(&txn, user_id)
            .await?
            .ok_or(Error::refused(Reason::GarminNotConnected))?;
        let current =
            open_tokens(self.service.sealer(), user_id, &stored.key_id, &stored.sealed_tokens)?;
        let someone_refreshed = current.access_token != ours.access_token;
        if someone_refreshed && !current.needs_refresh(now) {
            txn.commit().await?;
            return Ok(Ok(current));
        }
        // On SQLite the transaction would hold the only writer for the
        // whole call to Garmin; one replica needs no row lock there.
        let txn = if context.db.locks_rows() {
            Some(txn)
        } else {
            txn.commit().await?;
            None
        };
        let fresh = match context.garmin.refresh(&current, now).await {
            Ok(fresh) => fresh,
            Err(error) => return Ok(Err(error)),
        };
        let sealed = seal_tokens(self.service.sealer(), user_id, &fresh)?;
        let txn = match txn {
            Some(txn) => txn,
            None => context.db.begin().await?,
        };
        garmin_accounts::store_tokens(&txn, user_id, &sealed.key_id, sealed.blob, now).await?;
        txn.commit().await?;
        tracing::info!(user_id = %user_id, "Garmin tokens refreshed");
        Ok(Ok(fresh))
    }

    /// Records what `error` means for the link and returns the refusal.
    async fn failed(&self, error: GarminError) -> Result<Error> {
        let context = &self.service.context;
        let now = context.clock.now();
        let failure = failures::link_failure(&error, self.link.rate_limit_strikes, now);
        let mut retry_after = None;
        if let Some(failure) = failure {
            if let Some((until, _)) = failure.cool_down {
                retry_after = Some(until - now);
            }
            let txn = context.db.begin().await?;
            garmin_accounts::record_failure(
                &txn,
                self.user_id(),
                failure.status,
                &failure.message,
                failure.cool_down,
                now,
            )
            .await?;
            // Told once, when the link stops working, not on every call.
            let made = if failure.status == LinkStatus::NeedsRelogin
                && self.link.status != LinkStatus::NeedsRelogin
            {
                let notice = NewNotification {
                    user_id: self.user_id(),
                    kind: NotificationKind::GarminAttention,
                    title: "Connect Garmin again".to_owned(),
                    body: "Garmin no longer accepts Baton's sign-in to your account, so imports \
                           and syncs stop until you connect it again."
                        .to_owned(),
                    share_id: None,
                    other_user_id: None,
                };
                Some(context.notifications.record(&txn, &[notice], now).await?)
            } else {
                None
            };
            txn.commit().await?;
            if let Some(made) = made {
                context.notifications.announce(made);
            }
        }
        Ok(failures::refusal(error, retry_after))
    }
}

/// UNAVAILABLE until the cool-down ends.
fn cooling_down(until: DateTime<Utc>, now: DateTime<Utc>) -> Error {
    Error::Refused { reason: Reason::GarminRateLimited, retry_after: (until - now).to_std().ok() }
}
