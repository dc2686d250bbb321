//! Linking a Garmin account, three ways in (GARMIN.md §0.1): a service
//! ticket from a sign-in in the user's own browser (or pasted), the Garmin
//! password on the server with MFA, or a token file. Every way ends the
//! same: the tokens verified against Garmin's profile, sealed, stored as
//! the user's one link. The password is never stored; a pending MFA
//! sign-in keeps only Garmin's session cookies, sealed.

use chrono::{DateTime, Duration, Utc};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use super::{GarminService, failures, open_sign_in, seal_sign_in, seal_tokens};
use crate::{
    domain::{AuditEvent, ClientInfo, ConnectMethod, GarminLink},
    error::{Error, Reason, Result},
    garmin::{SignIn, Ticket, TokenSet},
    service::Caller,
    store::{audit, garmin_accounts, garmin_accounts::NewLink, garmin_sign_ins},
};

/// How long a password sign-in waits for its MFA code.
const MFA_WINDOW: Duration = Duration::minutes(10);

/// Where a ticket came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketOrigin {
    /// Garmin's sign-in widget handed it to the SPA.
    Browser,
    /// The user pasted it (or the URL carrying it).
    Pasted,
}

/// A password sign-in waiting for the MFA code.
#[derive(Debug, Clone)]
pub struct PendingMfa {
    pub id: Uuid,
    /// Where Garmin sent the code ("email", "phone").
    pub delivery_method: String,
    pub expires_at: DateTime<Utc>,
}

/// What a password sign-in got to.
#[derive(Debug)]
pub enum PasswordConnect {
    Linked(GarminLink),
    MfaRequired(PendingMfa),
}

impl GarminService {
    /// Links with a service ticket from a sign-in at Garmin. `ticket` is
    /// the ticket with the service URL it was issued for (already parsed).
    pub async fn connect_with_ticket(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        ticket: Ticket,
        origin: TicketOrigin,
    ) -> Result<GarminLink> {
        self.context.throttle.check_address(client.address)?;
        let now = self.context.clock.now();
        let tokens = self
            .context
            .garmin
            .exchange_ticket(&ticket.ticket, &ticket.service_url, now)
            .await
            .map_err(|error| failures::refusal(error, None))?;
        let method = match origin {
            TicketOrigin::Browser => ConnectMethod::Browser,
            TicketOrigin::Pasted => ConnectMethod::Ticket,
        };
        self.link(caller, client, method, tokens).await
    }

    /// Signs in at Garmin with the email and password (used for this call
    /// only): linked, or waiting for the MFA code.
    pub async fn connect_with_password(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        email: &str,
        password: SecretString,
    ) -> Result<PasswordConnect> {
        self.context.throttle.check_address(client.address)?;
        let signed_in = self
            .context
            .garmin
            .sign_in(email, password.expose_secret())
            .await
            .map_err(|error| failures::refusal(error, None))?;
        match signed_in {
            SignIn::Done(ticket) => {
                let link = self.redeem(caller, client, ConnectMethod::Password, &ticket).await?;
                Ok(PasswordConnect::Linked(link))
            }
            SignIn::MfaRequired(pending) => {
                let now = self.context.clock.now();
                let id = Uuid::new_v4();
                let sealed = seal_sign_in(self.sealer(), caller.user_id, id, &pending)?;
                let expires_at = now + MFA_WINDOW;
                let txn = self.context.db.begin().await?;
                garmin_sign_ins::insert(
                    &txn,
                    garmin_sign_ins::NewPending {
                        id,
                        user_id: caller.user_id,
                        key_id: &sealed.key_id,
                        sealed_state: sealed.blob,
                        mfa_method: &pending.mfa_method,
                        now,
                        expires_at,
                    },
                )
                .await?;
                txn.commit().await?;
                Ok(PasswordConnect::MfaRequired(PendingMfa {
                    id,
                    delivery_method: pending.mfa_method,
                    expires_at,
                }))
            }
        }
    }

