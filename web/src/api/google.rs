//! The browser's half of Google sign-in. Before leaving for Google the SPA
//! keeps a random secret in sessionStorage and sends its hash to
//! StartGoogleSignIn; the callback page sends the secret itself to the RPC
//! that finishes the flow, so a code carried to another browser is useless.
//! What the flow is for (sign in, accept an invite, link) waits in
//! sessionStorage too, and everything is removed once the flow is finished.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use baton_proto::auth::v1::{
    AcceptInviteRequest, FinishGoogleSignInRequest, GoogleAuthorization, GoogleSignInPurpose,
    LinkGoogleRequest, StartGoogleSignInRequest, accept_invite_request,
    finish_google_sign_in_response,
};
use sha2::{Digest, Sha256};
use web_sys::Storage;

use super::{Api, ApiError, Me, with_bearer};

const SECRET_KEY: &str = "baton.google.secret";
const PURPOSE_KEY: &str = "baton.google.purpose";
const INVITE_KEY: &str = "baton.google.invite";
const NAME_KEY: &str = "baton.google.display_name";
const TIMEZONE_KEY: &str = "baton.google.timezone";
const ALL_KEYS: [&str; 5] = [SECRET_KEY, PURPOSE_KEY, INVITE_KEY, NAME_KEY, TIMEZONE_KEY];

/// What a Google flow is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GoogleFlow {
    SignIn,
    /// Create the invited account with Google.
    AcceptInvite {
        invite_token: String,
        display_name: String,
        timezone: String,
    },
    /// Attach Google to the signed-in account.
    Link,
}

impl GoogleFlow {
    fn purpose_key(&self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::AcceptInvite { .. } => "accept_invite",
            Self::Link => "link",
        }
    }

    fn purpose(&self) -> GoogleSignInPurpose {
        match self {
            Self::SignIn => GoogleSignInPurpose::SignIn,
            Self::AcceptInvite { .. } => GoogleSignInPurpose::AcceptInvite,
            Self::Link => GoogleSignInPurpose::Link,
        }
    }
}

/// How a finished Google flow ended.
#[derive(Clone, Debug, PartialEq)]
pub enum GoogleOutcome {
    /// Signed in (SIGN_IN, or a new account from an invite).
    SignedIn(Me),
    /// Google is now attached to the signed-in account.
    Linked(Me),
}

impl Api {
    /// Starts a Google flow; returns Google's URL to send the browser to.
    pub async fn start_google(&self, flow: GoogleFlow) -> Result<String, ApiError> {
        let storage = session_storage()?;
        let secret = new_secret()?;
        let hash = binding_hash(&secret);
        for key in ALL_KEYS {
            let _ = storage.remove_item(key);
        }
        let store = |key: &str, value: &str| {
            storage.set_item(key, value).map_err(|_| {
                ApiError::Unexpected("this browser does not let Baton keep session data".into())
            })
        };
        store(SECRET_KEY, &secret)?;
        store(PURPOSE_KEY, flow.purpose_key())?;
        let invite_token = match &flow {
            GoogleFlow::AcceptInvite { invite_token, display_name, timezone } => {
                store(INVITE_KEY, invite_token)?;
                store(NAME_KEY, display_name)?;
                store(TIMEZONE_KEY, timezone)?;
                invite_token.clone()
            }
            GoogleFlow::SignIn | GoogleFlow::Link => String::new(),
        };
        let request = StartGoogleSignInRequest {
            purpose: flow.purpose() as i32,
            browser_binding_hash: hash,
            invite_token,
        };
        let response = match flow {
            GoogleFlow::Link => {
                self.authed(|bearer| {
                    let mut client = self.auth_client();
                    let request = request.clone();
                    async move { client.start_google_sign_in(with_bearer(request, &bearer)?).await }
                })
                .await?
            }
            GoogleFlow::AcceptInvite { .. } => self
                .auth_client()
                .start_google_sign_in(request)
                .await
                .map_err(|status| ApiError::from_invite_status(&status))?
                .into_inner(),
            GoogleFlow::SignIn => self
                .auth_client()
                .start_google_sign_in(request)
                .await
                .map_err(|status| ApiError::from_status(&status))?
                .into_inner(),
        };
        Ok(response.authorization_url)
    }

