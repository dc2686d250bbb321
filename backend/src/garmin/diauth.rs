//! The DI OAuth2 token endpoint (GARMIN.md §2.4.2, §2.4.3): a service
//! ticket exchanged once for tokens, and refreshes with the client id the
//! tokens were issued to. Refresh tokens rotate: the caller stores every
//! new set it gets back.

use base64::{Engine, engine::general_purpose::STANDARD};
use chrono::{DateTime, Utc};
use reqwest::{StatusCode, header};

use super::{
    client::{DI_CLIENT_ID, GarminClient, NATIVE_HEADERS, TICKET_GRANT},
    error::{GarminError, GarminResult},
    http::Answer,
    tokens::TokenSet,
    transport::SignInRequest,
};

const TOKEN_PATH: &str = "/di-oauth2-service/oauth/token";

impl GarminClient {
    /// Redeems a service ticket, once, for the service URL it was issued
    /// for. A ticket is single-use and a failed exchange may burn it, so
    /// there is no second attempt with another client id.
    pub async fn exchange_ticket(
        &self,
        ticket: &str,
        service_url: &str,
        now: DateTime<Utc>,
    ) -> GarminResult<TokenSet> {
        let form = [
            ("client_id", DI_CLIENT_ID),
            ("service_ticket", ticket),
            ("grant_type", TICKET_GRANT),
            ("service_url", service_url),
        ];
        let answer = self.token_call(DI_CLIENT_ID, &form).await?;
        match answer.status {
            status if status.is_success() => {
                TokenSet::from_token_response(&answer.body, DI_CLIENT_ID, None, now)
            }
            StatusCode::TOO_MANY_REQUESTS => {
                Err(GarminError::RateLimited { retry_after: answer.retry_after })
            }
            _ if answer.from_cloudflare => {
                Err(GarminError::RateLimited { retry_after: answer.retry_after })
            }
            status if status.is_client_error() => Err(GarminError::TicketRejected),
            status => Err(GarminError::Unavailable(format!(
                "Garmin's token endpoint answered HTTP {}",
                status.as_u16()
            ))),
        }
    }

    /// A fresh token set for `tokens`, with the client id they were issued
    /// to (refresh tokens are bound to it).
    pub async fn refresh(&self, tokens: &TokenSet, now: DateTime<Utc>) -> GarminResult<TokenSet> {
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", tokens.client_id.as_str()),
            ("refresh_token", tokens.refresh_token.as_str()),
        ];
        let answer = self.token_call(&tokens.client_id, &form).await?;
        match answer.status {
            status if status.is_success() => TokenSet::from_token_response(
                &answer.body,
                &tokens.client_id,
                Some(&tokens.refresh_token),
                now,
            ),
            StatusCode::TOO_MANY_REQUESTS => {
                Err(GarminError::RateLimited { retry_after: answer.retry_after })
            }
            _ if answer.from_cloudflare => {
                Err(GarminError::RateLimited { retry_after: answer.retry_after })
            }
            status if status.is_client_error() => Err(GarminError::TokensRejected(format!(
                "the refresh was refused (HTTP {})",
                status.as_u16()
            ))),
            status => Err(GarminError::Unavailable(format!(
                "Garmin's token endpoint answered HTTP {}",
                status.as_u16()
            ))),
        }
    }

    /// A call of the token endpoint with the Android app's headers
    /// (GARMIN.md §2.4.2): the native set, then the client id with an empty
    /// secret, `Accept`, `Cache-Control` and the form's `Content-Type`.
    async fn token_call(&self, client_id: &str, form: &[(&str, &str)]) -> GarminResult<Answer> {
        let url = Self::url(&self.config.diauth_url, TOKEN_PATH)?;
        let basic = STANDARD.encode(format!("{client_id}:"));
        let request = NATIVE_HEADERS
            .iter()
            .fold(SignInRequest::post(url, self.config.auth_timeout), |request, (name, value)| {
                request.header(name.clone(), *value)
            })
            .header(header::AUTHORIZATION, format!("Basic {basic}"))
            .header(header::ACCEPT, "application/json,text/html;q=0.9,*/*;q=0.8")
            .header(header::CACHE_CONTROL, "no-cache")
            .form(form);
        self.sign_in.send(request).await
    }
}