    /// Finishes a password sign-in with the MFA code. A wrong code leaves
    /// the pending sign-in usable until it expires.
    pub async fn submit_mfa_code(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        pending_id: Uuid,
        code: &str,
    ) -> Result<GarminLink> {
        self.context.throttle.check_address(client.address)?;
        let now = self.context.clock.now();
        let row =
            garmin_sign_ins::find_usable(self.context.db.reader(), pending_id, caller.user_id, now)
                .await?
                .ok_or(Error::refused(Reason::GarminPendingLoginUnusable))?;
        let mut pending =
            open_sign_in(self.sealer(), caller.user_id, row.id, &row.key_id, &row.sealed_state)?;
        let submitted = self.context.garmin.submit_mfa(&mut pending, code).await;
        let ticket = match submitted {
            Ok(ticket) => ticket,
            Err(error) => {
                // Keep the session's newest cookies for the next try.
                let sealed = seal_sign_in(self.sealer(), caller.user_id, row.id, &pending)?;
                let txn = self.context.db.begin().await?;
                garmin_sign_ins::update_state(&txn, row.id, &sealed.key_id, sealed.blob).await?;
                txn.commit().await?;
                return Err(failures::refusal(error, None));
            }
        };
        let txn = self.context.db.begin().await?;
        let used = garmin_sign_ins::consume(&txn, row.id, now).await?;
        txn.commit().await?;
        if !used {
            return Err(Error::refused(Reason::GarminPendingLoginUnusable));
        }
        self.redeem(caller, client, ConnectMethod::Password, &ticket).await
    }

    /// Links with a python-garminconnect token file, verified first.
    pub async fn import_tokens(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        tokens: TokenSet,
    ) -> Result<GarminLink> {
        let now = self.context.clock.now();
        // An expired access token is refreshed before it is tried.
        let tokens = if tokens.needs_refresh(now) {
            self.context.garmin.refresh(&tokens, now).await.map_err(|error| match error {
                crate::garmin::GarminError::TokensRejected(_) => {
                    Error::refused(Reason::GarminTokensRejected)
                }
                other => failures::refusal(other, None),
            })?
        } else {
            tokens
        };
        self.link(caller, client, ConnectMethod::TokenFile, tokens).await.map_err(|error| {
            match error.reason() {
                Some(Reason::GarminNeedsRelogin) => Error::refused(Reason::GarminTokensRejected),
                _ => error,
            }
        })
    }

    async fn redeem(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        method: ConnectMethod,
        ticket: &Ticket,
    ) -> Result<GarminLink> {
        let now = self.context.clock.now();
        let tokens = self
            .context
            .garmin
            .exchange_ticket(&ticket.ticket, &ticket.service_url, now)
            .await
            .map_err(|error| failures::refusal(error, None))?;
        self.link(caller, client, method, tokens).await
    }

    /// Verifies `tokens` against Garmin's profile (GARMIN.md §2.4.5), then
    /// stores them sealed as the user's one link, replacing any other.
    async fn link(
        &self,
        caller: &Caller,
        client: &ClientInfo,
        method: ConnectMethod,
        tokens: TokenSet,
    ) -> Result<GarminLink> {
        let profile = self
            .context
            .garmin
            .profile(&tokens.access_token)
            .await
            .map_err(|error| failures::refusal(error, None))?;
        let now = self.context.clock.now();
        let sealed = seal_tokens(self.sealer(), caller.user_id, &tokens)?;
        let txn = self.context.db.begin().await?;
        garmin_accounts::connect(
            &txn,
            NewLink {
                user_id: caller.user_id,
                method,
                key_id: &sealed.key_id,
                sealed_tokens: sealed.blob,
                garmin_profile_id: profile.profile_id,
                display_name: profile.display_name.as_deref(),
                full_name: profile.full_name.as_deref(),
                now,
            },
        )
        .await?;
        let connected = AuditEvent::new("auth.garmin_connected", now)
            .by_self(caller.user_id)
            .summary(format!("Garmin Connect linked ({})", method.as_str().replace('_', " ")))
            .client(client);
        audit::record(&txn, connected).await?;
        let stored = garmin_accounts::find(&txn, caller.user_id)
            .await?
            .ok_or_else(|| Error::Internal("a stored Garmin link vanished".into()))?;
        txn.commit().await?;
        tracing::info!(user_id = %caller.user_id, method = method.as_str(), "Garmin linked");
        Ok(stored.link)
    }
}