    /// Finishes the flow this browser started, with Google's `code` and
    /// `state`. The secret is removed whatever the outcome: it is single use.
    pub async fn finish_google(
        &self,
        code: String,
        state: String,
    ) -> Result<GoogleOutcome, ApiError> {
        let storage = session_storage()?;
        let take = |key: &str| {
            let value = storage.get_item(key).ok().flatten().unwrap_or_default();
            let _ = storage.remove_item(key);
            value
        };
        let secret = take(SECRET_KEY);
        let purpose = take(PURPOSE_KEY);
        let (invite_token, display_name, timezone) =
            (take(INVITE_KEY), take(NAME_KEY), take(TIMEZONE_KEY));
        if secret.is_empty() {
            return Err(ApiError::GoogleRefused);
        }
        let authorization = GoogleAuthorization { code, state, browser_binding_secret: secret };
        match purpose.as_str() {
            "sign_in" => {
                let response = self
                    .auth_client()
                    .finish_google_sign_in(FinishGoogleSignInRequest {
                        authorization: Some(authorization),
                    })
                    .await
                    .map_err(|status| ApiError::from_google_status(&status))?
                    .into_inner();
                match response.result {
                    Some(finish_google_sign_in_response::Result::Tokens(pair)) => {
                        self.adopt_locked(pair).await;
                        self.me().await.map(GoogleOutcome::SignedIn)
                    }
                    Some(finish_google_sign_in_response::Result::SecondFactor(_)) => {
                        Err(ApiError::SecondFactorRequired)
                    }
                    None => Err(ApiError::Unexpected("the server sent an empty answer".into())),
                }
            }
            "accept_invite" => {
                let request = AcceptInviteRequest {
                    invite_token,
                    method: Some(accept_invite_request::Method::Google(authorization)),
                    display_name,
                    timezone,
                };
                let response = self
                    .auth_client()
                    .accept_invite(request)
                    .await
                    .map_err(|status| ApiError::from_google_status(&status))?
                    .into_inner();
                let pair = response
                    .tokens
                    .ok_or_else(|| ApiError::Unexpected("the server sent no tokens".into()))?;
                self.adopt_locked(pair).await;
                self.me().await.map(GoogleOutcome::SignedIn)
            }
            "link" => {
                // Not `authed`: the pending flow is spent by the first call,
                // so UNAUTHENTICATED here is Google's answer, not a stale
                // access token worth a retry.
                let bearer = self.access_token().await?;
                let request = LinkGoogleRequest { authorization: Some(authorization) };
                let response = self
                    .auth_client()
                    .link_google(
                        with_bearer(request, &bearer).map_err(|s| ApiError::from_status(&s))?,
                    )
                    .await
                    .map_err(|status| ApiError::from_google_status(&status))?
                    .into_inner();
                response
                    .user
                    .map(|user| GoogleOutcome::Linked(user.into()))
                    .ok_or_else(|| ApiError::Unexpected("the server sent no user".into()))
            }
            _ => Err(ApiError::GoogleRefused),
        }
    }

    /// Forgets a flow that will not be finished (Google said no).
    pub fn abandon_google(&self) {
        if let Ok(storage) = session_storage() {
            for key in ALL_KEYS {
                let _ = storage.remove_item(key);
            }
        }
    }
}

/// base64url (no padding) of the SHA-256 of the secret as sent.
pub(crate) fn binding_hash(secret: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(secret.as_bytes()))
}

/// 32 bytes from the browser's CSPRNG, base64url.
fn new_secret() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    web_sys::window()
        .and_then(|window| window.crypto().ok())
        .and_then(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).ok())
        .ok_or_else(|| ApiError::Unexpected("this browser has no secure random numbers".into()))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn session_storage() -> Result<Storage, ApiError> {
    web_sys::window().and_then(|window| window.session_storage().ok().flatten()).ok_or_else(|| {
        ApiError::Unexpected("this browser does not let Baton keep session data".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binding_hash_is_base64url_sha256_without_padding() {
        // SHA-256("abc") = ba7816bf 8f01cfea ... f20015ad
        assert_eq!(binding_hash("abc"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
        assert!(!binding_hash("a secret").contains('='));
    }
}
